-- breakeven_4q02.lua -- the 4Q02 revenue mix at which IIJ's operating
-- income is zero, found by goal seek on the compiled model, against the
-- guided 4Q02 revenue range.
--
-- usage: kessan run scripts/breakeven_4q02.lua [MODEL_DIR]
--
-- The drivers of 4Q02 (January-March 2003), stated before anything runs;
-- every figure is read from the release, none typed here:
--   * connectivity and value-added lines (dedicated, dial-up, VAS, other):
--     flat at 3Q02;
--   * systems integration and equipment sales: flat at 3Q02 to start from
--     (each is then solved for);
--   * each cost line at its 3Q02 cost ratio as the engine computes it
--     (ratio.cost_connectivity, ratio.cost_si, ratio.cost_equipment at
--     3Q02: cost.x / rev.x);
--   * sales and marketing, general and administrative, R&D: flat at 3Q02.
-- Drivers are items holding a value in 4Q02 only; the revenue and cost
-- lines get formulas through them.  A formula on a reported line drives
-- only the cells without a reported value, so 4Q02 is computed and every
-- printed quarter stays as the release has it.

local kessan = require "kessan"

local PERIOD, FROM = "4Q02", "3Q02"
local CONNECTIVITY = { "rev.dedicated", "rev.dialup", "rev.vas", "rev.other" }
local REVENUE = { "rev.dedicated", "rev.dialup", "rev.vas", "rev.other",
                  "rev.si", "rev.equipment" }
local COST_RATIO = { -- cost line, its revenue line, the engine's ratio item
  { "cost.connectivity", "rev.connectivity", "ratio.cost_connectivity" },
  { "cost.si", "rev.si", "ratio.cost_si" },
  { "cost.equipment", "rev.equipment", "ratio.cost_equipment" },
}
local OPEX = { "opex.sm", "opex.ga", "opex.rd" }

local m = assert(kessan.open(arg and arg[1] or "data/iij"))

local function at(id, period) return id .. "@" .. (period or PERIOD) end

local function get(model, cell)
  local value, why = model:get(cell)
  if value == nil then error(cell .. ": " .. (why or "missing"), 2) end
  return value
end

local function driver(id, label, value)
  m:define(id, nil, { label = label, unit = "ratio", statement = "kpi",
                      rule = "formula" })
  m:set(at(id), value)
end

-- Revenue: each line is its 3Q02 level times one scale (1 to start), so
-- total revenue can move at the current mix.
driver("drv.rev_scale", "4Q02 revenue at the 3Q02 mix, as a multiple", 1)
for _, id in ipairs(REVENUE) do
  m:define(id, id .. "[-1] * drv.rev_scale") -- 4Q02: its 3Q02 level
end
-- Costs: each line at its 3Q02 ratio to its revenue.
for _, line in ipairs(COST_RATIO) do
  local cost, revenue, ratio = line[1], line[2], line[3]
  local id = "drv." .. cost:gsub("%.", "_")
  driver(id, "4Q02 driver: " .. cost .. " / " .. revenue, get(m, at(ratio, FROM)))
  m:define(cost, revenue .. " * " .. id)
end
for _, id in ipairs(OPEX) do m:set(at(id), get(m, at(id, FROM))) end

-- The guided range, from the release.
local guide_low = get(m, at("guide.rev_low"))
local guide_high = get(m, at("guide.rev_high"))

---------------------------------------------------------------------------
-- Three break-evens: SI alone, equipment alone, all revenue at the mix.
---------------------------------------------------------------------------
local cases = {
  { name = "SI", vary = at("rev.si"),
    what = "systems integration revenue, the rest at 3Q02",
    style = "JPY thousands" },
  { name = "equipment", vary = at("rev.equipment"),
    what = "equipment sales, the rest at 3Q02", style = "JPY thousands" },
  { name = "mix", vary = at("drv.rev_scale"),
    what = "every revenue line scaled at the 3Q02 mix",
    style = { decimals = 4 } },
}
for _, case in ipairs(cases) do
  case.s = m:scenario("breakeven " .. case.name)
  case.solution, case.info = case.s:goalseek{
    target = at("op_income"), value = 0, vary = case.vary }
end

---------------------------------------------------------------------------
-- The break-even mix, side by side with the 4Q02 drivers.
---------------------------------------------------------------------------
-- Figures through kessan.format, the display formatter every table of
-- kessan uses: grouped, negatives in parentheses, ratios in percent.
local function pad(text, width) return (" "):rep(width - #text) .. text end
local function bn_text(x) return kessan.format(x / 1e6, { decimals = 2 }) end
local function bn(x) return pad(bn_text(x), 9) end
local function pct(x) return pad(kessan.format(x, "ratio"), 9) end
local function connectivity(s)
  local total = 0
  for _, id in ipairs(CONNECTIVITY) do total = total + get(s, at(id)) end
  return total
end
local columns = { { label = "drivers", s = m } }
for _, case in ipairs(cases) do
  columns[#columns + 1] = { label = case.name, s = case.s }
end
local function row(label, f, fmt)
  io.write(string.format("%-36s", label))
  for _, column in ipairs(columns) do io.write("  ", fmt(f(column.s))) end
  io.write("\n")
end

print(string.format("IIJ 4Q02 break-even at the operating line (JPY bn)"))
io.write(string.format("%-36s", ""))
for _, column in ipairs(columns) do
  io.write("  ", string.format("%9s", column.label))
end
io.write("\n", string.rep("-", 36 + 11 * #columns), "\n")
row("connectivity and value-added", connectivity, bn)
row("systems integration", function(s) return get(s, at("rev.si")) end, bn)
row("equipment sales", function(s) return get(s, at("rev.equipment")) end, bn)
row("total revenues", function(s) return get(s, at("rev.total")) end, bn)
row("  SI share of revenues", function(s)
  return get(s, at("rev.si")) / get(s, at("rev.total")) end, pct)
row("total costs and expenses", function(s)
  return get(s, at("expenses.total")) end, bn)
row("operating income (loss)", function(s) return get(s, at("op_income")) end, bn)
print(string.rep("-", 36 + 11 * #columns))
for _, case in ipairs(cases) do
  print(string.format("%-10s %s = %s after %d iteration(s) (residual %s)",
                      case.name, case.vary,
                      kessan.format(case.solution, case.style),
                      case.info.iterations, kessan.format(case.info.residual)))
end

---------------------------------------------------------------------------
-- Against the guidance.
---------------------------------------------------------------------------
local function position(revenue)
  if revenue < guide_low then return "below the guided range" end
  if revenue > guide_high then return "above the guided range" end
  return "inside the guided range"
end
print()
print(string.format("Guided 4Q02 revenues: JPY %s-%s bn.", bn_text(guide_low),
                    bn_text(guide_high)))
for _, case in ipairs(cases) do
  local total = get(case.s, at("rev.total"))
  local off = total - guide_low
  print(string.format("  %-10s break-even revenues JPY %s bn: %s (%s bn %s "
                      .. "its low end)", case.name, pad(bn_text(total), 5),
                      position(total), bn_text(math.abs(off)),
                      off < 0 and "below" or "above"))
end
local si_case = cases[1]
local si_from = get(m, at("rev.si", FROM))
print(string.format(
  "Break-even needs SI of JPY %s bn (%s more than 3Q02's %s bn) with the\n"
  .. "other lines at 3Q02, or total revenues of JPY %s bn at the 3Q02 mix.",
  bn_text(si_case.solution),
  kessan.format(si_case.solution / si_from - 1, { percent = true, decimals = 0 }),
  bn_text(si_from), bn_text(get(cases[3].s, at("rev.total")))))
