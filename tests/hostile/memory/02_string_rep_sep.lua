-- string.rep with a separator, 500 MB
-- expect: error
-- stderr: not enough memory|timeout
local x = string.rep("abc", 1e8, "separator")
