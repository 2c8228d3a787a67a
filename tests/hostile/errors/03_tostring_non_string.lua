-- __tostring that returns a table, nil, a number
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local t = {}
for _, r in ipairs{{}, 1} do pcall(error, setmetatable({}, {__tostring = function() return r end})) end
error(setmetatable({}, {__tostring = function() return nil end}))
