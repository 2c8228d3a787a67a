-- test_whatif.lua -- goalseek, datatable and tornado from Lua against the
-- tiny model in tests/data/tiny: results against direct recomputation
-- (m:set then m:get), the scenario left as promised, the Grid's fields,
-- text and CSV export, the tornado's ranking, and misuse errors naming the
-- argument and field.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = assert(kessan.open("tests/data/tiny"))

-- op_income = rev.a + rev.b - cost.total; 3Q02: 160 + 80 - 180 = 60
local s = m:scenario("seek")
local base_a = m:get("rev.a@3Q02")

-- goalseek: linear, so the answer is closed form
local x, info = s:goalseek{target = "op_income@3Q02", value = 0,
                           vary = "rev.a@3Q02"}
local expected = base_a - m:get("op_income@3Q02")
check.near(x, expected, "break-even rev.a", 1e-6)
check.eq(s:get("rev.a@3Q02"), x, "the scenario is left at the solution")
check.near(s:get("op_income@3Q02"), 0, "op_income at the solution", 1e-6)
check.eq(m:get("rev.a@3Q02"), base_a, "the model is untouched")
assert(type(info.iterations) == "number" and info.iterations >= 0,
       "iterations")
check.near(info.residual, 0, "residual", 1e-6)

-- a bracket, tol and max_iter are accepted
x = s:goalseek{target = "op_income@3Q02", value = 30, vary = "rev.b@3Q02",
               lo = 0, hi = 1000, tol = 1e-9, max_iter = 50}
check.near(s:get("op_income@3Q02"), 30, "op_income at 30", 1e-6)

-- the residual rule from Lua: the answer met the tolerance it reports; a
-- step has no root, so it is an error, never the step's edge
assert(info.residual_tol > 0 and math.abs(info.residual) <= info.residual_tol,
       "residual within the reported tolerance")
m:define("step", "if(rev.a > 150, 1, -1)")
local u = m:scenario("step")
check.raises("no root: at rev.a@3Q02 = ",
             function()
               return u:goalseek{target = "step@3Q02", value = 0,
                                 vary = "rev.a@3Q02", lo = 100, hi = 200}
             end)
check.eq(u:get("rev.a@3Q02"), base_a, "the varied cell restored after no root")
-- a loose absolute tolerance is the caller's to give, and it is reported
local _, loose = u:goalseek{target = "step@3Q02", value = 0,
                            vary = "rev.a@3Q02", lo = 100, hi = 200,
                            residual_tol = 1}
check.eq(loose.residual_tol, 1, "residual_tol given")
check.raises("field 'residual_tol'", function()
  return u:goalseek{target = "step@3Q02", value = 0, vary = "rev.a@3Q02",
                    lo = 100, hi = 200, residual_tol = -1}
end)
u:close()

-- no solution in the bracket: an error, and the input restored
local before = s:get("rev.b@3Q02")
check.raises("op_income@3Q02 cannot reach 0 by varying rev.b@3Q02 between "
             .. "1000 and 2000",
             function()
               return s:goalseek{target = "op_income@3Q02", value = 0,
                                 vary = "rev.b@3Q02", lo = 1000, hi = 2000}
             end)
check.eq(s:get("rev.b@3Q02"), before, "restored after a failure")

-- an error value at a probe: op_margin = op_income / rev.total
local t = m:scenario("probe")
check.raises("is an error (division by zero",
             function()
               return t:goalseek{target = "op_margin@3Q02", value = 0.1,
                                 vary = "rev.a@3Q02", lo = -80, hi = 1000}
             end)
check.raises("did not reach 0 within 1 iterations",
             function()
               return t:goalseek{target = "op_margin@3Q02", value = 0,
                                 vary = "cost.total@3Q02", lo = 0, hi = 1e6,
                                 max_iter = 1, tol = 1e-12}
             end)

-- datatable: two-way against direct recomputation, scenario untouched
local d = m:scenario("table")
d:set("cost.total@3Q02", 200)
local rows, cols = {100, 150, 200}, {10, 80}
local g = d:datatable{rows = {"rev.a@3Q02", rows},
                      cols = {"rev.b@3Q02", cols},
                      out = {"op_income@3Q02", "rev.total@3Q02"}}
check.eq(#g.rows, 3, "g.rows")
check.eq(#g.cols, 2, "g.cols")
check.eq(#g, 3, "#g")
local direct = m:scenario("direct")
direct:set("cost.total@3Q02", 200)
local totals = g:out(2)
for i, a in ipairs(rows) do
  for j, b in ipairs(cols) do
    direct:set("rev.a@3Q02", a)
    direct:set("rev.b@3Q02", b)
    check.eq(g[i][j], direct:get("op_income@3Q02"), "g[i][j]")
    check.eq(totals[i][j], direct:get("rev.total@3Q02"), "g:out(2)")
    check.eq(g:out("rev.total@3Q02")[i][j], totals[i][j], "g:out(cell)")
  end
end
check.eq(d:get("rev.a@3Q02"), base_a, "datatable leaves the scenario")
check.eq(d:get("cost.total@3Q02"), 200, "and its overrides")
local text = tostring(g)
assert(text:find("data table: op_income@3Q02", 1, true), text)
assert(text:find("rev.a@3Q02 \\ rev.b@3Q02", 1, true), text)

-- one-way, and export
local one = m:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
check.eq(one.cols, nil, "a one-way table has no cols")
check.eq(one[2][1], 2 + m:get("rev.b@3Q02") - m:get("cost.total@3Q02"),
         "one-way value")
local path = check.tmpname(".csv")
assert(one:export(path))
local f = assert(io.open(path))
check.eq(f:read("l"), "rev.a@3Q02,op_income@3Q02", "CSV header")
check.eq(f:read("l"), "1," .. string.format("%.17g", one[1][1]), "CSV row")
f:close()
local ok, message = one:export("/no-such-dir/x.csv")
check.eq(ok, nil, "export failure returns nil")
assert(message:find("/no-such-dir/x.csv", 1, true), message)

-- tornado: ranked by spread, values against direct recomputation
local bars = m:tornado{out = "op_income@3Q02",
                       inputs = {"rev.b@3Q02", "rev.a@3Q02",
                                 {"cost.total@3Q02", 170, 190}},
                       swing = 0.1}
check.eq(bars[1].input, "rev.a@3Q02", "widest: rev.a (16 either way)")
check.eq(bars[2].input, "cost.total@3Q02", "then cost.total (10)")
check.eq(bars[3].input, "rev.b@3Q02", "then rev.b (8)")
check.near(bars[1].low, base_a * 0.9, "low")
check.near(bars[1].spread, math.abs(bars[1].out_high - bars[1].out_low),
           "spread")
local r = m:scenario("direct tornado")
r:set("rev.a@3Q02", bars[1].high)
check.eq(bars[1].out_high, r:get("op_income@3Q02"), "out_high")
check.eq(bars.base, m:get("op_income@3Q02"), "base")
assert(tostring(bars):find("tornado: op_income@3Q02", 1, true))

-- misuse names the argument and the field
check.raises("bad argument #1 to 'goalseek' (field 'vary': cell expected "
             .. "like rev.si@4Q02, got nil)",
             function() return s:goalseek{target = "op_income@3Q02",
                                          value = 0} end)
check.raises("field 'target': cell expected like rev.si@4Q02, got 'rev.a'",
             function() return s:goalseek{target = "rev.a", value = 0,
                                          vary = "rev.a@3Q02"} end)
check.raises("field 'value': number expected, got nil",
             function() return s:goalseek{target = "op_income@3Q02",
                                          vary = "rev.a@3Q02"} end)
check.raises("field 'vary': unknown item 'rev.aa'",
             function() return s:goalseek{target = "op_income@3Q02",
                                          value = 0, vary = "rev.aa@3Q02"} end)
check.raises("field 'hi': give lo and hi together",
             function() return s:goalseek{target = "op_income@3Q02",
                                          value = 0, vary = "rev.a@3Q02",
                                          lo = 1} end)
check.raises("bad argument #1 to 'goalseek' (table expected",
             function() return s:goalseek("op_income@3Q02") end)
check.raises("bad argument #1 to 'datatable' (field 'rows'",
             function() return s:datatable{out = "op_income@3Q02"} end)
check.raises("field 'rows': value 2 is not a finite number",
             function() return s:datatable{rows = {"rev.a@3Q02", {1, "x"}},
                                           out = "op_income@3Q02"} end)
check.raises("field 'out': cell expected",
             function() return s:datatable{rows = {"rev.a@3Q02", {1}}} end)
check.raises("is both the row and the column input",
             function() return s:datatable{rows = {"rev.a@3Q02", {1}},
                                           cols = {"rev.a@3Q02", {2}},
                                           out = "op_income@3Q02"} end)
check.raises("bad argument #1 to 'tornado' (field 'inputs'",
             function() return s:tornado{out = "op_income@3Q02"} end)
check.raises("field 'swing': a non-negative number expected",
             function() return s:tornado{out = "op_income@3Q02",
                                         inputs = {"rev.a@3Q02"},
                                         swing = -1} end)
check.raises("input rev.a@4Q02 is missing",
             function() return s:tornado{out = "op_income@3Q02",
                                         inputs = {"rev.a@4Q02"}} end)

check.cleanup()
print("test_whatif: ok")
