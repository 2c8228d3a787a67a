-- a table grown until memory runs out
-- expect: error
-- stderr: not enough memory|timeout
local t = {}
while true do t[#t + 1] = {#t} end
