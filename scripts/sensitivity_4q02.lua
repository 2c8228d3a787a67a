-- sensitivity_4q02.lua -- how IIJ's 4Q02 operating income moves with its
-- drivers: a two-way data table of systems integration revenue against the
-- SI cost ratio, and a tornado over the main drivers.
--
-- usage: kessan run scripts/sensitivity_4q02.lua [MODEL_DIR [CSV_OUT]]
--   CSV_OUT, when given, receives the table as CSV.
--
-- The drivers of 4Q02 (January-March 2003), as in breakeven_4q02.lua; every
-- figure is read from the release, none typed here:
--   * every revenue line flat at 3Q02 (connectivity and value-added lines,
--     systems integration, equipment sales);
--   * each cost line at its 3Q02 cost ratio as the engine computes it
--     (ratio.cost_connectivity, ratio.cost_si, ratio.cost_equipment at
--     3Q02: cost.x / rev.x), held by a driver item in 4Q02 only
--     (drv.cost_connectivity, drv.cost_si, drv.cost_equipment);
--   * sales and marketing, general and administrative, R&D flat at 3Q02.
-- A formula on a reported line drives only the cells without a reported
-- value, so 4Q02 is computed and the printed quarters stay as released.

local kessan = require "kessan"

local PERIOD, FROM = "4Q02", "3Q02"
local REVENUE = { "rev.dedicated", "rev.dialup", "rev.vas", "rev.other",
                  "rev.si", "rev.equipment" }
local COST_RATIO = { -- cost line, its revenue line, the engine's ratio item
  { "cost.connectivity", "rev.connectivity", "ratio.cost_connectivity" },
  { "cost.si", "rev.si", "ratio.cost_si" },
  { "cost.equipment", "rev.equipment", "ratio.cost_equipment" },
}
local OPEX = { "opex.sm", "opex.ga", "opex.rd" }

-- The table's axes: SI revenue (JPY thousands) and the SI cost ratio.
local SI_REVENUE = {}          -- JPY 4.0 to 6.2 bn by 0.2 bn
for step = 0, 11 do SI_REVENUE[#SI_REVENUE + 1] = 4e6 + step * 2e5 end
local SI_COST_RATIO = {}       -- 0.82 to 0.90 by 0.01
for percent = 82, 90 do SI_COST_RATIO[#SI_COST_RATIO + 1] = percent / 100 end
local SWING = 0.10 -- the tornado moves each driver 10% either way

local model_dir = arg and arg[1] or "data/iij"
local csv_out = arg and arg[2]
local m = assert(kessan.open(model_dir))

local function at(id, period) return id .. "@" .. (period or PERIOD) end

local function get(cell)
  local value, why = m:get(cell)
  if value == nil then error(cell .. ": " .. (why or "missing"), 2) end
  return value
end

-- 4Q02 from the drivers.
for _, id in ipairs(REVENUE) do m:set(at(id), get(at(id, FROM))) end
for _, line in ipairs(COST_RATIO) do
  local cost, revenue, ratio = line[1], line[2], line[3]
  local id = "drv." .. cost:gsub("%.", "_")
  m:define(id, nil, { label = "4Q02 driver: " .. cost .. " / " .. revenue,
                      unit = "ratio", statement = "kpi", rule = "formula" })
  m:set(at(id), get(at(ratio, FROM)))
  m:define(cost, revenue .. " * " .. id)
end
for _, id in ipairs(OPEX) do m:set(at(id), get(at(id, FROM))) end

---------------------------------------------------------------------------
-- The two-way table: operating income, SI revenue down, the SI cost ratio
-- across.
---------------------------------------------------------------------------
local grid = m:datatable{
  rows = { at("rev.si"), SI_REVENUE },
  cols = { at("drv.cost_si"), SI_COST_RATIO },
  out = at("op_income"),
}
-- Figures through kessan.format, the display formatter every table of
-- kessan uses (the table and the tornado print theirs with it too).
local function bn(x) return kessan.format(x / 1e6, { decimals = 2 }) end
print(string.format("IIJ 4Q02 operating income (JPY thousands): SI revenue "
                    .. "against the SI cost ratio (3Q02: SI %s bn at %s)",
                    bn(get(at("rev.si", FROM))),
                    kessan.format(get(at("ratio.cost_si", FROM)), "ratio")))
print(grid)

-- Where the table turns positive: the lowest SI revenue with a profit at
-- each cost ratio.
print()
print("Lowest SI revenue in the table with an operating profit:")
for j, ratio in ipairs(grid.cols) do
  local found
  for i, si in ipairs(grid.rows) do
    if not found and grid[i][j] and grid[i][j] > 0 then found = si end
  end
  print(string.format("  SI cost ratio %s: %s", kessan.format(ratio, "ratio"),
                      found and "JPY " .. bn(found) .. " bn"
                        or "none up to JPY " .. bn(grid.rows[#grid.rows])
                           .. " bn"))
end

if csv_out then
  local ok, message = grid:export(csv_out)
  if not ok then error(message) end
  print("table written to " .. csv_out)
end

---------------------------------------------------------------------------
-- The tornado: each driver 10% either way, the others at 4Q02's values.
---------------------------------------------------------------------------
print()
local bars = m:tornado{
  out = at("op_income"),
  inputs = { at("rev.dedicated"), at("rev.dialup"), at("rev.vas"),
             at("rev.si"), at("rev.equipment"), at("drv.cost_connectivity"),
             at("drv.cost_si"), at("drv.cost_equipment"), at("opex.sm"),
             at("opex.ga"), at("opex.rd") },
  swing = SWING,
}
print(bars)
print(string.format("The widest bar is %s: %s on it moves 4Q02 operating "
                    .. "income by JPY %s bn.", bars[1].input,
                    kessan.format(SWING, { percent = true, decimals = 0 }),
                    bn(bars[1].spread / 2)))
