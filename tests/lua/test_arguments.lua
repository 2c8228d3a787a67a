-- test_arguments.lua -- every userdata's methods given what a confused or
-- hostile script gives them (docs/lua-api.md, docs/whatif.md): nothing,
-- nil, the wrong type, NaN and infinities, numbers that are no position,
-- unknown cells and periods, lists of the wrong size, series of another
-- calendar, and a closed model under a series.  Each error names the
-- argument or field and what was expected; each value that comes back is
-- the one the engine computes.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = assert(kessan.open("tests/data/tiny"))
m:define("inv", "1 / (rev.a - 150)")   -- an error where rev.a is 150

-- ---- Model: missing and wrong arguments -----------------------------------
check.raises("bad argument #1 to 'explain' (item id expected, got no value)",
             function() return m:explain() end)
check.raises("bad argument #2 to 'explain' (period expected, got no value)",
             function() return m:explain("rev.a") end)
check.raises("bad argument #1 to 'item' (item id expected, got nil)",
             function() return m:item() end)
check.raises("bad argument #1 to 'series' (item id expected, got number)",
             function() return m:series(1) end)
check.raises("bad argument #1 to 'scenario' (string expected, got no value)",
             function() return m:scenario() end)
check.raises("bad argument #1 to 'define' (string expected, got no value)",
             function() return m:define() end)
check.raises("bad argument #1 to 'import' (string expected, got no value)",
             function() return m:import() end)
check.raises("bad argument #1 to 'export' (string expected, got no value)",
             function() return m:export() end)
check.raises("bad argument #1 to 'setting' (string expected, got no value)",
             function() return m:setting() end)
check.raises("bad argument #1 to 'goalseek' (table expected like {target = "
             .. "cell, value = x, vary = cell}, got no value)",
             function() return m:goalseek() end)
check.eq(m[1], nil, "a number key is no item")
check.eq(m[true], nil, "a boolean key is no item")

-- ---- Series: keys that are no period ----------------------------------------
local a = m["rev.a"]
check.eq(a[0], nil, "position 0 reads nil")
check.eq(a[-1], nil, "a negative position reads nil")
check.eq(a[#a + 1], nil, "a position past the end reads nil")
check.eq(a[{}], nil, "a table key reads nil")
check.eq(a[true], nil, "a boolean key reads nil")
check.eq(a[#a], m:get("rev.a", m:periods()[#a]), "the last position")
check.raises("period expected, got number", function() return a[1.5] end)
check.raises("bad period 'zz'", function() return a.zz end)
check.raises("series position out of range", function() a[0] = 1 end)
check.raises("series position out of range", function() a[#a + 1] = 1 end)
check.raises("period expected, got number", function() a[1.5] = 1 end)
check.raises("period expected, got boolean", function() a[true] = 1 end)
check.raises("number, nil or kessan.missing expected, got string",
             function() a["3Q02"] = "160" end)
check.raises("kessan.Series at 3Q02: a finite number expected, got nan",
             function() a["3Q02"] = 0 / 0 end)
check.raises("kessan.Series at 3Q02: a finite number expected, got -inf",
             function() a["3Q02"] = -math.huge end)
check.raises("kessan.Series expected, got table", a.detach, {})
check.raises("kessan.Series expected, got number", a.totable, 5)
check.raises("attempt to compare two kessan.Series values", function() return a < a end)
check.raises("attempt to perform arithmetic (+) on a series and a string",
             function() return a + "1" end)
check.raises("attempt to perform arithmetic (*) on a table and a series",
             function() return {} * a end)

-- kessan.missing through a series is m:set(..., kessan.missing): a missing
-- input, which every longer period containing it reads as missing
a["4Q02"] = 170
check.eq(m:get("rev.a@FY02"), 620, "a value set through the series")
a["4Q02"] = kessan.missing
check.eq(m:get("rev.a@4Q02"), nil, "a missing input")
check.eq(m:explain("rev.a@4Q02").provenance, "overridden", "missing is an input")
check.eq(m:get("rev.a@FY02"), nil, "FY of a missing quarter")
a["4Q02"] = nil
check.eq(m:explain("rev.a@4Q02").provenance, "none", "nil removes the input")
-- a summary period takes a value of its own
m["rev.a"]["FY02"] = 5
check.eq(m:get("rev.a@FY02"), 5, "an input on FY")
m:set("rev.a@FY02", nil)

-- an error cell: s:get gives nil and the engine's description, detached too
local v, why = m["inv"]:get("3Q01")
check.eq(m:get("rev.a@3Q01"), 120, "rev.a@3Q01")
check.eq(v, 1 / (120 - 150), "inv@3Q01 is a number")
v, why = m["inv"]:get("2Q02")
check.eq(v, nil, "inv@2Q02 is an error")
check.eq(why, select(2, m:get("inv@2Q02")), "the series says what m:get says")
local detached = m["inv"]:detach()
check.eq(select(2, detached:get("2Q02")), why, "a detached copy keeps the error")
check.eq(detached:id(), nil, "a detached copy has no item")
check.eq(m["inv"]:id(), "inv", "an attached series has its item")
assert(detached == m["inv"], "a copy equals what it copied, errors included")
assert(m["inv"] / 0 == m["inv"] / 0, "error equals error, missing equals missing")
assert(m["inv"] ~= m["inv"] + 1, "a changed value is unequal")

-- errors in arithmetic: the left operand's first, then the right one's
local left, right = m["rev.a"] / 0, m["rev.b"] - m["rev.b"]
check.eq(select(2, (left + m["rev.b"]):get("3Q02")),
         "division by zero in series arithmetic at 3Q02", "a left error")
check.eq(select(2, (m["rev.b"] + left):get("3Q02")),
         "division by zero in series arithmetic at 3Q02", "a right error")
check.eq(select(2, (1 + m["inv"]):get("2Q02")), why, "the engine's error carried")
check.eq((right * 2)["3Q02"], 0, "zero times two")

-- series of another calendar: matched by period id, a period the other
-- lacks is missing
local other = kessan.new{ fiscal_year_end_month = 3, first_year = 2002, last_year = 2003 }
other:define("x", nil, { rule = "sum" })
other:set("x", "1Q02", 5)
other:set("x", "1Q03", 7)
local mixed = other["x"] + m["rev.a"]
check.eq(mixed:periods()[1], "1Q02", "the left operand's periods")
check.eq(mixed["1Q02"], 5 + m:get("rev.a@1Q02"), "a period both have")
check.eq(mixed["1Q03"], nil, "a period the right one lacks")
local mixed_detached = other["x"]:detach() + m["rev.a"]
check.eq(mixed_detached["1Q02"], mixed["1Q02"], "detached on the left")
check.eq((m["rev.a"] + other["x"])["1Q01"], nil, "a period the left one has alone")
check.eq((m["rev.a"] + other["x"]:detach())["1Q01"], nil,
         "a period a detached right operand lacks")
check.eq((m["rev.a"] + other["x"]:detach())["1Q02"], mixed["1Q02"],
         "a period a detached right operand has")
check.eq(#other["x"], #m["rev.a"], "the same number of periods")
assert(other["x"] ~= m["rev.a"], "different periods: unequal")

-- a detached series: its own values, its own periods
detached = m["rev.a"]:detach()
detached["3Q02"] = 1
check.eq(detached["3Q02"], 1, "a detached series changes")
check.eq(m:get("rev.a@3Q02"), 160, "its model does not")
detached[3] = kessan.missing
check.eq(detached[3], nil, "missing in a detached series")
detached[3] = nil
check.eq(detached[3], nil, "nil is missing in a detached series")
check.raises("unknown period '1Q09' in series", function() detached["1Q09"] = 1 end)
check.raises("kessan.Series at 3Q02: a finite number expected, got inf",
             function() detached["3Q02"] = math.huge end)

-- a closed model under its series
local doomed = assert(kessan.open("tests/data/tiny"))
local series, copy = doomed["rev.a"], doomed["rev.a"]:detach()
doomed:close()
check.raises("attempt to use a closed model", function() return series[1] end)
check.raises("attempt to use a closed model", function() return #series end)
check.raises("attempt to use a closed model", function() return copy + series end)
check.raises("attempt to use a closed model", series.get, series, "1Q01")
check.eq(tostring(series), "kessan.Series (closed model)", "its text says so")
check.eq(copy["1Q01"], 100, "a detached copy outlives its model")

-- ---- compare ------------------------------------------------------------------
local low = m:scenario("low")
low:set("cost.total", "3Q02", 250)
check.raises("bad argument #1 to 'kessan.compare' (field 'items' expected a table, got number)",
             kessan.compare, { m, items = 5 })
check.raises("field 'periods' expected a table, got string",
             kessan.compare, { m, periods = "3Q02" })
check.raises("field 'items': entry 1 is not a string", kessan.compare, { m, items = { 5 } })
check.raises("field 'items': entry 1 contains an embedded zero",
             kessan.compare, { m, items = { "rev.a\0" } })
check.raises("bad period '5Q02'", kessan.compare, { m, items = { "rev.a" }, periods = { "5Q02" } })
check.raises("unknown item 'rev.aa' (did you mean 'rev.a'?)",
             kessan.compare, { m, items = { "rev.aa" } })
check.raises("expected 1 to 30 models or scenarios", kessan.compare, {})
check.raises("entry 2: kessan.Model expected, got number", kessan.compare, { m, 5 })
do
  local many = {}
  for i = 1, 100001 do many[i] = "rev.a" end
  check.raises("field 'items': at most 100000 entries", kessan.compare, { m, items = many })
  local columns = {}
  for i = 1, 31 do columns[i] = m end
  check.raises("expected 1 to 30 models or scenarios", kessan.compare, columns)
  columns[31] = nil
  check.eq(#kessan.compare(columns).names, 30, "thirty columns")
end
local c = kessan.compare{ m, low, items = { "op_margin", "rev.a", "inv" },
                          periods = { "3Q02", "4Q02" } }
check.eq(table.concat(c.names, ","), "base,low", "the columns' names")
local rows = {}
for _, row in ipairs(c.rows) do rows[row.cell] = row end
check.eq(rows["op_margin@3Q02"].values[2], low:get("op_margin@3Q02"), "low's margin")
check.eq(rows["op_margin@3Q02"].unit, "ratio", "the unit")
check.eq(rows["inv@3Q02"].unit, nil, "an item without a unit")
check.eq(rows["rev.a@4Q02"].values[1], nil, "a missing cell")
check.eq(rows["inv@4Q02"].item, "inv", "the item")
check.eq(rows["inv@4Q02"].period, "4Q02", "the period")
check.eq(#kessan.compare{ m, m }.rows, 0, "a model against itself: no difference")

-- ---- explain ------------------------------------------------------------------
local tree = m:explain("inv@2Q02")
check.eq(tree.kind, "error", "an error node")
check.eq(tree.error, why, "the error's description")
check.eq(tree.value, nil, "an error has no value")
check.eq(tree.cell, "inv@2Q02", "the cell")
check.eq(#tree.children, 1, "the division")
tree = m:explain("rev.a@4Q02")
check.eq(tree.kind, "missing", "a missing leaf")
check.eq(tree.provenance, "none", "nothing gives it a value")
check.raises("bad argument #1 to 'kessan.format_explain' (table expected, got number)",
             kessan.format_explain, 5)
check.raises("unknown item", m.explain, m, "nosuch@3Q02")
check.raises("period '3Q99' is outside the model's calendar (FY01..FY02)", m.explain, m, "rev.a@3Q99")

-- ---- datatable and the Grid -----------------------------------------------------
local g = m:datatable{ rows = { "rev.a@3Q02", { 140, 150, 160 } },
                       out = { "inv@3Q02", "rev.total@3Q02", "rev.a@4Q02" } }
check.eq(#g, 3, "a row per value")
check.eq(g[1][1], 1 / (140 - 150), "the first output at the first value")
check.eq(g[2][1], nil, "an error point reads nil")
check.eq(g:out(2)[3][1], 160 + m:get("rev.b@3Q02"), "output 2 by index")
check.eq(g:out("rev.total@3Q02")[1][1], 140 + m:get("rev.b@3Q02"), "output 2 by cell")
check.eq(g:out(3)[1][1], nil, "a missing point reads nil")
check.eq(g.rows[2], 150, "the row values")
check.eq(g.cols, nil, "a one-way table has no column values")
check.eq(g.row_cell, "rev.a@3Q02", "the row cell")
check.eq(g.col_cell, nil, "no column cell")
check.eq(g.outputs[3], "rev.a@4Q02", "the outputs")
check.eq(g[0], nil, "row 0")
check.eq(g[4], nil, "a row past the end")
check.eq(g.nosuch, nil, "an unknown field")
check.eq(m:get("rev.a@3Q02"), 160, "the input is back to its value")
check.raises("output 1 to 3 or one of the grid's output cells expected", g.out, g, 4)
check.raises("output 1 to 3 or one of the grid's output cells expected", g.out, g, 0)
check.raises("output 1 to 3 or one of the grid's output cells expected", g.out, g, "op_income@3Q02")
check.raises("string contains an embedded zero", g.out, g, "inv@3Q02\0")
check.raises("number has no integer representation", g.out, g, 1.5)
check.raises("string expected, got no value", g.export, g)
local ok, message = g:export("/no/such/dir/table.csv")
check.eq(ok, nil, "an export that cannot be written")
assert(message:find("^/no/such/dir/table.csv: "), message)
check.eq(getmetatable(g), "kessan.Grid", "the metatable is protected")

local function datatable_fails(message, options)
  check.raises(message, m.datatable, m, options)
end
datatable_fails("field 'rows': {cell, {values...}} expected, got number",
                { rows = 5, out = "rev.a@3Q02" })
datatable_fails("field 'rows': a list of values expected after the cell, got number",
                { rows = { "rev.a@3Q02", 5 }, out = "rev.a@3Q02" })
datatable_fails("field 'rows': from 1 to 1000000 values expected",
                { rows = { "rev.a@3Q02", {} }, out = "rev.a@3Q02" })
datatable_fails("field 'cols': {cell, {values...}} expected, got string",
                { rows = { "rev.a@3Q02", { 1 } }, cols = "rev.b@3Q02", out = "rev.a@3Q02" })
datatable_fails("field 'out': a cell or a list of cells expected",
                { rows = { "rev.a@3Q02", { 1 } }, out = {} })
datatable_fails("field 'out': cell expected like rev.si@4Q02, got number",
                { rows = { "rev.a@3Q02", { 1 } }, out = { 5 } })
datatable_fails("field 'out': cell expected like rev.si@4Q02, got nil",
                { rows = { "rev.a@3Q02", { 1 } } })
datatable_fails("field 'rows': value 1 is not a finite number",
                { rows = { "rev.a@3Q02", { math.huge } }, out = "rev.a@3Q02" })

-- ---- goalseek -------------------------------------------------------------------
local function goalseek_fails(message, options)
  options.target = options.target or "op_income@3Q02"
  options.vary = options.vary or "rev.a@3Q02"
  if options.value == nil then options.value = 0 end
  check.raises(message, m.goalseek, m, options)
end
goalseek_fails("field 'lo': number expected, got string", { lo = "x", hi = 1 })
goalseek_fails("field 'lo': give lo and hi together", { hi = 1 })
goalseek_fails("field 'residual_tol': a number >= 0 expected (0: automatic)",
               { residual_tol = -1 })
goalseek_fails("field 'residual_tol': a finite number expected", { residual_tol = math.huge })
goalseek_fails("field 'tol': a positive number expected", { tol = 0 })
goalseek_fails("field 'max_iter': integer from 1 to 1000000 expected", { max_iter = 0.5 })
goalseek_fails("field 'value': a finite number expected", { value = 0 / 0 })
local solution, info = m:goalseek{ target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02" }
check.near(solution, m:get("cost.total@3Q02") - m:get("rev.b@3Q02"), "the solution", 1e-6)
assert(info.iterations >= 1 and info.residual <= info.residual_tol, "converged")
check.eq(m:get("rev.a@3Q02"), solution, "goalseek leaves the input at the solution")

-- ---- tornado ---------------------------------------------------------------------
local function tornado_fails(message, options)
  options.out = options.out or "op_income@3Q02"
  check.raises(message, m.tornado, m, options)
end
tornado_fails("field 'swing': a finite number expected", { inputs = { "rev.a@3Q02" }, swing = math.huge })
tornado_fails("field 'inputs': entry 1: {cell, low, high} expected, low and high finite numbers",
              { inputs = { { "rev.a@3Q02", 1 } } })
tornado_fails("field 'inputs': entry 1: {cell, low, high} expected, low and high finite numbers",
              { inputs = { { "rev.a@3Q02", 1, 0 / 0 } } })
tornado_fails("field 'inputs': a list of 1 to 10000 cells expected", { inputs = {} })
tornado_fails("field 'inputs': cell expected like rev.si@4Q02, got number", { inputs = { 5 } })
tornado_fails("tornado: output op_income@4Q02 is missing",
              { out = "op_income@4Q02", inputs = { "rev.a@3Q02" } })
tornado_fails("tornado: input rev.a@4Q02 is missing", { inputs = { "rev.a@4Q02" } })
local bars = m:tornado{ out = "op_income@3Q02",
                        inputs = { "rev.a@3Q02", { "cost.total@3Q02", 100, 200 } } }
check.eq(bars[1].input, "cost.total@3Q02", "the widest first")
check.eq(bars[1].out_low, m:get("rev.total@3Q02") - 100, "the output at low")
check.eq(bars[1].spread, 100, "|out_high - out_low|")
check.near(bars[2].low, 0.9 * m:get("rev.a@3Q02"), "a swing of 10% down", 1e-9)
check.eq(bars.base, m:get("op_income@3Q02"), "the base")
check.eq(bars.out, "op_income@3Q02", "the output")

m:close()
other:close()
print("test_arguments: ok")
