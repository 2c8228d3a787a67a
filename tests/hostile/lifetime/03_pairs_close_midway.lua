-- a pairs loop over a series whose model closes in the middle
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
for p, v in pairs(m["rev.a"]) do m:close(); collectgarbage() end
local x = assert(kessan.open("tiny"))
local it = x["rev.total"]
pcall(function() for p in pairs(it) do x:close(); x = nil; collectgarbage() end end)
