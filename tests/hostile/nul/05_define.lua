-- m:define with NULs in the id, the formula and each option
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.define, m, "x\0y", "rev.a"), "id with NUL")
assert(refused(m.define, m, "x", "rev.a\0 + 1"), "formula with NUL")
assert(refused(m.define, m, "y", "rev.a", {label = "a\0b"}), "label with NUL")
assert(refused(m.define, m, "z", "rev.a", {unit = "ratio\0"}), "unit with NUL")
assert(refused(m.define, m, "w", nil, {rule = "sum\0x"}), "rule with NUL")
