-- getmetatable on a Scenario: strip __gc and __close, replace __index and
-- __tostring, then use and collect it; the metatable must be protected
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
local r = m:simulate{trials = 500, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                     outputs = {"op_income@3Q02"}}
local t = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}}
local tree = m:explain("op_income@3Q02")
local cmp = kessan.compare{m, s}
local series = m["rev.a"]
local detached = series:detach()
local dists = {kessan.normal(1, 2), kessan.lognormal(0, 1), kessan.uniform(0, 1),
  kessan.triangular(0, 1, 2), kessan.pert(0, 1, 2), kessan.fixed(3),
  kessan.discrete{values = {1, 2}}}
-- take the metatable if it is reachable and strip or replace what keeps
-- the handle sound: finalizer, close, index, tostring, length, equality
local function tamper(x)
  local mt = getmetatable(x)
  if type(mt) ~= "table" then return false end
  mt.__gc = nil; mt.__close = nil; mt.__len = nil
  mt.__index = function(self, k) return rawequal(self, x) and 42 or nil end
  mt.__tostring = function() return 1 end
  mt.__eq = function() error("tampered __eq") end
  mt.__name = 7
  return true
end
local target = s
local exposed = tamper(target)
pcall(tostring, s); pcall(s.get, s, "rev.a@3Q02"); s = nil
collectgarbage(); collectgarbage()
assert(not exposed, "the Scenario metatable is reachable with getmetatable")
