-- a formula nested 100,000 parentheses deep (a recursive-descent parser)
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
for _, n in ipairs{100, 1000, 2047, 100000} do
  pcall(m.define, m, "x" .. n, string.rep("(", n) .. "1" .. string.rep(")", n))
end
pcall(m.get, m, "x2047@3Q02")
