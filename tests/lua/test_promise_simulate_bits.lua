-- test_promise_simulate_bits.lua -- two promises of docs/simulate.md
-- tried with random runs rather than one friendly spec:
--  - "The same seed gives the same result, bit for bit, whatever
--    `threads` is": random runs (every distribution, correlations, Latin
--    hypercube, the rank copula, a stop rule, kept trials, outputs with
--    invalid trials from a division by zero and from an overflow, trial
--    counts that are no multiple of a block) on 1, 2, 3 and 5 threads:
--    every statistic, share, histogram and kept trial the same bits;
--  - "an output with the same value in every trial has that value as its
--    mean and an sd of exactly 0" and "a constant output's percentiles
--    are its value", "Min and max are exact": constants that no sum of
--    doubles keeps (0.1, 1/3), the smallest subnormal, the smallest
--    normal, -0, 1e148 (below the 1e149 bound), on 1 to 3 threads and
--    trial counts from 1 to 20,011; a 0/1 output's shares and
--    percentiles from the sketch equal to those of its kept trials.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = assert(kessan.open("tests/data/tiny"))
local promise = require "promise"
local bits = promise.bits

-- ---- the same bits whatever the thread count -------------------------------

math.randomseed(20261207)
for run = 1, 10 do
  local spec = promise.random_simulation(kessan, run * 7919)
  local reference, described
  for _, threads in ipairs{ 1, 2, 3, 5 } do
    spec.threads = threads
    local r = m:simulate(spec)
    local print_ = promise.simulation_fingerprint(r, spec.keep)
    if not reference then
      reference = print_
      described = promise.describe_simulation(run, spec)
    elseif print_ ~= reference then
      error(string.format("%s: %d threads differ from 1 at %s", described, threads,
                          promise.first_difference(print_, reference)))
    end
  end
end

-- ---- a constant output -----------------------------------------------------

local CONSTANTS = { 0.1, 1 / 3, -1 / 3, 5e-324, -5e-324, 2.2250738585072014e-308,
                    -0.0, 0.0, 1e148, -9.87654321e147, 123456.789 }
for _, x in ipairs(CONSTANTS) do
  for _, threads in ipairs{ 1, 2, 3 } do
    for _, trials in ipairs{ 1, 2, 513, 4097, 20011 } do
      local what = string.format("constant %s on %d threads, %d trials", bits(x), threads, trials)
      local r = m:simulate{ trials = trials, threads = threads, progress = false,
                            draws = { ["rev.a@3Q02"] = kessan.fixed(x) },
                            outputs = { "rev.a@3Q02" } }
      local cell = "rev.a@3Q02"
      check.eq(bits(r:mean(cell)), bits(x), what .. ": mean")
      if trials > 1 then check.eq(bits(r:sd(cell)), bits(0.0), what .. ": sd") end
      check.eq(bits(r:min(cell)), bits(x), what .. ": min")
      check.eq(bits(r:max(cell)), bits(x), what .. ": max")
      for _, q in ipairs{ 0, 0.01, 5, 50, 99.9, 100 } do
        -- numerically: the sketch's zero bucket reads -0 as 0
        check.eq(r:percentile(cell, q), x, what .. ": p" .. q)
      end
      check.eq(r:prob(cell, "<", x), 0.0, what .. ": share below")
      check.eq(r:prob(cell, "<=", x), 1.0, what .. ": share at most")
      check.eq(r:prob(cell, x, x), 1.0, what .. ": share in [x, x]")
    end
  end
end

-- a 0/1 output: every share and both ends exact, whatever the sketch
local r = m:simulate{ trials = 30011, threads = 2, seed = 5, progress = false,
                      draws = { ["rev.a@3Q02"] = kessan.discrete{ values = { 0, 1 }, weights = { 3, 1 } },
                                ["rev.b@3Q02"] = 0 },
                      outputs = { "rev.total@3Q02" } }
local kept = m:simulate{ trials = 30011, threads = 1, seed = 5, progress = false, keep = true,
                         draws = { ["rev.a@3Q02"] = kessan.discrete{ values = { 0, 1 }, weights = { 3, 1 } },
                                   ["rev.b@3Q02"] = 0 },
                         outputs = { "rev.total@3Q02" } }
local ones = 0
for _, v in ipairs(kept:values("rev.total@3Q02")) do ones = ones + v end
local cell = "rev.total@3Q02"
check.eq(r:prob(cell, "<", 1), (30011 - ones) / 30011, "0/1 output: share of zeros")
check.eq(r:prob(cell, "<=", 0), (30011 - ones) / 30011, "0/1 output: share at most 0")
check.eq(r:prob(cell, 1, 1), ones / 30011, "0/1 output: share in [1, 1]")
for _, x in ipairs{ -1, 0, 0.5, 1, 2 } do
  for _, op in ipairs{ "<", "<=", ">", ">=" } do
    check.eq(bits(r:prob(cell, op, x)), bits(kept:prob(cell, op, x)),
             "0/1 output: share " .. op .. " " .. x .. " from the sketch and the kept trials")
  end
end
for _, q in ipairs{ 0, 10, 50, 70, 100 } do
  check.eq(r:percentile(cell, q), kept:percentile(cell, q), "0/1 output: p" .. q)
end

check.cleanup()
print("ok")
