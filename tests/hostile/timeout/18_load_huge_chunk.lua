-- compiling a very long chunk (the parser is one C call), repeatedly
-- expect: error
-- stderr: timeout|interrupted
local text = string.rep("local a = 1 + 2 * 3 ", 200000)
while true do pcall(load, text) end
