-- a busy loop inside a __gc finalizer (Lua runs finalizers without hooks)
-- expect: error
-- stderr: timeout|interrupted
setmetatable({}, {__gc = function() while true do end end})
collectgarbage()
while true do end
