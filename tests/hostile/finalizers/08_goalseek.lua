-- s:goalseek while finalizers close scenario and base
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
for i = 1, 40 do arm(20); pcall(S.goalseek, S, {target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02"}) end
collectgarbage()
