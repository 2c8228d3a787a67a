-- coroutines nested until the C stack limit, each calling the binding
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local function nest(n)
  m:get("op_income@3Q02")
  return coroutine.wrap(function() return nest(n + 1) end)()
end
pcall(nest, 1)
