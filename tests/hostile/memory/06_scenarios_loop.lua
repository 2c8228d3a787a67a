-- scenarios made until the engine's memory runs out
-- expect: error
-- stderr: not enough memory|timeout
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
local keep = {}
while true do local x = m:scenario("s" .. #keep); x:set("rev.si@3Q02", #keep); keep[#keep + 1] = x end
