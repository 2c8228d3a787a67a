-- test_sim_analysis.lua -- r:sensitivity and r:score as a hostile script
-- and a confused user meet them: sensitivity without kept trials, an
-- output that is none, actuals of the wrong type, keys that are no
-- output, actuals that are no numbers, quantile levels out of (0, 1),
-- unknown options (with the nearest), low without high, a values file
-- without its model, a closed result; and what a constant draw and a
-- fixed output give.  The figures against numpy and scipy are in
-- tests/py/test_sim_analysis.py.
-- Usage: kessan run tests/lua/test_sim_analysis.lua
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("k", nil, { rule = "sum" })
m:define("y", "2 * x + k", { rule = "sum" })
m:set("k@4Q02", 3)
local draws = { ["x@4Q02"] = kessan.uniform(1, 2), ["k@4Q02"] = 3 }
local kept = m:simulate{ trials = 500, seed = 1, keep = true, draws = draws,
                         outputs = { "y@4Q02", "k@4Q02" } }
local sketched = m:simulate{ trials = 500, seed = 1, draws = draws,
                             outputs = { "y@4Q02" } }

-- sensitivity: y is 2 x + 3: x explains it all; the fixed k nothing
local rows = kept:sensitivity("y@4Q02")
check.eq(#rows, 2, "one row a drawn cell")
check.eq(rows[1].cell, "x@4Q02", "x first")
check.near(rows[1].contribution, 1, "x's contribution", 1e-9)
check.near(rows[1].rank_correlation, 1, "x's rank correlation", 1e-12)
check.eq(rows[2].contribution, 0, "a fixed draw contributes nothing")
check.eq(rows[2].rank_correlation, 0, "a fixed draw has no rank correlation")
-- an output that never varies: every contribution 0
for _, row in ipairs(kept:sensitivity("k@4Q02")) do
  check.eq(row.contribution, 0, "a constant output")
end
check.raises("the trials were not kept (simulate with keep = true)",
             sketched.sensitivity, sketched, "y@4Q02")
check.raises("'z@4Q02' is not an output", kept.sensitivity, kept, "z@4Q02")
check.raises("bad argument", kept.sensitivity, kept, {})

-- score
local s = kept:score({ ["y@4Q02"] = 6 })
check.eq(#s, 1, "one output with an actual")
check.eq(s[1].cell, "y@4Q02", "its cell")
check.eq(s[1].exact, true, "kept: exact")
check.eq(s.summary.count, 1, "summary count")
check.near(s[1].pit, 0.5, "an actual at the median", 0.1)
check.eq(s[1].pinball[0.5] >= 0, true, "a loss is not negative")
-- beyond every trial: PIT 1, CRPS at least its distance to the max
local far = kept:score({ ["y@4Q02"] = 100 })[1]
check.eq(far.pit, 1, "PIT above every trial")
check.eq(far.crps >= 100 - kept:max("y@4Q02"), true, "CRPS beyond the trials")
local sk = sketched:score({ ["y@4Q02"] = 6 })[1]
check.eq(sk.exact, false, "the sketch")
check.eq(sk.crps_bound > 0, true, "the sketch states a bound")
check.eq(math.abs(sk.crps - s[1].crps) <= sk.crps_bound, true, "within it")

check.raises("actuals must be a Model or Scenario, a values file, or a table",
             kept.score, kept, 42)
check.raises("'rev@4Q02' is not an output", kept.score, kept, { ["rev@4Q02"] = 1 })
check.raises("the actual of 'y@4Q02' must be a number, got string",
             kept.score, kept, { ["y@4Q02"] = "6" })
check.raises("quantiles[2] must be a number in (0, 1)", kept.score, kept,
             { ["y@4Q02"] = 6 }, { quantiles = { 0.5, 1 } })
check.raises("quantiles[1] must be a number in (0, 1)", kept.score, kept,
             { ["y@4Q02"] = 6 }, { quantiles = { 0 / 0 } })
check.raises("unknown option 'quantile' (did you mean 'quantiles'?)", kept.score,
             kept, { ["y@4Q02"] = 6 }, { quantile = { 0.5 } })
check.raises("give both 'low' and 'high'", kept.score, kept, { ["y@4Q02"] = 6 },
             { low = m })
check.raises("a values file needs the model", kept.score, kept, "actuals.csv")
check.raises("must be a Model or Scenario", kept.score, kept, "actuals.csv",
             { model = 3 })
-- an actual that is missing, NaN or infinite is not scored
check.eq(#kept:score({ ["y@4Q02"] = 0 / 0 }), 0, "NaN is no actual")
check.eq(#kept:score({ ["y@4Q02"] = math.huge }), 0, "inf is no actual")
check.eq(kept:score({}).summary.count, 0, "nothing scored")
-- a model as actuals: its value of the output's cell; low and high held
local actual = m:scenario("actual")
actual:set("x@4Q02", 1.5)
local low, high = m:scenario("low"), m:scenario("high")
low:set("x@4Q02", 1.2)
high:set("x@4Q02", 1.8)
local by_model = kept:score(actual, { low = low, high = high })
check.eq(#by_model, 2, "both outputs have a value there")
for _, row in ipairs(by_model) do
  if row.cell == "y@4Q02" then
    check.eq(row.actual, 6, "y in the scenario")
    check.eq(row.held, true, "inside low-high")
  end
end
-- a values file, read into a scenario of the model given
local path = check.tmpname(".csv")
local f = assert(io.open(path, "w"))
f:write("item,period,value\ny,4Q02,6.5\nx,4Q02,1.25\n")
f:close()
local from_file = kept:score(path, { model = m })
-- k, which the file does not give, holds the model's own figure: no actual
check.eq(#from_file, 1, "y from the file, not k from the model")
check.eq(from_file[1].cell, "y@4Q02", "y first")
check.eq(from_file[1].actual, 6.5, "the file's figure (computed y overridden)")
check.eq(kept:score(path, { model = actual })[1].actual, 6.5, "on a scenario")
local bad = check.tmpname(".csv")
f = assert(io.open(bad, "w"))
f:write("item,period,value\nnothere,4Q02,1\n")
f:close()
check.raises("nothere", kept.score, kept, bad, { model = m })
check.raises("no/such/file.csv", kept.score, kept, "no/such/file.csv", { model = m })
-- a closed result
kept:close()
check.raises("closed simulation", kept.score, kept, { ["y@4Q02"] = 6 })
check.raises("closed simulation", kept.sensitivity, kept, "y@4Q02")
check.cleanup()
print("ok")
