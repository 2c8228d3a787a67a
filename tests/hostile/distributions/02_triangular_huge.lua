-- triangular and pert over the whole double range
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
try("tri", kessan.triangular, 0, 0, 1e308)
try("tri2", kessan.triangular, -1e308, 0, 1e308)
try("pert", kessan.pert, -1e308, 0, 1e308)
try("pert2", kessan.pert, 0, 1e308, 1e308)
