-- m:export onto a symlink to the canary
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, "link_canary.csv"), "export through a file symlink")
