-- m:export through more ../ than there are levels
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, string.rep("../", 40) .. OUTSIDE:sub(2) .. "/canary.csv"), "export through many ../")
