-- quickstart.lua -- a first tour of the kessan Lua API on IIJ's 3Q FY2002
-- release: read cells, extend the model one quarter, compare scenarios.
--
--   kessan run examples/quickstart.lua            (the IIJ model)
--   kessan run examples/quickstart.lua DIR        (any model directory)
local kessan = require "kessan"

local dir = arg and arg[1] or "data/iij"
local m = assert(kessan.open(dir))

-- 1. Read reported and computed cells: two forms, and through a Series.
-- Values are Lua floats; missing cells are nil.  kessan.format prints a
-- figure as every table of kessan does, in its item's unit (grouped,
-- negatives in parentheses, a ratio in percent).
local function shown(id, value) return kessan.format(value, m:item(id).unit) end
print("Total revenues 3Q02: " .. shown("rev.total", m:get("rev.total", "3Q02")))
assert(m:get("rev.total@3Q02") == m["rev.total"]["3Q02"])
print("Operating income 9M02: " .. shown("op_income", m:get("op_income@9M02")))

-- 2. How a cell is computed: the formula tree with values and provenance.
print()
print(m:explain("op_income", "3Q02"))

-- 3. A new line: gross profit, defined once for every period.
m:define("gross", "rev.total - cost.total", {label = "Gross profit"})
m:define("gross_margin", "gross / rev.total", {label = "Gross margin",
                                                unit = "ratio"})
print()
print("Gross margin 3Q02: " .. shown("gross_margin",
                                     m:get("gross_margin", "3Q02")))

-- 4. Series arithmetic, period by period: the result is a detached series.
local margin = m["op_income"] / m["rev.total"]
print("Operating margin 3Q02: " .. kessan.format(margin["3Q02"], "ratio"))
m:define("rev_yoy", "rev.total / rev.total[-4] - 1", {unit = "ratio"})
print("Revenue growth 3Q02 on 3Q01: " .. shown("rev_yoy",
                                               m:get("rev_yoy@3Q02")))

-- 5. Scenarios for the 4Q02 quarter: each is an overlay on the model.
local q3 = function(id) return m:get(id, "3Q02") end
local low, high = m:scenario("low"), m:scenario("high")
for _, id in ipairs(m:items()) do
  local value = m:get(id, "3Q02")
  local info = m:item(id)
  if value and info.rule == "sum" and not info.formula then
    low:set(id, "4Q02", value * 0.97)
    high:set(id, "4Q02", value * 1.05)
  end
end
print()
print(kessan.compare{m, low, high, items = {"rev.total", "op_income"},
                     periods = {"4Q02", "FY02"}})
print()
print(string.format("4Q02 revenue: low %s, high %s (3Q02: %s)",
                    shown("rev.total", low:get("rev.total@4Q02")),
                    shown("rev.total", high:get("rev.total@4Q02")),
                    shown("rev.total", q3("rev.total"))))
