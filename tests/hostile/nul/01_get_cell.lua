-- m:get("rev.a@3Q02\0junk") and the two-argument form
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.get, m, "rev.a@3Q02\0junk"), "cell with NUL read")
assert(refused(m.get, m, "rev.a\0x", "3Q02"), "item with NUL read")
assert(refused(m.get, m, "rev.a", "3Q02\0x"), "period with NUL read")
