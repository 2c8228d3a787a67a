-- simulate: the draws table's __pairs closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.simulate, M, {trials = 1000,
  draws = proxy({["rev.a@3Q02"] = kessan.normal(160, 10)}, attack),
  outputs = {"op_income@3Q02"}})
collectgarbage()
