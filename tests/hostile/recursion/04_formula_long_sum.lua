-- a left-deep sum of 1,000 terms (a deep tree for the compiler and evaluator)
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
pcall(m.define, m, "long", string.rep("rev.a + ", 1000) .. "rev.b")
pcall(m.get, m, "long@FY02"); pcall(m.explain, m, "long@3Q02")
local ok, t = pcall(m.explain, m, "long@3Q02"); if ok then pcall(kessan.format_explain, t) end
