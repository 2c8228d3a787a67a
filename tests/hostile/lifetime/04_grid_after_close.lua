-- a grid, a tornado and a result kept after scenario and model close
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = {"op_income@3Q02", "rev.total@3Q02"}}
local r = m:simulate{trials = 500, draws = {["rev.a@3Q02"] = kessan.normal(1, 1)}, outputs = {"op_income@3Q02"}}
local t = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02"}}
s:close(); m:close(); s, m = nil, nil; collectgarbage()
pcall(g.out, g, 2); pcall(tostring, g); pcall(g.export, g, "g.csv"); pcall(function() return g[1][1], #g end)
pcall(tostring, r); pcall(r.mean, r, "op_income@3Q02"); pcall(r.histogram, r, "op_income@3Q02")
pcall(tostring, t)
