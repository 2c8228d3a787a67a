-- simulate: a correlate entry's __index closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.simulate, M, {trials = 1000,
  draws = {["rev.a@3Q02"] = kessan.normal(160, 10), ["rev.b@3Q02"] = kessan.normal(80, 5)},
  correlate = {proxy({"rev.a@3Q02", "rev.b@3Q02", 0.5}, attack)},
  outputs = {"op_income@3Q02"}})
collectgarbage()
