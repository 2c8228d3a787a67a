-- compare: __index hands out fresh models and collects the earlier ones
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local calls = 0
local list = setmetatable({}, {
  __index = function(_, k)
    calls = calls + 1
    collectgarbage(); collectgarbage()
    if type(k) == "number" and k <= 3 then
      local fresh = kessan.open("tiny")
      return k == 2 and fresh:scenario("s" .. calls) or fresh
    end
  end,
  __len = function() collectgarbage(); return 3 end,
})
m, s = nil, nil
for _ = 1, 5 do pcall(kessan.compare, list) end
collectgarbage()
