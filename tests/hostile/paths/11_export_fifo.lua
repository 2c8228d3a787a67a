-- m:export onto a FIFO outside (a hang if opened for writing)
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, OUTSIDE .. "/fifo"), "export onto a FIFO outside")
