-- m:import and kessan.open of paths with NULs
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.import, m, "tiny/values.csv\0x"), "import with NUL")
assert(refused(kessan.open, "tiny\0/nothing"), "open with NUL")
