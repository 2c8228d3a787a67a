-- an attached series used after its model is closed and collected
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local a = m["rev.a"]
m:close(); m = nil; collectgarbage()
pcall(function() return a["3Q02"] end); pcall(tostring, a); pcall(function() for _ in pairs(a) do end end)
pcall(function() return #a, a + 1, -a, a == a end); pcall(a.detach, a); pcall(a.totable, a); pcall(function() a["3Q02"] = 1 end)
