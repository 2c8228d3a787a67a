-- s:tornado{...}: the options' __index closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.tornado, S, proxy({out = "op_income@3Q02",
  inputs = {"rev.a@3Q02", "rev.b@3Q02"}, swing = 0.2}, attack))
collectgarbage()
