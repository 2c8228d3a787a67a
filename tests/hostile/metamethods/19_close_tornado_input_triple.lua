-- tornado: an {cell, low, high} entry closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.tornado, S, {out = "op_income@3Q02",
  inputs = {"rev.b@3Q02", proxy({"rev.a@3Q02", 100, 200}, attack)}})
collectgarbage()
