-- a workbook whose Inputs sheet is more than 8 MB of XML (so read in two
-- halves at once), imported in a loop: the timeout stops an import
-- wherever it is, in either half or between them, the second thread
-- stopped and joined (no hang, no leak, no temporary left)
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = kessan.new{first_year = 2000, last_year = 2099,
                     fiscal_year_end_month = 3}
local periods = {}
for year = 0, 99 do
  for q = 1, 4 do periods[#periods + 1] = string.format("%dQ%02d", q, year) end
end
for k = 1, 300 do
  local id = "a" .. k
  m:define(id, "", {statement = "is", rule = "sum"})
  for p, period in ipairs(periods) do m:set(id, period, k * 1000 + p + 0.25) end
end
assert(m:export("large.xlsx", {format = "xlsx"}))
while true do
  assert(m:import("large.xlsx"))
end
