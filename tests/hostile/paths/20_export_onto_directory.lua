-- m:export onto a directory, the working dir, and a trailing slash
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
assert(refused(m.export, m, "tiny"), "export onto a directory")
assert(refused(m.export, m, "."), "export onto .")
assert(refused(m.export, m, OUTSIDE .. "/canary.csv/"), "trailing slash outside")
assert(refused(m.export, m, ""), "empty path")
