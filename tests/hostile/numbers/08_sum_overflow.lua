-- finite inputs whose sums overflow: the sum is an error value, never inf
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
for _, q in ipairs{"1Q02", "2Q02", "3Q02"} do m:set("rev.a@" .. q, 1.7e308) end
local v = m:get("rev.a@FY02")
assert(v == nil or finite(v), "FY02 sum is " .. tostring(v))
v = m:get("rev.total@3Q02")
m:set("rev.b@3Q02", 1.7e308)
v = m:get("rev.total@3Q02")
assert(v == nil or finite(v), "rev.total is " .. tostring(v))
