-- test_simulate.lua -- Monte Carlo from Lua: the distribution constructors
-- and their checks, s:simulate{...} on a model and a scenario, the result's
-- methods, the same seed giving the same numbers on 1 and 2 threads, and
-- misuse raising errors that name the argument.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

-- every build has the simulation: lua/binding/lsimulate.c registers the
-- distributions and s:simulate (lk_simulate_register, from luaopen_kessan)
assert(kessan.normal, "kessan.normal is missing: the module was built "
       .. "without lua/binding/lsimulate.c")

-- constructors and their exact moments
check.near(kessan.normal(3, 2):mean(), 3, "normal mean")
check.near(kessan.normal(3, 2):variance(), 4, "normal variance")
check.near(kessan.uniform(0, 12):variance(), 12, "uniform variance")
check.near(kessan.triangular(0, 3, 6):mean(), 3, "triangular mean")
check.near(kessan.pert(0, 1, 6):mean(), (0 + 4 * 1 + 6) / 6, "pert mean", 1e-12)
check.near(kessan.lognormal(0, 0.5):mean(), math.exp(0.125), "lognormal mean")
check.near(kessan.discrete{ values = { 1, 3 }, weights = { 3, 1 } }:mean(), 1.5,
           "discrete mean")
check.eq(tostring(kessan.uniform(1, 2)):match("^uniform"), "uniform", "tostring")
check.raises("normal' (sd must be positive", kessan.normal, 1, 0)
check.raises("uniform' (b must be greater than a", kessan.uniform, 2, 1)
check.raises("mode must be from min to max", kessan.triangular, 0, 5, 1)
check.raises("one weight per value", kessan.discrete, { values = { 1, 2 }, weights = { 1 } })

-- a model: x (input, sum) drawn in 4Q02, y = 2 x + 1
local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("y", "2 * x + 1", { rule = "sum" })
for q = 1, 3 do m:set("x", q .. "Q02", 10 * q) end

local spec = {
  trials = 50000, seed = 3,
  draws = { ["x@4Q02"] = kessan.normal(100, 10) },
  outputs = { "y@4Q02", "y@FY02", "x@4Q02" },
}
local r = m:simulate(spec)
local se = 20 / math.sqrt(spec.trials)
check.near(r:mean("y@4Q02"), 201, "mean of 2 x + 1", 5 * se)
check.near(r:sd("y@4Q02"), 20, "sd of 2 x + 1", 0.5)
check.near(r:mean("y@FY02") - r:mean("y@4Q02"), m:get("y", "9M02"), "FY = 9M + 4Q", 1e-6)
check.near(r:percentile("x@4Q02", 50), 100, "median", 0.2)
check.near(r:prob("x@4Q02", "<", 100), 0.5, "prob", 0.01)
check.near(r:prob("x@4Q02", ">=", 100), 1 - r:prob("x@4Q02", "<", 100), "prob complement", 1e-12)
assert(r:min("x@4Q02") < r:percentile("x@4Q02", 5) and r:max("x@4Q02") > 120, "min, max")
local counts, edges = r:histogram("x@4Q02", 10)
local total = 0
for _, c in ipairs(counts) do total = total + c end
check.eq(total, spec.trials, "histogram counts every trial")
check.eq(#edges, 11, "histogram edges")
check.eq(r:trials(), spec.trials, "trials")
check.eq(r:outputs()[1], "y@4Q02", "outputs")
assert(tostring(r):find("y@4Q02", 1, true), "tostring lists the outputs")

-- the same seed, 2 threads: the same numbers
spec.threads = 2
local r2 = m:simulate(spec)
for _, cell in ipairs(spec.outputs) do
  check.eq(r2:mean(cell), r:mean(cell), "mean on 2 threads " .. cell)
  check.eq(r2:percentile(cell, 95), r:percentile(cell, 95), "p95 on 2 threads " .. cell)
end
spec.threads = nil

-- a scenario sees its own inputs
local s = m:scenario("high")
s:set("x", "3Q02", 1000)
check.near(s:simulate(spec):mean("y@FY02") - r:mean("y@FY02"), 2 * 970, "scenario", 1e-6)

-- misuse
check.raises("not an output of this simulation", r.mean, r, "y@3Q02")
check.raises("field 'trials'", m.simulate, m, { draws = spec.draws, outputs = spec.outputs })
check.raises("field 'trials' must be an integer", m.simulate, m,
             { trials = 0, draws = spec.draws, outputs = spec.outputs })
check.raises("must be a distribution", m.simulate, m,
             { trials = 10, draws = { ["x@4Q02"] = "high" }, outputs = spec.outputs })
check.raises("did you mean", m.simulate, m,
             { trials = 10, draws = { ["xx@4Q02"] = 1 }, outputs = spec.outputs })
check.raises("not positive definite", m.simulate, m, {
  trials = 10, outputs = { "y@4Q02" },
  draws = { ["x@4Q02"] = kessan.normal(0, 1), ["x@3Q02"] = kessan.normal(0, 1),
            ["x@2Q02"] = kessan.normal(0, 1) },
  correlate = { { "x@4Q02", "x@3Q02", 0.9 }, { "x@3Q02", "x@2Q02", 0.9 },
                { "x@4Q02", "x@2Q02", -0.9 } } })
check.raises("q must be from 0 to 100", r.percentile, r, "x@4Q02", 101)
check.raises("invalid option", r.prob, r, "x@4Q02", "==", 1)
-- an output too large to hold in a trial is invalid, counted apart as an
-- overflow, and every statistic of the rest stays finite
do
  local big = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
  big:define("x", nil, { rule = "sum" })
  big:define("y", "x * x")
  local rb = big:simulate{ trials = 4000, seed = 3,
    draws = { ["x@4Q02"] = kessan.uniform(0, 2e75) },
    outputs = { "y@4Q02", "x@4Q02" }, progress = false }
  local n, bad = rb:count("y@4Q02"), rb:invalid("y@4Q02")
  check.eq(n + bad, 4000, "every trial counted once")
  assert(bad > 0 and rb:overflow("y@4Q02") == bad,
         "y's invalid trials are its overflows: " .. bad)
  check.eq(rb:overflow("x@4Q02"), rb:invalid("x@4Q02"), "x's overflows")
  for _, cell in ipairs{ "y@4Q02", "x@4Q02" } do
    for _, v in ipairs{ rb:mean(cell), rb:sd(cell), rb:max(cell),
                        rb:percentile(cell, 99) } do
      assert(v == v and math.abs(v) < math.huge, cell .. " statistic finite")
    end
  end
  big:close()
end
print("test_simulate: ok")
