-- iterating a series while finalizers close its model
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
for i = 1, 40 do arm(20); local a = M["rev.a"]; pcall(function() for p, v in pairs(a) do arm(2) end end); pcall(tostring, a); pcall(function() return a + a end) end
collectgarbage()
