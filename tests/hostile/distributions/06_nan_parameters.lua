-- NaN and infinite parameters to every constructor, and as fixed draws
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
for _, x in ipairs{0/0, 1/0, -1/0} do
  try("n", kessan.normal, x, 1); try("n2", kessan.normal, 0, x)
  try("ln", kessan.lognormal, x, 1); try("u", kessan.uniform, x, 1)
  try("t", kessan.triangular, 0, x, 1); try("p", kessan.pert, 0, 1, x)
  try("f", kessan.fixed, x)
  check(x, "number " .. tostring(x))
end
