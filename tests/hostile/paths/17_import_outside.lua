-- m:import of a file outside the allowed directories
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.import, m, OUTSIDE .. "/canary.csv"), "imported a file outside")
assert(refused(m.import, m, "link_canary.csv"), "imported through a symlink")
