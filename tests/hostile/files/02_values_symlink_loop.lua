-- a model whose values.csv is a symlink loop: an error, not skipped
-- setup: values-loop tiny
-- expect: ok
local kessan = require "kessan"
local ok, m = pcall(kessan.open, "tiny")
assert(not ok or m == nil, "opened a model whose values.csv is a symlink loop")
