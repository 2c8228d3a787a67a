-- s:export and m:export{scenario} outside
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(s.export, s, OUTSIDE .. "/canary.csv"), "scenario export outside")
assert(refused(m.export, m, OUTSIDE .. "/s.csv", {scenario = true}), "export{scenario} outside")
