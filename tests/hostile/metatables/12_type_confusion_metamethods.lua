-- the metamethods of each kind (reached through getmetatable where it is
-- a table, and through the operators) applied to values of other kinds
local OUTSIDE = ...
local kessan = require "kessan"
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

local values = {m, s, g, r, series, detached, tree, cmp, t, 1, "x", {}, true, kessan.missing}
for _, d in ipairs(dists) do values[#values + 1] = d end
for _, a in ipairs(values) do
  local mt = getmetatable(a)
  if type(mt) == "table" then
    for _, f in pairs(mt) do
      if type(f) == "function" then
        for _, b in ipairs(values) do
          if b ~= m and b ~= s then pcall(f, b, a); pcall(f, b, "3Q02", 5) end
        end
      end
    end
  end
  for _, b in ipairs(values) do
    pcall(function() return a + b end); pcall(function() return a / b end)
    pcall(function() return a == b end); pcall(function() return #a end)
    pcall(function() return a[b] end); pcall(function() a[b] = 1 end)
  end
end
