-- a string doubled until it does not fit
-- expect: error
-- stderr: not enough memory|timeout
local x = "x"
while true do x = x .. x end
