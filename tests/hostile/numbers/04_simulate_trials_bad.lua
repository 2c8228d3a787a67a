-- simulate with NaN, negative, zero, fractional and huge trial counts: each refused
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local sim = H.simulator(m)
for _, n in ipairs{0/0, -1, 0, 0.5, 1.5, 1e300, 2^63, math.mininteger, math.maxinteger, 1/0, -1/0, 1e9 + 1} do
  local ok = sim{trials = n, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
  assert(not ok, "trials = " .. tostring(n) .. " accepted")
end
