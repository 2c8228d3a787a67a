-- datatable: the row values list's __index and __len close the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.datatable, S, {rows = {"rev.a@3Q02", proxy({1, 2, 3, 4, 5}, attack)},
  cols = {"rev.b@3Q02", {1, 2}}, out = "op_income@3Q02"})
collectgarbage()
