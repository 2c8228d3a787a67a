-- kessan.compare{m, s}: the list's __index closes both
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
pcall(kessan.compare, proxy({m, s}, attack))
collectgarbage()
