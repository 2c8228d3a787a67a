-- an Explain tree is a plain table: change its metatable and its fields
-- (children a string, a cycle, numbers for text), then format it
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)
local tamper = H.tamper

tamper(tree)
local other = m:explain("op_margin@3Q02")
tree.children = "not a list"
pcall(kessan.format_explain, tree)
other.children[1] = other
pcall(kessan.format_explain, other)
local bad = {cell = 1, value = {}, formula = true, children = {{cell = {}}, 5, "x"}}
pcall(kessan.format_explain, bad)
setmetatable(bad, {__index = function() pcall(m.close, m); collectgarbage(); return "x" end})
pcall(kessan.format_explain, bad)
pcall(tostring, other)
