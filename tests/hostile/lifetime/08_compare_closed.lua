-- kessan.compare and explain trees over closed models
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local tree = m:explain("op_income@3Q02")
local x = assert(kessan.open("tiny"))
x:close()
pcall(kessan.compare, {m, x}); pcall(kessan.compare, {x, x})
m:close(); pcall(kessan.format_explain, tree); pcall(kessan.compare, {s, m})
