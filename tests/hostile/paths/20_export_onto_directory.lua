-- m:export onto a directory, the working dir, and a trailing slash
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, "tiny"), "export onto a directory")
assert(refused(m.export, m, "."), "export onto .")
assert(refused(m.export, m, OUTSIDE .. "/canary.csv/"), "trailing slash outside")
assert(refused(m.export, m, ""), "empty path")
