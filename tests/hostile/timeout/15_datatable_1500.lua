-- a 1,500 x 1,500 data table: one long C call
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
local s = m:scenario("dt")
local rows, cols = {}, {}
for i = 1, 1500 do rows[i] = i * 1000; cols[i] = i end
s:datatable{rows = {"rev.dedicated@3Q02", rows}, cols = {"rev.dialup@3Q02", cols},
            out = "op_income@FY02"}
