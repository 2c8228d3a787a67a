-- m:export a new file in the outside directory
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, OUTSIDE .. "/new.csv"), "export created a file outside")
