-- kessan.new{...}: the options close every model open
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
pcall(kessan.new, proxy({first_year = 2001, last_year = 2003, fiscal_year_end_month = 3}, attack))
m = assert(kessan.open("tiny"))
collectgarbage()
