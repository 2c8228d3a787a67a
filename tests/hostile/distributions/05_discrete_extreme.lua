-- discrete with extreme values and weights that overflow, NaN, negative, subnormal
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local check, try = H.distribution_checks(m)
try("dv", kessan.discrete, {values = {1e308, -1e308, 1e308}})
try("dw", kessan.discrete, {values = {1, 2}, weights = {1e308, 1e308}})
try("dnan", kessan.discrete, {values = {1, 2}, weights = {0/0, 1}})
try("dneg", kessan.discrete, {values = {1, 2}, weights = {-1, 2}})
try("dsub", kessan.discrete, {values = {1, 2}, weights = {5e-324, 5e-324}})
try("dinfv", kessan.discrete, {values = {1/0, 1}})
try("dmismatch", kessan.discrete, {values = {1, 2, 3}, weights = {1}})
try("dempty", kessan.discrete, {values = {}})
