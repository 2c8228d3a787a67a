-- test_model.lua -- the Model and Scenario API of the kessan module against
-- the tiny model in tests/data/tiny: open, get, set, define, scenario,
-- explain, items, item, periods, import, export, compare, close, and the
-- error conventions (misuse raises naming the argument; files fail with
-- nil, message).
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local DIR = "tests/data/tiny"

-- open
local m = assert(kessan.open(DIR))
check.eq(tostring(m):match("^kessan%.Model"), "kessan.Model", "tostring")
local none, message = kessan.open("tests/data/no-such-model")
check.eq(none, nil, "open of a missing directory")
assert(type(message) == "string" and #message > 0, "open gives a message")
check.raises("bad argument #1 to 'open' (string expected, got no value)",
             function() return kessan.open() end)

-- an override of a reported figure, undone, gives the figure back
local reported = m:get("rev.a", "3Q02")
m:set("rev.a", "3Q02", reported + 1000)
check.eq(m:get("rev.a", "3Q02"), reported + 1000, "override")
m:set("rev.a", "3Q02", nil)
check.eq(m:get("rev.a", "3Q02"), reported, "override undone")

-- settings
check.eq(m:setting("name"), "Tiny Corp.", "setting")
check.eq(m:setting("first_year"), "2001", "settings are text")
check.eq(m:setting("no.such.key"), nil, "absent setting")
check.raises("bad argument #1 to 'setting' (string expected, got no value)",
             function() return m:setting() end)

-- get: two forms, missing, reported, computed
local a, b = m:get("rev.a", "3Q02"), m:get("rev.b", "3Q02")
check.eq(m:get("rev.total", "3Q02"), a + b, "rev.total = rev.a + rev.b")
check.eq(m:get("rev.total@3Q02"), a + b, "cell form")
check.eq(m["rev.total"]["3Q02"], a + b, "series form")
check.eq(m:get("rev.a", "9M02"),
         m:get("rev.a", "1Q02") + m:get("rev.a", "2Q02") + a, "9M sums")
check.eq(m:get("bs.cash", "9M02"), m:get("bs.cash", "3Q02"), "last rule")
check.eq(m:get("rev.a", "4Q02"), nil, "missing cell")
check.near(m:get("op_margin", "3Q02"),
           m:get("op_income", "3Q02") / m:get("rev.total", "3Q02"), "ratio")
check.near(m:get("rev.total_yoy", "3Q02"),
           m:get("rev.total", "3Q02") / m:get("rev.total", "3Q01") - 1, "yoy")

-- misuse names the argument; unknown ids suggest the nearest
check.raises("bad argument #2 to 'get' (period expected, got nil)",
             function() return m:get("rev.total", nil) end)
check.raises("bad argument #1 to 'get' (item id expected, got number)",
             function() return m:get(1, "3Q02") end)
check.raises("unknown item 'rev.totl' (did you mean 'rev.total'?)",
             function() return m:get("rev.totl", "3Q02") end)
local impostor = setmetatable({}, {__index = m})
check.raises("calling 'get' on bad self",
             function() return impostor:get("rev.total", "3Q02") end)
check.raises("kessan.Model expected, got string",
             function() return m.get("rev.total", "3Q02") end)
check.raises("3Q99", function() return m:get("rev.total", "3Q99") end)

-- set: a number overrides, nil clears, kessan.missing sets missing
m:set("rev.a", "4Q02", 170)
check.eq(m:get("rev.a", "4Q02"), 170, "set a quarter")
check.eq(m:get("rev.a", "FY02"), m:get("rev.a", "9M02") + 170, "flows to FY")
m:set("rev.a@3Q02", kessan.missing)
check.eq(m:get("rev.a", "3Q02"), nil, "set missing")
m:set("rev.a", "3Q02", nil)
check.eq(m:get("rev.a", "3Q02"), a, "cleared override: the reported figure")
m:set("rev.a", "3Q02", a)
check.eq(m:get("rev.total", "3Q02"), a + b, "set back")
m:set("rev.a", "4Q02", nil)
check.raises("number, nil or kessan.missing expected",
             function() m:set("rev.a", "4Q02", "many") end)

-- define: a new item with options, a formula on an existing item
m:define("gross", "rev.total - cost.total", {label = "Gross profit",
                                              unit = "JPY thousands",
                                              statement = "is", rule = "sum"})
check.eq(m:get("gross", "3Q02"),
         m:get("rev.total", "3Q02") - m:get("cost.total", "3Q02"), "define")
local info = m:item("gross")
check.eq(info.label, "Gross profit", "item label")
check.eq(info.rule, "sum", "item rule")
check.eq(info.formula, "rev.total - cost.total", "item formula")
check.raises("rule", function() m:define("g2", "1", {rule = "avg"}) end)
check.raises("did you mean 'rev.total'",
             function() m:define("g3", "rev.totl * 2") end)
check.raises("->", function() m:define("rev.a", "op_income") end)
check.eq(m:get("rev.a", "3Q02"), a, "a refused define changes nothing")

-- items, item, periods
local items = m:items()
check.eq(items[1], "rev.a", "first item")
check.eq(items[#items], "gross", "defined item last")
check.eq(#m, #items, "__len of a model")
check.eq(m:item("rev.a").label_ja, "製品売上高", "Japanese label")
check.eq(m:item("rev.total").parent, nil, "no parent")
check.eq(m:item("rev.a").parent, "rev.total", "parent")
local periods = m:periods()
check.eq(periods[1], "1Q01", "first period")
check.eq(#periods, 16, "two fiscal years of eight periods")

-- scenario: an overlay; the base is unchanged
local low = m:scenario("low")
check.eq(tostring(low):match("^kessan%.Scenario"), "kessan.Scenario", "type")
check.eq(low:name(), "low", "scenario name")
check.eq(m:name(), "base", "model name")
low:set("cost.total", "3Q02", m:get("cost.total", "3Q02") + 30)
check.eq(low:get("op_income", "3Q02"), m:get("op_income", "3Q02") - 30,
         "scenario recalc")
check.eq(m:get("cost.total", "3Q02") + 30, low:get("cost.total", "3Q02"),
         "base unchanged")
local lower = low:scenario("lower")
check.eq(lower:get("op_income", "3Q02"), m:get("op_income", "3Q02"),
         "a scenario of a scenario starts from the base")

-- explain: a tree of tables, printable
local tree = m:explain("op_margin", "3Q02")
check.eq(tree.cell, "op_margin@3Q02", "explained cell")
check.near(tree.value, m:get("op_margin", "3Q02"), "explained value")
assert(#tree.children >= 1, "explain has children")
local text = tostring(tree)
assert(text:find("op_income@3Q02", 1, true), "tree text names op_income")
check.eq(kessan.format_explain(tree), text, "format_explain = tostring")
local reported = m:explain("rev.b@3Q02")
check.eq(reported.provenance, "reported", "a reported leaf")

-- export and import round trip
local path = check.tmpname(".csv")
assert(m:export(path))
local copy = assert(kessan.open(DIR))
copy:define("gross", "rev.total - cost.total", {rule = "sum"})
copy:set("rev.b", "3Q02", 1)
assert(copy:import(path))
check.eq(copy:get("rev.b", "3Q02"), b, "import restores the exported value")
local failed, why = m:import("tests/data/no-such-file.csv")
check.eq(failed, nil, "import of a missing file")
assert(why:find("no-such-file", 1, true), "message names the file")
failed, why = m:export("/no-such-directory/x.csv")
check.eq(failed, nil, "export to a missing directory")
assert(type(why) == "string")
assert(low:export(path, {scenario = true, inputs_only = true}))
local f = assert(io.open(path))
local header = f:read("l")
f:close()
assert(header:find("scenario", 1, true), "scenario column: " .. header)

-- compare: differences against the first
local high = m:scenario("high")
high:set("rev.a", "3Q02", a + 10)
local cmp = kessan.compare{m, low, high, items = {"op_income"},
                           periods = {"3Q02"}}
check.eq(cmp.names[2], "low", "compare names")
check.eq(#cmp.rows, 1, "one row per listed cell")
check.eq(cmp.rows[1].values[3] - cmp.rows[1].values[1], 10, "high diff")
assert(tostring(cmp):find("op_income@3Q02", 1, true), "printed comparison")
-- a ratio prints as a percentage, as the release prints it
local margins = kessan.compare{m, high, items = {"op_margin"}, periods = {"3Q02"}}
check.eq(margins.rows[1].unit, "ratio", "row unit")
local margin_text = string.format("%.1f%%", 100 * m:get("op_margin", "3Q02"))
assert(tostring(margins):find(margin_text, 1, true),
       "ratio printed as " .. margin_text .. ":\n" .. tostring(margins))
local diff = kessan.compare{m, high}
assert(#diff.rows >= 1, "only differences without items")
for _, row in ipairs(diff.rows) do
  assert(row.values[1] ~= row.values[2], "row " .. row.cell .. " differs")
end
check.raises("entry 2: kessan.Model expected, got number", kessan.compare, {m, 42})

-- close: idempotent; use after close raises; children keep working
m:close()
m:close()
check.raises("attempt to use a closed model", function() return m:get("rev.a", "1Q02") end)
check.eq(tostring(m), "kessan.Model (closed)", "tostring of a closed model")
check.eq(low:get("rev.a", "1Q02"), copy:get("rev.a", "1Q02"),
         "a scenario outlives m:close()")
do
  local closing <close> = assert(kessan.open(DIR))
  check.eq(closing:get("rev.a", "1Q02"), copy:get("rev.a", "1Q02"), "<close>")
end

-- an empty model
local blank = kessan.new{fiscal_year_end_month = 12, first_year = 2020}
blank:define("x", nil, {rule = "sum"})
for q = 1, 4 do blank:set("x", q .. "Q20", q) end
check.eq(blank:item("x").rule, "sum", "rule of a new item")
check.eq(blank:get("x", "FY20"), 1 + 2 + 3 + 4, "a new model sums")

check.cleanup()
-- explain: each error node keeps its own description (the model describes
-- errors into one buffer, so a node that pointed there showed the last)
do
  local e = assert(kessan.open(DIR))
  e:define("bad1", "rev.a / 0")
  e:define("bad2", "rev.b / (rev.a - rev.a)")
  e:define("both", "bad1 + bad2")
  local tree = e:explain("both@3Q02")
  local plus = tree.children[1]
  check.eq(plus.children[1].cell, "bad1@3Q02", "first operand")
  check.eq(plus.children[2].cell, "bad2@3Q02", "second operand")
  assert(plus.children[1].error:find("bad1@3Q02", 1, true),
         "bad1's error names bad1: " .. tostring(plus.children[1].error))
  assert(plus.children[2].error:find("bad2@3Q02", 1, true),
         "bad2's error names bad2: " .. tostring(plus.children[2].error))
  e:close()
end

print("test_model: ok")
