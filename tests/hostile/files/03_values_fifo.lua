-- a model whose values.csv is a FIFO with no writer: refused, or stopped
-- by the timeout (opening it blocks)
-- setup: values-fifo tiny
local kessan = require "kessan"
local ok, m = pcall(kessan.open, "tiny")
assert(not ok or m == nil, "opened a model whose values.csv is a FIFO")
