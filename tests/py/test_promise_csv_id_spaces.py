# tests/py/test_promise_csv_id_spaces.py -- the promise of docs/formats.md
# ("Where a number or an id is expected, spaces around it are ignored;
# labels and notes keep them") for items.csv and settings.csv: random
# spaces and tabs around every id, parent, statement, unit and rule of
# items.csv and every key of settings.csv of the IIJ model and the tiny
# one must give the same model -- the same `show` of every statement and
# the same `check` -- as the files without them (an id ` rev.a` was
# refused, a parent ` rev.total ` unknown, a statement ` is ` accepted and
# its item silently missing from `show is`, a key ` fiscal_year_end_month`
# not found).  Labels keep their spaces.
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PADDED_ITEM_COLUMNS = ("id", "statement", "parent", "unit", "rule")
failures = []


def pad(rng, text):
    if not text:
        return text
    spaces = lambda: "".join(rng.choice(" \t") for _ in range(rng.randint(0, 3)))
    return spaces() + text + spaces()


def rewrite(path, columns, rng):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    at = [header.index(c) for c in columns if c in header]
    for row in rows[1:]:
        for i in at:
            row[i] = pad(rng, row[i])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


def statements_of(model):
    with open(os.path.join(model, "items.csv"), newline="", encoding="utf-8") as f:
        return sorted({row["statement"] for row in csv.DictReader(f) if row["statement"]})


def outputs(model, statements):
    """What the model shows and checks, or the error that opening it gives."""
    seen = []
    for statement in statements:
        run = subprocess.run([KESSAN, "show", model, statement, "--format", "csv"],
                             capture_output=True, text=True, timeout=60)
        seen.append((statement, run.returncode, run.stdout, run.stderr))
    run = subprocess.run([KESSAN, "check", model, "--format", "csv"],
                         capture_output=True, text=True, timeout=60)
    seen.append(("check", run.returncode, run.stdout, run.stderr))
    return seen


def try_model(original, seed):
    rng = random.Random(seed)
    box = tempfile.mkdtemp(prefix="kessan-spaces-")
    try:
        model = os.path.join(box, "m")
        shutil.copytree(original, model)
        rewrite(os.path.join(model, "items.csv"), PADDED_ITEM_COLUMNS, rng)
        rewrite(os.path.join(model, "settings.csv"), ("key",), rng)
        statements = statements_of(original)
        want = outputs(original, statements)
        got = outputs(model, statements)
        for (what, code_w, out_w, err_w), (_, code_g, out_g, err_g) in zip(want, got):
            if (code_w, out_w) != (code_g, out_g):
                failures.append("%s (seed %d) with spaces around ids: %s differs: exit %d "
                                "(want %d): %s%s" % (os.path.basename(original), seed, what,
                                                     code_g, code_w, err_g.strip()[:300],
                                                     "" if err_g else out_g[:300]))
    finally:
        shutil.rmtree(box)


for model in (os.path.join(SOURCE, "tests/data/tiny"), os.path.join(SOURCE, "data/iij")):
    for seed in range(3):
        try_model(model, seed)

# a label keeps its spaces
box = tempfile.mkdtemp(prefix="kessan-label-")
try:
    model = os.path.join(box, "m")
    shutil.copytree(os.path.join(SOURCE, "tests/data/tiny"), model)
    with open(os.path.join(model, "items.csv"), encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(model, "items.csv"), "w", encoding="utf-8") as f:
        f.write(text.replace("rev.a,Product revenues,", " rev.a ,  Product revenues ,"))
    script = os.path.join(box, "label.lua")
    with open(script, "w") as f:
        f.write('local kessan = require "kessan"\n'
                'local m = assert(kessan.open(arg[1]))\n'
                'io.write(m:item("rev.a").label)\n')
    run = subprocess.run([KESSAN, "run", script, model], capture_output=True, text=True,
                         timeout=60)
    if run.returncode != 0 or run.stdout != "  Product revenues ":
        failures.append("a label's spaces: %r %s" % (run.stdout, run.stderr.strip()))
finally:
    shutil.rmtree(box)

for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)
