-- a tornado result: tamper with its table and its metatable, print it
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

tamper(t)
pcall(tostring, t)
local t2 = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02"}}
local mt = getmetatable(t2)
t2[1] = {input = {}, spread = "x", low = 0/0}
t2.out = 5
pcall(tostring, t2)
if type(mt) == "table" and mt.__tostring then
  pcall(mt.__tostring, {1, 2, setmetatable({}, {__index = function() pcall(m.close, m); collectgarbage() end})})
end
