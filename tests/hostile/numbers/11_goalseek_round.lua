-- goal seek on round(): no exact root, so an error, not a near miss
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
m:define("rounded", "round(rev.a / 7) - 22.5")
local ok, x, info = pcall(m.goalseek, m, {target = "rounded@3Q02", value = 0, vary = "rev.a@3Q02", lo = 100, hi = 200})
assert(not ok or math.abs(info.residual) <= 1e-6, "round(): residual " .. tostring(info and info.residual))
