-- a to-be-closed model whose close runs inside another __close and a __gc
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
do
  local x <close> = assert(kessan.open("tiny"))
  local y <close> = setmetatable({}, {__close = function() x:close(); x:close() end})
  setmetatable({}, {__gc = function() pcall(x.close, x) end})
end
collectgarbage()
