-- simulate with NULs in draw keys, outputs and correlations
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local sim = H.simulator(m)
assert(not sim{draws = {["rev.a@3Q02\0x"] = 1}}, "draw key with NUL")
assert(not sim{draws = {["rev.a@3Q02"] = 1}, outputs = {"op_income@3Q02\0x"}}, "output with NUL")
assert(not sim{draws = {["rev.a@3Q02"] = kessan.normal(1, 1), ["rev.b@3Q02"] = kessan.normal(1, 1)},
  correlate = {{"rev.a@3Q02\0", "rev.b@3Q02", 0.5}}}, "correlate with NUL")
