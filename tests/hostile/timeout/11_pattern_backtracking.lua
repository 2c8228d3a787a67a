-- an exponential pattern match: one long C call of Lua's string library
-- expect: error
-- stderr: timeout|interrupted
local s = string.rep("a", 40)
while true do pcall(string.find, s, string.rep("a*", 30) .. "b") end
