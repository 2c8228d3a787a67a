-- the metamethods of each kind (reached through getmetatable where it is
-- a table, and through the operators) applied to values of other kinds
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)

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
