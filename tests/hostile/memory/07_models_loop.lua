-- models opened until memory runs out
-- expect: error
-- stderr: not enough memory|timeout
local kessan = require "kessan"
local keep = {}
while true do keep[#keep + 1] = assert(kessan.open("iij")) end
