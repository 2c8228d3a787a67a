-- datatable: the list of output cells closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.datatable, S, {rows = {"rev.a@3Q02", {1, 2}},
  out = proxy({"op_income@3Q02", "rev.total@3Q02", "op_margin@3Q02"}, attack)})
collectgarbage()
