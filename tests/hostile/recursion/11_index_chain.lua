-- __index chains that loop, given as options
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local a, b = {}, {}
setmetatable(a, {__index = b}); setmetatable(b, {__index = a})
pcall(m.simulate, m, a); pcall(s.goalseek, s, a); pcall(m.export, m, "x.csv", a); pcall(kessan.compare, a)
