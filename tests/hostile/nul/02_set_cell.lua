-- m:set on cells with NULs
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.set, m, "rev.a@3Q02\0junk", 1), "set through NUL")
assert(refused(m.set, m, "rev.a\0", "3Q02", 1), "set item NUL")
assert(m:get("rev.a@3Q02") == 160)
