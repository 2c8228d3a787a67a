-- an Explain tree is a plain table: change its metatable and its fields
-- (children a string, a cycle, numbers for text), then format it
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
local r = m:simulate{trials = 500, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                     outputs = {"op_income@3Q02"}}
local t = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}}
local tree = m:explain("op_income@3Q02")
local cmp = kessan.compare{m, s}
local series = m["rev.a"]
local detached = series:detach()
local dists = {kessan.normal(1, 2), kessan.lognormal(0, 1), kessan.uniform(0, 1),
  kessan.triangular(0, 1, 2), kessan.pert(0, 1, 2), kessan.fixed(3),
  kessan.discrete{values = {1, 2}}}
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
