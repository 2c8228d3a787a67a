-- m:export to a 251-character name: the temporary name must fit too
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local name = string.rep("n", 251)
assert(m:export(name), "export to a 251-character name failed")
assert(refused(m.export, m, string.rep("n", 300)), "a 300-character name")
