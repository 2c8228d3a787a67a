-- items with long formulas defined until memory runs out
-- expect: error
-- stderr: not enough memory|timeout
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local f = string.rep("rev.a + ", 500) .. "rev.b"
local i = 0
while true do i = i + 1; m:define("x" .. i, f) end
