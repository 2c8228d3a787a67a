# test_sim_percentiles.py -- a simulation's percentiles and shares without
# keep (from the sketch) against the exact ones of the same trials, and
# the exact ones (keep = true) against numpy: normal, lognormal (sigma 1
# and 3), uniform, discrete, bimodal, mixed-sign, near-zero, constant and
# 0/1 outputs.
#
# - At 10^3, 10^4 and 10^6 trials, the same seed without keep and with:
#   every percentile from p0.01 to p99.99 of the sketch within 0.1% of the
#   exact one (when the two order statistics it lies between have one
#   sign; else within 0.1% of the larger of them), and every share
#   r:prob(cell, "<", x) within the share of the trials within |x| / 512
#   of x (docs/simulate.md states both bounds).
# - At 10^4 trials, the kept trials exported to CSV (r:export) and read
#   by numpy: the kept percentiles equal numpy.percentile's (linear) to
#   1e-12 relative, the kept shares numpy's exactly, r:values the CSV's
#   columns, the sketch's percentiles within 0.1% of numpy's.
#
#     python3 tests/py/test_sim_percentiles.py KESSAN_PROGRAM [BUILD_DIR]
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sim_values  # noqa: E402

sim_values.need_scipy()
import numpy as np  # noqa: E402

KESSAN = sys.argv[1] if len(sys.argv) > 1 else "build/kessan"
FAILURES = []

QS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5] + list(range(1, 100)) + \
     [99.5, 99.8, 99.9, 99.95, 99.98, 99.99, 0, 100]

# the model: one input per shape drawn, formulas for the bimodal and 0/1
# outputs, a constant
MODEL = """
local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
for _, id in ipairs{ "n", "ln1", "ln3", "u", "d", "b", "b1", "b2", "ms",
                     "nz", "c", "p" } do
  m:define(id, nil, { rule = "sum" })
end
m:define("bimodal", "b * b1 + (1 - b) * b2", { rule = "sum" })
m:define("hit", "p < 0.0012", { rule = "sum" })
m:set("c@4Q02", 0.1)
local DRAWS = {
  ["n@4Q02"] = kessan.normal(12.6e6, 0.69e6),
  ["ln1@4Q02"] = kessan.lognormal(1, 1),
  ["ln3@4Q02"] = kessan.lognormal(2, 3),
  ["u@4Q02"] = kessan.uniform(1.4e6, 2.6e6),
  ["d@4Q02"] = kessan.discrete{ values = { -500, -250, 0, 250, 500 } },
  ["b@4Q02"] = kessan.discrete{ values = { 1, 0 }, weights = { 0.3, 0.7 } },
  ["b1@4Q02"] = kessan.normal(-200, 10),
  ["b2@4Q02"] = kessan.normal(800, 40),
  ["ms@4Q02"] = kessan.normal(-341432, 111382),
  ["nz@4Q02"] = kessan.normal(0, 1e-9),
  ["p@4Q02"] = kessan.uniform(0, 1),
}
local OUTPUTS = { "n@4Q02", "ln1@4Q02", "ln3@4Q02", "u@4Q02", "d@4Q02",
                  "bimodal@4Q02", "ms@4Q02", "nz@4Q02", "c@4Q02", "hit@4Q02" }
local function run(trials, keep)
  return m:simulate{ trials = trials, seed = 11, threads = 2, keep = keep,
                     draws = DRAWS, outputs = OUTPUTS, progress = false }
end
local QS = { %s }
"""

# sketch against kept, in Lua: `q cell q sketch exact low high` and
# `p cell x sketch exact near` lines
COMPARE = MODEL + """
local trials = tonumber(arg and arg[1]) or %d
local sketch, kept = run(trials, false), run(trials, true)
for _, cell in ipairs(OUTPUTS) do
  local n = kept:count(cell)
  for _, q in ipairs(QS) do
    local position = q / 100 * (n - 1)
    local rank = math.floor(position)
    local low = kept:percentile(cell, 100 * rank / (n - 1))
    local high = kept:percentile(cell, 100 * math.min(rank + 1, n - 1) / (n - 1))
    print(string.format("q %%s %%.17g %%.17g %%.17g %%.17g %%.17g", cell, q,
      sketch:percentile(cell, q), kept:percentile(cell, q), low, high))
    local x = kept:percentile(cell, q)
    for _, at in ipairs{ x, x * 1.003 + 1e-300, x * 0.9999 } do
      local d = math.abs(at) / 512
      print(string.format("p %%s %%.17g %%.17g %%.17g %%.17g", cell, at,
        sketch:prob(cell, "<", at), kept:prob(cell, "<", at),
        kept:prob(cell, at - d, at + d)))
    end
  end
end
"""

# kept trials to CSV, and what keep says of them
EXPORT = MODEL + """
local r = run(%d, true)
assert(r:export("%s"))
for _, cell in ipairs(OUTPUTS) do
  for _, q in ipairs(QS) do
    print(string.format("q %%s %%.17g %%.17g", cell, q, r:percentile(cell, q)))
  end
  for _, x in ipairs{ r:mean(cell), r:percentile(cell, 37), 0 } do
    print(string.format("p %%s %%.17g %%.17g", cell, x, r:prob(cell, "<=", x)))
  end
  local v = r:values(cell)
  print(string.format("v %%s %%d %%.17g %%.17g", cell, #v, v[1], v[#v]))
end
local sketch = run(%d, false)
for _, cell in ipairs(OUTPUTS) do
  for _, q in ipairs(QS) do
    print(string.format("s %%s %%.17g %%.17g", cell, q, sketch:percentile(cell, q)))
  end
end
"""


def fail(message):
    FAILURES.append(message)
    print("FAIL " + message)


def lua_qs():
    return ", ".join(repr(float(q)) for q in QS)


def check_sketch_against_kept(trials):
    out = sim_values.run_lua(KESSAN, COMPARE % (lua_qs(), trials), timeout=280)
    checked = 0
    for line in out.splitlines():
        f = line.split()
        if f[0] == "q":
            cell, q, got, exact, low, high = f[1], *map(float, f[2:])
            position = q / 100 * (trials - 1)
            frac = position - math.floor(position)
            bound = (1 / 1025) * ((1 - frac) * abs(low) + frac * abs(high)) \
                * (1 + 1e-9)
            if not abs(got - exact) <= bound:
                fail(f"{trials} trials, {cell} p{q}: sketch {got!r}, exact "
                     f"{exact!r}, bound {bound}")
            if low * high > 0 and not abs(got - exact) <= 0.001 * abs(exact):
                fail(f"{trials} trials, {cell} p{q}: beyond 0.1%")
            checked += 1
        elif f[0] == "p":
            cell, x, got, exact, near = f[1], *map(float, f[2:])
            if not abs(got - exact) <= near + 1e-12:
                fail(f"{trials} trials, {cell} share below {x!r}: sketch "
                     f"{got!r}, exact {exact!r}, near {near!r}")
            checked += 1
    if checked < 10 * len(QS):
        fail(f"{trials} trials: only {checked} comparisons")
    print(f"{trials} trials: {checked} comparisons of the sketch with the "
          "kept trials")


def check_kept_against_numpy(trials):
    import pandas as pd
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trials.csv")
        out = sim_values.run_lua(KESSAN, EXPORT % (lua_qs(), trials, path,
                                                   trials))
        table = pd.read_csv(path, float_precision="round_trip")
    if list(table["trial"]) != list(range(1, trials + 1)):
        fail("the trial column is not 1 .. trials")
    for line in out.splitlines():
        f = line.split()
        cell = f[1]
        column = table[cell].to_numpy(dtype=float)
        numbers = column[~np.isnan(column)]
        if f[0] == "q":
            q, got = float(f[2]), float(f[3])
            want = np.percentile(numbers, q)
            if not abs(got - want) <= 1e-12 * max(abs(want), 1e-300):
                fail(f"kept {cell} p{q}: {got!r}, numpy {want!r}")
        elif f[0] == "s":
            q, got = float(f[2]), float(f[3])
            want = np.percentile(numbers, q)
            if not abs(got - want) <= 0.001 * abs(want) + 1e-300 and \
                    want != 0:
                position = q / 100 * (len(numbers) - 1)
                lo = np.sort(numbers)[int(math.floor(position))]
                if lo * want > 0:
                    fail(f"sketch {cell} p{q}: {got!r}, numpy {want!r}")
        elif f[0] == "p":
            x, got = float(f[2]), float(f[3])
            want = np.mean(numbers <= x)
            if got != want:
                fail(f"kept {cell} share <= {x!r}: {got!r}, numpy {want!r}")
        else:
            count, first, last = int(f[2]), float(f[3]), float(f[4])
            if count != trials or first != column[0] or last != column[-1]:
                fail(f"values of {cell}: {count} {first} {last} against "
                     f"the CSV's {len(column)} {column[0]} {column[-1]}")
    print(f"{trials} trials: kept percentiles and shares against numpy")


for trials in (1000, 10000, 1000000):
    check_sketch_against_kept(trials)
check_kept_against_numpy(10000)

if FAILURES:
    print(f"{len(FAILURES)} failures")
    sys.exit(1)
print("ok")
