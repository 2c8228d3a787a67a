-- a workbook whose Inputs sheet is 9.5 MB of XML (read in two
-- halves at once) imported under a memory limit with less and less room
-- left: the limit meets the import wherever it is (expat in either half,
-- the rows the second half keeps, their handing over), each import
-- imports all or refuses "not enough memory", and none leaks: with the
-- room given back, the import goes through again
-- expect: ok
-- options: --timeout 5 --max-memory 9
local kessan = require "kessan"
local H = require "hostile"
local m = H.large_workbook(kessan, 200, "large.xlsx")
collectgarbage()
local refused = 0
for room = 0, 5 do
  local ok, result, message = pcall(function()
    local ballast = string.rep("x", room * 512 * 1024)
    local imported, why = m:import("large.xlsx")
    return imported, why, #ballast
  end)
  if ok and not result then
    assert(message:find("memory"), message)
    refused = refused + 1
  elseif not ok then
    assert(tostring(result):find("memory"), result)
    refused = refused + 1
  end
  collectgarbage()
  assert(m:get("a7", "3Q50") == 7000 + 203 + 0.25)
end
assert(refused > 0, "the limit never met an import")
assert(m:import("large.xlsx"))
print("ok", refused)
