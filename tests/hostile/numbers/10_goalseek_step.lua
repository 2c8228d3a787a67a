-- goal seek on a step: a result whose residual is not within tolerance is an error
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
m:define("step", "if(rev.a > 150, 1, -1)")
local ok, x, info = pcall(m.goalseek, m, {target = "step@3Q02", value = 0, vary = "rev.a@3Q02"})
assert(not ok, "goal seek on a step returned " .. tostring(x) .. " residual " .. tostring(info and info.residual))
