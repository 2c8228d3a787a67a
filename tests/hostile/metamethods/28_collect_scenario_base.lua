-- a scenario whose base model is closed and collected by an option read
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local S = s
local opts = setmetatable({}, {__index = function(_, k)
  if m then m:close(); m = nil end
  collectgarbage(); collectgarbage()
  return ({target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02"})[k]
end})
for _ = 1, 3 do pcall(S.goalseek, S, opts) end
pcall(S.datatable, S, setmetatable({}, {__index = function(_, k)
  collectgarbage()
  return ({rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"})[k]
end}))
collectgarbage()
