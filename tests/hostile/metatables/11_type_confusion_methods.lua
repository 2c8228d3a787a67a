-- every method of every kessan kind called with every other value as
-- self and as arguments: a wrong self must be refused, never reinterpreted
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

local values = {m, s, g, r, series, detached, tree, cmp, t, 1, "rev.a@3Q02", {}, true,
  kessan.missing, print, coroutine.create(print)}
for _, d in ipairs(dists) do values[#values + 1] = d end
local methods = {}
local function harvest(x, names)
  for _, name in ipairs(names) do
    local ok, f = pcall(function() return x[name] end)
    if ok and type(f) == "function" then methods[#methods + 1] = f end
  end
end
harvest(m, {"get", "set", "define", "scenario", "scenarios", "save", "explain", "items",
  "item", "setting", "periods", "import", "export", "name", "series", "close",
  "simulate", "goalseek", "datatable", "tornado", "check"})
harvest(g, {"out", "export"})
harvest(r, {"mean", "sd", "min", "max", "percentile", "prob", "histogram", "count",
  "invalid", "outputs", "trials", "close"})
harvest(series, {"get", "periods", "totable", "id", "detach"})
harvest(dists[1], {"mean", "variance"})
for _, f in pairs(kessan) do if type(f) == "function" then methods[#methods + 1] = f end end
for _, f in ipairs(methods) do
  for _, self in ipairs(values) do
    if self ~= m and self ~= s then
      pcall(f, self, "op_income@3Q02", 1)
      pcall(f, self, self, self)
    end
  end
end
