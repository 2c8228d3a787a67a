-- kessan.open of a model directory outside
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(kessan.open, OUTSIDE .. "/model"), "opened a model outside")
assert(refused(kessan.open, "../../outside/model"), "opened a model through ../")
