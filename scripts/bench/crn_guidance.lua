-- crn_guidance.lua -- common random numbers on the guidance question: how
-- much noise the difference between the low and the high case of IIJ's
-- 4Q02 guidance carries when both are simulated with the same seed (the
-- same draws for the same cells) against two independent seeds.
--
-- Usage: kessan run scripts/bench/crn_guidance.lua [REPEATS [TRIALS]]
--
-- The cases are those of scripts/guidance_4q02.lua: 4Q02 from 3Q02's
-- lines, cost lines through their 3Q02 cost ratios, and total revenue
-- pinned to each end of the guided range (12.5 and 13.0 bn yen) through
-- systems integration.  Each case draws the same drivers around those
-- levels (the guidance-mc spreads, SI fixed by the case).  For REPEATS
-- seeds (default 30) of TRIALS trials (default 20,000) it takes the
-- difference low - high of the mean, the 5th percentile and the share of
-- profitable trials of the 4Q02 operating income, once with the same
-- seed for both cases and once with seeds apart, and prints the standard
-- deviation of each difference over the seeds.
local kessan = require "kessan"

local repeats = math.tointeger(tonumber(arg[1] or "30")) or 30
local trials = math.tointeger(tonumber(arg[2] or "20000")) or 20000
local root = (arg[0] or ""):match("^(.*)/scripts/[^/]*/[^/]*$") or "."
local m = assert(kessan.open(root .. "/data/iij"))

local function get(cell) return assert(m:get(cell)) end
for _, id in ipairs{ "rev.dedicated", "rev.dialup", "rev.vas", "rev.other",
                     "opex.sm", "opex.ga", "opex.rd" } do
  m:set(id .. "@4Q02", get(id .. "@3Q02"))
end
m:set("rev.equipment@4Q02", get("rev.equipment@9M02") / 3)
for cost, revenue in pairs{ ["cost.connectivity"] = "rev.connectivity",
                            ["cost.si"] = "rev.si", ["cost.equipment"] = "rev.equipment" } do
  local driver = "drv." .. cost:gsub("%.", "_")
  m:define(driver, nil, { unit = "ratio", statement = "kpi" })
  m:set(driver .. "@4Q02", get(cost .. "@3Q02") / get(revenue .. "@3Q02"))
  m:define(cost, revenue .. " * " .. driver)
end
m:set("rev.si@4Q02", get("rev.si@3Q02"))

local function pinned(name, revenue)
  local s = m:scenario(name)
  s:set("rev.si@4Q02", revenue - (s:get("rev.total@4Q02") - s:get("rev.si@4Q02")))
  return s
end
local cases = { low = pinned("low", get("guide.rev_low@4Q02")),
                high = pinned("high", get("guide.rev_high@4Q02")) }

-- the drivers drawn around each case's levels (SI is the case's)
local spreads = { ["rev.dedicated"] = 0.02, ["rev.dialup"] = 0.02, ["rev.vas"] = 0.03,
                  ["rev.other"] = 0.05, ["opex.sm"] = 0.05, ["opex.ga"] = 0.03,
                  ["opex.rd"] = 0.05 }
local function run(case, seed)
  local s = cases[case]
  local draws = { ["rev.equipment@4Q02"] = kessan.uniform(1400000, 2600000) }
  for id, share in pairs(spreads) do
    local level = s:get(id .. "@4Q02")
    draws[id .. "@4Q02"] = kessan.normal(level, share * level)
  end
  for _, driver in ipairs{ "drv.cost_connectivity", "drv.cost_si", "drv.cost_equipment" } do
    draws[driver .. "@4Q02"] = kessan.normal(s:get(driver .. "@4Q02"), 0.01)
  end
  local r = s:simulate{ trials = trials, seed = seed, draws = draws,
                        outputs = { "op_income@4Q02" } }
  return { mean = r:mean("op_income@4Q02"), p5 = r:percentile("op_income@4Q02", 5),
           profitable = r:prob("op_income@4Q02", ">=", 0) }
end

local function sd(values)
  local mean = 0
  for _, v in ipairs(values) do mean = mean + v / #values end
  local sum = 0
  for _, v in ipairs(values) do sum = sum + (v - mean) ^ 2 end
  return math.sqrt(sum / (#values - 1)), mean
end

local stats = { "mean", "p5", "profitable" }
local same, apart = {}, {}
for _, stat in ipairs(stats) do same[stat], apart[stat] = {}, {} end
for seed = 1, repeats do
  local low, high, high_apart = run("low", seed), run("high", seed), run("high", seed + 100000)
  for _, stat in ipairs(stats) do
    table.insert(same[stat], low[stat] - high[stat])
    table.insert(apart[stat], low[stat] - high_apart[stat])
  end
end
print(string.format("op_income@4Q02, low - high, %d seeds of %d trials", repeats, trials))
print(string.format("%-12s %16s %22s %22s %8s", "statistic", "difference",
                    "sd, the same seed", "sd, seeds apart", "ratio"))
for _, stat in ipairs(stats) do
  local sd_same, mean = sd(same[stat])
  local sd_apart = sd(apart[stat])
  print(string.format("%-12s %16.6g %22.6g %22.6g %8.1f", stat, mean, sd_same, sd_apart,
                      sd_same > 0 and sd_apart / sd_same or math.huge))
end
