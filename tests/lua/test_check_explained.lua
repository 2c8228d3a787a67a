-- test_check_explained.lua -- m:check() and `kessan check` as an analyst
-- reads a break (docs/check.md): a cell that breaks is reported once,
-- whichever checks find it; a note on the cell explains it; a note named
-- in a setting check.implies.<note id> = "name = expression" shows the
-- quantity it implies at each cell it explains (fields implied,
-- implied_formula, implied_value), computed from the printed figures.
-- IIJ's Adjusted EBITDA: three cells, explained, with the amortization of
-- the convertible notes' issuance cost each quarter implies.
-- Usage: kessan run tests/lua/test_check_explained.lua [PATH-TO-KESSAN]
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local KESSAN = check.program()
local quote = check.quote

local function contains(text, piece, what)
  if not text:find(piece, 1, true) then
    error(string.format("%s: expected '%s' in:\n%s", what, piece, text), 2)
  end
end

-- the results of one cell (item@period, measure value), in report order
local function results_of(results, cell)
  local found = {}
  for _, r in ipairs(results) do
    if r.item .. "@" .. r.period == cell and r.measure == "value" then
      found[#found + 1] = r
    end
  end
  return found
end

-- ---- a model of its own ------------------------------------------------------
-- t = a + b printed 3,100 and 3,212.5 where a + b is 3,000 and 3,100; an
-- identity that says the same; a note on t that implies the gap
local MODEL = check.tmpname(".model")
assert(os.execute("mkdir " .. quote(MODEL)))
check.write(MODEL .. "/items.csv", [[
id,label,label_ja,unit,statement,parent,rule,formula
a,A,,JPY thousands,is,t,sum,
b,B,,JPY thousands,is,t,sum,
t,Total,,JPY thousands,is,,sum,a + b
]])
check.write(MODEL .. "/values.csv", [[
item,period,value
a,3Q02,"1,000"
b,3Q02,"2,000"
t,3Q02,"3,100"
a,2Q02,"1,100"
b,2Q02,"2,000"
t,2Q02,"3,212.5"
]])
check.write(MODEL .. "/notes.csv", [[
id,item,period,text
gap,t,,"Includes a fee the parts do not carry."
]])
local settings = [[
key,value
fiscal_year_end_month,3
first_year,2001
last_year,2002
check.identity.total,t == a + b
]]
check.write(MODEL .. "/settings.csv", settings)

-- the note alone: explained once per cell, nothing implied
local m = assert(kessan.open(MODEL))
local results = m:check()
check.eq(#results, 2, "one result per broken cell")
check.eq(results.breaks, 0, "no break unexplained")
check.eq(results.explained, 2, "two cells explained, not four")
for _, cell in ipairs{"t@3Q02", "t@2Q02"} do
  local found = results_of(results, cell)
  check.eq(#found, 1, cell .. ": reported once")
  local r = found[1]
  check.eq(r.status, "EXPLAINED", cell .. ": explained")
  check.eq(r.identity, nil, cell .. ": by the printed figure's check")
  check.eq(r.note, "gap", cell .. ": the note")
  contains(r.message, "; identity total breaks too", cell .. ": the identity")
  check.eq(r.implied, nil, cell .. ": the note implies nothing")
  check.eq(r.implied_formula, nil, cell .. ": no formula")
  check.eq(r.implied_value, nil, cell .. ": no value")
end
m:close()

-- the note names what it implies: the fee, each quarter, from the figures
check.write(MODEL .. "/settings.csv",
            settings .. "check.implies.gap,fee = t - a - b\n")
m = assert(kessan.open(MODEL))
results = m:check()
check.eq(results.explained, 2, "still two cells explained")
local fees = {["t@3Q02"] = 100, ["t@2Q02"] = 112.5}
for cell, fee in pairs(fees) do
  local r = results_of(results, cell)[1]
  check.eq(r.implied, "fee", cell .. ": the quantity's name")
  check.eq(r.implied_formula, "t - a - b", cell .. ": its expression")
  local item, period = cell:match("^(.-)@(.*)$")
  check.eq(r.implied_value, r.printed - m:get("a", period) - m:get("b", period),
           cell .. ": printed t less the parts")
  check.eq(r.implied_value, fee, cell .. ": the fee")
  check.eq(item, "t", cell)
end
contains(results_of(results, "t@2Q02")[1].message,
         "; the note implies fee = t - a - b = 112.500", "the message says it")
m:close()

-- the command line: one line per cell, exit 0 (every break explained)
local status, out = check.run(KESSAN, "check " .. quote(MODEL) .. " --only breaks")
check.eq(status, 0, "explained breaks: exit 0")
local _, lines = out:gsub("\n  EXPLAINED ", "")
check.eq(lines, 2, "a line per explained cell")
contains(out, "the note implies fee = t - a - b = 100 [note gap: Includes a fee",
         "the implied fee before the note")
contains(out, "\n2 checks: 0 passed, 0 footing adjustments, 2 breaks explained "
  .. "by notes, 0 breaks not explained\n", "the summary counts cells")

-- a setting that names no note is refused, naming it
check.write(MODEL .. "/settings.csv",
            settings .. "check.implies.nosuch,fee = t - a - b\n")
m = assert(kessan.open(MODEL))
check.raises("settings: check.implies.nosuch: no such note in notes.csv",
             m.check, m)
m:close()

-- ---- IIJ: Adjusted EBITDA ------------------------------------------------------
local iij = assert(kessan.open("data/iij"))
local iij_results = iij:check()
check.eq(iij_results.breaks, 0, "IIJ: no break left unexplained")
check.eq(iij_results.explained, 3, "IIJ: three cells explained")
local implied = {}
for _, period in ipairs{"3Q01", "2Q02", "3Q02"} do
  local found = results_of(iij_results, "ebitda_adj@" .. period)
  check.eq(#found, 1, "ebitda_adj@" .. period .. ": reported once")
  local r = found[1]
  check.eq(r.status, "EXPLAINED", period .. ": explained")
  check.eq(r.note, "model.ebitda_adj", period .. ": by the model's note")
  check.eq(r.implied, "cn_issuance_cost_amortization", period .. ": implies")
  -- op_income (JPY thousands) + cash-flow D&A (JPY thousands) - printed
  -- Adjusted EBITDA (JPY millions)
  local amortization = iij:get("op_income", period) / 1000
                       + iij:get("cf.da", period) / 1000 - r.printed
  check.near(r.implied_value, amortization, period .. ": the amortization",
             1e-9)
  check.near(r.implied_value, -r.difference, period .. ": the gap", 1e-9)
  implied[period] = string.format("%.2f", r.implied_value)
end
check.eq(implied["3Q01"], "30.57", "3Q01: JPY 30.57 million")
check.eq(implied["2Q02"], "27.95", "2Q02: JPY 27.95 million")
check.eq(implied["3Q02"], "27.33", "3Q02: JPY 27.33 million")
for _, r in ipairs(iij_results) do
  assert(r.status ~= "EXPLAINED" or r.item == "ebitda_adj", r.item)
end
iij:close()

status, out = check.run(KESSAN, "check data/iij --only breaks")
check.eq(status, 0, "IIJ: every break explained, exit 0")
contains(out, "ebitda_adj@3Q02", "IIJ: the 3Q02 line")
contains(out, "the note implies cn_issuance_cost_amortization = op_income / "
  .. "1000 + cf.da / 1000 - ebitda_adj = 27.33 [note model.ebitda_adj: ",
  "IIJ: the implied amortization in the text")
contains(out, "\n535 checks: 498 passed, 34 footing adjustments, 3 breaks "
  .. "explained by notes, 0 breaks not explained\n", "IIJ: the summary")

check.cleanup()
os.execute("rm -rf " .. quote(MODEL))
print("test_check_explained: ok")
