-- m:export(path, {scenario, inputs_only}): the options table's __index closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.export, M, "out.csv", proxy({scenario = true, inputs_only = true}, attack))
collectgarbage()
