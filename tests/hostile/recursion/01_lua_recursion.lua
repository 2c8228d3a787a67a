-- unbounded Lua recursion: a stack overflow error, not a crash
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local function f(n) return 1 + f(n + 1) end
f(1)
