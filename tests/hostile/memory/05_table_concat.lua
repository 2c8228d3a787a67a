-- table.concat of a hundred megabyte pieces
-- expect: error
-- stderr: not enough memory|timeout
local t = {}
for i = 1, 100 do t[i] = string.rep("y", 1e6) .. i end
local x = table.concat(t)
