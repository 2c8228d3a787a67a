-- test_promise_whatif_fresh.lua -- docs/whatif.md: "Every evaluation
-- sets an input cell and reads an output cell; on a scenario only the
-- dependents of what changed are recalculated" and "data tables and
-- tornadoes never do [change the scenario]", tried on the IIJ model with
-- random two-way data tables and tornadoes (random input cells, reported
-- or computed, quarters of any year; values that are 0, negative, huge,
-- subnormal; outputs of every kind, halves and years among them) on a
-- scenario with overrides of its own: every point equals the output read
-- from a fresh scenario with the same overrides and the two inputs set,
-- bit for bit (no number where it has none, g.why saying so), and
-- afterwards every cell of the scenario reads as before.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"
local bits = require("promise").bits

local m = assert(kessan.open("data/iij"))
local items, periods = m:items(), m:periods()
local VALUES = { 0, -1, 1e-300, 5e-324, 1e15, -2.5e6, 0.05, 123456.789 }

math.randomseed(20261207)
local function any_cell()
  return items[math.random(#items)] .. "@" .. periods[math.random(#periods)]
end
local function input_cell()
  -- a quarter: what a data table varies
  while true do
    local period = periods[math.random(#periods)]
    if period:find("^%dQ") then return items[math.random(#items)] .. "@" .. period end
  end
end
local function some_values(cell, base)
  local values = {}
  for i = 1, math.random(2, 4) do
    values[i] = math.random(2) == 1 and VALUES[math.random(#VALUES)]
                or (base or 1) * (0.5 + math.random())
  end
  return values
end

local overrides = {}
for _ = 1, 6 do overrides[input_cell()] = (math.random() - 0.3) * 1e6 end
local function scenario()
  local s = m:scenario("what-if")
  for cell, v in pairs(overrides) do s:set(cell, v) end
  return s
end

local function picture(s)
  local out = {}
  for _, id in ipairs(items) do
    for _, period in ipairs(periods) do out[#out + 1] = bits(s:get(id, period)) end
  end
  return table.concat(out, " ")
end

local s = scenario()
local before = picture(s)
local points = 0
for table_number = 1, 16 do
  local row_cell, col_cell = input_cell(), input_cell()
  while col_cell == row_cell do col_cell = input_cell() end
  local outputs = {}
  for k = 1, math.random(1, 3) do outputs[k] = any_cell() end
  local rows = some_values(row_cell, s:get(row_cell))
  local cols = some_values(col_cell, s:get(col_cell))
  local ok, g = pcall(s.datatable, s, { rows = { row_cell, rows }, cols = { col_cell, cols }, out = outputs })
  local what = string.format("table %d: %s x %s -> %s", table_number, row_cell, col_cell,
                             table.concat(outputs, ", "))
  if ok then
    for k, out in ipairs(outputs) do
      local t = g:out(k)
      for i, r in ipairs(rows) do
        for j, c in ipairs(cols) do
          local fresh = scenario()
          fresh:set(row_cell, r)
          fresh:set(col_cell, c)
          local want = fresh:get(out)
          fresh:close()
          check.eq(bits(t[i][j]), bits(want), string.format("%s: %s at %.17g, %.17g", what, out, r, c))
          if want == nil then
            check.eq(type(g.why[out]), "string", what .. ": g.why says why " .. out .. " has no number")
          end
          points = points + 1
        end
      end
    end
  end
  check.eq(picture(s), before, what .. ": the data table changed the scenario")
end
check.eq(points > 250, true, "only " .. points .. " points compared")

-- tornadoes: each input alone at its low and high, the others as they are
local sides = 0
for tornado_number = 1, 10 do
  local out = any_cell()
  while s:get(out) == nil do out = any_cell() end   -- an output with a number
  local inputs = {}
  for k = 1, math.random(2, 5) do
    local cell = input_cell()
    while s:get(cell) == nil do cell = input_cell() end  -- a tornado swings figures
    local lo, hi = VALUES[math.random(#VALUES)], VALUES[math.random(#VALUES)]
    inputs[k] = { cell, lo, hi }
  end
  local ok, bars = pcall(s.tornado, s, { out = out, inputs = inputs })
  if ok then
    for _, bar in ipairs(bars) do
      for _, side in ipairs{ { bar.low, bar.out_low }, { bar.high, bar.out_high } } do
        local fresh = scenario()
        fresh:set(bar.input, side[1])
        check.eq(bits(side[2]), bits(fresh:get(out)),
                 string.format("tornado %d: %s with %s at %.17g", tornado_number, out, bar.input, side[1]))
        fresh:close()
        sides = sides + 1
      end
    end
  end
  check.eq(picture(s), before, "tornado " .. tornado_number .. ": changed the scenario")
end

check.eq(sides > 20, true, "only " .. sides .. " tornado sides compared")
check.cleanup()
print("ok", points, sides)
