-- a chain of 5,000 items each defined on the last: get, explain and print the end
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local prev = "rev.a"
for i = 1, 5000 do local id = "c" .. i; if not pcall(m.define, m, id, prev .. " + 1") then break end; prev = id end
pcall(m.get, m, prev .. "@3Q02")
local ok, t = pcall(m.explain, m, prev .. "@3Q02")
if ok then pcall(kessan.format_explain, t); pcall(tostring, t) end
pcall(tostring, m)
