-- a workbook of rows that are each megabytes of XML (100 years of
-- periods, every cell a sum of 200 inputs, missing ones tested for), in
-- a loop: the timeout stops the export in time, leaving no file and no
-- temporary beside it
-- expect: error
-- stderr: timeout|interrupted|not enough memory
-- absent: wide.xlsx
local kessan = require "kessan"
local m = kessan.new{first_year = 2000, last_year = 2099, fiscal_year_end_month = 3}
local inputs = {}
for k = 1, 200 do
  inputs[k] = "a" .. k
  m:define(inputs[k], "", {statement = "is", rule = "sum"})
end
local sum = "sum(" .. table.concat(inputs, ", ") .. ")"
for k = 1, 300 do m:define("s" .. k, sum, {statement = "kpi"}) end
while true do
  assert(m:export("wide.xlsx", {format = "xlsx"}))
  os.remove("wide.xlsx")
end
