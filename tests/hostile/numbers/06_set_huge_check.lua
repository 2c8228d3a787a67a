-- 1e300 and -1e300 in a cell, then check, print, explain, export (a cast to long long)
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
m:set("rev.a@3Q02", 1e300)
m:set("rev.b@3Q02", -1e300)
m:set("cost.total@3Q02", 9.3e18)
pcall(m.check, m)
pcall(tostring, m)
pcall(tostring, m["rev.a"])
pcall(m.explain, m, "op_income@FY02")
pcall(tostring, kessan.compare{m, s})
assert(m:export("huge.csv"))
local back = assert(kessan.open("tiny"))
back:import("huge.csv")
