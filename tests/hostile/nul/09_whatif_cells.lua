-- goal seek, data table and tornado with NULs in cells
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
assert(refused(s.goalseek, s, {target = "op_income@3Q02\0", value = 0, vary = "rev.a@3Q02"}), "goalseek target")
assert(refused(s.goalseek, s, {target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02\0"}), "goalseek vary")
assert(refused(s.datatable, s, {rows = {"rev.a@3Q02\0", {1}}, out = "op_income@3Q02"}), "datatable row")
assert(refused(s.datatable, s, {rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02\0"}), "datatable out")
assert(refused(s.tornado, s, {out = "op_income@3Q02", inputs = {"rev.a@3Q02\0"}}), "tornado input")
