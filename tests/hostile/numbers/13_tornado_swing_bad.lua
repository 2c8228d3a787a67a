-- tornado with NaN, infinite and negative swings and bounds
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local finite = H.finite
for _, sw in ipairs{0/0, 1/0, -1, -1/0, 1e308, 0, math.mininteger} do
  local ok, t = pcall(s.tornado, s, {out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}, swing = sw})
  if ok then pcall(tostring, t); for _, bar in ipairs(t) do assert(finite(bar.spread)) end end
end
for _, b in ipairs{{0/0, 1}, {1, 1/0}, {-1e308, 1e308}} do
  local ok, t = pcall(s.tornado, s, {out = "op_income@3Q02", inputs = {{"rev.a@3Q02", b[1], b[2]}}})
  if ok then pcall(tostring, t); for _, bar in ipairs(t) do assert(finite(bar.spread), "spread " .. tostring(bar.spread)) end end
end
