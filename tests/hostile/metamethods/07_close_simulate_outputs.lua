-- simulate: the outputs list's __index and __len close the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.simulate, M, {trials = 1000,
  draws = {["rev.a@3Q02"] = kessan.normal(160, 10)},
  outputs = proxy({"op_income@3Q02", "rev.total@3Q02"}, attack)})
collectgarbage()
