-- m:item, m:setting, m:series, m:explain, m[id] with NULs
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.item, m, "rev.a\0"), "item")
assert(refused(m.setting, m, "name\0junk"), "setting")
assert(refused(m.series, m, "rev.a\0"), "series")
assert(refused(m.explain, m, "op_income@3Q02\0"), "explain")
assert(refused(function() return m["rev.a\0x"] end), "m[id]")
assert(refused(function() return m["rev.a"]["3Q02\0x"] end), "series[period]")
