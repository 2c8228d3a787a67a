-- test_format.lua -- kessan.format, the one display formatter for scripts:
-- what it gives a number is what every text table prints for it (a
-- series' tostring, a comparison's cell in the row's unit, a model's
-- tostring), over random figures of every size and sign; a unit's style
-- (a ratio a percentage, an amount in thousands whole), explicit decimals
-- and percent; and bad arguments and options raise.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local function words(line)
  local list = {}
  for word in line:gmatch("%S+") do list[#list + 1] = word end
  return list
end

local m = assert(kessan.open("tests/data/tiny"))
math.randomseed(20261207)
local periods = m:periods()
for round = 1, 20 do
  -- a detached series of random figures: its tostring against kessan.format
  local figures = m["rev.a"]:detach()
  local values = {}
  for i = 1, #periods do
    local magnitude = 10 ^ math.random(-8, 16)
    values[i] = (math.random() - 0.5) * magnitude
    figures[i] = values[i]
  end
  local row = 0
  for line in tostring(figures):gmatch("[^\n]+") do
    row = row + 1
    if row > 2 then
      local fields = words(line)
      check.eq(fields[2], kessan.format(values[row - 2]),
               "round " .. round .. ": the series prints " .. string.format("%.17g", values[row - 2]))
    end
  end
  check.eq(row, 2 + #periods, "every period printed")
end

-- a comparison prints each cell in its row's unit, as kessan.format does
local low = m:scenario("low")
low:set("cost.total", "3Q02", 250)
local c = kessan.compare{ m, low, items = { "op_margin", "cost.total" }, periods = { "3Q02" } }
local lines = {}
for line in tostring(c):gmatch("[^\n]+") do lines[#lines + 1] = words(line) end
local margin, low_margin = m:get("op_margin@3Q02"), low:get("op_margin@3Q02")
check.eq(lines[3][2], kessan.format(margin, "ratio"), "a ratio cell")
check.eq(lines[3][3], kessan.format(low_margin, "ratio"), "the scenario's ratio")
check.eq(lines[3][4], kessan.format(low_margin - margin, "ratio"), "the ratio's difference")
check.eq(lines[4][4], kessan.format(70, "JPY thousands"), "an amount's difference")
-- the model's tostring: op_margin in its unit
local model_lines = {}
for line in tostring(m):gmatch("[^\n]+") do model_lines[#model_lines + 1] = words(line) end
for _, fields in ipairs(model_lines) do
  if fields[1] == "op_margin" then
    check.eq(fields[4], kessan.format(m:get("op_margin@3Q02"), "ratio"), "the model's ratio")
  end
end

-- styles
check.eq(kessan.format(-0.0536, "ratio"), "(5.4%)", "a ratio")
check.eq(kessan.format(-566520.4, "JPY thousands"), "(566,520)", "an amount in thousands")
check.eq(kessan.format(7770080.3), "7,770,080.3", "automatic: two decimals at most")
check.eq(kessan.format(1234.5, { decimals = 2 }), "1,234.50", "decimals")
check.eq(kessan.format(0.322, { percent = true }), "32.2%", "percent")
check.eq(kessan.format(0.322, { percent = true, decimals = 0 }), "32%", "percent, no decimals")
check.eq(kessan.format(12.25, { unit = "JPY", decimals = 1 }), "12.3", "a unit and decimals")
check.eq(kessan.format(0 / 0), "-", "not a number")
check.eq(kessan.format(math.huge), "-", "infinity")
-- bad arguments
check.raises("number expected, got string", kessan.format, "x")
check.raises("unknown option 'decimal' (did you mean 'decimals'?)", kessan.format, 1,
             { decimal = 2 })
check.raises("field 'decimals': 0 to 12 expected", kessan.format, 1, { decimals = 13 })
check.raises("field 'decimals': 0 to 12 expected", kessan.format, 1, { decimals = -1 })
check.raises("field 'decimals': 0 to 12 expected", kessan.format, 1, { decimals = 1.5 })
check.raises("table expected, got boolean", kessan.format, 1, true)
low:close()
m:close()
print("test_format: ok")
