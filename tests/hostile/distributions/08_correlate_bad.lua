-- correlations of NaN, 1, -1, huge, a cell with itself, a cell not drawn, thousands of pairs
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local sim = H.simulator(m)
local check, try = H.distribution_checks(m)
local draws = {["rev.a@3Q02"] = kessan.normal(1, 1), ["rev.b@3Q02"] = kessan.uniform(0, 1)}
for _, rho in ipairs{0/0, 1, -1, 1e300, -1/0} do
  assert(not sim{draws = draws, correlate = {{"rev.a@3Q02", "rev.b@3Q02", rho}}}, "rho " .. tostring(rho))
end
sim{draws = draws, correlate = {{"rev.a@3Q02", "rev.a@3Q02", 0.5}}}
sim{draws = draws, correlate = {{"rev.a@3Q02", "cost.total@3Q02", 0.5}}}
local many = {}
for i = 1, 5000 do many[i] = {"rev.a@3Q02", "rev.b@3Q02", 0.5} end
sim{draws = draws, correlate = many}
