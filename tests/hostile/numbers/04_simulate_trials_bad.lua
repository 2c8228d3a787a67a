-- simulate with NaN, negative, zero, fractional and huge trial counts: each refused
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
for _, n in ipairs{0/0, -1, 0, 0.5, 1.5, 1e300, 2^63, math.mininteger, math.maxinteger, 1/0, -1/0, 1e9 + 1} do
  local ok = sim{trials = n, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
  assert(not ok, "trials = " .. tostring(n) .. " accepted")
end
