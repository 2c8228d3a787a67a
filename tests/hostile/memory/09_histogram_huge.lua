-- histograms of a million bins kept until memory runs out
-- expect: error
-- stderr: not enough memory|timeout
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local r = m:simulate{trials = 100, draws = {["rev.a@3Q02"] = kessan.normal(1, 1)}, outputs = {"op_income@3Q02"}}
local keep = {}
while true do keep[#keep + 1] = {r:histogram("op_income@3Q02", 1e6)} end
