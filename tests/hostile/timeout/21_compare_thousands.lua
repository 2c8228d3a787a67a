-- kessan.compare over thousands of scenarios, each with a change, again
-- and again in a pcall loop: one long C call after another
-- expect: error
-- stderr: timeout|interrupted|not enough memory
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
local list = {m}
for i = 1, 3000 do
  local s = m:scenario("s" .. i)
  s:set("rev.si@3Q02", i)
  list[#list + 1] = s
end
while true do pcall(function() return tostring(kessan.compare(list)) end) end
