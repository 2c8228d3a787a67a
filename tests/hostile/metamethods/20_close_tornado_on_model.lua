-- m:tornado on the base model itself: inputs close it
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local function proxy(real, attack)
  return setmetatable({}, {
    __index = function(_, k) attack(); return real[k] end,
    __len = function() attack(); return #real end,
    __pairs = function() attack(); return next, real, nil end,
  })
end
local function attack()
  pcall(m.close, m); pcall(s.close, s)
  collectgarbage(); collectgarbage()
end
local M = m
pcall(M.tornado, M, {out = "op_income@3Q02",
  inputs = proxy({"rev.a@3Q02", {"rev.b@3Q02", 1, 2}}, attack)})
collectgarbage()
