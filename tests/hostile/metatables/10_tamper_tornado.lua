-- a tornado result: tamper with its table and its metatable, print it
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g, r, t, tree, cmp, series, detached, dists = H.every_kind(m, s)
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
