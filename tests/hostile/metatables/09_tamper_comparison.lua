-- a Comparison is a plain table: tamper with its metatable and rows,
-- then print it
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

tamper(cmp)
pcall(tostring, cmp)
local c2 = kessan.compare{m, s}
for k in pairs(c2) do c2[k] = setmetatable({}, {__index = function() error("boom") end, __len = function() return 1e9 end}) end
pcall(tostring, c2)
local c3 = kessan.compare{m, s}
local mt = getmetatable(c3)
if type(mt) == "table" and mt.__tostring then
  pcall(mt.__tostring, {rows = {{1, 2, 3}}, columns = 5})
  pcall(mt.__tostring, setmetatable({}, {__index = function() return {} end}))
  pcall(mt.__tostring, 1)
end
