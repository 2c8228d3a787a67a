-- opening 20,000 saved scenarios again and again in a pcall loop: the
-- timeout ends it (the open polls the interrupt)
-- setup: scenarios scenarios 20000 3
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
while true do pcall(kessan.open, "scenarios") end
