-- kessan.compare: the periods list closes the models
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
pcall(kessan.compare, {m, s, periods = proxy({"3Q02", "FY02"}, attack)})
collectgarbage()
