-- goal seek on a step: a result whose residual is not within tolerance is an error
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
m:define("step", "if(rev.a > 150, 1, -1)")
local ok, x, info = pcall(m.goalseek, m, {target = "step@3Q02", value = 0, vary = "rev.a@3Q02"})
assert(not ok, "goal seek on a step returned " .. tostring(x) .. " residual " .. tostring(info and info.residual))
