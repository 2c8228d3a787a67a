-- grid, simulation result and comparison with NULs in cells, ops and paths
-- absent: g.csv
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local sim = H.simulator(m)
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
assert(refused(g.out, g, "op_income@3Q02\0x"), "grid out")
assert(refused(g.export, g, "g.csv\0x"), "grid export")
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.normal(1, 1)}}
assert(ok, r)
assert(refused(r.mean, r, "op_income@3Q02\0x"), "result cell")
assert(refused(r.prob, r, "op_income@3Q02", ">=\0x", 0), "prob op")
assert(refused(kessan.compare, {m, s, items = {"rev.a\0"}}), "compare items")
assert(refused(kessan.compare, {m, s, periods = {"3Q02\0"}}), "compare periods")
