-- string.rep of a gigabyte
-- expect: error
-- stderr: not enough memory|timeout
local x = string.rep("x", 2^30)
