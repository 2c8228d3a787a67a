-- normal(1e308, 1e308) and friends
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
try("normal", kessan.normal, 1e308, 1e308)
try("normal2", kessan.normal, -1e308, 1e308)
try("normal3", kessan.normal, 0, 1e308)
