-- m:export through a path that enters the model dir and climbs out
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, "tiny/../../../outside/canary.csv"), "export through tiny/../../..")
