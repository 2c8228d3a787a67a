-- import whose options close, then save the scenario of the closed model
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local x = m:scenario("y")
x:set("rev.a@3Q02", 7)
pcall(m.import, m, "tiny/values.csv", setmetatable({}, {__index = function() m:close(); collectgarbage() end}))
pcall(x.save, x); pcall(m.scenarios, m)
