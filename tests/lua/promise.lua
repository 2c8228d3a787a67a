-- promise.lua -- what the tests of the docs' promises (test_promise_*.lua)
-- share: a value as its exact bits, so that "the same, bit for bit" is
-- compared as text (a missing or error cell as nil and its reason, NaN as
-- nan, -0 apart from 0); random simulations and their fingerprints.
local promise = {}

function promise.bits(v, why)
  if v == nil then return "nil " .. tostring(why) end
  if type(v) ~= "number" then return tostring(v) end
  if v ~= v then return "nan" end
  return string.format("%a", v)
end

local SIMULATED_CELLS = { "rev.a@3Q02", "rev.b@3Q02", "cost.total@3Q02", "rev.a@2Q02",
                          "rev.b@2Q02", "cost.total@2Q02" }
local SIMULATED_OUTPUTS = { "op_income@3Q02", "op_margin@3Q02", "rev.total@1H02",
                            "op_income@2Q02", "rev.total@3Q02" }

local function random_distribution(kessan, cell)
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

-- A random simulation of tests/data/tiny (math.random draws it): every
-- distribution, correlations, Latin hypercube, the rank copula, a stop
-- rule, kept trials, outputs with invalid trials from a division by zero
-- and from an overflow, trial counts that are no multiple of a block.
function promise.random_simulation(kessan, seed)
  local spec = { seed = seed, progress = false, draws = {}, outputs = {} }
  local drawn, correlatable = {}, {}
  for _, cell in ipairs(SIMULATED_CELLS) do
    if math.random() < 0.7 then
      local d = random_distribution(kessan, cell)
      spec.draws[cell] = d
      drawn[#drawn + 1] = cell
      if type(d) ~= "number" and not tostring(d):find("pert") and not tostring(d):find("fixed") then
        correlatable[#correlatable + 1] = cell
      end
    end
  end
  if #drawn == 0 then spec.draws[SIMULATED_CELLS[1]] = kessan.normal(160, 10) end
  for _, out in ipairs(SIMULATED_OUTPUTS) do
    if math.random() < 0.7 then spec.outputs[#spec.outputs + 1] = out end
  end
  if #spec.outputs == 0 then spec.outputs[1] = SIMULATED_OUTPUTS[1] end
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

-- Every statistic, share, histogram and (kept) trial of a result as
-- the bits of its numbers, one string.
function promise.simulation_fingerprint(r, kept)
  local parts = { "trials " .. r:trials(), "converged " .. tostring(r:converged()) }
  local function add(...)
    for i = 1, select("#", ...) do parts[#parts + 1] = promise.bits((select(i, ...))) end
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
      for _, v in ipairs(r:values(cell)) do parts[#parts + 1] = promise.bits(v) end
    end
  end
  return table.concat(parts, " ")
end

-- A random simulation in words, for a message.
function promise.describe_simulation(run, spec)
  return string.format("run %d (%s trials, sampling %s, copula %s, keep %s, stop %s)", run,
                       tostring(spec.trials), tostring(spec.sampling), tostring(spec.copula),
                       tostring(spec.keep), tostring(spec.stop ~= nil))
end

-- Where two fingerprints first differ: the field's number and both words.
function promise.first_difference(got, expected)
  local a, b = {}, {}
  for w in expected:gmatch("%S+") do a[#a + 1] = w end
  for w in got:gmatch("%S+") do b[#b + 1] = w end
  local at = 1
  while a[at] == b[at] and at <= #a do at = at + 1 end
  return string.format("field %d: %s vs %s", at, tostring(b[at]), tostring(a[at]))
end

return promise
