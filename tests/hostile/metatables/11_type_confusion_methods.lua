-- every method of every kessan kind called with every other value as
-- self and as arguments: a wrong self must be refused, never reinterpreted
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)

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
