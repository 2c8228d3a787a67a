-- s:datatable builds a grid while finalizers close the scenario
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
-- finalizers that close the model and the scenario, queued so that they
-- run in the middle of the next calls (the GC steps on every allocation)
collectgarbage("incremental", 10, 1000, 1)
local arm = H.armer(m, s)
local M, S = m, s
for i = 1, 40 do arm(20); local ok, g = pcall(S.datatable, S, {rows = {"rev.a@3Q02", {1, 2, 3, 4}}, cols = {"rev.b@3Q02", {1, 2}}, out = {"op_income@3Q02", "op_margin@3Q02"}}); if ok then pcall(tostring, g); pcall(g.out, g, 2) end end
collectgarbage()
