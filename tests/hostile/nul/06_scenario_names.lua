-- m:scenario and names with NULs
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.scenario, m, "a\0b"), "scenario name with NUL")
