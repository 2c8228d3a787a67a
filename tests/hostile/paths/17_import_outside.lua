-- m:import of a file outside the allowed directories
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
assert(refused(m.import, m, OUTSIDE .. "/canary.csv"), "imported a file outside")
assert(refused(m.import, m, "link_canary.csv"), "imported through a symlink")
