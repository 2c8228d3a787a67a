-- a Comparison is a plain table: tamper with its metatable and rows,
-- then print it
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)
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
