-- m:items() and m:periods() and m:item() mid-close
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
for i = 1, 100 do arm(20); pcall(M.items, M); pcall(M.periods, M); pcall(M.item, M, "op_income"); pcall(M.scenarios, M) end
collectgarbage()
