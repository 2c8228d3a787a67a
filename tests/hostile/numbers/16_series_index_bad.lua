-- series indexed and set at NaN, huge, negative and integer-extreme positions
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local a = m["rev.a"]
for _, k in ipairs{0/0, 1/0, -1/0, 1e300, -1e300, math.mininteger, math.maxinteger, 0, -1, 2^53, 1.5} do
  pcall(function() return a[k] end)
  pcall(function() a[k] = 1 end)
  pcall(a.get, a, k)
end
local d = a:detach()
for _, k in ipairs{0/0, math.mininteger, math.maxinteger, 1e300} do
  pcall(function() return d[k] end); pcall(function() d[k] = 5 end)
end
