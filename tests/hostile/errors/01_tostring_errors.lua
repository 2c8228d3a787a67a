-- an error object whose __tostring raises
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
error(setmetatable({}, {__tostring = function() error("again") end}))
