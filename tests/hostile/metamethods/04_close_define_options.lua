-- m:define(id, formula, options): __index on options closes the model
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local M = m
pcall(M.define, M, "x", "rev.a * 2", proxy({label = "X", unit = "ratio", rule = "formula", statement = "is"}, attack))
collectgarbage()
