-- mc_guidance.lua -- how likely is IIJ's 4Q02 revenue guidance to hold?
-- A Monte Carlo simulation of January to March 2003 over the model in
-- data/iij: the benchmark workload guidance-mc (docs/performance.md).
--
-- Usage: kessan run scripts/mc_guidance.lua TRIALS SEED [THREADS [SAMPLING]]
-- (SAMPLING: mc, the default, or lhs for Latin hypercube)
--
-- The 4Q02 revenue lines, operating expenses and depreciation are drawn
-- straight into the model's own 4Q02 cells; the three cost ratios are
-- driver items whose 4Q02 cells are drawn, and the cost lines get formulas
-- through them (a formula on a reported line drives only the cells without
-- a reported value, here 4Q02).  Everything derived is a model cell:
-- rev.total@4Q02, op_income@4Q02, ebitda, and the fiscal year FY02, which
-- the model sums from its nine months (reported) and 4Q02.  Prints one line
-- per output, `name stat value`: for rev, op, ebitda, fy_rev and fy_op the
-- mean, sd (sample), p5, p50 and p95 (linear between order statistics, as
-- numpy); for in_guidance, improves and profitable the share of trials
-- where they hold.
local kessan = require "kessan"

local function usage(message)
  io.stderr:write("mc_guidance.lua: ", message, "\n",
                  "usage: kessan run scripts/mc_guidance.lua TRIALS SEED [THREADS]\n")
  os.exit(2)
end

local trials = math.tointeger(tonumber(arg[1] or ""))
local seed = math.tointeger(tonumber(arg[2] or ""))
local threads = math.tointeger(tonumber(arg[3] or "1"))
local sampling = arg[4] or "mc"
if not trials or trials < 1 then usage("TRIALS must be an integer >= 1") end
if not seed or seed < 0 then usage("SEED must be an integer >= 0") end
if not threads or threads < 1 then usage("THREADS must be an integer >= 1") end

-- The simulation's threads start before the model opens: they are ready
-- (parked) by the time the trials run, and starting them costs the run
-- nothing.
if threads > 1 then kessan.threads(threads) end

-- the repository root, from this script's path
local root = (arg[0] or ""):match("^(.*)/scripts/[^/]*$") or "."
local m = assert(kessan.open(root .. "/data/iij"))

-- Drivers of the 4Q02 cost lines: cost / revenue ratios.
m:define("drv.r_conn", nil, { label = "Cost of connectivity / connectivity revenues",
                              unit = "ratio", statement = "kpi" })
m:define("drv.r_si", nil, { label = "Cost of SI / SI revenues",
                            unit = "ratio", statement = "kpi" })
m:define("drv.r_equip", nil, { label = "Cost of equipment / equipment sales",
                               unit = "ratio", statement = "kpi" })
m:define("cost.connectivity", "drv.r_conn * rev.connectivity")
m:define("cost.si", "drv.r_si * rev.si")
m:define("cost.equipment", "drv.r_equip * rev.equipment")

-- What the guidance questions read.  cf.da is D&A in thousands of JPY
-- (Table 5's da is in millions).
m:define("ebitda", "op_income + cf.da",
         { label = "EBITDA (operating income + depreciation and amortization)",
           unit = "JPY thousands", statement = "kpi", rule = "sum" })
m:define("guide.in_range", "(rev.total >= 12500000) * (rev.total <= 13000000)",
         { label = "Total revenues within the guidance of 12.5 to 13.0 billion yen",
           unit = "ratio", statement = "kpi" })
m:define("guide.improves", "op_income / rev.total > op_income@3Q02 / rev.total@3Q02",
         { label = "Operating margin above 3Q02's", unit = "ratio", statement = "kpi" })
m:define("guide.profitable", "op_income >= 0",
         { label = "Operating income at or above zero", unit = "ratio", statement = "kpi" })

local N = kessan.normal
local function pct(mean, share) return N(mean, share * mean) end

local result = m:simulate{
  trials = trials,
  seed = seed,
  threads = threads,
  sampling = sampling,
  draws = {
    ["rev.dedicated@4Q02"] = pct(3404016, 0.02),
    ["rev.dialup@4Q02"] = pct(760650, 0.02),
    ["rev.vas@4Q02"] = pct(931415, 0.03),
    ["rev.other@4Q02"] = pct(467629, 0.05),
    ["rev.si@4Q02"] = kessan.triangular(4000000, 5000000, 6200000),
    ["rev.equipment@4Q02"] = kessan.uniform(1400000, 2600000),
    ["drv.r_conn@4Q02"] = N(0.9315, 0.01),
    ["drv.r_si@4Q02"] = N(0.8614, 0.01),
    ["drv.r_equip@4Q02"] = N(0.9510, 0.01),
    ["opex.sm@4Q02"] = pct(894340, 0.05),
    ["opex.ga@4Q02"] = pct(511604, 0.03),
    ["opex.rd@4Q02"] = pct(116950, 0.05),
    ["cf.da@4Q02"] = pct(990000, 0.02),
  },
  outputs = {
    "rev.total@4Q02", "op_income@4Q02", "ebitda@4Q02",
    "rev.total@FY02", "op_income@FY02",
    "guide.in_range@4Q02", "guide.improves@4Q02", "guide.profitable@4Q02",
  },
}

local money = {
  { "rev", "rev.total@4Q02" }, { "op", "op_income@4Q02" },
  { "ebitda", "ebitda@4Q02" }, { "fy_rev", "rev.total@FY02" },
  { "fy_op", "op_income@FY02" },
}
local shares = {
  { "in_guidance", "guide.in_range@4Q02" }, { "improves", "guide.improves@4Q02" },
  { "profitable", "guide.profitable@4Q02" },
}
local lines = {}
for _, output in ipairs(money) do
  local name, cell = output[1], output[2]
  lines[#lines + 1] = string.format("%s mean %.3f", name, result:mean(cell))
  lines[#lines + 1] = string.format("%s sd %.3f", name, result:sd(cell))
  for _, p in ipairs{ 5, 50, 95 } do
    lines[#lines + 1] = string.format("%s p%d %.3f", name, p, result:percentile(cell, p))
  end
end
for _, output in ipairs(shares) do
  lines[#lines + 1] = string.format("%s share %.6f", output[1], result:mean(output[2]))
end
print(table.concat(lines, "\n"))
