-- a 1e9-trial simulation inside a coroutine, the main thread catching
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
while true do
  pcall(coroutine.wrap(function()
    m:simulate{trials = 1e9, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}, outputs = {"op_income@3Q02"}}
  end))
end
