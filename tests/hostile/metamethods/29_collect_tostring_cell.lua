-- a cell argument that is a table whose __tostring closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local cell = setmetatable({}, {__tostring = function()
  pcall(m.close, m); collectgarbage(); return "rev.a@3Q02" end})
local M, S = m, s
pcall(M.get, M, cell); pcall(M.set, M, cell, 1); pcall(M.explain, M, cell)
pcall(S.goalseek, S, {target = cell, value = 0, vary = cell})
pcall(S.datatable, S, {rows = {cell, {1}}, out = cell})
pcall(M.export, M, cell)
collectgarbage()
