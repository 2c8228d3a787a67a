-- kessan.discrete: values and weights lists run code that collects
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
pcall(kessan.discrete, proxy({values = proxy({1, 2, 3}, attack), weights = proxy({1, 1, 1}, attack)}, attack))
collectgarbage()
