# tests/py/test_promise_limit_options.py -- docs/cli.md, --max-memory MB
# and --timeout SECONDS: one strict rule for both, a number written in
# decimal digits with at most one point ("64", "0.5"); anything else is a
# usage error (exit 2) naming the option: a sign, spaces before or after
# (" 8" was accepted while "8 " was refused), hex ("0x10" was accepted),
# an exponent, inf, nan, a comma, nothing.  Random well-formed and
# malformed values, each given to both options of `kessan run`.
import os
import random
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
failures = []

rng = random.Random(20261207)
GOOD = ["64", "8", "1", "1.5", "100.25", "0064", "2.0"]
BAD = ["0x10", "0X40", " 8", "8 ", "\t8", "+8", "-8", "1e2", "1E2", "8e0", "inf", "nan",
       "infinity", "8,5", "8.5.1", ".", "", "8.", ".5x", "٨", "8MB", "1_000", "0x1p3"]
for _ in range(30):
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 3))).lstrip("0") or "1"
    digits = str(int(digits) + 8)
    BAD.append(rng.choice(["+", "-", " ", "\t", "0x", ""]) + digits +
               rng.choice([" ", "e1", "x", ",0", "..0", " 1"]))
    GOOD.append(digits + rng.choice(["", "." + str(rng.randint(0, 99))]))

with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
    f.write('print("ran")\n')
    script = f.name
try:
    for option, other in (("--max-memory", ["--timeout", "5"]),
                          ("--timeout", ["--max-memory", "64"])):
        for value, valid in [(v, True) for v in GOOD] + [(v, False) for v in BAD]:
            run = subprocess.run([KESSAN, "run", option, value] + other + [script],
                                 capture_output=True, text=True, timeout=30)
            if valid and (run.returncode != 0 or run.stdout != "ran\n"):
                failures.append("%s %r refused: exit %d: %s"
                                % (option, value, run.returncode, run.stderr.strip()))
            elif not valid and (run.returncode != 2 or option not in run.stderr):
                failures.append("%s %r: exit %d, expected a usage error naming it: %s"
                                % (option, value, run.returncode, run.stderr.strip()[:200]))
finally:
    os.unlink(script)

for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)
