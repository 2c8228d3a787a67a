-- m:export onto the canary by absolute path
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, OUTSIDE .. "/canary.csv"), "export outside by absolute path")
