-- score_4q02.lua -- a forecast of IIJ's 4Q02 to be scored when the next
-- release is out: `kessan score data/iij scripts/score_4q02.lua --actuals
-- FILE` calls it with the opened model and scores what it returns.
--
-- 4Q02 starts from 3Q02's lines; SI, equipment, dedicated revenue and the
-- SI and equipment cost ratios are drawn (Latin hypercube, 20,000 trials,
-- the trials kept so that the scores are exact); low and high are the
-- guided range's ends reached through SI.
local m = ...
local kessan = require "kessan"
if not m then m = assert(kessan.open("data/iij")) end

for _, id in ipairs{ "rev.dialup", "rev.vas", "rev.other", "cost.connectivity",
                     "opex.sm", "opex.ga", "opex.rd" } do
  m:set(id .. "@4Q02", m:get(id .. "@3Q02"))
end
m:define("drv.r_si", nil, { label = "Cost of SI / SI revenues", unit = "ratio" })
m:define("drv.r_equip", nil, { label = "Cost of equipment / equipment sales", unit = "ratio" })
m:define("cost.si", "drv.r_si * rev.si")
m:define("cost.equipment", "drv.r_equip * rev.equipment")
for cell, value in pairs{ ["rev.si@4Q02"] = 5e6, ["rev.equipment@4Q02"] = 2e6,
                          ["drv.r_si@4Q02"] = 0.8614, ["drv.r_equip@4Q02"] = 0.951,
                          ["rev.dedicated@4Q02"] = 3404016 } do
  m:set(cell, value)
end

local r = m:simulate{
  trials = 20000, seed = 1, keep = true, sampling = "lhs",
  draws = {
    ["rev.si@4Q02"] = kessan.triangular(4e6, 5e6, 6.2e6),
    ["rev.equipment@4Q02"] = kessan.uniform(1.4e6, 2.6e6),
    ["drv.r_si@4Q02"] = kessan.normal(0.8614, 0.01),
    ["drv.r_equip@4Q02"] = kessan.pert(0.93, 0.951, 0.97),
    ["rev.dedicated@4Q02"] = kessan.normal(3404016, 68080.32),
  },
  outputs = { "rev.total@4Q02", "op_income@4Q02", "rev.total@FY02" },
}

-- low and high: total revenue at each end of the guided range, SI the balance
local function pinned(name, revenue)
  local s = m:scenario(name)
  s:set("rev.si@4Q02", revenue - (s:get("rev.total@4Q02") - s:get("rev.si@4Q02")))
  return s
end
return r, pinned("low", m:get("guide.rev_low@4Q02")), pinned("high", m:get("guide.rev_high@4Q02"))
