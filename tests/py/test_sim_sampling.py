# test_sim_sampling.py -- Latin hypercube sampling, rank correlation and
# common random numbers against scipy: every marginal (normal, lognormal,
# uniform, triangular, PERT, discrete) under Monte Carlo and Latin
# hypercube by the Kolmogorov-Smirnov test against scipy.stats' CDF; under
# Latin hypercube every stratum [k/N, (k+1)/N) of every cell holds exactly
# one trial (scipy's CDF of the kept draws, sorted, is k/N .. (k+1)/N at
# place k) and a discrete cell's counts are N times its weights to within
# one; Spearman's correlation (scipy.stats.spearmanr) near the target under
# copula = "rank" (PERT and discrete among them) and near 6/pi asin(rho/2)
# for two normals under the Gaussian copula; the same draws at 1 and 2
# threads; a cell's draws unchanged, bit for bit, when another cell is
# added or in a scenario.
#
#     python3 tests/py/test_sim_sampling.py KESSAN_PROGRAM [BUILD_DIR]
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sim_values  # noqa: E402

sim_values.need_scipy()
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

KESSAN = sys.argv[1] if len(sys.argv) > 1 else "build/kessan"
TRIALS = 20000
check = sim_values.Checks()

CELLS = {
    "a@1Q02": ("kessan.normal(10, 2)", stats.norm(10, 2)),
    "b@1Q02": ("kessan.lognormal(0.5, 0.8)", stats.lognorm(0.8, scale=math.exp(0.5))),
    "c@1Q02": ("kessan.uniform(1, 3)", stats.uniform(1, 2)),
    "d@1Q02": ("kessan.triangular(0, 2, 5)", stats.triang(2 / 5, loc=0, scale=5)),
    "e@1Q02": ("kessan.pert(0, 2, 10)", stats.beta(1 + 4 * 2 / 10, 1 + 4 * 8 / 10, loc=0, scale=10)),
    "f@1Q02": ("kessan.discrete{values = {1, 2, 5}, weights = {1, 2, 3}}", None),
}
DISCRETE = {1.0: 1 / 6, 2.0: 2 / 6, 5.0: 3 / 6}

MODEL = """
local m = kessan.new{fiscal_year_end_month = 3, first_year = 2001, last_year = 2002}
for _, id in ipairs{"a", "b", "c", "d", "e", "f", "g"} do m:define(id, nil, {rule = "sum"}) end
m:define("y", "a + b + c + d + e + f", {rule = "sum"})
local draws = {
""" + "".join(f'  ["{cell}"] = {source},\n' for cell, (source, _) in CELLS.items()) + "}\n"



def simulate(options, cells, extra=""):
    body = MODEL + extra + f"""
local r = m:simulate{{ trials = {TRIALS}, seed = 5, keep = true, draws = draws,
                       outputs = {{ "y@1Q02" }}, {options} }}
print_values(r, {{ {", ".join(f'"{c}"' for c in cells)} }})
"""
    return sim_values.parse_values(sim_values.run_lua(KESSAN, body))


def marginals(sampling):
    values = simulate(f'sampling = "{sampling}"', list(CELLS))
    for cell, (source, law) in CELLS.items():
        x = values[cell]
        check(len(x) == TRIALS, f"{sampling} {cell}: {len(x)} trials")
        if law is None:
            counts = {v: int(np.sum(x == v)) for v in DISCRETE}
            check(sum(counts.values()) == TRIALS, f"{sampling} {cell}: other values")
            for v, p in DISCRETE.items():
                limit = 1 if sampling == "lhs" else 5 * math.sqrt(TRIALS * p * (1 - p))
                check(abs(counts[v] - TRIALS * p) <= limit,
                      f"{sampling} {cell}: {counts[v]} of {v}, expected {TRIALS * p}")
            continue
        test = stats.kstest(x, law.cdf)
        check(test.pvalue > 1e-3, f"{sampling} {cell} {source}: KS p = {test.pvalue:.3g}")
        if sampling != "lhs":
            continue
        # each stratum exactly once: the k-th smallest CDF value lies in
        # [k/N, (k+1)/N] (PERT's quantile is within 1e-9 in probability)
        u = np.sort(law.cdf(x)) * TRIALS
        k = np.arange(TRIALS)
        slack = 1e-4
        bad = np.sum((u < k - slack) | (u > k + 1 + slack))
        check(bad == 0, f"lhs {cell} {source}: {bad} trials outside their stratum")
        check(test.statistic <= 1.0 / TRIALS + 1e-4,
              f"lhs {cell}: KS distance {test.statistic:.3g} beyond 1/N")


def thread_count_does_not_matter():
    for options in ('sampling = "lhs"', 'sampling = "lhs", copula = "rank", '
                    'correlate = {{"a@1Q02", "e@1Q02", 0.5}}'):
        one = simulate(options + ", threads = 1", ["a@1Q02", "e@1Q02", "y@1Q02"])
        two = simulate(options + ", threads = 2", ["a@1Q02", "e@1Q02", "y@1Q02"])
        for cell in one:
            check(np.array_equal(one[cell], two[cell]), f"{options}: {cell} differs at 2 threads")


def rank_correlation(sampling):
    pairs = [("a@1Q02", "e@1Q02", 0.7), ("e@1Q02", "f@1Q02", -0.4),
             ("c@1Q02", "b@1Q02", 0.3)]
    correlate = ", ".join(f'{{"{a}", "{b}", {rho}}}' for a, b, rho in pairs)
    values = simulate(f'sampling = "{sampling}", copula = "rank", correlate = {{ {correlate} }}',
                      list(CELLS))
    # a discrete cell's ties cap its ranks' correlation with a continuous
    # one at sqrt(1 - sum p^3) of the target (the mid-ranks' own spread)
    ties = math.sqrt(1 - sum(p ** 3 for p in DISCRETE.values()))
    for a, b, rho in pairs:
        want = rho * (ties if "f@1Q02" in (a, b) else 1)
        got = stats.spearmanr(values[a], values[b]).correlation
        check(abs(got - want) < 0.03, f"{sampling} rank {a} {b}: Spearman {got:.4f}, target {want:.4f}")
    got = stats.spearmanr(values["a@1Q02"], values["c@1Q02"]).correlation
    check(abs(got) < 0.03, f"{sampling} rank: uncorrelated a, c have Spearman {got:.4f}")
    if sampling == "lhs":   # reordering keeps every stratum whole
        for cell in ("a@1Q02", "e@1Q02"):
            u = np.sort(CELLS[cell][1].cdf(values[cell])) * TRIALS
            k = np.arange(TRIALS)
            check(np.all((u >= k - 1e-4) & (u <= k + 1 + 1e-4)),
                  f"lhs rank {cell}: strata broken by the reordering")


def gaussian_copula():
    values = simulate('correlate = {{"a@1Q02", "c@1Q02", 0.6}}', ["a@1Q02", "c@1Q02"])
    got = stats.spearmanr(values["a@1Q02"], values["c@1Q02"]).correlation
    want = 6 / math.pi * math.asin(0.6 / 2)
    check(abs(got - want) < 0.03, f"gaussian copula: Spearman {got:.4f}, theory {want:.4f}")


def common_random_numbers():
    for options in ('sampling = "mc"', 'sampling = "lhs"',
                    'copula = "rank", correlate = {{"a@1Q02", "e@1Q02", 0.5}}'):
        base = simulate(options, ["a@1Q02", "e@1Q02", "c@1Q02"])
        more = simulate(options, ["a@1Q02", "e@1Q02", "c@1Q02"],
                        extra='draws["g@1Q02"] = kessan.normal(0, 1)\n')
        fewer = simulate(options, ["a@1Q02", "e@1Q02"],
                         extra='draws["c@1Q02"] = nil\nm:set("c@1Q02", 2)\n')
        for cell in ("a@1Q02", "e@1Q02"):
            check(np.array_equal(base[cell], more[cell]), f"{options}: {cell} moved when g was added")
            check(np.array_equal(base[cell], fewer[cell]), f"{options}: {cell} moved when c was dropped")
        check(np.array_equal(base["c@1Q02"], more["c@1Q02"]), f"{options}: c moved when g was added")
        scenario = simulate(options, ["a@1Q02", "e@1Q02"],
                            extra='m = m:scenario("other")\nm:set("g@1Q02", 7)\n')
        for cell in ("a@1Q02", "e@1Q02"):
            check(np.array_equal(base[cell], scenario[cell]), f"{options}: {cell} differs in a scenario")


def main():
    for sampling in ("mc", "lhs"):
        marginals(sampling)
        rank_correlation(sampling)
    gaussian_copula()
    thread_count_does_not_matter()
    common_random_numbers()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
