-- s:datatable{...}: the options' __index closes scenario and base
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.datatable, S, proxy({rows = {"rev.a@3Q02", {1, 2, 3}},
  cols = {"rev.b@3Q02", {4, 5}}, out = "op_income@3Q02"}, attack))
collectgarbage()
