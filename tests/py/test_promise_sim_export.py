# test_promise_sim_export.py -- the promise of docs/simulate.md for
# r:export(path): a header `trial`, then one column per cell (each output,
# then each drawn cell that is no output), one row a trial, the numbers
# reading back as the same doubles, an empty field where the output gave
# no number, each column what r:values(cell) gives.
#
# Random simulations of tests/data/tiny whose outputs are often drawn
# cells themselves (rev.a@3Q02 drawn and an output: two columns of one
# name before), outputs named twice (as given and with the period in
# lower case), cells drawn -0, draws beyond the 1e149 bound (an overflow
# in the output, so its column is empty where the draw was a number) and
# outputs with a division by zero.  The file is read with Python's csv
# module: the header has no name twice and names exactly the outputs and
# drawn cells, the trial column is 1 .. trials, and every field equals
# r:values(cell) of its column bit for bit (-0 apart from 0, NaN an empty
# field).
#
#     python3 tests/py/test_promise_sim_export.py KESSAN_PROGRAM [BUILD_DIR]
import csv
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/kessan"
RUNS = 40
INPUT_CELLS = ["rev.a@3Q02", "rev.b@3Q02", "cost.total@3Q02", "rev.a@2Q02",
               "rev.b@2Q02", "cost.total@2Q02"]
FORMULA_CELLS = ["op_income@3Q02", "op_margin@3Q02", "rev.total@1H02",
                 "op_income@2Q02", "rev.total@3Q02"]
failures = []
seen = {"drawn outputs": 0, "outputs named twice": 0, "empty fields": 0,
        "-0 fields": 0}


def fail(message):
    failures.append(message)
    print("FAIL " + message)


def canonical(cell):
    item, period = cell.split("@")
    return item + "@" + period.upper()


def written(rng, cell):
    """The cell as given: as the model writes it, or the period in lower
    case (both name the same cell)."""
    item, period = cell.split("@")
    return item + "@" + (period.lower() if rng.random() < 0.3 else period)


# Distributions of a drawn cell: -0 in every trial, -0 and 0 among other
# values, and draws beyond 1e149 now and then (the output overflows, the
# draw does not).
FIXED_DISTRIBUTIONS = [
    "kessan.uniform(-1e3, 1e3)",
    "kessan.fixed(-0.0)",
    "kessan.discrete{ values = { -0.0, 0.0, -3, 7.25 } }",
    "kessan.discrete{ values = { 1e300, -5, 0.1 }, weights = { 1, 3, 3 } }",
    "kessan.triangular(0, 0, 1e160)",
    "kessan.lognormal(3, 0.5)",
]


def distribution(rng):
    kind = rng.randrange(len(FIXED_DISTRIBUTIONS) + 2)
    if kind == len(FIXED_DISTRIBUTIONS):
        return "kessan.normal(%r, %r)" % (rng.uniform(-200, 200), rng.uniform(1, 50))
    if kind > len(FIXED_DISTRIBUTIONS):
        return repr(rng.uniform(-100, 100))
    return FIXED_DISTRIBUTIONS[kind]


def random_spec(rng):
    drawn = [c for c in INPUT_CELLS if rng.random() < 0.6] or [INPUT_CELLS[0]]
    draws = {written(rng, c): distribution(rng) for c in drawn}
    outputs = []
    for cell in drawn:                   # drawn cells as outputs, often
        if rng.random() < 0.7:
            outputs.append(written(rng, cell))
    for cell in FORMULA_CELLS + INPUT_CELLS:
        if rng.random() < 0.3:
            outputs.append(written(rng, cell))
    if not outputs:
        outputs.append(drawn[0])
    for _ in range(rng.randrange(3)):    # a cell named twice in outputs
        outputs.append(written(rng, canonical(rng.choice(outputs))))
    rng.shuffle(outputs)
    return {
        "draws": draws, "outputs": outputs,
        "trials": rng.choice([1, 2, 511, 513, 4097, 9011]),
        "threads": rng.randint(1, 3),
        "sampling": rng.choice(["mc", "lhs"]),
        "seed": rng.randrange(1, 10**6),
    }


def lua_string(text):
    return '"' + text + '"'


def lua_run(spec, path):
    draws = ", ".join("[%s] = %s" % (lua_string(c), d)
                      for c, d in spec["draws"].items())
    outputs = ", ".join(lua_string(c) for c in spec["outputs"])
    cells = sorted({canonical(c) for c in list(spec["draws"]) + spec["outputs"]})
    return """
repeat
  local ran, r = pcall(m.simulate, m, { trials = %d, threads = %d, seed = %d,
                        sampling = "%s", keep = true, progress = false,
                        draws = { %s }, outputs = { %s } })
  if not ran then   -- an output that gave no number in any trial
    print("skipped " .. tostring(r))
    break
  end
  assert(r:export("%s"))
  print("file %s")
  print("outputs " .. table.concat(r:outputs(), " "))
  for _, cell in ipairs{ %s } do
    local out = { "values", cell }
    for _, v in ipairs(r:values(cell)) do
      out[#out + 1] = v ~= v and "nan" or string.format("%%a", v)
    end
    print(table.concat(out, " "))
  end
until true
""" % (spec["trials"], spec["threads"], spec["seed"], spec["sampling"], draws,
       outputs, path, path, ", ".join(lua_string(c) for c in cells))


def bits(x):
    return "nan" if x != x else struct.pack("<d", x).hex()


def field_value(text):
    return math.nan if text == "" else float(text)


def check_file(spec, path, outputs, values):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    what = "%s (%d trials, draws %s, outputs %s)" % (
        os.path.basename(path), spec["trials"], spec["draws"], spec["outputs"])
    header = rows[0]
    if len(set(header)) != len(header):
        fail(f"{what}: a name twice in the header {header}")
    unique_outputs = list(dict.fromkeys(outputs))
    drawn = {canonical(c) for c in spec["draws"]}
    if header[:1 + len(unique_outputs)] != ["trial"] + unique_outputs:
        fail(f"{what}: header {header} does not begin with trial and the "
             f"outputs {unique_outputs}")
    rest = header[1 + len(unique_outputs):]
    if sorted(rest) != sorted(drawn - set(unique_outputs)):
        fail(f"{what}: header {header}: after the outputs, {rest} rather than "
             f"the drawn cells that are no output")
    if set(header[1:]) != set(values):
        fail(f"{what}: header {header} names other cells than {sorted(values)}")
    body = rows[1:]
    if len(body) != spec["trials"]:
        fail(f"{what}: {len(body)} rows for {spec['trials']} trials")
    for t, row in enumerate(body):
        if len(row) != len(header):
            fail(f"{what}: row {t + 1} has {len(row)} fields, the header {len(header)}")
            return
        if row[0] != str(t + 1):
            fail(f"{what}: row {t + 1} is trial {row[0]!r}")
            return
    canonical_outputs = [canonical(c) for c in spec["outputs"]]
    seen["drawn outputs"] += len(drawn & set(canonical_outputs))
    seen["outputs named twice"] += len(canonical_outputs) - len(set(canonical_outputs))
    seen["empty fields"] += sum(row.count("") for row in body)
    seen["-0 fields"] += sum(row.count("-0") for row in body)
    for c, cell in enumerate(header[1:], start=1):
        want = values.get(cell)
        if want is None:
            continue
        for t, row in enumerate(body):
            got = field_value(row[c])
            if bits(got) != want[t]:
                fail(f"{what}: {cell}, trial {t + 1}: the file has {row[c]!r}, "
                     f"r:values {want[t]}")
                break
            if want[t] == "nan" and row[c] != "":
                fail(f"{what}: {cell}, trial {t + 1}: NaN written as {row[c]!r}")
                break


def hex_bits(text):
    return "nan" if text == "nan" else bits(float.fromhex(text))


def main():
    rng = random.Random(20261207)
    specs = [random_spec(rng) for _ in range(RUNS)]
    # the brief's own case among them: an output that is drawn, -0 too
    specs[0] = {"draws": {"rev.a@3Q02": "kessan.fixed(-0.0)",
                          "rev.b@3Q02": "kessan.normal(80, 5)"},
                "outputs": ["rev.a@3Q02", "rev.total@3Q02", "rev.a@3q02"],
                "trials": 513, "threads": 2, "sampling": "mc", "seed": 3}
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, "trials%d.csv" % i) for i in range(RUNS)]
        script = os.path.join(tmp, "export.lua")
        with open(script, "w") as f:
            f.write('local kessan = require "kessan"\n'
                    'local m = assert(kessan.open("tests/data/tiny"))\n')
            for spec, path in zip(specs, paths):
                f.write(lua_run(spec, path))
        done = subprocess.run([KESSAN, "run", script], capture_output=True,
                              text=True, timeout=280)
        if done.returncode != 0:
            print(done.stderr)
            return 1
        lines = iter(done.stdout.splitlines())
        checked = files = 0
        for spec, path in zip(specs, paths):
            line = next(lines)
            if line.startswith("skipped ") and "gave no number in any" in line:
                continue
            if line != "file " + path:
                fail(f"{path}: the script's output is out of step")
                return 1
            outputs = next(lines).split()[1:]
            values = {}
            for _ in {canonical(c) for c in list(spec["draws"]) + spec["outputs"]}:
                fields = next(lines).split()
                values[fields[1]] = [hex_bits(v) for v in fields[2:]]
            check_file(spec, path, outputs, values)
            checked += spec["trials"]
            files += 1
    if files < RUNS // 2:
        fail(f"only {files} of {RUNS} random simulations ran")
    for case, count in seen.items():
        if count == 0:
            fail(f"no file had {case}: the random runs missed the case")
    if failures:
        print(f"{len(failures)} failures")
        return 1
    print(f"ok: {files} files, {checked} trials, " +
          ", ".join(f"{count} {case}" for case, count in seen.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
