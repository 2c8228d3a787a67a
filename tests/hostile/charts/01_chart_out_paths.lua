-- charts, the distribution of a result and the page's records written to
-- every path that leads out: absolute, ../, deep ../, in-then-out, a
-- directory symlink, a file symlink, a FIFO outside, /dev/full, a
-- directory, an empty name: refused, nothing written outside
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local r = m:simulate{trials = 200, seed = 1, progress = false,
                     draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                     outputs = {"op_income@3Q02"}}
local targets = {OUTSIDE .. "/a.svg", "../a.svg", "../../../../a.svg",
                 "tiny/../../a.svg", "link_out/a.svg", "link_canary.csv",
                 OUTSIDE .. "/fifo", "/dev/full", "tiny", "", "link_out/../x.svg"}
local plain = {base = 1, bars = {{label = "a", low = 0, high = 2}}}
for _, path in ipairs(targets) do
  plain.out = path
  H.refused(kessan.chart.tornado, plain)
  local ok, svg, why = pcall(r.chart, r, "op_income@3Q02", path)
  assert(not ok or svg == nil, "r:chart wrote " .. path)
  H.refused(kessan.chart.waterfall, {model = m, from = "op_income@2Q02",
                                     to = "op_income@3Q02", out = path})
  H.refused(kessan.chart.bars, {scenarios = {m}, cells = {"rev.a@3Q02"}, out = path})
end
