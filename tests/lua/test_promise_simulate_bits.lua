-- test_promise_simulate_bits.lua -- promises of docs/simulate.md
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
--    trial counts from 1 to 20,011, with keep and without: every
--    percentile and interval end the constant's bits (-0 read +0 before);
--  - "The sign of a zero percentile": outputs mixing -0 and +0 (alone
--    and among other numbers), every half percent, kept against the
--    documented order statistics written out here, the sketch's zeros
--    against r:min and r:max, the same bits on 1 to 3 threads;
--  - a 0/1 output's shares and percentiles from the sketch equal to
--    those of its kept trials.
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
-- every percentile of the output and its intervals' ends as the bits of
-- its constant, from the sketch (whose zero bucket holds magnitudes below
-- 3e-151 of both signs and reads 0) and from the kept trials
local PERCENTILES = { 0, 1e-9, 0.01, 5, 25, 50, 50.5, 75, 95, 99.9, 99.99, 100 - 1e-9, 100 }
for _, x in ipairs(CONSTANTS) do
  for _, threads in ipairs{ 1, 2, 3 } do
    for _, trials in ipairs{ 1, 2, 3, 513, 4097, 20011 } do
      for _, keep in ipairs{ false, true } do
        local what = string.format("constant %s on %d threads, %d trials, keep %s",
                                   bits(x), threads, trials, tostring(keep))
        local r = m:simulate{ trials = trials, threads = threads, progress = false, keep = keep,
                              draws = { ["rev.a@3Q02"] = kessan.fixed(x) },
                              outputs = { "rev.a@3Q02" } }
        local cell = "rev.a@3Q02"
        check.eq(bits(r:mean(cell)), bits(x), what .. ": mean")
        if trials > 1 then check.eq(bits(r:sd(cell)), bits(0.0), what .. ": sd") end
        check.eq(bits(r:min(cell)), bits(x), what .. ": min")
        check.eq(bits(r:max(cell)), bits(x), what .. ": max")
        for _, q in ipairs(PERCENTILES) do
          check.eq(bits(r:percentile(cell, q)), bits(x), what .. ": p" .. q)
        end
        if trials > 2 then
          for _, stat in ipairs{ "p5", "p50", "p99.9" } do
            local lo, hi = r:ci(cell, stat, 0.9)
            check.eq(bits(lo) .. " " .. bits(hi), bits(x) .. " " .. bits(x), what .. ": ci of " .. stat)
          end
        end
        check.eq(r:prob(cell, "<", x), 0.0, what .. ": share below")
        check.eq(r:prob(cell, "<=", x), 1.0, what .. ": share at most")
        check.eq(r:prob(cell, x, x), 1.0, what .. ": share in [x, x]")
      end
    end
  end
end

-- ---- zeros of both signs -----------------------------------------------------
-- docs/simulate.md: with keep, a percentile is read from the trials
-- sorted with -0 before +0: an order statistic as it is, between two
-- equal ones the upper, so -0 only between two -0s; without keep, rank 0
-- is r:min, the last rank r:max, and a zero in between (the zero bucket)
-- is 0 with the sign of r:max when r:max is a zero, else +0.

local function negative_zero(v) return v == 0 and 1 / v < 0 end

-- the kept trials' numbers sorted as documented, -0 before +0
local function sorted_trials(values)
  local sorted = {}
  for _, v in ipairs(values) do if v == v then sorted[#sorted + 1] = v end end
  table.sort(sorted, function(a, b)
    if a == b then return negative_zero(a) and not negative_zero(b) end
    return a < b
  end)
  return sorted
end

-- the documented percentile of the sorted kept trials, written out here
local function kept_percentile(sorted, q)
  local n = #sorted
  local position = q / 100 * (n - 1)
  local rank = math.floor(position)
  local fraction = position - rank
  if rank + 1 >= n then return sorted[n] end
  local low, high = sorted[rank + 1], sorted[rank + 2]
  if fraction == 0 then return low end
  if low == high then return high end
  return low + fraction * (high - low)
end

-- mixes of -0 and +0 alone, and with numbers of either sign around them;
-- rev.total@3Q02 = rev.a + rev.b: -0 + -0 is -0, -0 + 0 is +0
local MIXES = {
  { values = { -0.0, 0.0 }, weights = { 1, 1 } },
  { values = { -0.0, 0.0 }, weights = { 50, 1 } },
  { values = { -0.0, 0.0 }, weights = { 1, 50 } },
  { values = { -1, -0.0, 0.0, 1 }, weights = { 1, 3, 3, 1 } },
  { values = { -2.5, -0.0 }, weights = { 1, 1 } },
  { values = { -0.0, 3 }, weights = { 1, 1 } },
  { values = { -1e-200, -0.0, 0.0, 1e-200 } },
}
local ZERO_QS = {}
for q = 0, 100, 0.5 do ZERO_QS[#ZERO_QS + 1] = q end
for _, more in ipairs{ 1e-9, 0.01, 33.3, 66.7, 99.99, 100 - 1e-9 } do ZERO_QS[#ZERO_QS + 1] = more end
for mix_index, mix in ipairs(MIXES) do
  for _, trials in ipairs{ 2, 3, 7, 513, 4097, 9011 } do
    local kept_bits, sketch_bits
    for _, threads in ipairs{ 1, 2, 3 } do
      local spec = { trials = trials, threads = threads, seed = trials + mix_index, progress = false,
                     draws = { ["rev.a@3Q02"] = kessan.discrete(mix),
                               ["rev.b@3Q02"] = kessan.discrete{ values = { -0.0, 0.0 } } },
                     outputs = { "rev.a@3Q02", "rev.total@3Q02" } }
      local sketch = m:simulate(spec)
      spec.keep = true
      local kept = m:simulate(spec)
      local got_kept, got_sketch = {}, {}
      for _, cell in ipairs(spec.outputs) do
        local sorted = sorted_trials(kept:values(cell))
        local what = string.format("mix %d, %d trials on %d threads: %s", mix_index, trials, threads, cell)
        -- min and max: the smallest and largest in that order (-0 below
        -- +0) whatever the order of the trials and blocks; the mean of
        -- zeros alone -0 only when every one is -0
        for _, r in ipairs{ kept, sketch } do
          check.eq(bits(r:min(cell)), bits(sorted[1]), what .. ": min")
          check.eq(bits(r:max(cell)), bits(sorted[#sorted]), what .. ": max")
          if sorted[1] == 0 and sorted[#sorted] == 0 then
            local all_negative = negative_zero(sorted[#sorted])
            check.eq(bits(r:mean(cell)), bits(all_negative and -0.0 or 0.0), what .. ": mean of zeros")
          end
        end
        for _, q in ipairs(ZERO_QS) do
          local want = kept_percentile(sorted, q)
          local p = kept:percentile(cell, q)
          check.eq(bits(p), bits(want), what .. ": p" .. q .. " kept")
          got_kept[#got_kept + 1] = bits(p)
          local s = sketch:percentile(cell, q)
          got_sketch[#got_sketch + 1] = bits(s)
          if want == 0 then
            -- the sketch's zero: numerically exact, its sign as documented
            local min, max = sketch:min(cell), sketch:max(cell)
            local position = q / 100 * (sketch:count(cell) - 1)
            local sign_of = position == 0 and min
                            or position >= sketch:count(cell) - 1 and max
                            or (max == 0 and max or 0.0)
            if position == math.floor(position) then
              check.eq(bits(s), bits(sign_of), what .. ": p" .. q .. " sketch, a rank")
            end
            check.eq(s, 0, what .. ": p" .. q .. " sketch")
          end
        end
        -- an all-zero output without keep: p0 is its min, every other
        -- percentile its max
        if sketch:min(cell) == 0 and sketch:max(cell) == 0 then
          for _, q in ipairs(ZERO_QS) do
            if q > 0 then
              check.eq(bits(sketch:percentile(cell, q)), bits(sketch:max(cell)),
                       what .. ": all zeros, p" .. q .. " sketch is max")
            end
          end
        end
      end
      kept_bits = kept_bits or table.concat(got_kept, " ")
      sketch_bits = sketch_bits or table.concat(got_sketch, " ")
      check.eq(table.concat(got_kept, " "), kept_bits, "mix " .. mix_index .. ": kept, threads")
      check.eq(table.concat(got_sketch, " "), sketch_bits, "mix " .. mix_index .. ": sketch, threads")
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
