-- error objects that are a model, a series, a grid
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g = s:datatable{rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02"}
pcall(error, m["rev.a"]); pcall(error, g)
error(m)
