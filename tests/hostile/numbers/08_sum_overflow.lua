-- finite inputs whose sums overflow: the sum is an error value, never inf
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local finite = H.finite
for _, q in ipairs{"1Q02", "2Q02", "3Q02"} do m:set("rev.a@" .. q, 1.7e308) end
local v = m:get("rev.a@FY02")
assert(v == nil or finite(v), "FY02 sum is " .. tostring(v))
v = m:get("rev.total@3Q02")
m:set("rev.b@3Q02", 1.7e308)
v = m:get("rev.total@3Q02")
assert(v == nil or finite(v), "rev.total is " .. tostring(v))
