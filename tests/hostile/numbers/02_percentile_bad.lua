-- r:percentile at NaN, negative, over 100, infinite and integer extremes
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local sim = H.simulator(m)
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
assert(ok, r)
for _, q in ipairs{0/0, -1, 100.0000001, 101, 1/0, -1/0, 1e308, math.mininteger, math.maxinteger} do
  local ok2, v = pcall(r.percentile, r, "op_income@3Q02", q)
  assert(not ok2 or v == nil, "percentile " .. tostring(q) .. " gave " .. tostring(v))
end
