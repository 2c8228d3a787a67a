-- goal seeks on a step target, one after another in a pcall loop
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
m:define("step", "if(rev.a > 150, 1, -1)")
while true do
  pcall(m.goalseek, m, {target = "step@3Q02", value = 0, vary = "rev.a@3Q02", tol = 0, max_iter = 1e9})
end
