-- test_option_keys.lua -- an analyst who misspells an option is told so
-- (docs/lua-api.md, "What the binding guarantees"): every function that
-- takes a table of options, and every table inside one, raises on a key
-- it does not know, naming the key and the nearest option, in the form
-- of Lua's own argument errors.  Written as a confused user writes: the
-- singular for the plural, another function's option, a typo, a number
-- or a table for a key; and the same calls spelled right still work.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = assert(kessan.open("tests/data/tiny"))
local OUT = "op_income@3Q02"

-- f must raise exactly "bad argument #ARG to 'NAME' (MESSAGE)"
local function refuses(name, arg, message, f)
  local expected = string.format("bad argument #%d to '%s' (%s)", arg, name,
                                 message)
  local text = check.raises(expected, f)
  check.eq(text:sub(-#expected), expected, "the whole message of " .. name)
end

-- ---- simulate -------------------------------------------------------------
local draws = {["rev.a@3Q02"] = kessan.normal(160, 10)}
local function simulate(options)
  return function() return m:simulate(options) end
end

refuses("simulate", 1, "unknown option 'draw' (did you mean 'draws'?)",
        simulate{trials = 100, draw = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option 'correlation' (did you mean 'correlate'?)",
        simulate{trials = 100, draws = draws, outputs = {OUT},
                 correlation = {{"rev.a@3Q02", "rev.b@3Q02", 0.5}}})
refuses("simulate", 1, "unknown option 'seeds' (did you mean 'seed'?)",
        simulate{trials = 100, seeds = 7, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option 'output' (did you mean 'outputs'?)",
        simulate{trials = 100, draws = draws, output = {OUT}})
refuses("simulate", 1, "unknown option 'thread' (did you mean 'threads'?)",
        simulate{trials = 100, thread = 2, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option 'Progress' (did you mean 'progress'?)",
        simulate{trials = 100, Progress = false, draws = draws, outputs = {OUT}})
-- the unknown key is named before a required option is missed
refuses("simulate", 1, "unknown option 'trial' (did you mean 'trials'?)",
        simulate{trial = 100, draws = draws, outputs = {OUT}})
-- nothing near: the options it takes
local TAKES = " (options: trials, seed, threads, draws, outputs, correlate, progress, sampling, copula, keep, stop)"
refuses("simulate", 1, "unknown option 'zzz'" .. TAKES,
        simulate{trials = 100, zzz = "lhs", draws = draws, outputs = {OUT}})
-- a known key with a value it does not take names those it takes
refuses("simulate", 1, "field 'sampling': 'mc' or 'lhs' expected, got 'LHS'",
        simulate{trials = 100, sampling = "LHS", draws = draws, outputs = {OUT}})
refuses("simulate", 1, "field 'copula': 'gaussian' or 'rank' expected, got boolean",
        simulate{trials = 100, copula = true, draws = draws, outputs = {OUT}})
-- keys that are no name
refuses("simulate", 1, "unknown option [1]" .. TAKES,
        simulate{100, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option [2.5]" .. TAKES,
        simulate{trials = 100, [2.5] = 1, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option [true]" .. TAKES,
        simulate{trials = 100, [true] = 1, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option keyed by a table" .. TAKES,
        simulate{trials = 100, [{}] = 1, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option keyed by a function" .. TAKES,
        simulate{trials = 100, [print] = 1, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option keyed by a userdata" .. TAKES,
        simulate{trials = 100, [m] = 1, draws = draws, outputs = {OUT}})
refuses("simulate", 1, "unknown option 'trials...' (with an embedded zero)" .. TAKES,
        simulate{["trials\0"] = 100, draws = draws, outputs = {OUT}})
-- several unknown keys: the same one is named whatever the table's order
-- (names by their bytes, then numbers, then booleans, then the rest)
for _ = 1, 20 do
  refuses("simulate", 1, "unknown option 'alpha'" .. TAKES,
          simulate{trials = 100, zeta = 1, alpha = 1, [7] = 1, [true] = 1,
                   [{}] = 1, draws = draws, outputs = {OUT}})
  refuses("simulate", 1, "unknown option [-3]" .. TAKES,
          simulate{trials = 100, [7] = 1, [-3] = 1, [false] = 1, [print] = 1,
                   draws = draws, outputs = {OUT}})
  refuses("simulate", 1, "unknown option 'ab'" .. TAKES,
          simulate{trials = 100, abc = 1, ab = 1, draws = draws, outputs = {OUT}})
  refuses("simulate", 1, "unknown option [false]" .. TAKES,
          simulate{trials = 100, [true] = 1, [false] = 1, [{}] = 1,
                   [print] = 1, draws = draws, outputs = {OUT}})
  -- (among tables, functions and userdata: the first met)
  check.raises("bad argument #1 to 'simulate' (unknown option keyed by a",
          simulate{trials = 100, [{}] = 1, [print] = 1, [m] = 1,
                   draws = draws, outputs = {OUT}})
end
-- inside: the list of outputs and each correlation
refuses("simulate", 1, "field 'outputs': unknown option 'n' (entries 1 to 1)",
        simulate{trials = 100, draws = draws, outputs = {OUT, n = 1}})
refuses("simulate", 1, "field 'outputs': unknown option [3] (entries 1 to 1)",
        simulate{trials = 100, draws = draws, outputs = {OUT, [3] = "rev.a@3Q02"}})
local two = {["rev.a@3Q02"] = kessan.normal(160, 10),
             ["rev.b@3Q02"] = kessan.normal(80, 5)}
refuses("simulate", 1, "field 'correlate': entry 1: unknown option 'rho' "
        .. "(entries 1 to 3)",
        simulate{trials = 100, draws = two, outputs = {OUT},
                 correlate = {{"rev.a@3Q02", "rev.b@3Q02", rho = 0.5}}})
refuses("simulate", 1, "field 'correlate': entry 2: unknown option [4] "
        .. "(entries 1 to 3)",
        simulate{trials = 100, draws = two, outputs = {OUT},
                 correlate = {{"rev.a@3Q02", "rev.b@3Q02", 0.5},
                              {"rev.a@3Q02", "rev.b@3Q02", 0.5, 0.9}}})
refuses("simulate", 1, "field 'correlate': unknown option 'pairs' (a list)",
        simulate{trials = 100, draws = two, outputs = {OUT},
                 correlate = {pairs = {{"rev.a@3Q02", "rev.b@3Q02", 0.5}}}})
-- spelled right: draws keyed by cells, a correlation, every option
local r = m:simulate{trials = 2000, seed = 3, threads = 2, progress = false,
                     draws = two, outputs = {OUT, "rev.total@3Q02"},
                     correlate = {{"rev.a@3Q02", "rev.b@3Q02", 0.5}}}
check.eq(r:trials(), 2000, "a simulation spelled right runs")
check.eq(r:count(OUT), 2000, "every trial gives the output")
check.near(r:mean("rev.total@3Q02"), 240, "the mean of rev.a + rev.b", 2)
check.eq(#r:outputs(), 2, "both outputs are kept")

-- ---- distributions --------------------------------------------------------
refuses("discrete", 1, "unknown option 'weight' (did you mean 'weights'?)",
        function() return kessan.discrete{values = {1, 2}, weight = {1, 3}} end)
refuses("discrete", 1, "unknown option 'value' (did you mean 'values'?)",
        function() return kessan.discrete{value = {1, 2}} end)
refuses("discrete", 1, "unknown option [1] (options: values, weights)",
        function() return kessan.discrete{{1, 2}} end)
refuses("discrete", 1, "field 'values': unknown option 'n' (entries 1 to 2)",
        function() return kessan.discrete{values = table.pack(1, 2)} end)
refuses("discrete", 1, "field 'weights': unknown option 'total' (entries 1 to 2)",
        function() return kessan.discrete{values = {1, 2}, weights = {1, 3, total = 4}} end)
check.raises("bad argument #1 to 'normal' (number expected, got table)",
             function() return kessan.normal{mean = 1, sd = 2} end)
local d = kessan.discrete{values = {1, 2}, weights = {1, 3}}
check.near(d:mean(), 1.75, "a discrete distribution spelled right")

-- ---- goalseek -------------------------------------------------------------
local s = m:scenario("seek")
refuses("goalseek", 1, "unknown option 'taget' (did you mean 'target'?)",
        function() return s:goalseek{taget = OUT, value = 0, vary = "rev.a@3Q02"} end)
refuses("goalseek", 1, "unknown option 'max_iters' (did you mean 'max_iter'?)",
        function() return s:goalseek{target = OUT, value = 0, vary = "rev.a@3Q02",
                                     max_iters = 5} end)
refuses("goalseek", 1, "unknown option 'tolerance' (options: target, value, "
        .. "vary, lo, hi, tol, max_iter, residual_tol)",
        function() return s:goalseek{target = OUT, value = 0, vary = "rev.a@3Q02",
                                     tolerance = 1} end)
refuses("goalseek", 1, "unknown option [1] (options: target, value, vary, "
        .. "lo, hi, tol, max_iter, residual_tol)",
        function() return s:goalseek{OUT, 0, "rev.a@3Q02"} end)
check.eq(s:get("rev.a@3Q02"), 160.0, "a refused goal seek changes nothing")
local x, info = s:goalseek{target = OUT, value = 0, vary = "rev.a@3Q02",
                           lo = 0, hi = 1000, tol = 1e-9, max_iter = 50,
                           residual_tol = 0}
check.near(s:get(OUT), 0, "a goal seek spelled right reaches its value", 1e-6)
check.eq(type(info.iterations), "number", "and says how")
check.eq(x, s:get("rev.a@3Q02"), "and leaves the solution set")

-- ---- datatable ------------------------------------------------------------
local function datatable(options)
  return function() return m:datatable(options) end
end
local rows = {"rev.a@3Q02", {100, 200}}
refuses("datatable", 1, "unknown option 'col' (did you mean 'cols'?)",
        datatable{rows = rows, col = {"rev.b@3Q02", {50, 80}}, out = OUT})
refuses("datatable", 1, "unknown option 'row' (did you mean 'rows'?)",
        datatable{row = rows, out = OUT})
refuses("datatable", 1, "unknown option 'outputs' (options: rows, cols, out)",
        datatable{rows = rows, outputs = {OUT}})
refuses("datatable", 1, "field 'rows': unknown option 'cell' (entries 1 to 2)",
        datatable{rows = {cell = "rev.a@3Q02", values = {100, 200}}, out = OUT})
refuses("datatable", 1, "field 'cols': unknown option [3] (entries 1 to 2)",
        datatable{rows = rows, cols = {"rev.b@3Q02", {50}, {80}}, out = OUT})
refuses("datatable", 1, "field 'rows': entry 2: unknown option 'step' "
        .. "(entries 1 to 2)",
        datatable{rows = {"rev.a@3Q02", {100, 200, step = 10}}, out = OUT})
refuses("datatable", 1, "field 'out': unknown option 'first' (entries 1 to 1)",
        datatable{rows = rows, out = {OUT, first = true}})
local g = m:datatable{rows = rows, cols = {"rev.b@3Q02", {50, 80}},
                      out = {OUT, "rev.total@3Q02"}}
check.eq(g.cols[2], 80, "a two-way table spelled right has its columns")
check.eq(g:out("rev.total@3Q02")[2][1], 250, "rev.a 200 + rev.b 50")

-- ---- tornado --------------------------------------------------------------
local function tornado(options)
  return function() return m:tornado(options) end
end
refuses("tornado", 1, "unknown option 'swings' (did you mean 'swing'?)",
        tornado{out = OUT, inputs = {"rev.a@3Q02"}, swings = 0.2})
refuses("tornado", 1, "unknown option 'input' (did you mean 'inputs'?)",
        tornado{out = OUT, input = {"rev.a@3Q02"}})
refuses("tornado", 1, "field 'inputs': unknown option 'swing' (entries 1 to 1)",
        tornado{out = OUT, inputs = {"rev.a@3Q02", swing = 0.2}})
refuses("tornado", 1, "field 'inputs': entry 2: unknown option 'high' "
        .. "(entries 1 to 3)",
        tornado{out = OUT, inputs = {"rev.b@3Q02",
                                     {"rev.a@3Q02", low = 100, high = 200}}})
local bars = m:tornado{out = OUT, inputs = {"rev.b@3Q02", {"rev.a@3Q02", 100, 200}},
                       swing = 0.2}
check.eq(bars[1].input, "rev.a@3Q02", "a tornado spelled right ranks its bars")
check.eq(bars[1].low, 100, "with the range given")

-- ---- define ---------------------------------------------------------------
refuses("define", 3, "unknown option 'lable' (did you mean 'label'?)",
        function() return m:define("gross", "rev.total - cost.total",
                                   {lable = "Gross profit"}) end)
refuses("define", 3, "unknown option 'units' (did you mean 'unit'?)",
        function() return m:define("gross", "rev.total - cost.total",
                                   {units = "JPY"}) end)
refuses("define", 3, "unknown option 'labelja' (did you mean 'label_ja'?)",
        function() return m:define("gross", nil, {labelja = "粗利"}) end)
refuses("define", 3, "unknown option 'formula' (options: label, label_ja, "
        .. "unit, statement, parent, rule)",
        function() return m:define("gross", nil, {formula = "rev.total"}) end)
check.raises("unknown item 'gross'", function() return m:item("gross") end)
m:define("gross", "rev.total - cost.total",
         {label = "Gross profit", label_ja = "粗利", unit = "JPY",
          statement = "is", rule = "sum"})
check.eq(m:item("gross").label, "Gross profit", "a define spelled right")
check.eq(m:get("gross@3Q02"), m:get("op_income@3Q02"), "and its formula")

-- ---- export and import ----------------------------------------------------
local path = check.tmpname(".csv")
refuses("export", 2, "unknown option 'scenarios' (did you mean 'scenario'?)",
        function() return m:export(path, {scenarios = true}) end)
refuses("export", 2, "unknown option 'input_only' (did you mean 'inputs_only'?)",
        function() return m:export(path, {input_only = true}) end)
check.eq(check.read(path), nil, "a refused export writes nothing")
-- the options of the files contract are known (never refused as unknown)
local ok, why = pcall(m.export, m, path, {cells = "all"})
check.eq(ok or not tostring(why):find("unknown option", 1, true), true,
         "cells is an option of export")
assert(m:export(path, {inputs_only = true}))
refuses("import", 2, "unknown option 'report' (did you mean 'reported'?)",
        function() return m:import(path, {report = true}) end)
refuses("import", 2, "unknown option 'overide' (did you mean 'override'?)",
        function() return m:import(path, {overide = true}) end)
refuses("import", 2, "unknown option 'scenario' (options: reported, override, sheet)",
        function() return m:import(path, {scenario = true}) end)
ok, why = pcall(m.import, m, path, {override = true})
check.eq(ok or not tostring(why):find("unknown option", 1, true), true,
         "override is an option of import")
assert(m:import(path, {reported = true}))

-- ---- kessan.new and kessan.compare ---------------------------------------
refuses("new", 1, "unknown option 'lastyear' (did you mean 'last_year'?)",
        function() return kessan.new{first_year = 2001, lastyear = 2002} end)
refuses("new", 1, "unknown option 'fiscal_year_end' (options: "
        .. "fiscal_year_end_month, first_year, last_year)",
        function() return kessan.new{fiscal_year_end = 3, first_year = 2001} end)
refuses("new", 1, "unknown option [1] (options: fiscal_year_end_month, "
        .. "first_year, last_year)",
        function() return kessan.new{2001} end)
local blank = kessan.new{fiscal_year_end_month = 3, first_year = 2001,
                         last_year = 2002}
check.eq(#blank:periods(), 16, "a calendar spelled right")

local low = m:scenario("low")
low:set("cost.total@3Q02", 210)
refuses("compare", 1, "unknown option 'item' (did you mean 'items'?)",
        function() return kessan.compare{m, low, item = {"op_income"}} end)
refuses("compare", 1, "unknown option 'period' (did you mean 'periods'?)",
        function() return kessan.compare{m, low, items = {"op_income"},
                                         period = {"3Q02"}} end)
refuses("compare", 1, "unknown option [3] (entries 1 to 1 and options items, "
        .. "periods)",
        function() return kessan.compare{m, [3] = low} end)
refuses("compare", 1, "field 'items': unknown option 'all' (entries 1 to 1)",
        function() return kessan.compare{m, low, items = {"op_income", all = true}} end)
local c = kessan.compare{m, low, items = {"op_income"}, periods = {"3Q02"}}
check.eq(#c.rows, 1, "a comparison spelled right")
check.eq(c.rows[1].values[2] - c.rows[1].values[1], -30, "with its difference")

-- ---- the examples of docs/lua-api.md, as printed there -------------------
check.raises("bad argument #1 to 'simulate' (unknown option 'draw' (did you mean 'draws'?))",
             function()
               return m:simulate{trials = 1000, draw = {["rev.a@3Q02"] = kessan.normal(160, 10)},
                                 outputs = {"op_income@3Q02"}}
             end)
check.raises("bad argument #1 to 'datatable' (field 'rows': unknown option 'step' (entries 1 to 2))",
             function()
               return m:datatable{rows = {"rev.a@3Q02", {100, 200}, step = 10}, out = "op_income@3Q02"}
             end)

-- ---- read raw: no metamethod of the options runs -------------------------
local ran = false
local function spy() ran = true; error("a metamethod ran") end
local options = setmetatable({trials = 100, draw = draws, outputs = {OUT}},
                             {__index = spy, __pairs = spy, __len = spy,
                              __newindex = spy})
refuses("simulate", 1, "unknown option 'draw' (did you mean 'draws'?)",
        simulate(options))
local key = setmetatable({}, {__tostring = spy, __name = "Spy", __eq = spy,
                              __lt = spy, __concat = spy, __index = spy})
refuses("simulate", 1, "unknown option keyed by a table" .. TAKES,
        simulate{trials = 100, [key] = 1, draws = draws, outputs = {OUT}})
check.eq(ran, false, "no metamethod of the options or of a key ran")
-- a field inherited through __index is not an option given
refuses("simulate", 1, "field 'trials' is required",
        simulate(setmetatable({draws = draws, outputs = {OUT}},
                              {__index = {trials = 100}})))

check.cleanup()
print("test_option_keys: ok")
