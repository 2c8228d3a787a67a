-- a model whose values.csv is a directory: an error naming it, not a
-- model opened without its values
-- setup: values-dir tiny
-- expect: ok
local kessan = require "kessan"
local ok, m, err = pcall(kessan.open, "tiny")
assert(not ok or m == nil, "opened a model whose values.csv is a directory")
