-- memory errors caught by pcall in a loop, until the timeout
-- expect: error
-- stderr: not enough memory|timeout
while true do pcall(function() local t = {} while true do t[#t + 1] = string.rep("x", 1e5) .. #t end end) end
