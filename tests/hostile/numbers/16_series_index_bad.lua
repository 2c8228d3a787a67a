-- series indexed and set at NaN, huge, negative and integer-extreme positions
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
