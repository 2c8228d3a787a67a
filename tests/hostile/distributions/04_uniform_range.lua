-- uniform over the whole double range, and with infinite ends
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
try("uni", kessan.uniform, -1e308, 1e308)
try("uniinf", kessan.uniform, -math.huge, 0)
try("uninan", kessan.uniform, 0/0, 1)
