-- kessan.open of a model directory outside
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
-- refused: raised an error, or returned nil (and a message)
local function refused(f, ...)
  local ok, result = pcall(f, ...)
  return not ok or result == nil or result == false
end
assert(refused(kessan.open, OUTSIDE .. "/model"), "opened a model outside")
assert(refused(kessan.open, "../../outside/model"), "opened a model through ../")
