-- data table at NaN, infinite and extreme input values, printed and exported
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
-- refused: raised an error, or returned nil (and a message)
local function refused(f, ...)
  local ok, result = pcall(f, ...)
  return not ok or result == nil or result == false
end
local function finite(x)
  return x == nil or (type(x) == "number" and x == x and x > -math.huge and x < math.huge)
end
local function sim(opts)
  opts.trials = opts.trials or 2000
  opts.outputs = opts.outputs or {"op_income@3Q02", "rev.a@3Q02"}
  return pcall(m.simulate, m, opts)
end
local vals = {0/0, 1/0, -1/0, 1e308, -1e308, -0.0, 5e-324, math.maxinteger, math.mininteger}
local ok, g = pcall(s.datatable, s, {rows = {"rev.a@3Q02", vals}, cols = {"rev.b@3Q02", vals},
  out = {"op_income@3Q02", "op_margin@3Q02"}})
if ok then
  pcall(tostring, g); pcall(g.export, g, "dt.csv")
  for i = 1, #g do for j = 1, #vals do local v = g[i][j]; assert(finite(v), "grid value " .. tostring(v)) end end
end
