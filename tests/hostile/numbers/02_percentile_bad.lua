-- r:percentile at NaN, negative, over 100, infinite and integer extremes
-- expect: ok
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
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
assert(ok, r)
for _, q in ipairs{0/0, -1, 100.0000001, 101, 1/0, -1/0, 1e308, math.mininteger, math.maxinteger} do
  local ok2, v = pcall(r.percentile, r, "op_income@3Q02", q)
  assert(not ok2 or v == nil, "percentile " .. tostring(q) .. " gave " .. tostring(v))
end
