-- simulate with NULs in draw keys, outputs and correlations
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
assert(not sim{draws = {["rev.a@3Q02\0x"] = 1}}, "draw key with NUL")
assert(not sim{draws = {["rev.a@3Q02"] = 1}, outputs = {"op_income@3Q02\0x"}}, "output with NUL")
assert(not sim{draws = {["rev.a@3Q02"] = kessan.normal(1, 1), ["rev.b@3Q02"] = kessan.normal(1, 1)},
  correlate = {{"rev.a@3Q02\0", "rev.b@3Q02", 0.5}}}, "correlate with NUL")
