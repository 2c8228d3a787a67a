-- test_saved_scenarios.lua -- scenarios saved in a model, from Lua and the
-- command line: m:scenarios(), m:scenario(name) starting from the saved
-- overrides (a copy), s:save(), m:export(path, {scenario = true}) opened
-- and imported again with every cell of every scenario the same bit for
-- bit, `kessan export MODEL --scenario S` and its error for an unknown S.
-- The kessan program is found in `arg` (the host puts it before "run").
package.path = "tests/lua/?.lua;" .. package.path
local kessan = require "kessan"
local check = require "check"

local DIR = "tests/data/scenarios"

-- ---- reading and copies ----------------------------------------------------
local m = assert(kessan.open(DIR))
local names = m:scenarios()
check.eq(#names, 2, "saved scenarios")
check.eq(names[1], "low", "first saved")
check.eq(names[2], "high", "second saved")

local low = m:scenario("low")
check.eq(low:get("rev.a@3Q02"), 150, "low's saved rev.a@3Q02 (values.csv)")
check.eq(m:get("rev.a@3Q02"), 160, "the base's rev.a@3Q02 (values.csv)")
check.eq(low:explain("rev.a@3Q02").provenance, "overridden", "provenance")
check.eq(low:get("rev.a@FY02"), low:get("rev.a@9M02") + 155, "flows into FY")
check.eq(low:scenarios()[2], "high", "a scenario lists its model's")

low:set("rev.a@3Q02", 1)
check.eq(m:scenario("low"):get("rev.a@3Q02"), 150, "a handle is a copy")

-- ---- saving ----------------------------------------------------------------
low:save()
check.eq(m:scenario("low"):get("rev.a@3Q02"), 1, "saved")
check.eq(m:get("rev.a@3Q02"), 160, "the base is unchanged by a save")
local mid = m:scenario("mid")
mid:set("rev.b@4Q02", 0.1 + 0.2)
mid:save()
check.eq(table.concat(m:scenarios(), ","), "low,high,mid", "a new name")
check.raises("only a scenario can be saved", function() m:save() end)
check.raises("'base'", function() m:scenario("base"):save() end)

-- ---- round trip ------------------------------------------------------------
local function bits(value) return value and string.pack("<d", value) or "nil" end

local function same_cells(a, b, what)
  for _, id in ipairs(a:items()) do
    for _, period in ipairs(a:periods()) do
      local x, y = a:get(id, period), b:get(id, period)
      if bits(x) ~= bits(y) then
        error(string.format("%s: %s@%s: %s ~= %s", what, id, period,
                            tostring(x), tostring(y)), 2)
      end
    end
  end
end

local function same_scenarios(a, b)
  same_cells(a, b, "base")
  check.eq(table.concat(b:scenarios(), ","), table.concat(a:scenarios(), ","),
           "the saved names")
  for _, name in ipairs(a:scenarios()) do
    same_cells(a:scenario(name), b:scenario(name), name)
  end
end

-- a scratch model directory: the fixture's chart and settings
local function scratch()
  local directory = check.tmpname(".d")
  assert(os.execute("mkdir -p '" .. directory .. "'"))
  for _, file in ipairs{"items.csv", "settings.csv"} do
    local from = assert(io.open(DIR .. "/" .. file, "rb"))
    local to = assert(io.open(directory .. "/" .. file, "wb"))
    to:write(from:read("a"))
    from:close()
    to:close()
  end
  return directory
end

-- the inputs (the default) give back the scenarios, opened as a model
-- directory or imported into the blank chart
do
  local directory = scratch()
  assert(m:export(directory .. "/values.csv", {scenario = true}))
  local again = assert(kessan.open(directory))
  same_scenarios(m, again)
  local blank = assert(kessan.open(scratch()))
  assert(blank:import(directory .. "/values.csv", {reported = true}))
  same_scenarios(m, blank)
  os.execute("rm -r '" .. directory .. "'")
end

-- a scenario's own override equal to the base's figure is still its own:
-- exported, and after import it stays when the base's figure changes
do
  local base = assert(kessan.open(DIR))
  base:set("rev.a@3Q02", 500)
  local same = base:scenario("same")
  same:set("rev.a@3Q02", 500)
  same:save()
  local path = check.tmpname(".csv")
  assert(base:export(path, {scenario = true}))
  assert(check.read(path):find("\nrev.a,3Q02,500,same\n", 1, true),
         "the scenario's own 500 is written")
  local again = assert(kessan.open(scratch()))
  assert(again:import(path))
  again:set("rev.a@3Q02", 600)
  check.eq(again:scenario("same"):get("rev.a@3Q02"), 500,
           "the scenario keeps its own figure")
end

-- every cell is a report, not a model: importing it is refused at the
-- first computed cell, and changes nothing
do
  local all = check.tmpname(".csv")
  assert(m:export(all, {cells = "all"}))
  local blank = assert(kessan.open(scratch()))
  local ok, why = blank:import(all)
  check.eq(ok, nil, "an every-cell file is refused")
  assert(why:find("is computed", 1, true) and why:find("override", 1, true),
         why)
  check.eq(blank:get("rev.a@3Q02"), nil, "nothing imported")
  -- with override the computed cells become inputs, frozen as exported
  assert(blank:import(all, {override = true}))
  local total = m:get("rev.total@3Q02")
  check.eq(blank:get("rev.total@3Q02"), total, "override imports totals")
  blank:set("rev.a@3Q02", blank:get("rev.a@3Q02") + 1)
  check.eq(blank:get("rev.total@3Q02"), total, "an overridden total is an input")
  check.raises("field 'cells': 'inputs' or 'all' expected, got 'every'",
               m.export, m, all, {cells = "every"})
  check.raises("fields 'cells' and 'inputs_only' disagree",
               m.export, m, all, {cells = "all", inputs_only = true})
end

-- a failed import changes nothing, saved scenarios included
local bad = check.tmpname(".csv")
local f = assert(io.open(bad, "wb"))
f:write("item,period,value,scenario\nrev.a,3Q02,5,low\nrev.a,4Q02,x,high\n")
f:close()
local ok, why = m:import(bad)
check.eq(ok, nil, "a bad import fails")
assert(why:find(":3:12: expected a number", 1, true), why)
check.eq(m:scenario("low"):get("rev.a@3Q02"), 1, "low as it was")

-- ---- the command line ------------------------------------------------------
local program = arg[-1] == "run" and arg[-2]
if program then
  local fixture = assert(kessan.open(DIR))
  local high = fixture:scenario("high")
  local code, out, err = check.run(program,
                                   "export " .. DIR .. " --scenario high --all")
  check.eq(code, 0, "export --scenario exit: " .. err)
  local rows = 0
  for line in out:gmatch("[^\n]+") do
    rows = rows + 1
    if rows == 1 then
      check.eq(line, "item,period,value,scenario", "header")
    else
      local id, period, value, name = line:match("^([^,]*),([^,]*),([^,]*),(.*)$")
      check.eq(name, "high", "scenario column")
      check.eq(bits(tonumber(value)), bits(high:get(id, period)),
               id .. "@" .. period .. " at full precision")
    end
  end
  check.eq(rows - 1, #fixture:items() * #fixture:periods(), "every cell")

  code, out, err = check.run(program, "export " .. DIR .. " --scenario lo")
  check.eq(code, 1, "unknown scenario exit")
  check.eq(out, "", "nothing written")
  check.eq(err, "kessan: " .. DIR .. ": no scenario 'lo' (did you mean 'low'?)\n",
           "unknown scenario message")
end

check.cleanup()
print("test_saved_scenarios: ok")
