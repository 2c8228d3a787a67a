-- s:goalseek{...}: the options' __index closes scenario and base
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
local S = s
pcall(S.goalseek, S, proxy({target = "op_income@3Q02", value = 0,
  vary = "rev.a@3Q02", lo = 0, hi = 1000, tol = 1e-6, max_iter = 100}, attack))
collectgarbage()
