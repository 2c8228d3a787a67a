-- a pcall loop around a busy loop
-- expect: error
-- stderr: timeout|interrupted
while true do pcall(function() while true do end end) end
