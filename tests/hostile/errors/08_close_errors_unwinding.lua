-- __close handlers that raise and close the model while an error unwinds
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
do
  local a <close> = setmetatable({}, {__close = function() error("close a") end})
  local b <close> = setmetatable({}, {__close = function() pcall(m.close, m); collectgarbage() end})
  local c <close> = m
  error("first")
end
