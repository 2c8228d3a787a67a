-- an error object whose __tostring closes the model and collects, the model being mid-call
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local M = m
local e = setmetatable({}, {__tostring = function() pcall(M.close, M); m = nil; collectgarbage(); return "closed" end})
local opts = setmetatable({}, {__index = function() error(e) end})
pcall(M.export, M, "x.csv", opts)
M:define("x", "rev.a", opts)
