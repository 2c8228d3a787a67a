-- simulate: distributions created by __index and collected mid-call
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local draws = setmetatable({}, {
  __index = function(_, k)
    collectgarbage(); collectgarbage()
    return kessan.normal(100, 10)
  end,
  __pairs = function(t)
    local keys = {"rev.a@3Q02", "rev.b@3Q02"}
    local i = 0
    return function()
      i = i + 1
      collectgarbage(); collectgarbage()
      if keys[i] then return keys[i], kessan.uniform(1, 2) end
    end, t, nil
  end,
})
for _ = 1, 5 do
  pcall(m.simulate, m, {trials = 2000, draws = draws, outputs = {"op_income@3Q02"}})
end
collectgarbage()
