-- test_simulation_results.lua -- a Simulation result and the options of
-- s:simulate as a hostile script and a confused user meet them
-- (docs/simulate.md): an output with no numeric trial (every statistic
-- nil, nothing counted in the histogram, '-' in the text), the text's
-- figures against the methods', every method's misuse and a closed
-- result, each option and distribution given the wrong type, size or
-- value, and the progress bar on a terminal (through script(1)).
-- Usage: kessan run tests/lua/test_simulation_results.lua [PATH-TO-KESSAN]
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local KESSAN = check.program()
local quote = check.quote

-- x drawn in 4Q02; broken = x / 0 never a number; half = 1 / (x - 1.5)
-- no number where x is 1.5; big = 1000 x
local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("broken", "x / 0", { rule = "sum" })
m:define("half", "1 / (x - 1.5)", { rule = "sum" })
m:define("big", "x * 1000", { rule = "sum" })
local TRIALS = 400

-- an output with no numeric trial raises, with its first trial's reason
check.raises("simulate: broken@4Q02 gave no number in any of its 400 trials; "
  .. "the first: trial 1: error: a division by zero", m.simulate, m,
  { trials = TRIALS, seed = 7, progress = false,
    draws = { ["x@4Q02"] = kessan.uniform(1, 2) },
    outputs = { "big@4Q02", "broken@4Q02" } })

local r = m:simulate{ trials = TRIALS, seed = 7, progress = false,
  draws = { ["x@4Q02"] = kessan.uniform(1, 2) },
  outputs = { "half@4Q02", "big@4Q02", "x@4Q02" } }
local ri = m:simulate{ trials = TRIALS, seed = 7, progress = false,
  draws = { ["x@4Q02"] = kessan.discrete{ values = { 1.5, 2 } } },
  outputs = { "half@4Q02" } }
-- an output with some invalid trials: counted, its first reason told
local bad = ri:invalid("half@4Q02")
assert(bad > 100 and bad < 300, "about half the trials invalid: " .. bad)
check.eq(ri:count("half@4Q02"), TRIALS - bad, "the rest counted")
check.eq(ri:mean("half@4Q02"), 2, "their mean, exactly")
check.eq(ri:sd("half@4Q02"), 0, "one value: sd exactly 0")
assert(ri:reason("half@4Q02"):find("^trial %d+: error: a division by zero"),
       ri:reason("half@4Q02"))
assert(tostring(ri):find("half@4Q02: " .. bad .. " of " .. TRIALS
  .. " trials gave no number; the first, trial %d+: error: a division by zero"),
  tostring(ri))
check.eq(r:reason("x@4Q02"), nil, "no reason where no trial was invalid")

-- the statistics of the rest, and the histogram's counts and edges
check.eq(r:count("x@4Q02"), TRIALS, "every x is a number")
check.eq(r:invalid("x@4Q02"), 0, "no x invalid")
assert(r:min("x@4Q02") >= 1 and r:max("x@4Q02") <= 2, "x within its bounds")
check.near(r:mean("big@4Q02"), 1000 * r:mean("x@4Q02"), "big = 1000 x", 1e-6)
check.near(r:prob("x@4Q02", "<=", 1.5) + r:prob("x@4Q02", ">", 1.5), 1,
           "<= and > are complements", 1e-12)
check.eq(r:prob("x@4Q02", ">=", 0), 1, "every x >= 0")
check.eq(r:prob("x@4Q02", "<", 0), 0, "no x < 0")
local one, edges = r:histogram("x@4Q02", 1)
check.eq(one[1], TRIALS, "one bin holds every trial")
check.eq(edges[1], r:min("x@4Q02"), "the first edge is the minimum")
check.eq(edges[2], r:max("x@4Q02"), "the last edge is the maximum")
check.eq(r:trials(), TRIALS, "trials")
check.eq(table.concat(r:outputs(), ","), "half@4Q02,big@4Q02,x@4Q02", "outputs in order")

-- the text: a row per output, a figure of a thousand and more to the
-- unit, others with six significant digits, and a line of the
-- distribution in block characters
local text = tostring(r)
local rows = {}
for line in text:gmatch("[^\n]+") do rows[#rows + 1] = line end
check.eq(rows[1], "kessan.Simulation (" .. TRIALS .. " trials)", "text title")
check.eq(table.concat({ rows[2]:match("^(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s+"
  .. "(%S+)%s+(%S+)%s+(%S+)%s+(%S+)$") }, " "),
  "output mean sd p5 p50 p95 min max distribution", "text header")
-- x is uniform: 16 bins of 400 trials, none empty, drawn in 8 levels
local spark = rows[5]:match("(%S+)$")
check.eq(utf8.len(spark), 16, "sixteen bins: " .. spark)
for _, c in utf8.codes(spark) do
  assert(c >= 0x2581 and c <= 0x2588, "a block character: " .. spark)
end
assert(spark:find("\u{2588}"), "the fullest bin is a full block")
local big_fields = {}
for field in rows[4]:gmatch("%S+") do big_fields[#big_fields + 1] = field end
check.eq(big_fields[1], "big@4Q02", "big's row")
-- figures through the one display formatter: whole from 1,000 on
check.eq(big_fields[2], kessan.format(r:mean("big@4Q02"), {decimals = 0}), "big's mean, to the unit")
check.eq(big_fields[7], kessan.format(r:min("big@4Q02"), {decimals = 0}), "big's min")
local x_fields = {}
for field in rows[5]:gmatch("%S+") do x_fields[#x_fields + 1] = field end
check.eq(x_fields[3], kessan.format(r:sd("x@4Q02")), "x's sd, the formatter's own precision")

-- misuse of the methods names the argument
-- an argument left out is nil, never what the method holds on the stack
-- (the pin that keeps the result open for the call): bins defaults to 20
local default_counts, default_edges = r:histogram("x@4Q02")
check.eq(#default_counts, 20, "histogram's bins default to 20")
check.eq(#default_edges, 21, "20 bins have 21 edges")
check.raises("number expected, got nil", r.percentile, r, "x@4Q02")
check.raises("number expected, got nil", r.prob, r, "x@4Q02", "<")
check.raises("string expected, got nil", r.prob, r, "x@4Q02")
check.raises("string expected, got nil", r.mean, r)
for _, name in ipairs{ "mean", "percentile", "prob", "histogram" } do
  local ok, message = pcall(r[name], r)
  assert(not ok and not message:find("Pin", 1, true),
         name .. " with no cell names the pin: " .. tostring(message))
end
check.raises("bins must be from 1 to 1000000", r.histogram, r, "x@4Q02", 0)
check.raises("bins must be from 1 to 1000000", r.histogram, r, "x@4Q02", 1000001)
check.raises("number has no integer representation", r.histogram, r, "x@4Q02", 1.5)
check.raises("x must be a number, got nan", r.prob, r, "x@4Q02", "<", 0 / 0)
check.raises("invalid option '=='", r.prob, r, "x@4Q02", "==", 1)
-- two numbers: the share of a range, ends included
check.eq(r:prob("x@4Q02", 5, 1), 0, "a range from 5 down to 1 holds nothing")
check.eq(r:prob("x@4Q02", 1, 2), 1, "every x lies from 1 to 2")
check.raises("a must be a number, got nan", r.prob, r, "x@4Q02", 0 / 0, 1)
check.raises("b must be a number, got nan", r.prob, r, "x@4Q02", 1, 0 / 0)
check.raises("number expected, got string", r.prob, r, "x@4Q02", 1, "two")
check.raises("number expected, got nil", r.prob, r, "x@4Q02", 1)
check.raises("q must be from 0 to 100", r.percentile, r, "x@4Q02", 0 / 0)
check.raises("q must be from 0 to 100", r.percentile, r, "x@4Q02", -1)
check.raises("'y@4Q02' is not an output of this simulation (outputs: "
  .. "half@4Q02, big@4Q02, x@4Q02)", r.mean, r, "y@4Q02")
check.raises("'5' is not an output", r.sd, r, 5)
check.raises("string expected, got nil", r.max, r, nil)
check.raises("string contains an embedded zero", r.min, r, "x@4Q02\0")
check.raises("kessan.Simulation expected, got number", r.outputs, 5)
check.raises("kessan.Simulation expected, got table", r.trials, {})
check.eq(getmetatable(r), "kessan.Simulation", "the metatable is protected")

-- a closed result: its text says so, every method raises, closing again
-- is harmless; <close> closes
r:close()
check.eq(tostring(r), "kessan.Simulation (closed)", "a closed result's text")
for _, method in ipairs{ "mean", "count", "invalid", "overflow", "percentile",
                         "prob", "histogram", "outputs", "trials" } do
  check.raises("attempt to use a closed simulation", r[method], r, "x@4Q02", 50)
end
r:close()
local escaped
do
  local scoped <close> = m:simulate{ trials = 10, progress = false,
    draws = { ["x@4Q02"] = 1 }, outputs = { "x@4Q02" } }
  check.eq(scoped:mean("x@4Q02"), 1, "a fixed draw")
  escaped = scoped
end
check.raises("attempt to use a closed simulation", escaped.mean, escaped, "x@4Q02")

-- the options, each wrong in turn: the error names the field
local function simulate_fails(message, options)
  options.trials = options.trials or 10
  options.draws = options.draws == nil and { ["x@4Q02"] = 1 } or options.draws
  options.outputs = options.outputs == nil and { "x@4Q02" } or options.outputs
  if options.draws == false then options.draws = nil end
  check.raises(message, m.simulate, m, options)
end
check.raises("bad argument #1 to 'simulate' (table expected, got number)",
             function() return m:simulate(5) end)
simulate_fails("field 'threads' must be an integer from 1 to 256", { threads = 0 })
simulate_fails("field 'threads' must be an integer from 1 to 256", { threads = 1.5 })
simulate_fails("field 'threads' must be an integer from 1 to 256", { threads = 257 })
simulate_fails("field 'seed' must be an integer from 0 to", { seed = -1 })
simulate_fails("field 'seed' must be an integer from 0 to", { seed = 2^63 })
simulate_fails("field 'trials' must be an integer from 1 to 1000000000", { trials = 1e300 })
simulate_fails("field 'trials' must be an integer from 1 to 1000000000", { trials = "10" })
simulate_fails("field 'trials' must be an integer from 1 to 1000000000", { trials = 0 / 0 })
simulate_fails("draws['x@4Q02'] must be a finite number", { draws = { ["x@4Q02"] = 0 / 0 } })
simulate_fails("draws['x@4Q02'] must be a finite number", { draws = { ["x@4Q02"] = -math.huge } })
simulate_fails("draws['x@4Q02'] must be a distribution (kessan.normal(...), ...) "
               .. "or a number, got table", { draws = { ["x@4Q02"] = {} } })
simulate_fails("field 'draws' must be keyed by cells (\"id@PERIOD\")", { draws = { 3 } })
simulate_fails("field 'draws' must be a table {[cell] = distribution}", { draws = "x@4Q02" })
simulate_fails("field 'outputs' must list 1 to 100000 cells", { outputs = {} })
simulate_fails("outputs[2] must be a cell string", { outputs = { "x@4Q02", 1 } })
simulate_fails("field 'outputs' must be a list of cells", { outputs = "x@4Q02" })
simulate_fails("field 'correlate' must be a list of {cell_a, cell_b, rho}", { correlate = 5 })
for _, pair in ipairs{ 5, { "x@4Q02" }, { "x@4Q02", 1, 0.5 },
                       { "x@4Q02", "x@3Q02", "0.5" },
                       { "x@4Q02", "x@3Q02", math.huge } } do
  simulate_fails("correlate[1] must be {cell_a, cell_b, rho} with a finite rho",
                 { correlate = { pair } })
end
do
  local pairs_list = {}
  for i = 1, 100001 do pairs_list[i] = false end
  simulate_fails("field 'correlate' lists more than 100000 pairs", { correlate = pairs_list })
end
simulate_fails("'x@4Q02' is drawn from fixed, which cannot be correlated",
               { correlate = { { "x@4Q02", "x@4Q02", 0.5 } } })
simulate_fails("output 'x@5Q02': bad period '5Q02'", { outputs = { "x@5Q02" } })
simulate_fails("unknown item 'z'", { outputs = { "z@4Q02" } })

-- a draw on a cell nothing reads leaves the outputs as the model has them:
-- x@4Q02 missing there, so in every trial, which raises saying so
check.raises("simulate: x@4Q02 gave no number in any of its 5 trials; the "
  .. "first: trial 1: missing: x@4Q02 has no value", m.simulate, m,
  { trials = 5, progress = false, draws = { ["big@4Q02"] = 1 },
    outputs = { "x@4Q02" } })

-- the distributions: their text, their moments, their checks
check.eq(tostring(kessan.discrete{ values = { 1, 2 } }), "discrete(2 values)", "discrete text")
check.eq(tostring(kessan.normal(1, 2)), "normal(1.0, 2.0)", "normal text")
check.eq(tostring(kessan.lognormal(1, 2)), "lognormal(1.0, 2.0)", "lognormal text")
check.eq(tostring(kessan.triangular(1, 2, 3)), "triangular(1.0, 2.0, 3.0)", "triangular text")
check.eq(tostring(kessan.pert(1, 2, 3)), "pert(1.0, 2.0, 3.0)", "pert text")
check.eq(kessan.discrete{ values = { 1, 2 } }:variance(), 0.25, "equal weights")
check.eq(kessan.discrete{ values = { 1, 2 }, weights = { 0, 5 } }:mean(), 2, "a zero weight")
check.eq(getmetatable(kessan.normal(0, 1)), "kessan.Distribution", "protected")
check.raises("field 'values' must be a table of numbers", kessan.discrete, { values = 3 })
check.raises("field 'weights' must be a table of numbers", kessan.discrete,
             { values = { 1 }, weights = "x" })
check.raises("field 'values' must hold at least one number", kessan.discrete, { values = {} })
check.raises("field 'values' must hold at least one number", kessan.discrete, {})
check.raises("field 'weights' must not all be zero and their sum must be finite",
             kessan.discrete, { values = { 1, 2 }, weights = { 0, 0 } })
check.raises("field 'weights' must not all be zero and their sum must be finite",
             kessan.discrete, { values = { 1, 2 }, weights = { 1e308, 1e308 } })
check.raises("values[2] must be a finite number", kessan.discrete, { values = { 1, "2" } })
check.raises("weights[2] must be a finite number >= 0", kessan.discrete,
             { values = { 1, 2 }, weights = { 1, -1 } })
do
  local many = {}
  for i = 1, 1000001 do many[i] = i end
  check.raises("field 'values' holds more than 1000000 numbers", kessan.discrete,
               { values = many })
end
check.raises("bad argument #1 to 'kessan.discrete' (table expected, got number)",
             kessan.discrete, 1)
check.raises("bad argument #1 to 'kessan.normal' (mean must be a finite number)",
             kessan.normal, 0 / 0, 1)
check.raises("bad argument #1 to 'kessan.normal' (number expected, got no value)",
             kessan.normal)
check.raises("bad argument #2 to 'kessan.lognormal' (sigma must be positive, got -1.0)",
             kessan.lognormal, 0, -1)
check.raises("bad argument #3 to 'kessan.pert' (max must be greater than min (3.0), got 1.0)",
             kessan.pert, 3, 2, 1)
check.raises("bad argument #2 to 'kessan.uniform' (b must be a finite number)",
             kessan.uniform, 1, math.huge)

-- the progress bar: on a terminal, after a second, on standard error; a
-- run the timeout stops still ends its line.  script(1) lends the terminal.
do
  local function on_terminal(progress)
    local long_run = check.tmpname(".lua")
    check.write(long_run, string.format([[
local kessan = require "kessan"
local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("y", "x * 2", { rule = "sum" })
m:simulate{ trials = 1e9, seed = 1, progress = %s,
            draws = { ["x@4Q02"] = kessan.normal(1, 2) }, outputs = { "y@FY02" } }
]], tostring(progress)))
    local command = quote(KESSAN) .. " run --timeout 1.5 " .. quote(long_run)
    local status, output = check.run("script", "-qec " .. quote(command) .. " /dev/null")
    assert(not output:find("Sanitizer", 1, true) and
           not output:find("runtime error:", 1, true),
           "sanitizer report from the long run:\n" .. output)
    return status, output
  end
  local status, output = on_terminal(true)
  check.eq(status, 1, "the timeout stops the long run")
  local percent, done = output:match("\rsimulate %[[#.]+%] +(%d+)%% (%d+)/1000000000 trials")
  assert(percent, "a progress bar on a terminal: " .. output)
  check.eq(tonumber(percent), math.floor(100 * tonumber(done) / 1e9), "the bar's percentage")
  assert(output:find("trials\r?\n[^\n]*interrupted while simulating"),
         "the bar's line ends before the error: " .. output)
  status, output = on_terminal(false)
  check.eq(status, 1, "the timeout stops the long run without a bar")
  assert(not output:find("simulate [", 1, true), "progress = false: no bar: " .. output)
  assert(output:find("interrupted while simulating", 1, true), output)
end

m:close()
check.cleanup()
print("test_simulation_results: ok")
