-- s:export with the options' __index closing scenario and base
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.export, S, "out.csv", proxy({scenario = true}, attack))
collectgarbage()
