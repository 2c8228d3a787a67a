#!/usr/bin/python3
"""guidance-mc in Python with numpy, vectorized: the benchmark peer an
analyst would write. The workload is ../../../shared/bench/guidance-mc.md
(IIJ 4Q02: does the revenue guidance hold?).

Usage: guidance_mc_numpy.py TRIALS SEED

Prints one line per output, `name stat value`: for rev, op, ebitda, fy_rev
and fy_op the mean, sd (sample, n-1), p5, p50 and p95 (numpy's linear
percentile: position p/100 * (n-1) in the sorted trials); for in_guidance,
improves and profitable the share of trials where they hold.

Random numbers: numpy's default_rng(SEED) (PCG64). Trials are drawn in
chunks of CHUNK so that the temporaries stay bounded at 10M trials; each
chunk draws the drivers in the order of the workload's table. The five
outputs are kept whole (one float64 array each) so that moments and
percentiles are exact over all trials, not combined approximations.
"""

import sys

import numpy as np

CHUNK = 1 << 20

# Fixed inputs, thousands of JPY (3Q FY2002 release).
REV_9M02 = 30_981_122.0
OP_9M02 = -1_224_457.0
REV_3Q02 = 10_563_578.0
OP_MARGIN_3Q02 = -566_520.0 / 10_563_578.0
GUIDE_LO = 12_500_000.0
GUIDE_HI = 13_000_000.0

MONEY_OUTPUTS = ("rev", "op", "ebitda", "fy_rev", "fy_op")
SHARE_OUTPUTS = ("in_guidance", "improves", "profitable")


def normal(rng, mean, sd, n):
    return rng.normal(mean, sd, n)


def simulate_chunk(rng, n):
    """Draws n trials and returns (money outputs dict, share counts dict)."""
    dedicated = normal(rng, 3_404_016.0, 0.02 * 3_404_016.0, n)
    dialup = normal(rng, 760_650.0, 0.02 * 760_650.0, n)
    vas = normal(rng, 931_415.0, 0.03 * 931_415.0, n)
    other_rev = normal(rng, 467_629.0, 0.05 * 467_629.0, n)
    si = rng.triangular(4_000_000.0, 5_000_000.0, 6_200_000.0, n)
    equipment = rng.uniform(1_400_000.0, 2_600_000.0, n)
    r_conn = normal(rng, 0.9315, 0.01, n)
    r_si = normal(rng, 0.8614, 0.01, n)
    r_equip = normal(rng, 0.9510, 0.01, n)
    sm = normal(rng, 894_340.0, 0.05 * 894_340.0, n)
    ga = normal(rng, 511_604.0, 0.03 * 511_604.0, n)
    rd = normal(rng, 116_950.0, 0.05 * 116_950.0, n)
    da = normal(rng, 990_000.0, 0.02 * 990_000.0, n)

    conn = dedicated + dialup + vas + other_rev
    rev = conn + si + equipment
    cost = r_conn * conn + r_si * si + r_equip * equipment
    gross = rev - cost
    opex = sm + ga + rd
    op = gross - opex
    op_margin = op / rev
    ebitda = op + da
    fy_rev = REV_9M02 + rev
    fy_op = OP_9M02 + op

    money = {"rev": rev, "op": op, "ebitda": ebitda,
             "fy_rev": fy_rev, "fy_op": fy_op}
    counts = {
        "in_guidance": int(np.count_nonzero((rev >= GUIDE_LO) & (rev <= GUIDE_HI))),
        "improves": int(np.count_nonzero(op_margin > OP_MARGIN_3Q02)),
        "profitable": int(np.count_nonzero(op >= 0.0)),
    }
    return money, counts


def simulate(trials, seed):
    rng = np.random.default_rng(seed)
    kept = {name: np.empty(trials) for name in MONEY_OUTPUTS}
    counts = {name: 0 for name in SHARE_OUTPUTS}
    done = 0
    while done < trials:
        n = min(CHUNK, trials - done)
        money, chunk_counts = simulate_chunk(rng, n)
        for name in MONEY_OUTPUTS:
            kept[name][done:done + n] = money[name]
        for name in SHARE_OUTPUTS:
            counts[name] += chunk_counts[name]
        done += n
    return kept, counts


def report(kept, counts, trials):
    lines = []
    for name in MONEY_OUTPUTS:
        values = kept[name]
        mean = float(np.mean(values))
        sd = float(np.std(values, ddof=1)) if trials > 1 else 0.0
        p5, p50, p95 = np.percentile(values, [5.0, 50.0, 95.0])
        for stat, value in (("mean", mean), ("sd", sd), ("p5", p5),
                            ("p50", p50), ("p95", p95)):
            lines.append(f"{name} {stat} {value:.3f}")
    for name in SHARE_OUTPUTS:
        lines.append(f"{name} share {counts[name] / trials:.6f}")
    return "\n".join(lines)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: guidance_mc_numpy.py TRIALS SEED\n")
        return 2
    try:
        trials = int(argv[1])
        seed = int(argv[2])
    except ValueError:
        sys.stderr.write("guidance_mc_numpy.py: TRIALS and SEED must be integers\n")
        return 2
    if trials < 1 or seed < 0:
        sys.stderr.write("guidance_mc_numpy.py: TRIALS must be >= 1 and SEED >= 0\n")
        return 2
    kept, counts = simulate(trials, seed)
    print(report(kept, counts, trials))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
