-- data table at NaN, infinite and extreme input values, printed and exported
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local finite = H.finite
local vals = {0/0, 1/0, -1/0, 1e308, -1e308, -0.0, 5e-324, math.maxinteger, math.mininteger}
local ok, g = pcall(s.datatable, s, {rows = {"rev.a@3Q02", vals}, cols = {"rev.b@3Q02", vals},
  out = {"op_income@3Q02", "op_margin@3Q02"}})
if ok then
  pcall(tostring, g); pcall(g.export, g, "dt.csv")
  for i = 1, #g do for j = 1, #vals do local v = g[i][j]; assert(finite(v), "grid value " .. tostring(v)) end end
end
