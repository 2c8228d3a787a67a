-- a model whose values.csv links to /dev/zero (endless, and outside the
-- allowed directories): refused, never read until memory runs out
-- setup: values-device tiny
-- expect: ok
local kessan = require "kessan"
local ok, m = pcall(kessan.open, "tiny")
assert(not ok or m == nil, "opened a model whose values.csv is /dev/zero")
