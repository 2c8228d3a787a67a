-- a 10,000 x 10,000 data table (800 MB of results)
-- expect: error
-- stderr: not enough memory|timeout
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local v = {}
for i = 1, 10000 do v[i] = i end
m:datatable{rows = {"rev.a@3Q02", v}, cols = {"rev.b@3Q02", v}, out = {"op_income@3Q02", "rev.total@3Q02"}}
