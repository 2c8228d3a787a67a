-- opening a values file with 20,000 saved scenarios (quadratic once: 2.9 s)
-- stays well within the timeout, and so does listing and saving one more
-- setup: scenarios scenarios 20000
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("scenarios"))
assert(#m:scenarios() >= 20000, "scenarios lost: " .. #m:scenarios())
local s = m:scenario("one_more")
s:set("rev.a@3Q02", 5)
s:save()
