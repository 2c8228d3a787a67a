-- simulate with 1e9 trials: one long C call
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
m:simulate{trials = 1e9, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}, outputs = {"op_income@3Q02"}}
