-- a busy loop in a finalizer that runs when the state is closed
-- expect: error
-- stderr: timeout|interrupted
local keep = setmetatable({}, {__gc = function() while true do end end})
while true do end
