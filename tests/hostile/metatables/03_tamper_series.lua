-- getmetatable on a Series: strip __gc and __close, replace __index and
-- __tostring, then use and collect it; the metatable must be protected
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)
local tamper = H.tamper
local target = series
local exposed = tamper(target)
pcall(tostring, series); pcall(function() return series + 1, #series, series == detached end); series = nil
collectgarbage(); collectgarbage()
assert(not exposed, "the Series metatable is reachable with getmetatable")
