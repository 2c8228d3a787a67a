-- an explain tree that contains itself, formatted
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local t = m:explain("op_income@3Q02")
t.children = {t, t}
pcall(kessan.format_explain, t)
pcall(tostring, t)
