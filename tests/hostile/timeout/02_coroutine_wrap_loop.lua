-- coroutine.wrap'd busy loops, each error caught by pcall
-- expect: error
-- stderr: timeout|interrupted
while true do
  pcall(coroutine.wrap(function() while true do end end))
end
