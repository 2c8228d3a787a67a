-- two finite draws whose sum overflows in every trial
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local finite = H.finite
local sim = H.simulator(m)
local check, try = H.distribution_checks(m)
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.uniform(1e308, 1.7e308), ["rev.b@3Q02"] = kessan.uniform(1e308, 1.7e308)},
  outputs = {"rev.total@3Q02", "op_income@3Q02"}}
if ok then
  for _, c in ipairs(r:outputs()) do
    for _, f in ipairs{"mean", "sd", "min", "max"} do assert(finite(r[f](r, c)), f .. " of " .. c .. " = " .. tostring(r[f](r, c))) end
    assert(finite(r:percentile(c, 50)))
  end
end
