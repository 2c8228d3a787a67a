#!/usr/bin/python3
"""guidance-mc under Latin hypercube sampling in Python with numpy and
scipy: the peer of `kessan run scripts/mc_guidance.lua TRIALS SEED 1 lhs`.

Usage: guidance_lhs_scipy.py TRIALS SEED

The thirteen drivers of the workload (docs/performance.md, guidance-mc)
are one Latin hypercube of TRIALS points in 13 dimensions from
scipy.stats.qmc.LatinHypercube (seeded with SEED), each column taken
through its driver's inverse CDF (scipy.stats.norm.ppf, triang.ppf,
uniform.ppf), then the same arithmetic as guidance_mc_numpy.py.  Prints
the same `name stat value` lines.
"""

import os
import sys

import numpy as np
from scipy import stats
from scipy.stats import qmc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guidance_mc_numpy import (GUIDE_HI, GUIDE_LO, OP_9M02, OP_MARGIN_3Q02,  # noqa: E402
                               REV_9M02, report)

# (mean, relative sd) of the normal drivers, in the workload's order
NORMALS = {
    "dedicated": (3_404_016.0, 0.02), "dialup": (760_650.0, 0.02),
    "vas": (931_415.0, 0.03), "other_rev": (467_629.0, 0.05),
    "r_conn": (0.9315, 0.01 / 0.9315), "r_si": (0.8614, 0.01 / 0.8614),
    "r_equip": (0.9510, 0.01 / 0.9510), "sm": (894_340.0, 0.05),
    "ga": (511_604.0, 0.03), "rd": (116_950.0, 0.05), "da": (990_000.0, 0.02),
}


def simulate(trials, seed):
    u = qmc.LatinHypercube(d=len(NORMALS) + 2, seed=seed).random(trials)
    x = {}
    for column, (name, (mean, share)) in enumerate(NORMALS.items()):
        x[name] = stats.norm.ppf(u[:, column], loc=mean, scale=share * mean)
    x["si"] = stats.triang.ppf(u[:, -2], c=(5_000_000.0 - 4_000_000.0) / 2_200_000.0,
                               loc=4_000_000.0, scale=2_200_000.0)
    x["equipment"] = stats.uniform.ppf(u[:, -1], loc=1_400_000.0, scale=1_200_000.0)
    conn = x["dedicated"] + x["dialup"] + x["vas"] + x["other_rev"]
    rev = conn + x["si"] + x["equipment"]
    cost = x["r_conn"] * conn + x["r_si"] * x["si"] + x["r_equip"] * x["equipment"]
    op = rev - cost - (x["sm"] + x["ga"] + x["rd"])
    money = {"rev": rev, "op": op, "ebitda": op + x["da"],
             "fy_rev": REV_9M02 + rev, "fy_op": OP_9M02 + op}
    counts = {
        "in_guidance": int(np.count_nonzero((rev >= GUIDE_LO) & (rev <= GUIDE_HI))),
        "improves": int(np.count_nonzero(op / rev > OP_MARGIN_3Q02)),
        "profitable": int(np.count_nonzero(op >= 0.0)),
    }
    return money, counts


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: guidance_lhs_scipy.py TRIALS SEED\n")
        return 2
    trials, seed = int(argv[1]), int(argv[2])
    if trials < 1 or seed < 0:
        sys.stderr.write("guidance_lhs_scipy.py: TRIALS must be >= 1 and SEED >= 0\n")
        return 2
    money, counts = simulate(trials, seed)
    print(report(money, counts, trials))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
