-- lognormal(706, 1) overflows exp; lognormal with huge mu or sigma
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
try("ln706", kessan.lognormal, 706, 1)
try("ln1e308", kessan.lognormal, 1e308, 1)
try("lnsigma", kessan.lognormal, 0, 1e308)
try("ln-745", kessan.lognormal, -800, 1)
