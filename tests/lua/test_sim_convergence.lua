-- test_sim_convergence.lua -- standard errors, confidence intervals and
-- precision control of a simulation (docs/simulate.md), and keep's
-- misuse: the se of a mean is sd / sqrt(n) exactly; a percentile's se
-- near the normal's asymptotic sqrt(p (1 - p) / n) / phi(z_p) sd; the
-- intervals of the mean, the median and p95 over many seeds cover the
-- true value about as often as their level says; stop holds when it says
-- it does, takes the same trials and gives the same bits at 1, 2 and 3
-- threads, runs to its maximum when it cannot hold; every bad level,
-- statistic or stop option raises, naming it.
-- Usage: kessan run tests/lua/test_sim_convergence.lua
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("y", "x * 3 + 1", { rule = "sum" })
local MEAN, SD = 10, 2
local function run(options)
  options.draws = options.draws or { ["x@4Q02"] = kessan.normal(MEAN, SD) }
  options.outputs = options.outputs or { "x@4Q02", "y@4Q02" }
  options.progress = false
  return m:simulate(options)
end

-- the se of a mean: sd / sqrt(n), and its interval mean +- z se
local r = run{ trials = 100000, seed = 5 }
check.near(r:se("x@4Q02", "mean"), r:sd("x@4Q02") / math.sqrt(100000),
           "se of the mean", 1e-12)
local lo, hi = r:ci("x@4Q02", "mean", 0.95)
check.near((hi - lo) / 2, 1.959963984540054 * r:se("x@4Q02", "mean"),
           "95% interval of the mean", 1e-9)
check.near((lo + hi) / 2, r:mean("x@4Q02"), "centred on the mean", 1e-12)
local lo90, hi90 = r:ci("x@4Q02", "mean", 0.9)
assert(lo90 > lo and hi90 < hi, "a 90% interval inside the 95% one")
check.eq(select("#", r:ci("x@4Q02")), 2, "ci gives two numbers")
-- a percentile's se near the asymptotic one of a normal's quantile, from
-- kept trials (the sketch's 0.1% would be as large as this se: 0.03 at
-- 13.3); the order statistics' spacing at 200,000 trials is good to 7%
local function phi(z) return math.exp(-z * z / 2) / math.sqrt(2 * math.pi) end
local KEPT = 200000
local kept = run{ trials = KEPT, seed = 5, keep = true, outputs = { "x@4Q02" } }
for _, case in ipairs{ { "p95", 0.95, 1.6448536269514722 },
                       { "p50", 0.5, 0 }, { "p5", 0.05, -1.6448536269514722 } } do
  local name, p, z = case[1], case[2], case[3]
  local want = math.sqrt(p * (1 - p) / KEPT) / phi(z) * SD
  local got = kept:se("x@4Q02", name)
  assert(math.abs(got / want - 1) < 0.25,
         name .. " se " .. got .. ", asymptotic " .. want)
  local plo, phi_ = kept:ci("x@4Q02", name, 0.95)
  local at = kept:percentile("x@4Q02", p * 100)
  assert(plo <= at and at <= phi_, name .. "'s interval holds the estimate")
end
kept:close()
-- y = 3 x + 1: its se three times x's
check.near(r:se("y@4Q02", "mean"), 3 * r:se("x@4Q02", "mean"), "se of 3x+1", 1e-9)

-- coverage over many seeds: a 90% interval holds the true value in about
-- 90% of runs (300 runs: the share's sd is 0.017)
local truth = { mean = MEAN, p50 = MEAN, p95 = MEAN + 1.6448536269514722 * SD }
local held = { mean = 0, p50 = 0, p95 = 0 }
local RUNS = 300
for seed = 1, RUNS do
  local s = run{ trials = 2000, seed = seed, outputs = { "x@4Q02" } }
  for stat, value in pairs(truth) do
    local a, b = s:ci("x@4Q02", stat, 0.9)
    if a <= value and value <= b then held[stat] = held[stat] + 1 end
  end
  s:close()
end
for stat, count in pairs(held) do
  local share = count / RUNS
  assert(share > 0.84 and share < 0.96,
         stat .. ": its 90% interval held in " .. share .. " of the runs")
end

-- stop: until the 95% interval of the mean is within 0.12% of it (about
-- 100,000 trials: the second check point, 131,072)
local function stopped(threads, options)
  options = options or {}
  return run{ seed = 9, threads = threads, keep = options.keep,
    stop = { cell = "y@4Q02", stat = options.stat or "mean",
             rel = options.rel or 0.0012, confidence = 0.95,
             max_trials = options.max or 5000000 } }
end
local s1 = stopped(1)
check.eq(s1:converged(), true, "the rule held")
local n = s1:trials()
check.eq(n, 131072, "stopped at the second check point")
local a, b = s1:ci("y@4Q02", "mean", 0.95)
assert((b - a) / 2 <= 0.0012 * math.abs(s1:mean("y@4Q02")),
       "the interval holds at the end")
-- one chunk round fewer would not have held: rounds grow by a quarter
for _, threads in ipairs{ 2, 3 } do
  local s = stopped(threads)
  check.eq(s:trials(), n, "the same trials at " .. threads .. " threads")
  check.eq(s:mean("y@4Q02"), s1:mean("y@4Q02"), "the same mean, bit for bit")
  check.eq(s:percentile("y@4Q02", 95), s1:percentile("y@4Q02", 95), "the same p95")
end
-- on a percentile, kept: the same trials as not kept
local p1, p2 = stopped(1, { stat = "p95", rel = 0.002 }),
               stopped(2, { stat = "p95", rel = 0.002, keep = true })
check.eq(p1:trials(), p2:trials(), "a percentile rule, kept or not")
check.eq(#p2:values("y@4Q02"), p2:trials(), "as many kept as run")
-- a rule that cannot hold runs to its maximum
local never = stopped(2, { rel = 1e-9, max = 50000 })
check.eq(never:converged(), false, "never held")
check.eq(never:trials(), 50000, "ran every trial")
check.eq(r:converged(), false, "no rule, nothing held")

-- misuse names what is wrong
check.raises("level must be between 0 and 1", r.ci, r, "x@4Q02", "mean", 1)
check.raises("level must be a number, got nan", r.ci, r, "x@4Q02", "mean", 0 / 0)
check.raises("number expected, got string", r.ci, r, "x@4Q02", "mean", "high")
check.raises("statistic 'median': \"mean\" or a percentile", r.se, r, "x@4Q02", "median")
check.raises("statistic 'p101'", r.se, r, "x@4Q02", "p101")
check.raises("statistic 'pnan'", r.ci, r, "x@4Q02", "pnan")
check.raises("statistic 'p'", r.se, r, "x@4Q02", "p")
check.raises("q must be from 0 to 100", r.percentile, r, "x@4Q02", 0 / 0)
check.raises("x must be a number, got nan", r.prob, r, "x@4Q02", ">", 0 / 0)
local function refused(pattern, stop, extra)
  local options = { seed = 1, stop = stop, draws = { ["x@4Q02"] = kessan.normal(1, 1) },
                    outputs = { "x@4Q02" }, progress = false }
  for k, v in pairs(extra or {}) do options[k] = v end
  check.raises(pattern, m.simulate, m, options)
end
refused("field 'stop': unknown option 'confidense' (did you mean 'confidence'?)",
        { cell = "x@4Q02", rel = 0.01, confidense = 0.9, max_trials = 10 })
refused("field 'stop.rel' must be a number", { cell = "x@4Q02", max_trials = 10 })
refused("field 'stop.rel' must be a number", { cell = "x@4Q02", rel = -1, max_trials = 10 })
refused("field 'stop.confidence' must be a number",
        { cell = "x@4Q02", rel = 0.1, confidence = 1, max_trials = 10 })
refused("field 'stop.cell' must be an output cell", { rel = 0.1, max_trials = 10 })
refused("stop: 'y@4Q02' is not one of the outputs", { cell = "y@4Q02", rel = 0.1, max_trials = 10 })
refused("statistic 'p100.5'", { cell = "x@4Q02", stat = "p100.5", rel = 0.1, max_trials = 10 })
refused("give 'trials' or 'stop.max_trials'",
        { cell = "x@4Q02", rel = 0.1, max_trials = 10 }, { trials = 10 })
refused("field 'stop.max_trials' must be an integer",
        { cell = "x@4Q02", rel = 0.1, max_trials = 0.5 })
refused("field 'trials' is required", { cell = "x@4Q02", rel = 0.1 })
refused("field 'stop' must be a table", "mean", { trials = 10 })

-- keep: what is refused and what values are
check.raises("the trials were not kept (simulate with keep = true)", r.values, r, "x@4Q02")
check.raises("the trials were not kept", r.export, r, "never-written.csv")
check.raises("would take 16.0 GB, 8 bytes per trial per cell, more than the 4.3 GB allowed",
             m.simulate, m, { trials = 1000000000, keep = true, progress = false,
               draws = { ["x@4Q02"] = kessan.normal(1, 1) }, outputs = { "y@4Q02" } })
check.raises("field 'keep' must be true or false", m.simulate, m,
             { trials = 10, keep = "yes", draws = {}, outputs = { "y@4Q02" } })
local k = run{ trials = 1000, seed = 2, keep = true }
local xs, ys = k:values("x@4Q02"), k:values("y@4Q02")
check.eq(#xs, 1000, "a value per trial")
for i = 1, 1000 do
  assert(ys[i] == xs[i] * 3 + 1, "trial " .. i .. ": y = 3 x + 1")
end
check.raises("'z@4Q02' is neither an output nor a drawn cell", k.values, k, "z@4Q02")
local failed, why = k:export("/nonexistent-directory/trials.csv")
check.eq(failed, nil, "an export that cannot be written")
assert(why:find("/nonexistent-directory/trials.csv", 1, true), why)
assert(tostring(k):find("(1000 trials, kept)", 1, true), tostring(k))
print("ok")
