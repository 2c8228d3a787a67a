-- chart options (and the lists inside them) whose __index, __len and
-- __pairs close the model and the scenario they draw and collect: the
-- chart is drawn from the pinned model or refused, never a crash
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local function fresh()
  local m = assert(kessan.open("tiny"))
  local s = m:scenario("x")
  s:set("rev.a@3Q02", 1)
  return m, s
end
local m, s = fresh()
pcall(kessan.chart.bars, H.proxy({scenarios = {m, s}, cells = {"rev.a@3Q02"}}, H.closer(m, s)))
m, s = fresh()
pcall(kessan.chart.bars, {scenarios = H.proxy({m, s}, H.closer(m, s)),
                          cells = H.proxy({"rev.a@3Q02", "op_income@3Q02"}, H.closer(m, s))})
m, s = fresh()
pcall(kessan.chart.waterfall, H.proxy({model = s, from = "op_income@2Q02", to = "op_income@3Q02"}, H.closer(m, s)))
m, s = fresh()
pcall(kessan.chart.fan, {model = m, item = "rev.total",
  periods = H.proxy({"1Q02", "2Q02", "3Q02"}, H.closer(m, s)),
  scenarios = H.proxy({s, m, s}, H.closer(m, s)), forecast = H.proxy({"3Q02"}, H.closer(m, s))})
m, s = fresh()
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, cols = {"rev.b@3Q02", {1, 2}}, out = "op_income@3Q02"}
pcall(kessan.chart.heatmap, H.proxy({grid = g, title = "t"}, H.closer(m, s)))
g = nil
m, s = fresh()
local r = m:simulate{trials = 100, seed = 1, progress = false, keep = true,
                     draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                     outputs = {"op_income@3Q02"}}
pcall(r.chart, r, "op_income@3Q02", nil, H.proxy({model = m, bins = 10, band = {1, 2}}, H.closer(m, s)))
pcall(kessan.chart.distribution, H.proxy({result = r, cell = "op_income@3Q02", model = s}, H.closer(m, s)))
m, s = fresh()
local t = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}}
pcall(kessan.chart.tornado, {bars = H.proxy(t, H.closer(m, s)), model = m})
pcall(kessan.chart.tornado, {bars = r:sensitivity("op_income@3Q02"), model = H.proxy({}, H.closer(m, s))})
collectgarbage()
