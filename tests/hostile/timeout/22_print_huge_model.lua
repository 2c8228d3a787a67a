-- a model of 20,000 items printed as text and explained, again and again
-- expect: error
-- stderr: timeout|interrupted|not enough memory
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local prev = "rev.a"
for i = 1, 20000 do
  local id = "x" .. i
  m:define(id, prev .. " + rev.b")
  prev = id
end
while true do
  pcall(tostring, m)
  pcall(function() return kessan.format_explain(m:explain(prev .. "@FY02")) end)
end
