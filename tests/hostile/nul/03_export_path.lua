-- m:export("real.csv\0x") must not write real.csv
-- absent: real.csv
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, "real.csv\0x"), "export with NUL")
assert(refused(m.export, m, "real.csv\0/../../outside/canary.csv"), "export NUL escape")
