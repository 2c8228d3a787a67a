-- simulate and its result's methods while finalizers close the model
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
for i = 1, 20 do arm(20); local ok, r = pcall(M.simulate, M, {trials = 5000, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}, outputs = {"op_income@3Q02", "op_margin@3Q02"}}); if ok then pcall(tostring, r); pcall(r.histogram, r, "op_income@3Q02", 50); pcall(r.outputs, r) end end
collectgarbage()
