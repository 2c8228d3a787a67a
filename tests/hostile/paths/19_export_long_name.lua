-- m:export to a 251-character name: the temporary name must fit too
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
local name = string.rep("n", 251)
assert(m:export(name), "export to a 251-character name failed")
assert(refused(m.export, m, string.rep("n", 300)), "a 300-character name")
