-- m:define with NULs in the id, the formula and each option
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
assert(refused(m.define, m, "x\0y", "rev.a"), "id with NUL")
assert(refused(m.define, m, "x", "rev.a\0 + 1"), "formula with NUL")
assert(refused(m.define, m, "y", "rev.a", {label = "a\0b"}), "label with NUL")
assert(refused(m.define, m, "z", "rev.a", {unit = "ratio\0"}), "unit with NUL")
assert(refused(m.define, m, "w", nil, {rule = "sum\0x"}), "rule with NUL")
