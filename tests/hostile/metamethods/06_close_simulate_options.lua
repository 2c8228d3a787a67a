-- m:simulate{...}: the options table's __index closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.simulate, M, proxy({trials = 1000, seed = 1,
  draws = {["rev.a@3Q02"] = kessan.normal(160, 10)},
  outputs = {"op_income@3Q02"}}, attack))
collectgarbage()
