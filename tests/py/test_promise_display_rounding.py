# tests/py/test_promise_display_rounding.py -- the promise of
# kessan/text.h and docs/lua-api.md (kessan.format) on how a figure is
# rounded for people: half away from zero on the decimal one reads (the
# shortest text that reads back as the double, Python's repr), by its
# digits, never in binary with a nudge.  Thousands of random doubles over
# magnitudes 1e-6..1e20 and decimals 0..6 (and percentages), plus ties
# whose shortest text IS the tie (0.125, 2.675, 1.005), -0, x.4999...,
# huge figures; each compared with Python's decimal rounding
# (ROUND_HALF_UP of Decimal(repr(x))), grouped and parenthesised as the
# display formatter does.  Also the tie-out's rounding (docs/check.md):
# a model whose printed figure is the rounding of an input either ties or
# breaks as the decimal rule says.
import os
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP, localcontext

KESSAN = os.path.abspath(sys.argv[1])
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def expected_text(x, decimals, percent):
    """The display text of x at `decimals` by the decimal rule."""
    with localcontext() as context:
        context.prec = 400
        exact = Decimal(repr(x))
        if percent:
            exact = exact.scaleb(2)
        rounded = exact.copy_abs().quantize(Decimal(1).scaleb(-decimals),
                                            rounding=ROUND_HALF_UP)
    text = "{:,.{}f}".format(rounded, decimals)
    suffix = "%" if percent else ""
    if x < 0 and rounded != 0:
        return "(" + text + suffix + ")"
    return text + suffix


def random_figure(rng):
    magnitude = 10.0 ** rng.uniform(-6, 20)
    form = rng.randrange(5)
    if form == 0:  # a figure as a release prints it: few decimals
        x = round(magnitude, rng.randint(0, 6))
    elif form == 1:  # x.5 at some decimal: a tie in decimal
        d = rng.randint(0, 6)
        x = float(Decimal(int(magnitude * 10 ** d)) + Decimal("0.5")) / 10 ** d
    elif form == 2:  # x.4999... / x.5000...1 neighbours
        x = float(int(magnitude)) + rng.choice([0.4999999, 0.5000001, 0.49999999999])
    else:
        x = magnitude
    return -x if rng.random() < 0.3 else x


def format_all(cases):
    """kessan.format of every (x, decimals, percent), one line each."""
    box = tempfile.mkdtemp(prefix="kessan-rounding-")
    try:
        inputs = os.path.join(box, "cases.txt")
        with open(inputs, "w") as f:
            for x, decimals, percent in cases:
                f.write("%s %d %d\n" % (repr(x), decimals, 1 if percent else 0))
        script = os.path.join(box, "format.lua")
        with open(script, "w") as f:
            f.write('local kessan = require "kessan"\n'
                    'for line in io.lines(arg[1]) do\n'
                    '  local x, d, p = line:match("(%S+) (%S+) (%S+)")\n'
                    '  print(kessan.format(tonumber(x), {decimals = tonumber(d),'
                    ' percent = p == "1"}))\n'
                    'end\n')
        run = subprocess.run([KESSAN, "run", script, inputs], capture_output=True,
                             text=True, timeout=120)
        if run.returncode != 0:
            failures.append("kessan run failed: " + run.stderr)
            return []
        return run.stdout.split("\n")[:len(cases)]
    finally:
        shutil.rmtree(box)


def check_display():
    rng = random.Random(20261207)
    cases = []
    for _ in range(6000):
        x = random_figure(rng)
        cases.append((x, rng.randint(0, 6), False))
    for _ in range(1000):  # percentages: ratios of a few decimals
        x = round(rng.uniform(-3, 3), rng.randint(1, 6))
        cases.append((x, rng.randint(0, 3), True))
    fixed = [(1e15, 0), (1e13, 2), (1e12, 1), (17495789453868.0, 0),
             (0.125, 2), (2.675, 2), (1.005, 2), (-2.675, 2), (-0.0, 2),
             (0.5, 0), (1.5, 0), (2.5, 0), (-0.5, 0), (0.45, 1), (8.345, 2),
             (123456789.4999999, 0), (123456789.5, 0), (1e17, 6),
             (9.999999999999999e20, 0), (4.35, 1), (1.0000000000000002, 6),
             (5e-324, 6), (0.0049999999999999996, 2), (99999.995, 2)]
    cases += [(x, d, False) for x, d in fixed]
    cases += [(0.00125, 1, True), (0.0005, 0, True), (-0.02675, 2, True)]
    got = format_all(cases)
    wrong = 0
    for (x, decimals, percent), text in zip(cases, got):
        want = expected_text(x, decimals, percent)
        if text != want:
            wrong += 1
            if wrong <= 20:
                failures.append("kessan.format(%r, {decimals = %d%s}) = %r, "
                                "the decimal rule gives %r"
                                % (x, decimals, ", percent = true" if percent else "",
                                   text, want))
    if wrong > 20:
        failures.append("... %d of %d figures wrong" % (wrong, len(cases)))
    # from 1e21 on: scientific, never digits a double does not hold
    huge = format_all([(1e21, 0, False), (-1.5e300, 2, False)])
    if huge and (huge[0] != "1e+21" or huge[1] != "(1.5e+300)"):
        failures.append("huge figures: %r" % huge)


def tie_out(printed, engine):
    """`kessan check` of a model whose total is printed as `printed` (its
    decimals are those written) and computed as `engine` (= rev.a, an
    input)."""
    box = tempfile.mkdtemp(prefix="kessan-tieout-")
    try:
        with open(os.path.join(box, "items.csv"), "w") as f:
            f.write("id,label,label_ja,unit,statement,parent,rule,formula\n"
                    "rev.a,A,,JPY,is,,sum,\n"
                    "rev.total,Total,,JPY,is,,sum,rev.a\n")
        with open(os.path.join(box, "values.csv"), "w") as f:
            f.write("item,period,value\nrev.a,1Q01,%s\nrev.total,1Q01,%s\n"
                    % (repr(engine), printed))
        with open(os.path.join(box, "settings.csv"), "w") as f:
            f.write("key,value\nname,T\nfiscal_year_end_month,3\n"
                    "first_year,2001\nlast_year,2001\n")
        run = subprocess.run([KESSAN, "check", box, "--format", "csv"],
                             capture_output=True, text=True, timeout=60)
        return run
    finally:
        shutil.rmtree(box)


def check_tie_out():
    # the printed total is an input too (values.csv holds both); the check
    # compares the formula rev.a with the printed rev.total
    cases = [("1234567890.123", 1234567890.1234, 3, True),
             ("1234567890.124", 1234567890.1234, 3, False),
             ("1.01", 1.005, 2, True), ("2.68", 2.675, 2, True),
             ("17495789453868", 17495789453868.0, 0, True),
             ("17495789453870", 17495789453868.0, 0, False),
             ("123456789012.35", 123456789012.345, 2, True)]
    for printed, engine, decimals, ties in cases:
        run = tie_out(printed, engine)
        if run.returncode not in (0, 1):
            failures.append("check of %s against %r: exit %d: %s"
                            % (printed, engine, run.returncode, run.stderr))
            continue
        passed = ",PASS," in run.stdout
        broke = ",BREAK," in run.stdout
        if ties != passed or ties == broke:
            failures.append("check of printed %s against engine %r at %d decimals: "
                            "%s expected: %s" % (printed, engine, decimals,
                                                 "PASS" if ties else "BREAK",
                                                 run.stdout[:600]))


check_display()
check_tie_out()
for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)
