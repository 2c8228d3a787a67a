-- options whose __index calls the same binding function again with the same options
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local M, S = m, s
local depth = 0
local opts
opts = setmetatable({}, {__index = function(_, k)
  depth = depth + 1
  if depth < 250 then pcall(M.export, M, "re.csv", opts); pcall(S.datatable, S, opts); pcall(S.tornado, S, opts) end
  return ({rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02", inputs = {"rev.a@3Q02"}, scenario = true})[k]
end})
pcall(S.datatable, S, opts)
