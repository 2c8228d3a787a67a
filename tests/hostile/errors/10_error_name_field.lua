-- an error object whose metatable has a non-string __name and a __tostring yielding
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
pcall(error, setmetatable({}, {__name = 123}))
error(setmetatable({}, {__name = {}, __tostring = function() coroutine.yield() end}))
