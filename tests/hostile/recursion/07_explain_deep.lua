-- a hand-made explain tree 200,000 levels deep, formatted
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local root = {cell = "x@3Q02", value = 1, children = {}}
local node = root
for i = 1, 200000 do local c = {cell = "x@3Q02", value = i, children = {}}; node.children[1] = c; node = c end
pcall(kessan.format_explain, root)
