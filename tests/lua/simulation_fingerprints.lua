-- simulation_fingerprints.lua -- prints, one line each, the fingerprint
-- (promise.lua: every statistic, share, histogram and kept trial as the
-- bits of its numbers) of random simulations of tests/data/tiny, and of
-- one run through every operation and function of the formula language,
-- for tests that compare the lines of two runs: tests/py/
-- test_promise_processor_bits.py runs it natively and as older
-- processors (the simulation's hot loops are compiled once for each kind
-- of processor: each must give the same bits).
--
-- Usage: kessan run tests/lua/simulation_fingerprints.lua [RUNS [THREADS]]
package.path = "tests/lua/?.lua;" .. package.path
local kessan = require "kessan"
local promise = require "promise"

local runs = math.tointeger(tonumber(arg[1] or "8")) or 8
local threads = math.tointeger(tonumber(arg[2] or "1")) or 1

local m = assert(kessan.open("tests/data/tiny"))

math.randomseed(20261208)
for run = 1, runs do
  local spec = promise.random_simulation(kessan, run * 104729)
  spec.threads = threads
  local r = m:simulate(spec)
  print(promise.describe_simulation(run, spec) .. ": " ..
        promise.simulation_fingerprint(r, spec.keep))
end

-- Every operation of the block machine, on drawn operands of either sign
-- that make some trials divide by zero, overflow, take a root of a
-- negative number or reach past the model's periods.
local FORMULAS = {
  ["w.arith"] = "rev.a + rev.b - cost.total * 2 / rev.b",
  ["w.chain"] = "rev.a - rev.b + cost.total - rev.a + rev.b",
  ["w.power"] = "rev.b ^ 0.5 + abs(rev.a) ^ 1.5 - 2 ^ (rev.b / 40)",
  ["w.compare"] = "(rev.a > rev.b) + (rev.a >= 100) * 2 + (rev.b < 0) * 4 + " ..
                  "(rev.a <= cost.total) * 8 + (rev.b == 80) * 16 + (rev.a ~= rev.b) * 32",
  ["w.functions"] = "sum(rev.a, rev.b, cost.total) + min(rev.a, rev.b, 3) - max(rev.a, -rev.b)",
  ["w.round"] = "round(rev.a / 7, 2) + round(rev.b * 13, -1) + round(-rev.a / 3)",
  ["w.choice"] = "if(rev.a > 150, rev.a / rev.b, if(rev.b, cost.total, -1))",
  ["w.time"] = "rev.a[-1] + rev.a@1Q02 - rev.total[-4]",
  ["w.huge"] = "rev.a * 1e306 * rev.b",
}
local names = {}
for name in pairs(FORMULAS) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do
  m:define(name, FORMULAS[name], { label = name, unit = "JPY thousands", statement = "kpi" })
end
local outputs = {}
for _, name in ipairs(names) do outputs[#outputs + 1] = name .. "@3Q02" end
local r = m:simulate{
  trials = 9011, seed = 77, threads = threads, keep = true, progress = false,
  draws = {
    ["rev.a@3Q02"] = kessan.normal(160, 60),
    ["rev.b@3Q02"] = kessan.discrete{ values = { -40, 0, 80, 0.25, 1e300 },
                                       weights = { 1, 1, 5, 2, 1 } },
    ["cost.total@3Q02"] = kessan.lognormal(math.log(180), 0.9),
    ["rev.a@2Q02"] = kessan.uniform(-10, 200),
  },
  outputs = outputs,
}
print("formulas: " .. promise.simulation_fingerprint(r, true))
