-- a simulation of 10 million trials with every cell of the model as an
-- output, inside a coroutine resumed from a pcall loop
-- expect: error
-- stderr: timeout|interrupted|not enough memory
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
local outputs = {}
for _, id in ipairs(m:items()) do
  for _, p in ipairs(m:periods()) do outputs[#outputs + 1] = id .. "@" .. p end
end
while true do
  pcall(coroutine.wrap(function()
    m:simulate{trials = 1e7, threads = 2, draws = {["rev.si@3Q02"] = kessan.normal(1e6, 1e5)}, outputs = outputs}
  end))
end
