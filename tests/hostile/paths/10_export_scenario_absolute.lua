-- s:export and m:export{scenario} outside
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
assert(refused(s.export, s, OUTSIDE .. "/canary.csv"), "scenario export outside")
assert(refused(m.export, m, OUTSIDE .. "/s.csv", {scenario = true}), "export{scenario} outside")
