-- the busy loop three coroutines deep, every level catching
-- expect: error
-- stderr: timeout|interrupted
local function level(n)
  if n == 0 then while true do end end
  while true do pcall(coroutine.wrap(function() level(n - 1) end)) end
end
while true do pcall(level, 3) end
