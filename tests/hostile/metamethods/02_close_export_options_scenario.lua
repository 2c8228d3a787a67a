-- s:export with the options' __index closing scenario and base
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
pcall(S.export, S, "out.csv", proxy({scenario = true}, attack))
collectgarbage()
