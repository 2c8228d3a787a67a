-- guidance-mc in plain Lua 5.4 (tables, no kessan): the benchmark peer an
-- analyst would write without the engine. The workload is
-- ../../../shared/bench/guidance-mc.md (IIJ 4Q02: does the revenue
-- guidance hold?).
--
-- Usage: lua5.4 guidance_mc.lua TRIALS SEED
--
-- Prints one line per output, `name stat value`: for rev, op, ebitda,
-- fy_rev and fy_op the mean, sd (sample, n-1), p5, p50 and p95 (linear
-- interpolation at position p/100 * (n-1) in the sorted trials, as numpy's
-- default); for in_guidance, improves and profitable the share of trials
-- where they hold.
--
-- Random numbers: Lua 5.4's math.random (xoshiro256**) seeded with
-- math.randomseed(SEED); normals by Box-Muller (both values of each pair
-- used), triangular by inverse CDF, uniform by scaling. Each trial draws the
-- drivers in the order of the workload's table.

local random, log, sqrt, cos, sin, pi, floor =
  math.random, math.log, math.sqrt, math.cos, math.sin, math.pi, math.floor

-- Fixed inputs, thousands of JPY (3Q FY2002 release).
local REV_9M02 = 30981122.0
local OP_9M02 = -1224457.0
local REV_3Q02 = 10563578.0
local OP_MARGIN_3Q02 = -566520.0 / 10563578.0
local GUIDE_LO, GUIDE_HI = 12500000.0, 13000000.0

local MONEY_OUTPUTS = { "rev", "op", "ebitda", "fy_rev", "fy_op" }
local SHARE_OUTPUTS = { "in_guidance", "improves", "profitable" }

-- Standard normal by Box-Muller; the second value of each pair is kept for
-- the next call. 1 - random() lies in (0, 1], so log never sees zero.
local spare_normal = nil
local function standard_normal()
  if spare_normal then
    local z = spare_normal
    spare_normal = nil
    return z
  end
  local radius = sqrt(-2.0 * log(1.0 - random()))
  local angle = 2.0 * pi * random()
  spare_normal = radius * sin(angle)
  return radius * cos(angle)
end

local function normal(mean, sd)
  return mean + sd * standard_normal()
end

local function triangular(lo, mode, hi)
  local u = random()
  local split = (mode - lo) / (hi - lo)
  if u < split then
    return lo + sqrt(u * (hi - lo) * (mode - lo))
  end
  return hi - sqrt((1.0 - u) * (hi - lo) * (hi - mode))
end

local function uniform(lo, hi)
  return lo + (hi - lo) * random()
end

-- Runs the trials; returns the kept money outputs (one array each) and the
-- counts of trials where each condition holds.
local function simulate(trials)
  local rev_t, op_t, ebitda_t, fy_rev_t, fy_op_t = {}, {}, {}, {}, {}
  local in_guidance, improves, profitable = 0, 0, 0
  for i = 1, trials do
    local dedicated = normal(3404016.0, 0.02 * 3404016.0)
    local dialup = normal(760650.0, 0.02 * 760650.0)
    local vas = normal(931415.0, 0.03 * 931415.0)
    local other_rev = normal(467629.0, 0.05 * 467629.0)
    local si = triangular(4000000.0, 5000000.0, 6200000.0)
    local equipment = uniform(1400000.0, 2600000.0)
    local r_conn = normal(0.9315, 0.01)
    local r_si = normal(0.8614, 0.01)
    local r_equip = normal(0.9510, 0.01)
    local sm = normal(894340.0, 0.05 * 894340.0)
    local ga = normal(511604.0, 0.03 * 511604.0)
    local rd = normal(116950.0, 0.05 * 116950.0)
    local da = normal(990000.0, 0.02 * 990000.0)

    local conn = dedicated + dialup + vas + other_rev
    local rev = conn + si + equipment
    local cost = r_conn * conn + r_si * si + r_equip * equipment
    local gross = rev - cost
    local opex = sm + ga + rd
    local op = gross - opex
    local op_margin = op / rev

    rev_t[i] = rev
    op_t[i] = op
    ebitda_t[i] = op + da
    fy_rev_t[i] = REV_9M02 + rev
    fy_op_t[i] = OP_9M02 + op
    if rev >= GUIDE_LO and rev <= GUIDE_HI then in_guidance = in_guidance + 1 end
    if op_margin > OP_MARGIN_3Q02 then improves = improves + 1 end
    if op >= 0.0 then profitable = profitable + 1 end
  end
  local kept = { rev = rev_t, op = op_t, ebitda = ebitda_t,
                 fy_rev = fy_rev_t, fy_op = fy_op_t }
  local counts = { in_guidance = in_guidance, improves = improves,
                   profitable = profitable }
  return kept, counts
end

-- Mean and sample standard deviation, two passes.
local function moments(values)
  local n, sum = #values, 0.0
  for i = 1, n do sum = sum + values[i] end
  local mean = sum / n
  if n < 2 then return mean, 0.0 end
  local squares = 0.0
  for i = 1, n do
    local d = values[i] - mean
    squares = squares + d * d
  end
  return mean, sqrt(squares / (n - 1))
end

-- Percentile p (0..100) of sorted values, linear interpolation.
local function percentile(sorted, p)
  local position = (p / 100.0) * (#sorted - 1)
  local below = floor(position)
  local fraction = position - below
  local lower = sorted[below + 1]
  if fraction == 0.0 then return lower end
  return lower + fraction * (sorted[below + 2] - lower)
end

local function report(kept, counts, trials)
  for _, name in ipairs(MONEY_OUTPUTS) do
    local values = kept[name]
    local mean, sd = moments(values)
    table.sort(values)
    print(string.format("%s mean %.3f", name, mean))
    print(string.format("%s sd %.3f", name, sd))
    print(string.format("%s p5 %.3f", name, percentile(values, 5)))
    print(string.format("%s p50 %.3f", name, percentile(values, 50)))
    print(string.format("%s p95 %.3f", name, percentile(values, 95)))
  end
  for _, name in ipairs(SHARE_OUTPUTS) do
    print(string.format("%s share %.6f", name, counts[name] / trials))
  end
end

local function main(args)
  local trials = math.tointeger(tonumber(args[1]))
  local seed = math.tointeger(tonumber(args[2]))
  if not trials or not seed or trials < 1 or seed < 0 then
    io.stderr:write("usage: lua5.4 guidance_mc.lua TRIALS SEED ",
                    "(integers, TRIALS >= 1, SEED >= 0)\n")
    os.exit(2)
  end
  math.randomseed(seed)
  local kept, counts = simulate(trials)
  report(kept, counts, trials)
end

main(arg)
