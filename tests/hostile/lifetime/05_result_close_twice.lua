-- a simulation result closed twice and used after
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local r = m:simulate{trials = 500, draws = {["rev.a@3Q02"] = kessan.normal(1, 1)}, outputs = {"op_income@3Q02"}}
if r.close then r:close(); r:close() end
pcall(r.mean, r, "op_income@3Q02"); pcall(tostring, r); pcall(r.percentile, r, "op_income@3Q02", 50); pcall(r.prob, r, "op_income@3Q02", "<", 0)
