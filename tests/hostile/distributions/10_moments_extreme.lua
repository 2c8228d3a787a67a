-- mean() and variance() of extreme distributions, and their text
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
for _, d in ipairs{{kessan.lognormal, 700, 10}, {kessan.normal, 1e308, 1e308}, {kessan.uniform, -1e308, 1e308},
    {kessan.triangular, -1e308, 0, 1e308}, {kessan.pert, -1e308, 1e308, 1e308}} do
  local ok, x = pcall(d[1], d[2], d[3], d[4])
  if ok then pcall(x.mean, x); pcall(x.variance, x); pcall(tostring, x) end
end
