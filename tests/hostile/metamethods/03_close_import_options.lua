-- m:import(path, {reported}): __index closes the model mid-import
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.import, M, "tiny/values.csv", proxy({reported = true}, attack))
collectgarbage()
