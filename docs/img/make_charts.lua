-- docs/img/make_charts.lua -- draws the pictures of docs/charts.md, one of
-- each chart, from the IIJ model (data/iij) with 4Q02 built from drivers
-- as scripts/breakeven_4q02.lua builds it.  Run from the repository:
--     build/kessan run docs/img/make_charts.lua
-- It writes docs/img/chart_*.svg (the committed pictures: run it again
-- when a chart changes, never edit them by hand).
local kessan = require "kessan"
local dir = arg and arg[1] or "docs/img"
local m = assert(kessan.open("data/iij"))

for _, id in ipairs{"rev.dedicated", "rev.dialup", "rev.vas", "rev.other",
                    "rev.si", "rev.equipment", "opex.sm", "opex.ga", "opex.rd"} do
  m:set(id .. "@4Q02", m:get(id .. "@3Q02"))
end
m:set("rev.equipment@4Q02", m:get("rev.equipment@9M02") / 3)
m:set("opex.sm@4Q02", m:get("opex.sm@3Q02") - 50000)
for cost, revenue in pairs{["cost.connectivity"] = "rev.connectivity",
                           ["cost.si"] = "rev.si", ["cost.equipment"] = "rev.equipment"} do
  local driver = "drv." .. cost:gsub("%.", "_")
  m:define(driver, nil, {label = "4Q02 driver: " .. cost .. " / " .. revenue,
                         unit = "ratio", rule = "formula"})
  m:set(driver .. "@4Q02", m:get(cost .. "@3Q02") / m:get(revenue .. "@3Q02"))
  m:define(cost, revenue .. " * " .. driver)
end
local low, high = m:scenario("low"), m:scenario("high")
low:set("rev.si@4Q02", m:get("rev.si@4Q02") - 500000)
high:set("rev.si@4Q02", m:get("rev.si@4Q02") + 1000000)

local r = m:simulate{trials = 200000, seed = 1, progress = false,
  draws = {["rev.si@4Q02"] = kessan.triangular(4e6, 5e6, 6.2e6),
           ["rev.equipment@4Q02"] = kessan.uniform(1.4e6, 2.6e6),
           ["rev.dedicated@4Q02"] = kessan.normal(3404016, 68080),
           ["drv.cost_si@4Q02"] = kessan.normal(m:get("drv.cost_si@4Q02"), 0.01)},
  outputs = {"rev.total@4Q02", "op_income@4Q02"}}

local written = {
  r:chart("rev.total@4Q02", dir .. "/chart_distribution.svg",
          {unit = "JPY thousands", band = {12.5e6, 13e6}, actual = 12.67e6,
           actual_label = "consensus", title = "4Q02 total revenues"}),
  kessan.chart.tornado{bars = m:tornado{out = "op_income@4Q02",
      inputs = {"rev.si@4Q02", "drv.cost_si@4Q02", "rev.dedicated@4Q02",
                "opex.sm@4Q02", "rev.equipment@4Q02", "opex.ga@4Q02"}},
    model = m, out = dir .. "/chart_tornado.svg",
    title = "4Q02 operating income, each driver -+10%"},
  kessan.chart.fan{model = m, item = "rev.total", result = r,
    periods = {"3Q01", "1Q02", "2Q02", "3Q02", "4Q02"},
    out = dir .. "/chart_fan.svg", title = "Total revenues, then 4Q02 drawn"},
  kessan.chart.waterfall{model = m, from = "op_income@3Q02", to = "op_income@4Q02",
    depth = 3, zero = false, out = dir .. "/chart_waterfall.svg",
    title = "Operating income (loss), 3Q02 to 4Q02"},
  kessan.chart.waterfall{model = m, from = "op_income@3Q02", to = "op_income@4Q02",
    depth = 2, lang = "ja", out = dir .. "/chart_waterfall_ja.svg",
    title = "営業利益(損失) 3Q02 → 4Q02"},
  kessan.chart.bars{scenarios = {low, m, high},
    cells = {"rev.total@4Q02", "cost.total@4Q02", "op_income@4Q02"},
    out = dir .. "/chart_bars.svg", title = "4Q02: low, base and high"},
  kessan.chart.heatmap{grid = m:datatable{
      rows = {"rev.si@4Q02", {4e6, 4.5e6, 5e6, 5.5e6, 6e6, 6.5e6}},
      cols = {"drv.cost_si@4Q02", {0.82, 0.84, 0.86, 0.88, 0.90}},
      out = "op_income@4Q02"},
    unit = "JPY thousands", out = dir .. "/chart_heatmap.svg",
    title = "4Q02 operating income by SI revenue and SI cost ratio"},
}
for _, path in ipairs(written) do print(path) end
