-- a tornado over thousands of inputs: one long C call, in a pcall loop
-- expect: error
-- stderr: timeout|interrupted
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
local inputs = {}
local ids = {"rev.dedicated", "rev.dialup", "rev.vas", "rev.other", "rev.si", "rev.equipment"}
for i = 1, 200000 do
  local id = ids[i % #ids + 1]
  inputs[i] = {id .. "@3Q02", i, i + 1}
end
while true do pcall(m.tornado, m, {out = "net_income@FY02", inputs = inputs}) end
