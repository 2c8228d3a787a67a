-- getmetatable on a distribution: strip __gc and __close, replace __index and
-- __tostring, then use and collect it; the metatable must be protected
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)
local tamper = H.tamper
local target = dists[1]
local exposed = tamper(target)
for _, d in ipairs(dists) do tamper(d); pcall(tostring, d); pcall(m.simulate, m, {trials = 100, draws = {["rev.a@3Q02"] = d}, outputs = {"op_income@3Q02"}}) end; dists = nil
collectgarbage(); collectgarbage()
assert(not exposed, "the distribution metatable is reachable with getmetatable")
