-- __tostring that calls tostring on itself, through the binding's printing
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local x = setmetatable({}, {})
getmetatable(x).__tostring = function(self) return tostring(self) end
pcall(tostring, x)
pcall(m.get, m, x)
pcall(error, x)
