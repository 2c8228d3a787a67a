-- a workbook whose Inputs sheet is more than 8 MB of XML (so read in two
-- halves at once), imported in a loop: the timeout stops an import
-- wherever it is, in either half or between them, the second thread
-- stopped and joined (no hang, no leak, no temporary left)
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local H = require "hostile"
local m = H.large_workbook(kessan, 300, "large.xlsx")
while true do
  assert(m:import("large.xlsx"))
end
