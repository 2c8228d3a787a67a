-- s:goalseek{...}: the options' __index closes scenario and base
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
local S = s
pcall(S.goalseek, S, proxy({target = "op_income@3Q02", value = 0,
  vary = "rev.a@3Q02", lo = 0, hi = 1000, tol = 1e-6, max_iter = 100}, attack))
collectgarbage()
