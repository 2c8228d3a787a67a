-- normal, lognormal and uniform with subnormal spreads
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
try("nsub", kessan.normal, 0, 5e-324)
try("lnsub", kessan.lognormal, 0, 1e-320)
try("usub", kessan.uniform, 0, 5e-324)
try("tsub", kessan.triangular, 0, 0, 5e-324)
