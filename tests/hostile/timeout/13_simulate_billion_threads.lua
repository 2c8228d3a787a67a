-- simulate with 1e9 trials on 4 threads, in a pcall loop
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
while true do
  pcall(m.simulate, m, {trials = 1e9, threads = 4, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}, outputs = {"op_income@3Q02"}})
end
