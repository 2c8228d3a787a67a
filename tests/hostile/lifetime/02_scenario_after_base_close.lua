-- a scenario used after its base is closed and collected
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
m:close(); m = nil; collectgarbage(); collectgarbage()
pcall(s.get, s, "op_income@3Q02"); pcall(s.set, s, "rev.a@3Q02", 1)
pcall(s.goalseek, s, {target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02"})
pcall(s.datatable, s, {rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02"})
pcall(s.save, s); pcall(s.export, s, "s.csv"); pcall(tostring, s)
