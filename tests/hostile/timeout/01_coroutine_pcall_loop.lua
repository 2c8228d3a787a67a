-- the timeout fires inside a coroutine; the main thread's pcall loop swallows it and resumes a new one
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
while true do
  local co = coroutine.create(function() local x = 0; while true do x = x + 1 end end)
  pcall(coroutine.resume, co)
end
