-- every chart, r:score, r:sensitivity and m:show while finalizers queued
-- to run in the middle of the call close the model and the scenario
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
collectgarbage("incremental", 10, 1000, 1)
for round = 1, 6 do
  local m = assert(kessan.open("tiny"))
  local s = m:scenario("x")
  s:set("rev.a@3Q02", 150)
  local r = m:simulate{trials = 300, seed = round, progress = false, keep = true,
                       draws = {["rev.a@3Q02"] = kessan.normal(160, 5),
                                ["rev.b@3Q02"] = kessan.uniform(70, 90)},
                       outputs = {"op_income@3Q02", "rev.total@3Q02"}}
  local g = s:datatable{rows = {"rev.a@3Q02", {1, 2, 3}}, out = "op_income@3Q02"}
  local arm = H.armer(m, s)
  local calls = {
    function() return kessan.chart.bars{scenarios = {m, s}, cells = {"rev.a@3Q02", "op_income@3Q02"}} end,
    function() return kessan.chart.waterfall{model = s, from = "op_income@2Q02", to = "op_income@3Q02", depth = 3} end,
    function() return kessan.chart.fan{model = m, item = "rev.total", periods = {"1Q02", "2Q02", "3Q02"}, scenarios = {s, m, s}, forecast = {"3Q02"}} end,
    function() return kessan.chart.fan{model = m, item = "rev.total", periods = {"2Q02", "3Q02"}, result = r} end,
    function() return kessan.chart.heatmap{grid = g} end,
    function() return r:chart("op_income@3Q02", nil, {model = m}) end,
    function() return r:score(s, {low = s, high = m}) end,
    function() return r:score({["op_income@3Q02"] = 60}, {model = m}) end,
    function() return r:sensitivity("op_income@3Q02") end,
    function() return kessan.chart.tornado{bars = r:sensitivity("rev.total@3Q02"), model = m} end,
    function() return m:show("is", {format = "json"}) end,
    function() return s:show("is", {format = "csv"}) end,
    function() return m:extend{last_year = "FY2004"} end,
  }
  for _, call in ipairs(calls) do
    arm(round * 3)
    pcall(call)
  end
  pcall(r.close, r)
end
collectgarbage()
