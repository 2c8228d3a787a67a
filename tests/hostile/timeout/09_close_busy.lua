-- a busy loop in __close, reached while unwinding the timeout error
-- expect: error
-- stderr: timeout|interrupted
do
  local x <close> = setmetatable({}, {__close = function() while true do pcall(error) end end})
  while true do end
end
