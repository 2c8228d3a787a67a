# test_sim_analysis.py -- the sensitivity and the scores of a simulation
# against independent references: on a linear model of independent draws
# each draw's contribution is b_i^2 var_i / var(y) (closed form) and the
# engine's figures equal the least-squares fit numpy makes of the kept
# trials; rank correlations equal scipy.stats.spearmanr's; the CRPS of
# the kept trials equals E|X - y| - E|X - X'| / 2 summed over every pair
# by numpy (to 1e-9, relative), and from the sketch it is within the bound
# the engine states; the PIT and the pinball losses equal numpy's on the
# kept trials; `kessan score` prints what r:score gives, its CSV in the
# data formatter's shortest text and its table through kessan.format.
#
#     python3 tests/py/test_sim_analysis.py KESSAN_PROGRAM [BUILD_DIR]
import csv
import io
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sim_values  # noqa: E402

sim_values.need_scipy()
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

KESSAN = sys.argv[1] if len(sys.argv) > 1 else "build/kessan"
check = sim_values.Checks()

# y = 3 a - 2 b + 0.5 c + 4 d + 100, independent draws
COEFFICIENTS = {"a@1Q02": 3.0, "b@1Q02": -2.0, "c@1Q02": 0.5, "d@1Q02": 4.0}
PERT = (1 + 4 * 2 / 10, 1 + 4 * 8 / 10)
VARIANCES = {
    "a@1Q02": 4.0,
    "b@1Q02": 4.0 / 12,
    "c@1Q02": (0 + 25 + 4 - 0 - 0 - 10) / 18.0,
    "d@1Q02": 100 * PERT[0] * PERT[1] / ((PERT[0] + PERT[1]) ** 2 * (PERT[0] + PERT[1] + 1)),
}

MODEL = """
local m = kessan.new{fiscal_year_end_month = 3, first_year = 2001, last_year = 2002}
for _, id in ipairs{"a", "b", "c", "d"} do m:define(id, nil, {rule = "sum"}) end
m:define("y", "3 * a - 2 * b + 0.5 * c + 4 * d + 100", {rule = "sum"})
m:define("w", "a * d + b", {rule = "sum"})
local draws = {
  ["a@1Q02"] = kessan.normal(10, 2),
  ["b@1Q02"] = kessan.uniform(1, 3),
  ["c@1Q02"] = kessan.triangular(0, 2, 5),
  ["d@1Q02"] = kessan.pert(0, 2, 10),
}
"""



def close(a, b, relative):
    return abs(a - b) <= relative * max(abs(a), abs(b), 1e-300)


def sensitivity(sampling):
    body = MODEL + f"""
local r = m:simulate{{ trials = 20000, seed = 9, keep = true, draws = draws,
                       sampling = "{sampling}", outputs = {{ "y@1Q02", "w@1Q02" }} }}
print_values(r, {{ "a@1Q02", "b@1Q02", "c@1Q02", "d@1Q02", "y@1Q02", "w@1Q02" }})
for _, out in ipairs{{ "y@1Q02", "w@1Q02" }} do
  for i, row in ipairs(r:sensitivity(out)) do
    print(string.format("# %s %d %s %.17g %.17g", out, i, row.cell,
                        row.rank_correlation, row.contribution))
  end
end
"""
    text = sim_values.run_lua(KESSAN, body)
    values = sim_values.parse_values(text)
    rows = {}
    for line in text.splitlines():
        if line.startswith("# "):
            _, out, place, cell, rank, contribution = line.split()
            rows.setdefault(out, []).append((int(place), cell, float(rank), float(contribution)))
    draws = list(COEFFICIENTS)
    total = sum(COEFFICIENTS[c] ** 2 * VARIANCES[c] for c in draws)
    for out in ("y@1Q02", "w@1Q02"):
        got = rows.get(out, [])
        check(sorted(c for _, c, _, _ in got) == sorted(draws), f"{out}: cells {got}")
        contributions = [c for _, _, _, c in got]
        check(contributions == sorted(contributions, reverse=True), f"{out}: not sorted")
        # numpy's least squares on the kept trials, standardized
        x = np.column_stack([values[c] for c in draws])
        y = values[out]
        design = np.column_stack([np.ones(len(y)), x])
        b = np.linalg.lstsq(design, y, rcond=None)[0][1:]
        for _, cell, rank, contribution in got:
            i = draws.index(cell)
            want = b[i] ** 2 * np.var(x[:, i]) / np.var(y)
            check(close(contribution, want, 1e-8),
                  f"{sampling} {out} {cell}: contribution {contribution} vs numpy {want}")
            spearman = stats.spearmanr(x[:, i], y).correlation
            check(close(rank, spearman, 1e-9),
                  f"{sampling} {out} {cell}: rank {rank} vs scipy {spearman}")
            if out == "y@1Q02":
                closed = COEFFICIENTS[cell] ** 2 * VARIANCES[cell] / total
                check(abs(contribution - closed) < 0.01,
                      f"{sampling} {cell}: contribution {contribution:.4f}, closed form {closed:.4f}")


def crps_reference(x, y):
    """E|X - y| - E|X - X'| / 2 over every pair, by rows of numpy."""
    spread = 0.0
    for start in range(0, len(x), 500):
        spread += np.abs(x[start:start + 500, None] - x[None, :]).sum()
    return np.abs(x - y).mean() - 0.5 * spread / len(x) ** 2


def scores():
    actuals = {"y@1Q02": 160.0, "w@1Q02": 20.0}
    body = MODEL + """
local low, high = m:scenario("low"), m:scenario("high")
for k, v in pairs{a = 9, b = 1.5, c = 1, d = 2} do low:set(k .. "@1Q02", v) end
for k, v in pairs{a = 12, b = 2.5, c = 3, d = 5} do high:set(k .. "@1Q02", v) end
local actuals = { ["y@1Q02"] = 160, ["w@1Q02"] = 20 }
for _, keep in ipairs{ true, false } do
  local r = m:simulate{ trials = 5000, seed = 4, keep = keep, draws = draws,
                        outputs = { "y@1Q02", "w@1Q02" } }
  if keep then print_values(r, { "y@1Q02", "w@1Q02" }) end
  local s = r:score(actuals, { quantiles = { 0.05, 0.5, 0.95 }, low = low, high = high })
  for _, row in ipairs(s) do
    print(string.format("# %s %s %.17g %.17g %.17g %.17g %.17g %.17g %s %.17g %.17g", tostring(keep),
      row.cell, row.pit, row.crps, row.crps_bound, row.pinball[0.05], row.pinball[0.5],
      row.pinball[0.95], tostring(row.held), row.low, row.high))
  end
  print(string.format("# summary %s %d %.17g %.17g %.17g %.17g %.17g", tostring(keep),
                      s.summary.count, s.summary.mean_pit, s.summary.mean_crps,
                      s.summary.inside_50, s.summary.inside_90, s.summary.ks_distance))
end
"""
    text = sim_values.run_lua(KESSAN, body)
    values = sim_values.parse_values(text)
    exact, sketched, pits_kept = {}, {}, []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 12 and fields[0] == "#":
            keep, cell = fields[1] == "true", fields[2]
            pit, crps, bound, p05, p50, p95 = map(float, fields[3:9])
            held, low, high = fields[9] == "true", float(fields[10]), float(fields[11])
            y = actuals[cell]
            x = values[cell]
            want_crps = crps_reference(x, y)
            sketched[keep] = sketched.get(keep, 0) + 1
            if keep:
                exact[cell] = crps
                check(close(crps, want_crps, 1e-9), f"{cell}: CRPS {crps} vs numpy {want_crps}")
                check(bound == 0, f"{cell}: exact CRPS with a bound {bound}")
                want_pit = (np.sum(x < y) + 0.5 * np.sum(x == y)) / len(x)
                check(close(pit, want_pit, 1e-12), f"{cell}: PIT {pit} vs {want_pit}")
                pits_kept.append(pit)
                for tau, loss in ((0.05, p05), (0.5, p50), (0.95, p95)):
                    q = np.quantile(x, tau)
                    want = tau * (y - q) if y >= q else (1 - tau) * (q - y)
                    check(close(loss, want, 1e-9), f"{cell}: pinball {tau} {loss} vs {want}")
            else:
                check(abs(crps - want_crps) <= bound,
                      f"{cell}: sketch CRPS {crps} off {want_crps} by more than its bound {bound}")
                check(bound < 0.05 * want_crps, f"{cell}: sketch bound {bound} is loose")
            check(held == (min(low, high) <= y <= max(low, high)), f"{cell}: held {held}")
    check(len(exact) == 2 and sketched == {True: 2, False: 2}, f"scored {sketched}")
    # the calibration summary of the kept run against numpy and scipy
    pits = np.array(pits_kept)
    for line in text.splitlines():
        fields = line.split()
        if fields[:3] == ["#", "summary", "true"]:
            count, mean_pit, mean_crps, inside_50, inside_90, distance = (
                int(fields[3]), *map(float, fields[4:9]))
            check(count == 2, f"summary count {count}")
            check(close(mean_pit, pits.mean(), 1e-12), f"mean PIT {mean_pit}")
            check(close(mean_crps, np.mean(list(exact.values())), 1e-12), "mean CRPS")
            check(inside_50 == np.mean((pits >= 0.25) & (pits <= 0.75)), "inside 50")
            check(inside_90 == np.mean((pits >= 0.05) & (pits <= 0.95)), "inside 90")
            want = stats.kstest(pits, "uniform").statistic
            check(close(distance, want, 1e-12), f"KS distance {distance} vs scipy {want}")


FORECAST = """-- 4Q02 revenue of data/iij from three drawn lines
local m = ...
local kessan = require "kessan"
for _, id in ipairs{"rev.dialup", "rev.vas", "rev.other"} do
  m:set(id .. "@4Q02", m:get(id .. "@3Q02"))
end
local r = m:simulate{ trials = 4000, seed = 2, keep = true,
  draws = { ["rev.si@4Q02"] = kessan.triangular(4e6, 5e6, 6.2e6),
            ["rev.equipment@4Q02"] = kessan.uniform(1.4e6, 2.6e6),
            ["rev.dedicated@4Q02"] = kessan.pert(3e6, 3.4e6, 4e6) },
  outputs = { "rev.total@4Q02", "rev.si@4Q02" } }
return r
"""


def command_line():
    with tempfile.TemporaryDirectory() as scratch:
        script_path = os.path.join(scratch, "forecast.lua")
        with open(script_path, "w") as f:
            f.write(FORECAST)
        actuals_path = os.path.join(scratch, "actuals.csv")
        with open(actuals_path, "w") as f:
            f.write("item,period,value\nrev.total,4Q02,\"12,900,000\"\nrev.si,4Q02,5300000\n")
        done = subprocess.run([KESSAN, "score", "data/iij", script_path, "--actuals",
                               actuals_path, "--format", "csv", "--quantiles", "0.25,0.75"],
                              capture_output=True, text=True)
        check(done.returncode == 0, f"kessan score failed: {done.stderr}")
        rows = list(csv.reader(io.StringIO(done.stdout)))
        check(rows and rows[0] == ["cell", "actual", "pit", "crps", "pinball_0.25",
                                   "pinball_0.75"], f"header {rows[:1]}")
        body = f"""
local m = assert(kessan.open("data/iij"))
local r = assert(loadfile({script_path!r}))(m)
print_values(r, {{ "rev.total@4Q02", "rev.si@4Q02" }})
"""
        values = sim_values.parse_values(sim_values.run_lua(KESSAN, body))
        actual = {"rev.total@4Q02": 12.9e6, "rev.si@4Q02": 5.3e6}
        check(len(rows) == 3, f"rows {rows}")
        for row in rows[1:]:
            cell = row[0]
            x, y = values[cell], actual[cell]
            check(float(row[1]) == y, f"{cell}: actual {row[1]}")
            want = crps_reference(x, y)
            check(close(float(row[3]), want, 1e-5), f"kessan score {cell}: CRPS {row[3]} vs {want}")
            q = np.quantile(x, 0.25)
            loss = 0.25 * (y - q) if y >= q else 0.75 * (q - y)
            check(close(float(row[4]), loss, 1e-5), f"kessan score {cell}: pinball {row[4]} vs {loss}")
        # the CSV is data: each number the shortest text that reads back as
        # the same double (Python's %g is C's); the table shows the same
        # numbers through the display formatter, kessan.format in the
        # output's unit (asked of the engine, not typed here)
        for row in rows[1:]:
            for field in row[1:]:
                x = float(field)
                shortest = next(t for t in ("%.15g" % x, "%.16g" % x, "%.17g" % x)
                                if float(t) == x)
                check(field == shortest, f"kessan score CSV: {field} is not the "
                      f"shortest text of its double ({shortest})")
        done = subprocess.run([KESSAN, "score", "data/iij", script_path, "--actuals",
                               actuals_path, "--quantiles", "0.25,0.75"],
                              capture_output=True, text=True)
        check(done.returncode == 0, f"kessan score (text) failed: {done.stderr}")
        shown = [line.split() for line in done.stdout.splitlines()[1:len(rows)]]
        wanted = sim_values.run_lua(KESSAN, "local m = assert(kessan.open('data/iij'))\n" +
                                    "".join(f"print(kessan.format({row[1]}, m:item('{row[0]}')"
                                            f".unit), kessan.format({row[3]}, "
                                            f"m:item('{row[0]}').unit))\n"
                                            for row in ([r[0].split('@')[0]] + r[1:]
                                                        for r in rows[1:]))).splitlines()
        check([[cells[1], cells[3]] for cells in shown] == [w.split() for w in wanted],
              f"kessan score's table shows actual and CRPS as kessan.format does: "
              f"{shown} against {wanted}")
        done = subprocess.run([KESSAN, "score", "data/iij", script_path], capture_output=True,
                              text=True)
        check(done.returncode == 2 and "--actuals" in done.stderr, "no --actuals accepted")
        done = subprocess.run([KESSAN, "score", "data/iij", script_path, "--actuals",
                               actuals_path, "--quantiles", "0.5,2"], capture_output=True,
                              text=True)
        check(done.returncode == 1 and "--quantiles" in done.stderr, "a level of 2 accepted")
        done = subprocess.run([KESSAN, "score", "--help"], capture_output=True, text=True)
        check(done.returncode == 0 and "CRPS" in done.stdout, "score --help")


def main():
    for sampling in ("mc", "lhs"):
        sensitivity(sampling)
    scores()
    command_line()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
