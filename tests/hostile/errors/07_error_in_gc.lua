-- finalizers that raise (warnings), at collection and at exit
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
for i = 1, 100 do setmetatable({}, {__gc = function() error("gc " .. i) end}) end
collectgarbage()
setmetatable({}, {__gc = function() error(setmetatable({}, {__tostring = function() error("x") end})) end})
