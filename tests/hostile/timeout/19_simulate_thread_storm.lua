-- simulations on 256 threads, one after another in a pcall loop: thread
-- creation that fails is an error, the timeout still ends the loop
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
while true do
  pcall(m.simulate, m, {trials = 5000, threads = 256, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                        outputs = {"op_income@3Q02"}})
end
