-- a finalizer that allocates without bound while the main chunk does too
-- expect: error
-- stderr: not enough memory|timeout
setmetatable({}, {__gc = function() local t = {} while true do t[#t + 1] = {} end end})
local t = {}
while true do t[#t + 1] = string.rep("z", 1000) .. #t end
