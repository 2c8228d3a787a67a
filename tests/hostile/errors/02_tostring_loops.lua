-- an error object whose __tostring never returns: the timeout must still end it
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
error(setmetatable({}, {__tostring = function() while true do end end}))
