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
local bits = require("promise").bits

-- ---- the same bits whatever the thread count -------------------------------

local CELLS = { "rev.a@3Q02", "rev.b@3Q02", "cost.total@3Q02", "rev.a@2Q02",
                "rev.b@2Q02", "cost.total@2Q02" }
local OUTPUTS = { "op_income@3Q02", "op_margin@3Q02", "rev.total@1H02",
                  "op_income@2Q02", "rev.total@3Q02" }

local function random_distribution(cell)
  local base = ({ ["rev.a"] = 160, ["rev.b"] = 80, ["cost.total"] = 180 })[cell:match("^[^@]+")]
  local kind = math.random(7)
  if kind == 1 then return kessan.normal(base, base * math.random() * 0.5 + 1e-9) end
  if kind == 2 then return kessan.lognormal(math.log(base), math.random() * 0.8 + 0.01) end
  if kind == 3 then return kessan.uniform(base * 0.5, base * 1.5) end
  if kind == 4 then return kessan.triangular(base * 0.5, base * (0.5 + math.random()), base * 1.5) end
  if kind == 5 then return kessan.pert(base * 0.5, base, base * 2) end
  if kind == 6 then
    -- values that make revenue 0 (op_margin divides by zero) or huge
    -- (halves overflow): invalid trials in the outputs
    return kessan.discrete{ values = { -80, 0, base, 1e308, -1e308 },
                            weights = { 1, 2, 5, 1, 1 } }
  end
  return base * (math.random() + 0.5)
end

local function random_spec(seed)
  local spec = { seed = seed, progress = false, draws = {}, outputs = {} }
  local drawn, correlatable = {}, {}
  for _, cell in ipairs(CELLS) do
    if math.random() < 0.7 then
      local d = random_distribution(cell)
      spec.draws[cell] = d
      drawn[#drawn + 1] = cell
      if type(d) ~= "number" and not tostring(d):find("pert") and not tostring(d):find("fixed") then
        correlatable[#correlatable + 1] = cell
      end
    end
  end
  if #drawn == 0 then spec.draws[CELLS[1]] = kessan.normal(160, 10) end
  for _, out in ipairs(OUTPUTS) do
    if math.random() < 0.7 then spec.outputs[#spec.outputs + 1] = out end
  end
  if #spec.outputs == 0 then spec.outputs[1] = OUTPUTS[1] end
  if #correlatable >= 2 and math.random() < 0.5 then
    spec.correlate = { { correlatable[1], correlatable[2], math.random() * 1.6 - 0.8 } }
  end
  if math.random() < 0.4 then spec.sampling = "lhs" end
  if spec.correlate and math.random() < 0.5 then spec.copula = "rank" end
  spec.keep = math.random() < 0.5
  if math.random() < 0.25 then
    spec.stop = { cell = spec.outputs[1], rel = 1e-4, max_trials = 66000 + math.random(0, 20000) }
  else
    spec.trials = ({ 1, 2, 511, 4097, 4 * 4096 + 77, 9011 })[math.random(6)]
  end
  return spec
end

local function fingerprint(r, kept)
  local parts = { "trials " .. r:trials(), "converged " .. tostring(r:converged()) }
  local function add(...)
    for i = 1, select("#", ...) do parts[#parts + 1] = bits((select(i, ...))) end
  end
  for _, cell in ipairs(r:outputs()) do
    parts[#parts + 1] = cell
    add(r:count(cell), r:invalid(cell), r:overflow(cell), r:reason(cell))
    if r:count(cell) > 0 then
      add(r:mean(cell), r:sd(cell), r:min(cell), r:max(cell))
      for _, q in ipairs{ 0, 0.01, 5, 25, 50, 75, 95, 99.99, 100 } do add(r:percentile(cell, q)) end
      local mid = r:percentile(cell, 50)
      add(r:prob(cell, "<", mid), r:prob(cell, "<=", mid), r:prob(cell, ">", 0),
          r:prob(cell, r:min(cell), mid))
      local counts, edges = r:histogram(cell, 7)
      add(table.unpack(counts)); add(table.unpack(edges))
      if r:count(cell) > 2 then add(r:se(cell, "mean"), r:ci(cell, "p95", 0.9)) end
    end
    if kept then
      for _, v in ipairs(r:values(cell)) do parts[#parts + 1] = bits(v) end
    end
  end
  return table.concat(parts, " ")
end

math.randomseed(20261207)
for run = 1, 10 do
  local spec = random_spec(run * 7919)
  local reference, described
  for _, threads in ipairs{ 1, 2, 3, 5 } do
    spec.threads = threads
    local r = m:simulate(spec)
    local print_ = fingerprint(r, spec.keep)
    if not reference then
      reference = print_
      described = string.format("run %d (%s trials, sampling %s, copula %s, keep %s, stop %s)", run,
        tostring(spec.trials), tostring(spec.sampling), tostring(spec.copula),
        tostring(spec.keep), tostring(spec.stop ~= nil))
    elseif print_ ~= reference then
      -- name the first statistic that differs
      local a, b = {}, {}
      for w in reference:gmatch("%S+") do a[#a + 1] = w end
      for w in print_:gmatch("%S+") do b[#b + 1] = w end
      local at = 1
      while a[at] == b[at] do at = at + 1 end
      error(string.format("%s: %d threads differ from 1 at field %d: %s vs %s",
                          described, threads, at, tostring(b[at]), tostring(a[at])))
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
