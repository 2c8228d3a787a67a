-- test_promise_prob_exact.lua -- docs/simulate.md: "every share is exact"
-- (shares by counting): r:prob(cell, op, x) for each of <, <=, > and >=
-- is the count of trials where it holds divided by the trial count,
-- rounded once, bit for bit: counted here from the kept trials
-- (r:values) of random discrete outputs, at odd trial counts where
-- 1 - below / n and above / n round apart (a 0/1 output weighted 3:1 at
-- 30,011 trials, seed 5, gave 0x1.ffbe7ceef2b8p-3 for "> 0" where
-- 7499/30011 is ...b7fp-3); and from the sketch alone (no keep) at
-- levels between the values, where its counts are exact.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"
local bits = require("promise").bits

local m = assert(kessan.open("tests/data/tiny"))
local CELL = "rev.a@3Q02"
local rng = math.random
math.randomseed(tonumber(os.getenv("KESSAN_TEST_SEED") or "20261207"))

local OPS = {
  ["<"] = function(v, x) return v < x end,
  ["<="] = function(v, x) return v <= x end,
  [">"] = function(v, x) return v > x end,
  [">="] = function(v, x) return v >= x end,
}

local function run(values, weights, trials, seed, keep)
  return m:simulate{trials = trials, seed = seed, keep = keep,
                    draws = {[CELL] = kessan.discrete{values = values,
                                                      weights = weights}},
                    outputs = {CELL}}
end

local function check_run(values, weights, trials, seed)
  local kept = run(values, weights, trials, seed, true)
  local trial_values = kept:values(CELL)
  local sketched = run(values, weights, trials, seed, false)
  local levels = {}
  for _, v in ipairs(values) do levels[#levels + 1] = v end
  for k = 1, #values - 1 do
    levels[#levels + 1] = (values[k] + values[k + 1]) / 2
  end
  levels[#levels + 1] = values[1] - 1
  levels[#levels + 1] = values[#values] + 1
  for _, x in ipairs(levels) do
    for op, holds in pairs(OPS) do
      local count = 0
      for _, v in ipairs(trial_values) do
        if holds(v, x) then count = count + 1 end
      end
      local want = count / trials
      local what = string.format("%d trials seed %d: %s %s %.17g", trials,
                                 seed, CELL, op, x)
      check.eq(bits(kept:prob(CELL, op, x)), bits(want), "kept " .. what)
      local between = true
      for _, v in ipairs(values) do
        if v == x then between = false end
      end
      if between then
        check.eq(bits(sketched:prob(CELL, op, x)), bits(want),
                 "sketch " .. what)
      end
    end
  end
end

-- the case that rounded apart
check_run({0, 1}, {3, 1}, 30011, 5)

-- random discrete outputs at odd trial counts
for _ = 1, 40 do
  local count = rng(2, 5)
  local values, weights = {}, {}
  local v = rng(-50, 50)
  for k = 1, count do
    values[k] = v
    weights[k] = rng(1, 9)
    v = v + rng(1, 20)
  end
  local trials = 2 * rng(500, 15000) + 1
  check_run(values, weights, trials, rng(0, 1000))
end
print("ok: shares are count / n, rounded once")
