-- m:define(id, nil, options): an input item, options close the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.define, M, "drv.x", nil, proxy({label = "X", unit = "ratio"}, attack))
collectgarbage()
