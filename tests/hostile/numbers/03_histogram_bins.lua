-- r:histogram with zero, negative, NaN, huge and integer-extreme bin counts
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local sim = H.simulator(m)
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
assert(ok, r)
for _, bins in ipairs{0, -1, 0/0, 1/0, 1e18, math.maxinteger, math.mininteger, 2^31, 2^32 + 1, 1.5, 1e9} do
  local ok2, counts, edges = pcall(r.histogram, r, "op_income@3Q02", bins)
  if ok2 and counts then assert(#edges == #counts + 1) end
end
