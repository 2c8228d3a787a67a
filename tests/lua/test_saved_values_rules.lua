-- test_saved_values_rules.lua -- a values file with a scenario column is
-- read by the rules of every values file (csv_import.c's, io/number.h):
-- header names in any case, named columns of one's own skipped (a label,
-- a comment, the labels export --excel writes), a near miss of a real
-- column refused with a suggestion, a column with no name refused, and a
-- number refused with the same reason a plain values file gives (a
-- spreadsheet's error value, beyond a double either way); a refused file
-- changes nothing.  And a model with saved scenarios exported for Excel
-- (byte order mark, CRLF, label columns) imports back to the same
-- scenarios, every cell alike.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local MODEL = "tests/data/scenarios"

local function every_cell_alike(a, b, what)
  for _, id in ipairs(a:items()) do
    for _, period in ipairs(a:periods()) do
      local x, y = a:get(id, period), b:get(id, period)
      check.eq(y, x, what .. ": " .. id .. "@" .. period)
    end
  end
end

-- ---- export for Excel, with the saved scenarios, and back ------------------------
local m = assert(kessan.open(MODEL))
local path = check.tmpname(".csv")
assert(m:export(path, { scenario = true, excel = true }))
check.eq(check.read(path):sub(1, 3), "\239\187\191", "a byte order mark")
local back = assert(kessan.open(MODEL))
-- change the copy's saved scenarios first, so that the import must set them
local changed = back:scenario("low")
changed:set("rev.a@4Q02", 1)
changed:save()
changed:close()
assert(back:import(path))
for _, name in ipairs(m:scenarios()) do
  local original, imported = m:scenario(name), back:scenario(name)
  every_cell_alike(original, imported, "scenario " .. name .. " after import")
  original:close()
  imported:close()
end
every_cell_alike(m, back, "the model after import")
back:close()

-- ---- headers as people write them -------------------------------------------------------
local function import_text(text)
  local file = check.tmpname(".csv")
  check.write(file, text)
  local model = assert(kessan.open(MODEL))
  local ok, message = model:import(file)
  return model, ok, message, file
end

local model, ok, message = import_text("Item,PERIOD,Value,Scenario,comment,label_ja\n"
                                       .. "rev.a,4Q02,171,low,my guess,製品\n")
check.eq(ok, true, "any case, columns of one's own: " .. tostring(message))
local low = model:scenario("low")
check.eq(low:get("rev.a@4Q02"), 171, "the scenario's value from a header in any case")
low:close()
model:close()

-- ---- refusals: the plain reader's reasons, nothing changed ------------------------------
local function refused(header, value, expected)
  local text = header .. "\nrev.a,4Q02," .. value .. ",low\n"
  local model_s, ok_s, message_s = import_text(text)
  check.eq(ok_s, nil, "refused: " .. text)
  assert(message_s:find(expected, 1, true), "'" .. expected .. "' in: " .. message_s)
  local scenario = model_s:scenario("low")
  local original = m:scenario("low")
  check.eq(scenario:get("rev.a@4Q02"), original:get("rev.a@4Q02"),
           "a refused file changes nothing: " .. text)
  scenario:close()
  original:close()
  model_s:close()
  return message_s
end

for _, bad in ipairs{ "1e-400", "1e400", "-1e999", "#DIV/0!", "#VALUE!", "#REF!" } do
  local message_s = refused("item,period,value,scenario", bad, "'" .. bad .. "'")
  -- the plain values file gives the same reason for the same text
  local _, ok_p, message_p = import_text("item,period,value\nrev.a,4Q02," .. bad .. "\n")
  check.eq(ok_p, nil, "a plain file refuses " .. bad)
  check.eq(message_s:match("'[^']*' (.*)$"), message_p:match("'[^']*' (.*)$"),
           "the same reason for " .. bad)
end
refused("item,period,valeu,value,scenario", "1", "unknown column 'valeu' (did you mean 'value'?)")
refused("item,period,value,scenario,", "1", "a column with no name")
refused("item,period,value,Value,scenario", "1", "second column 'Value'")
refused("item,period,value,scenario,scenaro", "1", "unknown column 'scenaro' (did you mean 'scenario'?)")

m:close()
check.cleanup()
print("test_saved_values_rules: ok")
