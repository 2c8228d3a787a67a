-- infinite and NaN inputs (also as strings such as 1e309) are refused
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local finite = H.finite
for _, v in ipairs{math.huge, -math.huge, 0/0, "1e309", "-1e400", "nan", "inf", "0x1p2000"} do
  assert(refused(m.set, m, "rev.a@3Q02", v), "set " .. tostring(v) .. " accepted")
  local a = m["rev.b"]
  assert(not pcall(function() a["3Q02"] = v end), "series set " .. tostring(v) .. " accepted")
end
local v = m:get("rev.total@FY02")
assert(finite(v), "FY02 total " .. tostring(v))
