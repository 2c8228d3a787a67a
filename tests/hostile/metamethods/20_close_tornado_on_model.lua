-- m:tornado on the base model itself: inputs close it
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.tornado, M, {out = "op_income@3Q02",
  inputs = proxy({"rev.a@3Q02", {"rev.b@3Q02", 1, 2}}, attack)})
collectgarbage()
