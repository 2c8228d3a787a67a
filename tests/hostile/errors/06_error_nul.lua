-- an error message with NUL bytes and terminal escapes
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
error("before\0after\27[2J\27]0;title\7")
