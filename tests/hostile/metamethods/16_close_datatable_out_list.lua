-- datatable: the list of output cells closes the model
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
pcall(S.datatable, S, {rows = {"rev.a@3Q02", {1, 2}},
  out = proxy({"op_income@3Q02", "rev.total@3Q02", "op_margin@3Q02"}, attack)})
collectgarbage()
