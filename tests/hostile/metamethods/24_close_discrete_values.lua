-- kessan.discrete: values and weights lists run code that collects
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
pcall(kessan.discrete, proxy({values = proxy({1, 2, 3}, attack), weights = proxy({1, 1, 1}, attack)}, attack))
collectgarbage()
