-- guidance_4q02.lua -- what IIJ's 4Q02 guidance implies.
--
-- IIJ guided 4Q02 (January-March 2003) revenue to JPY 12.5-13.0 bn, FY2002
-- revenue growth of about 10%, and an improving operating profitability.
-- This script builds 4Q02 from segment drivers, pins total revenue to each
-- end of the range (the balance falling to systems integration, which the
-- release names as the driver), and prints the low and high cases side by
-- side with the base: revenue, operating income and margin against 3Q02's,
-- FY2002 revenue, and the FY2001 revenue that "about 10%" implies.  Then
-- it draws the drivers around those levels to say how likely the range,
-- the improvement and a profit are.
--
-- Last, it draws three charts into a directory it prints (CHART_DIR,
-- default charts/): the distribution of 4Q02 revenue against the guided
-- range, the bridge of operating income from 3Q02 to 4Q02 along the
-- model's formulas, and the fan of quarterly revenue.
--
-- usage: kessan run scripts/guidance_4q02.lua [MODEL_DIR [CHART_DIR]]

local kessan = require "kessan"

---------------------------------------------------------------------------
-- The drivers of 4Q02, stated before anything is computed.  Every figure
-- that comes from the release is read from the model, not typed here.
---------------------------------------------------------------------------
local drivers = {
  -- connectivity and value-added lines: growth against 3Q02
  growth = { ["rev.dedicated"] = 0.00,   -- flat: cancellations offset by
                                         -- new broadband contracts
             ["rev.dialup"]    = -0.02,  -- the decline of 3Q02 (-2.0% QoQ)
             ["rev.vas"]       = 0.02,   -- the growth of 3Q02 (+2.2% QoQ)
             ["rev.other"]     = 0.00 },
  -- equipment sales: the average quarter of the nine months to Dec 2002
  equipment = "average of 9M02",
  -- cost of each revenue line: its 3Q02 cost ratio, as the engine computes
  cost_ratio = { ["cost.connectivity"] = "rev.connectivity",
                 ["cost.si"]           = "rev.si",
                 ["cost.equipment"]    = "rev.equipment" },
  -- operating expenses flat at 3Q02, less the one-off JPY 50 million bad
  -- debt charge the release names in 3Q02 sales and marketing
  one_off_sm = 50000,
  -- how likely: a Monte Carlo around the drivers above, each 4Q02 line
  -- drawn independently (the guidance-mc workload's spreads)
  uncertainty = {
    trials = 100000, seed = 1,
    spread = { ["rev.dedicated"] = 0.02, ["rev.dialup"] = 0.02,
               ["rev.vas"] = 0.03, ["rev.other"] = 0.05,
               ["opex.sm"] = 0.05, ["opex.ga"] = 0.03, ["opex.rd"] = 0.05 },
    cost_ratio_sd = 0.01,                    -- each cost ratio +- 1 point
    si = { 4000000, 5000000, 6200000 },      -- triangular: min, mode, max
    equipment = { 1400000, 2600000 },        -- uniform
  },
}

local model_dir = arg and arg[1] or "data/iij"
local m = assert(kessan.open(model_dir))

-- The guidance, as the model holds it from the release.
drivers.revenue_low = assert(m:get("guide.rev_low", "4Q02"))
drivers.revenue_high = assert(m:get("guide.rev_high", "4Q02"))
drivers.fy_growth = assert(m:get("guide.fy_growth", "FY02"))

local function get(id, period)
  local value, why = m:get(id, period)
  if value == nil then error(id .. "@" .. period .. ": " .. (why or "missing"), 2) end
  return value
end

---------------------------------------------------------------------------
-- The base case: 4Q02 from the drivers.
---------------------------------------------------------------------------
for id, growth in pairs(drivers.growth) do
  m:set(id, "4Q02", get(id, "3Q02") * (1 + growth))
end
m:set("rev.equipment", "4Q02", get("rev.equipment", "9M02") / 3)

-- Cost lines follow revenue through a driver item holding the 3Q02 ratio;
-- the formula drives only the cells without a reported figure (4Q02).
for cost, revenue in pairs(drivers.cost_ratio) do
  local driver = "drv." .. cost:gsub("%.", "_")
  m:define(driver, nil, { label = "4Q02 driver: " .. cost .. " / " .. revenue,
                          unit = "ratio", statement = "kpi", rule = "formula" })
  m:set(driver, "4Q02", get(cost, "3Q02") / get(revenue, "3Q02"))
  m:define(cost, revenue .. " * " .. driver)
end
m:set("opex.sm", "4Q02", get("opex.sm", "3Q02") - drivers.one_off_sm)
m:set("opex.ga", "4Q02", get("opex.ga", "3Q02"))
m:set("opex.rd", "4Q02", get("opex.rd", "3Q02"))
-- SI at its 3Q02 level in the base case: the guidance says SI drives 4Q02
m:set("rev.si", "4Q02", get("rev.si", "3Q02"))

---------------------------------------------------------------------------
-- Low and high: total revenue at each end of the range, SI the balance.
---------------------------------------------------------------------------
local function pinned(name, revenue)
  local s = m:scenario(name)
  local others = s:get("rev.total", "4Q02") - s:get("rev.si", "4Q02")
  s:set("rev.si", "4Q02", revenue - others)
  assert(math.abs(s:get("rev.total", "4Q02") - revenue) < 0.5)
  return s
end
local low = pinned("low", drivers.revenue_low)
local high = pinned("high", drivers.revenue_high)

-- The SI revenue at which 4Q02 breaks even at the operating line: the
-- operating income is linear in SI revenue, so two evaluations give it.
local function breakeven_si(s)
  local probe = m:scenario("probe")
  local si = s:get("rev.si", "4Q02")
  probe:set("rev.si", "4Q02", si)
  local op0 = probe:get("op_income", "4Q02")
  probe:set("rev.si", "4Q02", si + 1e6)
  local slope = (probe:get("op_income", "4Q02") - op0) / 1e6
  return si - op0 / slope, slope
end

---------------------------------------------------------------------------
-- Side by side.
---------------------------------------------------------------------------
-- Figures through kessan.format, the display formatter every table of
-- kessan uses: as the release prints them, negatives in parentheses,
-- ratios in percent.
local function pad(text, width) return (" "):rep(width - #text) .. text end
local function bn_text(x, decimals)
  return kessan.format(x / 1e6, { decimals = decimals or 2 })
end
local function pct_text(x) return kessan.format(x, "ratio") end
local function share_text(x, decimals)
  return kessan.format(x, { percent = true, decimals = decimals or 1 })
end
local function bn(x) return pad(bn_text(x), 8) end
local function pct(x) return pad(pct_text(x), 8) end
local function row(label, f, fmt)
  io.write(string.format("%-44s", label))
  for _, s in ipairs({ m, low, high }) do io.write("  ", fmt(f(s))) end
  io.write("\n")
end

local margin_3q02 = get("op_income", "3Q02") / get("rev.total", "3Q02")
local fy01_revenue_9m = get("rev.total", "9M01")

print("IIJ 4Q02 guidance (JPY bn unless stated)   drivers       low      high")
print(string.rep("-", 74))
row("4Q02 total revenues", function(s) return s:get("rev.total", "4Q02") end, bn)
row("  connectivity and value-added services", function(s) return s:get("rev.connectivity", "4Q02") end, bn)
row("  systems integration", function(s) return s:get("rev.si", "4Q02") end, bn)
row("  equipment sales", function(s) return s:get("rev.equipment", "4Q02") end, bn)
row("  SI growth over 3Q02", function(s) return s:get("rev.si", "4Q02") / get("rev.si", "3Q02") - 1 end, pct)
row("4Q02 operating income (loss)", function(s) return s:get("op_income", "4Q02") end, bn)
row("4Q02 operating margin", function(s) return s:get("op_income", "4Q02") / s:get("rev.total", "4Q02") end, pct)
row("  3Q02 operating margin", function() return margin_3q02 end, pct)
row("FY2002 total revenues", function(s) return s:get("rev.total", "FY02") end, bn)
row("FY2002 operating income (loss)", function(s) return s:get("op_income", "FY02") end, bn)
row("FY2001 revenue that +" .. share_text(drivers.fy_growth, 0) .. " implies", function(s) return s:get("rev.total", "FY02") / (1 + drivers.fy_growth) end, bn)
row("  its 4Q01 (less 9M01 as printed)", function(s) return s:get("rev.total", "FY02") / (1 + drivers.fy_growth) - fy01_revenue_9m end, bn)
row("SI revenue to break even in 4Q02", function(s) return (breakeven_si(s)) end, bn)
print(string.rep("-", 74))

---------------------------------------------------------------------------
-- What it means.
---------------------------------------------------------------------------
local op_low, op_high = low:get("op_income", "4Q02"), high:get("op_income", "4Q02")
local margin_low = op_low / drivers.revenue_low
local margin_high = op_high / drivers.revenue_high
local si_needed = low:get("rev.si", "4Q02")
local si_be, si_margin = breakeven_si(low)
local fy01_low = low:get("rev.total", "FY02") / (1 + drivers.fy_growth)
local fy01_high = high:get("rev.total", "FY02") / (1 + drivers.fy_growth)

print()
print(string.format(
  "Reading: with connectivity near its 3Q02 run-rate and equipment at its\n" ..
  "nine-month average, the low end needs SI revenue of JPY %s bn (%s more\n" ..
  "than 3Q02's %s bn), the high end JPY %s bn. At 3Q02 cost ratios each extra\n" ..
  "yen of SI adds %s sen of operating income, so the operating margin goes\n" ..
  "from %s in 3Q02 to %s (low) and %s (high):\n%s.\n" ..
  "Break-even at the operating line needs SI of about JPY %s bn.\n" ..
  "FY2002 revenue of JPY %s-%s bn is 'about +%s' over an FY2001 of\n" ..
  "JPY %s-%s bn, i.e. a 4Q01 of JPY %s-%s bn against 9M01's %s bn.",
  bn_text(si_needed), share_text(si_needed / get("rev.si", "3Q02") - 1, 0),
  bn_text(get("rev.si", "3Q02")), bn_text(high:get("rev.si", "4Q02")),
  kessan.format(si_margin * 100, { decimals = 1 }), pct_text(margin_3q02),
  pct_text(margin_low), pct_text(margin_high),
  (margin_low > margin_3q02 and "profitability improves at both ends, as guided,"
     .. (op_high < 0 and " but the quarter stays loss-making" or " and the high end turns a profit"))
    or "the low end does not improve on 3Q02",
  bn_text(si_be),
  bn_text(low:get("rev.total", "FY02")), bn_text(high:get("rev.total", "FY02")),
  share_text(drivers.fy_growth, 0), bn_text(fy01_low), bn_text(fy01_high),
  bn_text(fy01_low - fy01_revenue_9m), bn_text(fy01_high - fy01_revenue_9m),
  bn_text(fy01_revenue_9m)))

---------------------------------------------------------------------------
-- How likely: the drivers drawn, the guidance tested trial by trial.
---------------------------------------------------------------------------
local u = drivers.uncertainty
-- the formulas read the guidance and 3Q02 from the model's own cells (in
-- 4Q02, [-1] is 3Q02, which no draw moves)
m:define("guide.in_range", "(rev.total >= guide.rev_low) * (rev.total <= guide.rev_high)",
         { label = "4Q02 revenue within the guidance", unit = "ratio", statement = "kpi" })
m:define("guide.improves", "op_income / rev.total > op_income[-1] / rev.total[-1]",
         { label = "Operating margin above 3Q02's", unit = "ratio", statement = "kpi" })
m:define("guide.profitable", "op_income >= 0",
         { label = "Operating income at or above zero", unit = "ratio", statement = "kpi" })
local draws = {
  ["rev.si@4Q02"] = kessan.triangular(u.si[1], u.si[2], u.si[3]),
  ["rev.equipment@4Q02"] = kessan.uniform(u.equipment[1], u.equipment[2]),
}
for id, spread in pairs(u.spread) do
  local level = get(id, "4Q02")
  draws[id .. "@4Q02"] = kessan.normal(level, spread * level)
end
for cost in pairs(drivers.cost_ratio) do
  local driver = "drv." .. cost:gsub("%.", "_")
  draws[driver .. "@4Q02"] = kessan.normal(get(driver, "4Q02"), u.cost_ratio_sd)
end
local r = m:simulate{ trials = u.trials, seed = u.seed, draws = draws,
                      outputs = { "rev.total@4Q02", "op_income@4Q02",
                                  "guide.in_range@4Q02", "guide.improves@4Q02",
                                  "guide.profitable@4Q02" } }
print()
print(string.format(
  "How likely (%s trials, seed %d, drivers drawn around the above: SI\n" ..
  "triangular %s-%s-%s bn, equipment uniform %s-%s bn, the rest normal):\n" ..
  "4Q02 revenue lands in the guided range in %s of trials (p5-p95: %s-%s bn);\n" ..
  "the operating margin beats 3Q02's %s in %s; the quarter is profitable in %s.",
  kessan.format(u.trials, { decimals = 0 }), u.seed, bn_text(u.si[1], 1),
  bn_text(u.si[2], 1), bn_text(u.si[3], 1),
  bn_text(u.equipment[1], 1), bn_text(u.equipment[2], 1),
  share_text(r:mean("guide.in_range@4Q02")),
  bn_text(r:percentile("rev.total@4Q02", 5)), bn_text(r:percentile("rev.total@4Q02", 95)),
  pct_text(margin_3q02),
  share_text(r:mean("guide.improves@4Q02")), share_text(r:mean("guide.profitable@4Q02"))))

---------------------------------------------------------------------------
-- Charts (docs/charts.md): written into chart_dir, which is made when the
-- script may run commands (not under --sandbox: then it must exist).
---------------------------------------------------------------------------
local chart_dir = arg and arg[2] or "charts"
if os and os.execute then
  os.execute("mkdir -p '" .. chart_dir:gsub("'", "'\\''") .. "'")
end
local charts = {
  r:chart("rev.total@4Q02", chart_dir .. "/guidance_4q02_revenue.svg", {
    model = m, band = { drivers.revenue_low, drivers.revenue_high },
    band_label = "guided range", bins = 50,
    title = "4Q02 total revenues against the guidance" }),
  kessan.chart.waterfall{ model = m, from = "op_income@3Q02", to = "op_income@4Q02",
                          depth = 3, zero = false, out = chart_dir .. "/guidance_4q02_bridge.svg",
                          title = "Operating income (loss), 3Q02 to 4Q02 (drivers)" },
  kessan.chart.fan{ model = m, item = "rev.total", result = r,
                    periods = { "3Q01", "1Q02", "2Q02", "3Q02", "4Q02" },
                    out = chart_dir .. "/guidance_4q02_fan.svg",
                    title = "Quarterly total revenues: reported, then 4Q02 drawn (p5-p95, p25-p75)" },
}
print()
print("Charts in " .. chart_dir .. "/:")
for _, path in ipairs(charts) do print("  " .. path) end
