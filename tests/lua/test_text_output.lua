-- test_text_output.lua -- what tostring gives for each kessan value
-- (docs/lua-api.md, docs/whatif.md), all by the core's one display
-- formatter (kessan/text.h): figures grouped by thousands with at most two
-- decimals, small ones with six significant digits, negatives in
-- parentheses as a release prints them, a figure in its unit's style (a
-- ratio a percentage, an amount in thousands whole), '-' for missing and
-- #ERROR for errors; and the text of tables a script built or changed itself
-- (a comparison, an explanation, a tornado), which is read raw and never
-- trusted: wrong types print as '?' or '-', sizes out of range raise.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local function lines(text)
  local list = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do list[#list + 1] = line end
  return list
end

-- the words of a line, whatever the alignment
local function words(line)
  local list = {}
  for word in line:gmatch("%S+") do list[#list + 1] = word end
  return table.concat(list, " ")
end

local m = assert(kessan.open("tests/data/tiny"))

-- ---- figures, through a detached series ----------------------------------------
local figures = m["rev.a"]:detach()
local cases = {
  { 1234.5, "1,234.5" }, { 1234.56, "1,234.56" }, { -1234567.25, "(1,234,567.25)" },
  { 0.5, "0.5" }, { -0.004, "(0.004)" }, { 1e15, "1,000,000,000,000,000" },
  { -1e16, "(10,000,000,000,000,000)" }, { 0, "0" }, { 999.999, "1,000" },
  { -12.3, "(12.3)" }, { 12, "12" }, { 0.125, "0.125" }, { -0.001, "(0.001)" },
  { 1 / 3, "0.333333" }, { -0.0000001, "(1e-07)" },
}
for i, case in ipairs(cases) do figures[i] = case[1] end
figures[#cases + 1] = kessan.missing
local series_lines = lines(tostring(figures))
check.eq(series_lines[1], "kessan.Series (detached)", "a detached series' title")
check.eq(words(series_lines[2]), "period value", "the header")
local periods = m:periods()
for i, case in ipairs(cases) do
  check.eq(words(series_lines[2 + i]), periods[i] .. " " .. case[2],
           "the text of " .. string.format("%.17g", case[1]))
end
check.eq(words(series_lines[2 + #cases + 1]), periods[#cases + 1] .. " -",
         "a missing value")
check.eq(words(lines(tostring(m["rev.a"] / 0))[3]), periods[1] .. " #ERROR",
         "an error")
check.eq(lines(tostring(m["rev.a"]))[1], "kessan.Series 'rev.a' (base)", "an attached series")

-- ---- the model ---------------------------------------------------------------------
local model_lines = lines(tostring(m))
check.eq(model_lines[1], "kessan.Model 'base' (8 items, 16 periods)", "the model's title")
check.eq(words(model_lines[2]), "item 1Q02 2Q02 3Q02 4Q02 FY02", "the last year's columns")
check.eq(words(model_lines[3]), "rev.a 140 150 160 - -", "rev.a's row")
check.eq(words(model_lines[8]), "op_margin 23.8% 24.4% 25.0% - -", "ratios as percentages")
check.eq(words(model_lines[10]), "bs.cash 1,300 1,250 1,400 - -", "thousands grouped")
check.eq(#model_lines, 2 + #m, "a row per item")

-- ---- a comparison -------------------------------------------------------------------
local low = m:scenario("low")
low:set("cost.total", "3Q02", 250)
local c = kessan.compare{ m, low, items = { "op_margin", "cost.total" },
                          periods = { "3Q02", "4Q02" } }
local compare_lines = lines(tostring(c))
check.eq(compare_lines[1], "kessan.Comparison", "the comparison's title")
check.eq(words(compare_lines[2]), "cell base low diff low", "the header")
local low_margin = low:get("op_margin@3Q02")
check.eq(words(compare_lines[3]), string.format("op_margin@3Q02 25.0%% (%.1f%%) (%.1f%%)",
  -100 * low_margin, 100 * (0.25 - low_margin)), "ratios as percentages, negatives in parentheses")
check.eq(words(compare_lines[4]), "op_margin@4Q02 - - -", "missing everywhere")
check.eq(words(compare_lines[5]), "cost.total@3Q02 180 250 70", "figures and their difference")

-- a comparison the script changed: read raw, wrong types print as '?' or '-'
c.names = { "a", 5 }
c.rows = { 1, { cell = 5, values = "x" },
           { cell = "z", unit = "ratio", values = { -0.5, 0.25 } },
           { cell = "y", values = { nil, 2 } } }
compare_lines = lines(tostring(c))
check.eq(words(compare_lines[2]), "cell a ? diff ?", "a name that is no string")
check.eq(words(compare_lines[3]), "? - - -", "a row without a cell or values")
check.eq(words(compare_lines[4]), "z (50.0%) 25.0% 75.0%", "a ratio row")
check.eq(words(compare_lines[5]), "y - 2 -", "no difference against a missing base")
check.eq(#compare_lines, 5, "a row that is no table is left out")
c.names = nil
check.raises("comparison without names", tostring, c)
c.names = {}
check.raises("comparison of 0 columns", tostring, c)
c.names = {}
for i = 1, 31 do c.names[i] = "x" end
check.raises("comparison of 31 columns", tostring, c)

-- ---- an explanation --------------------------------------------------------------------
m:define("bad", "rev.total / 0")
local explain_lines = lines(tostring(m:explain("bad@3Q02")))
local division = select(2, m:get("bad@3Q02"))
check.eq(explain_lines[1], "bad@3Q02 = #ERROR (computed): " .. division, "an error node")
check.eq(explain_lines[3], "    rev.total@3Q02 = 240 (computed)", "a reference, indented")
check.eq(explain_lines[4], "    0 = 0 (computed)", "a constant")
check.eq(tostring(m:explain("rev.a@4Q02")), "rev.a@4Q02 = -", "a missing leaf")
-- a tree the script built: a long cell whole, wrong types as '?' and '-'
local long_cell = ("c"):rep(3000)
check.eq(kessan.format_explain{ text = "x", cell = long_cell, value = 1,
                                provenance = "computed" },
         "x [" .. long_cell .. "] = 1 (computed)", "a long cell, whole")
check.eq(kessan.format_explain{ text = "x", error = "boom", provenance = "none",
                                children = { 5, { text = 7 } } },
         "x = #ERROR: boom\n  ? = -", "an error without provenance; a child that is no table")
check.eq(kessan.format_explain{ text = "same", cell = "same", value = 0.5 },
         "same = 0.5", "a cell equal to the text is not repeated")

-- ---- a data table ---------------------------------------------------------------------
m:define("inv", "1 / (rev.a - 150)")
local g = m:datatable{ rows = { "rev.a@3Q02", { 140, 150, 1e6 } },
                       out = { "inv@3Q02", "rev.total@3Q02", "rev.a@4Q02" } }
local grid_lines = lines(tostring(g))
check.eq(grid_lines[1], "data table", "a one-way table's title")
check.eq(words(grid_lines[2]), "rev.a@3Q02 inv@3Q02 rev.total@3Q02 rev.a@4Q02", "its header")
check.eq(words(grid_lines[3]), "140 (0.1) 220 -", "a row")
check.eq(words(grid_lines[4]), "150 #ERROR 230 -", "an error point")
check.eq(words(grid_lines[5]), "1,000,000 0.00000100015 1,000,080 -",
         "large and small figures")
-- why an output shows no number: its first such point, and the reason
check.eq(grid_lines[6], "note: inv@3Q02 is an error: division by zero in "
         .. "inv@3Q02 (when rev.a@3Q02 is 150)", "the error's note")
check.eq(grid_lines[7], "note: rev.a@4Q02 is missing (when rev.a@3Q02 is 140)",
         "the missing output's note")
check.eq(g.why["rev.a@4Q02"], "rev.a@4Q02 is missing (when rev.a@3Q02 is 140)",
         "g.why names the point")
check.eq(g.why["rev.total@3Q02"], nil, "an output with every point has no why")
local two_way = m:datatable{ rows = { "rev.a@3Q02", { 140, 150 } },
                             cols = { "rev.b@3Q02", { 0, 10.5 } },
                             out = { "inv@3Q02", "rev.total@3Q02" } }
check.eq(two_way.cols[2], 10.5, "the column values")
check.eq(two_way[1][2], 1 / (140 - 150), "a point of a two-way table")
grid_lines = lines(tostring(two_way))
check.eq(grid_lines[1], "data table: inv@3Q02", "a block per output")
check.eq(words(grid_lines[2]), "rev.a@3Q02 \\ rev.b@3Q02 0 10.5", "the corner and the columns")
check.eq(words(grid_lines[4]), "150 #ERROR #ERROR", "errors in a two-way table")
assert(grid_lines[5]:find("^note: inv@3Q02 is an error: .* %(when rev.a@3Q02 is 150 "
                          .. "and rev.b@3Q02 is 0%)$"), grid_lines[5])
check.eq(grid_lines[6], "", "blocks apart")
check.eq(grid_lines[7], "data table: rev.total@3Q02", "the second output")
-- an amount in thousands is shown whole, as the release prints it; the
-- values the script chose for the varied cell as given
check.eq(words(grid_lines[9]), "140 140 151", "the second output's figures")

-- ---- a tornado --------------------------------------------------------------------------
local bars = m:tornado{ out = "op_income@3Q02",
                        inputs = { "rev.a@3Q02", { "cost.total@3Q02", 100, 200 } } }
local tornado_lines = lines(tostring(bars))
check.eq(tornado_lines[1], "tornado: op_income@3Q02 (base 60)", "the tornado's title")
check.eq(words(tornado_lines[2]), "input value low high out_low out_high spread", "its header")
check.eq(words(tornado_lines[3]), "cost.total@3Q02 180 100 200 140 40 100", "the widest bar")
bars[3], bars[4] = 5, { input = 5, low = "x" }
bars.base, bars.out = nil, 7
tornado_lines = lines(tostring(bars))
check.eq(tornado_lines[1], "tornado: ? (base -)", "no output, no base")
check.eq(#tornado_lines, 2 + 3, "an entry that is no table is left out")
check.eq(words(tornado_lines[5]), "? - - - - - -", "fields of the wrong type")
check.eq(getmetatable(bars), "kessan.Tornado", "the metatable is protected")

m:close()
print("test_text_output: ok")
