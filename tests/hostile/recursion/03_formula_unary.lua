-- a formula of 4,000 unary minuses and of nested function calls
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
pcall(m.define, m, "u", string.rep("-", 4000) .. "1")
pcall(m.define, m, "v", string.rep("abs(", 1300) .. "1" .. string.rep(")", 1300))
pcall(m.get, m, "u@3Q02"); pcall(m.get, m, "v@3Q02"); pcall(m.explain, m, "v@3Q02")
