-- r:prob with NaN, infinities and a huge x (NaN was cast to an int index)
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local sim = H.simulator(m)
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
assert(ok, r)
for _, x in ipairs{0/0, -(0/0), 1/0, -1/0, 1e308, -1e308, math.maxinteger, math.mininteger} do
  for _, op in ipairs{"<", "<=", ">", ">="} do
    local ok2, p = pcall(r.prob, r, "op_income@3Q02", op, x)
    assert(not ok2 or (p == nil or (p >= 0 and p <= 1)), "prob " .. op .. " " .. tostring(x) .. " = " .. tostring(p))
  end
end
