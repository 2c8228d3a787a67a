-- m:export onto a symlink inside the model directory
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(m.export, m, "tiny/link_values.csv"), "export through a symlink in the model dir")
