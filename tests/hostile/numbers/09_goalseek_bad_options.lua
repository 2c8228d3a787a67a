-- goal seek with NaN, infinite, negative and reversed options: each refused
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local finite = H.finite
local base = {target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02"}
local bad = {{tol = 0/0}, {tol = -1}, {tol = 1/0}, {max_iter = -1}, {max_iter = 0/0},
  {max_iter = 1e300}, {max_iter = 0.5}, {lo = 0/0, hi = 1}, {lo = 0, hi = 1/0},
  {lo = -1/0, hi = 0}, {lo = 5, hi = 5}, {value = 0/0}, {value = 1/0}}
for i, extra in ipairs(bad) do
  local o = {}
  for k, v in pairs(base) do o[k] = v end
  for k, v in pairs(extra) do o[k] = v end
  local ok, x, info = pcall(s.goalseek, s, o)
  assert(not ok or (finite(x) and math.abs(info.residual) <= 1e-6 * math.max(1, math.abs(x))), "bad option " .. i .. " accepted: " .. tostring(x))
end
