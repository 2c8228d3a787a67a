-- an error message of 30 MB (traceback built on it)
-- expect: error
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
error(string.rep("e", 3e7))
