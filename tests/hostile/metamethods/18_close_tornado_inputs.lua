-- tornado: the inputs list's __index and __len close the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.tornado, S, {out = "op_income@3Q02",
  inputs = proxy({"rev.a@3Q02", "rev.b@3Q02", "cost.total@3Q02"}, attack)})
collectgarbage()
