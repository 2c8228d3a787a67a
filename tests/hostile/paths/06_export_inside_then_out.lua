-- m:export through a path that enters the model dir and climbs out
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
assert(refused(m.export, m, "tiny/../../../outside/canary.csv"), "export through tiny/../../..")
