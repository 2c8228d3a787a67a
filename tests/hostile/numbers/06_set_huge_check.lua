-- 1e300 and -1e300 in a cell, then check, print, explain, export (a cast to long long)
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
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
