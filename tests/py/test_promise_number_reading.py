# tests/py/test_promise_number_reading.py -- the promises of
# docs/formats.md, "Numbers", tried with thousands of random figures as a
# release or a spreadsheet prints them: every accepted figure reads as the
# double nearest its decimal value (a percentage as the double nearest
# its value / 100, not the quotient of two doubles), a negative zero
# stays negative, a figure a double cannot hold is refused as too large
# or too small (and never read as inf or 0), and malformed figures are
# refused with file:line:column.  Python's Fraction gives the exact
# value; float() of it rounds correctly.  The figures are read twice:
# opened with a model directory (one file of thousands of rows) and
# imported one at a time into the opened model, and must agree.
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from fractions import Fraction

KESSAN = os.path.abspath(sys.argv[1])
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUARTERS = ["1Q01", "2Q01", "3Q01", "4Q01", "1Q02", "2Q02", "3Q02", "4Q02"]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def digits(rng, count):
    return "".join(rng.choice("0123456789") for _ in range(count))


def grouped(head_and_groups):
    return ",".join(head_and_groups)


def random_magnitude(rng):
    """A decimal magnitude as text (no sign) and its exact value: plain,
    grouped in thousands, with a fraction, with an exponent that is often
    near the ends of the double range, or a percentage of any of them."""
    form = rng.randrange(4)
    if form == 0:
        whole = digits(rng, rng.randint(1, 22)).lstrip("0") or "0"
    elif form == 1:
        whole = grouped([str(rng.randint(1, 999))] +
                        [digits(rng, 3) for _ in range(rng.randint(1, 7))])
    else:
        whole = digits(rng, rng.randint(1, 4)).lstrip("0") or "0"
    fraction = digits(rng, rng.randint(1, 24)) if rng.random() < 0.6 else ""
    text = whole + ("." + fraction if fraction else "")
    value = Fraction(Decimal(text.replace(",", "")))
    if form >= 2:
        exponent = rng.choice([rng.randint(-30, 30), rng.randint(300, 312),
                               rng.randint(-330, -300)])
        text += rng.choice(["e", "E"]) + ("-" if exponent < 0 else
                                          rng.choice(["", "+"])) + str(abs(exponent))
        value *= Fraction(10) ** exponent
    if rng.random() < 0.4:
        text += "%"
        value /= 100
    return text, value


def random_figure(rng):
    """A figure as printed, whether it is negative, and its magnitude."""
    magnitude, value = random_magnitude(rng)
    currency = rng.choice(["", "", "", "¥", "￥", "$"])
    body = currency + magnitude
    sign = rng.randrange(5)
    if sign == 0:
        text, negative = "-" + body, True
    elif sign == 1:
        text, negative = "(" + body + ")", True
    elif sign == 2:
        text, negative = rng.choice(["△", "▲"]) + body, True
    else:
        text, negative = body, False
    if rng.random() < 0.2:
        text = " " * rng.randint(1, 3) + text + " " * rng.randint(0, 3)
    return text, negative, value


def expected(negative, value):
    """The double a figure must read as, or None where it must be refused
    (too large for a double, or a nonzero value that would read as 0)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    if math.isinf(number) or (value != 0 and number == 0):
        return None
    return -number if negative else number


def csv_field(text):
    return '"' + text.replace('"', '""') + '"'


def make_model(directory, rows):
    """A model directory of one item per 8 figures, quarters 2001-2002."""
    os.makedirs(directory)
    shutil.copy(os.path.join(SOURCE, "tests/data/tiny/settings.csv"), directory)
    items = ["v.n%04d" % i for i in range((len(rows) + 7) // 8)]
    with open(os.path.join(directory, "items.csv"), "w", encoding="utf-8") as f:
        f.write("id,label,label_ja,unit,statement,parent,rule,formula\n")
        for item in items:
            f.write("%s,Figure %s,,JPY,is,,sum,\n" % (item, item))
    cells = [(items[i // 8], QUARTERS[i % 8]) for i in range(len(rows))]
    with open(os.path.join(directory, "values.csv"), "w", encoding="utf-8") as f:
        f.write("item,period,value\n")
        for (item, period), text in zip(cells, rows):
            f.write("%s,%s,%s\n" % (item, period, csv_field(text)))
    return cells


READ_BACK = r'''
local kessan = require "kessan"
local directory, cells, one, out = ...
local m = assert(kessan.open(directory))
local result = assert(io.open(out, "w"))
local function show(v, why)
  return v == nil and ("nil\t" .. tostring(why)) or ("ok\t" .. string.format("%a", v))
end
for line in io.lines(cells) do
  local item, period, text = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  local opened = show(m:get(item, period))
  local f = assert(io.open(one, "wb"))
  f:write('item,period,value\n', item, ',', period, ',"', (text:gsub('"', '""')), '"\n')
  f:close()
  local ok, why = m:import(one)
  local imported = ok and show(m:get(item, period)) or ("refused\t" .. tostring(why))
  result:write(opened, "\t", imported, "\n")
end
result:close()
'''


def run_lua(work, script, *arguments):
    path = os.path.join(work, "read_back.lua")
    with open(path, "w") as f:
        f.write(script)
    done = subprocess.run([KESSAN, "run", path, *arguments], capture_output=True,
                          timeout=240)
    if done.returncode != 0:
        sys.exit("kessan run: exit %d: %s" % (done.returncode, done.stderr.decode()))


def same_double(got_hex, want):
    got = float.fromhex(got_hex)
    return got == want and math.copysign(1, got) == math.copysign(1, want)


def accepted_figures(work, rng):
    """Random figures a double can hold: opened and imported, each reads
    as the double nearest its exact value, sign of zero included."""
    figures = []
    while len(figures) < 2400:
        text, negative, value = random_figure(rng)
        want = expected(negative, value)
        if want is not None:
            figures.append((text, want))
    for text in ["0", "-0", "(0)", "△0", "0%", "(0%)", "0e-400", "-0e-400",
                 "4.94065645841247e-324", "2.4703282292062328e-324",
                 "2.4703282292062328e-322%", "1.7976931348623157e308",
                 "1.7976931348623157e310%", "(1.7976931348623157e310%)",
                 "32.2%", "(3.8%)", "7.4%", "0.1%", "33.3%"]:
        negative = text.startswith(("-", "(", "△"))
        body = text.strip("-()△%")
        value = Fraction(Decimal(body)) / (100 if text.endswith(("%", "%)")) else 1)
        figures.append((text, expected(negative, value)))
    model = os.path.join(work, "accepted")
    cells = make_model(model, [text for text, _ in figures])
    listing = os.path.join(work, "cells.tsv")
    with open(listing, "w", encoding="utf-8") as f:
        for (item, period), (text, _) in zip(cells, figures):
            f.write("%s\t%s\t%s\n" % (item, period, text))
    out = os.path.join(work, "read.tsv")
    run_lua(work, READ_BACK, model, listing, os.path.join(work, "one.csv"), out)
    with open(out, encoding="utf-8") as f:
        lines = f.read().splitlines()
    check(len(lines) == len(figures), "read back %d of %d figures" % (len(lines), len(figures)))
    for (text, want), line in zip(figures, lines):
        fields = line.split("\t")
        opened_ok = fields[0] == "ok" and same_double(fields[1], want)
        check(opened_ok, "opened %r: %s, expected %s" % (text, line, want.hex()))
        imported_ok = fields[2] == "ok" and same_double(fields[3], want)
        check(imported_ok, "imported %r: %s, expected %s" % (text, line, want.hex()))


def refused_figures(work, rng):
    """Figures a double cannot hold and malformed ones: each refused, by
    kessan.open naming values.csv:2:COLUMN, and never read as a number."""
    figures = []
    while len(figures) < 300:
        text, negative, value = random_figure(rng)
        if expected(negative, value) is None:
            figures.append((text, "too large" if abs(value) > 1 else "too small"))
    for text in ["1,23", "1234,567", "12,3456", "△-1", "(△1)", "¥-100", "100¥",
                 "1e", "e5", "--1", "-(1)", "1%%", "%", "1.2.3", "0x10", "inf",
                 "-inf", "nan", "1e999", "(1e-999)", "1.5k", "#DIV/0!", "#VALUE!",
                 "1 234", "１２３", "1,234.5,6", "(1", "1)", "$-1", "$$1", "-$-1"]:
        figures.append((text, None))
    for index, (text, reason) in enumerate(figures):
        model = os.path.join(work, "refused%d" % index)
        make_model(model, [text])
        done = subprocess.run([KESSAN, "export", model], capture_output=True,
                              timeout=60)
        stderr = done.stderr.decode("utf-8", "replace")
        check(done.returncode == 1, "%r: exit %d, expected 1 (%s)" %
              (text, done.returncode, stderr.strip()))
        check("values.csv:2:" in stderr,
              "%r: the message does not name values.csv:2:COLUMN: %s" % (text, stderr.strip()))
        if reason:
            check(reason in stderr, "%r: refused but not as %s: %s" % (text, reason, stderr.strip()))
        shutil.rmtree(model)


def main():
    rng = random.Random(int(os.environ.get("KESSAN_PROMISE_SEED", "20261207")))
    with tempfile.TemporaryDirectory() as work:
        accepted_figures(work, rng)
        refused_figures(work, rng)
    for failure in failures[:40]:
        print(failure)
    if failures:
        sys.exit("%d failure(s)" % len(failures))
    print("ok")


main()
