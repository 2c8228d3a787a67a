# tests/py/test_json_output.py -- --format json of show, check and export,
# and m:show's and m:export's, as a pipeline reads them: every document
# parses (Python's json module, strict), every number equals the engine's
# (read through another path: the same command's CSV, or m:get in a Lua
# script printing %.17g), a missing figure is null, an error cell carries
# its message, strings come back exactly (quotes, backslashes, control
# characters, U+2028, Japanese), and a failure is {"error": message} on
# standard output with exit status 1.
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def run(*arguments, status=0):
    done = subprocess.run([KESSAN, *arguments], capture_output=True, timeout=120)
    if done.returncode != status:
        sys.exit("kessan %s: exit %d, expected %d: %s" % (
            " ".join(arguments), done.returncode, status, done.stderr.decode()))
    return done.stdout.decode("utf-8")


def strict_json(text, what):
    def no_constants(name):
        raise ValueError("%s: %s is not JSON" % (what, name))
    return json.loads(text, parse_constant=no_constants)


def run_lua(script, *arguments):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        return run("run", f.name, *arguments)
    finally:
        os.unlink(f.name)


def number_or_none(text):
    return None if text == "" else float(text)


# ---- show ---------------------------------------------------------------------
def check_show(model, statement, options, engine):
    what = "show %s %s %s" % (model, statement, " ".join(options))
    doc = strict_json(run("show", model, statement, "--format", "json", *options), what)
    rows = list(csv.reader(io.StringIO(run("show", model, statement, "--format", "csv",
                                           *options))))
    check(doc["statement"] == statement, what + ": statement")
    names = [c["name"] for c in doc["columns"]]
    check(names == rows[0][3:], "%s: the columns %r, CSV %r" % (what, names, rows[0][3:]))
    check(len(doc["rows"]) == len(rows) - 1, what + ": as many rows as CSV")
    for row, line in zip(doc["rows"], rows[1:]):
        check(row["item"] == line[0] and row["label"] == line[2] and
              row["level"] == int(line[1]), "%s: row %r" % (what, row["item"]))
        check(all(v is None for v in row["values"]) or not row["heading"],
              "%s: a heading has no figures" % what)
        for column, value, text in zip(doc["columns"], row["values"], line[3:]):
            check(value == number_or_none(text),
                  "%s: %s@%s json %r, csv %r" % (what, row["item"], column["name"], value, text))
            if column["measure"] == "value" and engine is not None:
                expected = engine.get((row["item"], column["period"]))
                check(value == expected, "%s: %s@%s is %r, the engine's %r" % (
                    what, row["item"], column["period"], value, expected))
    return doc


ENGINE_SCRIPT = r"""
local kessan = require "kessan"
local m = assert(kessan.open(...))
for _, id in ipairs(m:items()) do
  for _, p in ipairs(m:periods()) do
    local v = m:get(id, p)
    if v then print(id .. "," .. p .. "," .. string.format("%.17g", v)) end
  end
end
"""


def engine_cells(model):
    cells = {}
    for line in run_lua(ENGINE_SCRIPT, model).splitlines():
        item, period, value = line.split(",")
        cells[(item, period)] = float(value)
    return cells


iij = engine_cells("data/iij")
doc = check_show("data/iij", "is", [], iij)
check(doc["model"] == "Internet Initiative Japan Inc." and doc["scenario"] == "base",
      "show json: model and scenario")
check_show("data/iij", "kpi", ["--periods", "3Q02,FY01,3Q02"], iij)
check_show("data/iij", "is", ["--with", "pct,yoy,qoq", "--periods", "3Q02,2Q02"], iij)
check_show("data/iij", "bs", ["--lang", "ja"], iij)
usd = check_show("data/iij", "is", ["--currency", "USD", "--periods", "3Q02"], None)
check(usd["unit"] == "USD thousands at 118.75 per USD", "show json: the USD unit")
for row in usd["rows"]:
    if row["item"] == "rev.total":
        check(row["values"][0] == iij[("rev.total", "3Q02")] / 118.75,
              "show json: money in USD, unrounded")
# a ratio as its fraction, exactly the engine's
kpi = check_show("data/iij", "kpi", ["--periods", "3Q02"], iij)
ratios = [r for r in kpi["rows"] if r["item"] == "op_margin"]
check(ratios and ratios[0]["values"][0] == iij[("op_margin", "3Q02")],
      "show json: a ratio as the stored fraction")
# a saved scenario
scenarios = engine_cells("tests/data/scenarios")
low = strict_json(run("show", "tests/data/scenarios", "is", "--scenario", "low",
                      "--format", "json"), "show --scenario low")
check(low["scenario"] == "low", "show json: the scenario's name")
check("4Q02" in [c["period"] for c in low["columns"]], "show json: the forecast quarter")

# ---- check ----------------------------------------------------------------------
report = strict_json(run("check", "data/iij", "--format", "json"), "check json")
lines = list(csv.DictReader(io.StringIO(run("check", "data/iij", "--format", "csv"))))
check(report["checks"] == len(report["results"]) == len(lines), "check json: every check")
check(report["passed"] + report["adjusted"] + report["explained"] + report["breaks"]
      == report["checks"], "check json: the counts add up")
for result, line in zip(report["results"], lines):
    for field in ("statement", "status", "kind", "item", "period", "measure", "message"):
        check(result[field] == line[field], "check json: %s of %s@%s" % (
            field, result["item"], result["period"]))
    for field in ("printed", "expected", "difference"):
        check(result[field] == number_or_none(line[field]),
              "check json: %s of %s@%s: %r, csv %r" % (field, result["item"],
                                                     result["period"], result[field], line[field]))
explained = [r for r in report["results"] if r["status"] == "EXPLAINED"]
check(len(explained) == report["explained"] == 3, "check json: IIJ's three explained breaks")
for r in explained:
    check(r["implied"] == "cn_issuance_cost_amortization" and r["implied_value"] > 0,
          "check json: the implied amortization")
breaks_only = strict_json(run("check", "data/iij", "--format", "json", "--only", "breaks"),
                          "check --only breaks")
check(len(breaks_only["results"]) == 3, "check json --only breaks")

# ---- export -------------------------------------------------------------------------
for extra in ([], ["--all"], ["--scenario", "low"]):
    model = "tests/data/scenarios" if extra[:1] == ["--scenario"] else "data/iij"
    what = "export %s %s" % (model, " ".join(extra))
    doc = strict_json(run("export", model, "--format", "json", *extra), what)
    rows = list(csv.DictReader(io.StringIO(run("export", model, *extra))))
    check(len(doc["values"]) == len(rows), what + ": as many values as CSV rows")
    for value, row in zip(doc["values"], rows):
        check(value["item"] == row["item"] and value["period"] == row["period"],
              what + ": the same cells in the same order")
        text = row["value"]
        expected = None if text in ("", "-") else float(text)
        check(value["value"] == expected, "%s: %s@%s json %r, csv %r" % (
            what, row["item"], row["period"], value["value"], text))
        if "scenario" in row:
            check(value.get("scenario") == row["scenario"], what + ": the scenario")

# ---- strings, errors and nulls from a script ---------------------------------------
NASTY = 'a "quoted" \\ back\tslash\nnew line \x01 \u2028 \u65e5\u672c\u8a9e'
SCRIPT = r"""
local kessan = require "kessan"
local out = ...
local m = assert(kessan.open("tests/data/tiny"))
m:define("nasty", "rev.a / (rev.a - 140)", { label = %s, statement = "is" })
io.write(m:show("is", { format = "json", periods = { "1Q02", "3Q02" } }))
assert(m:export(out, { format = "json", cells = "all" }))
""" % ('"' + "".join("\\%d" % b for b in NASTY.encode("utf-8")) + '"')
with tempfile.TemporaryDirectory() as work:
    out = os.path.join(work, "tiny.json")
    shown = strict_json(run_lua(SCRIPT, out), "m:show json")
    nasty = [r for r in shown["rows"] if r["item"] == "nasty"]
    check(nasty and nasty[0]["label"] == NASTY, "a label with every kind of character: %r"
          % (nasty[0]["label"] if nasty else None))
    check(nasty and nasty[0]["values"] == [None, 8.0],
          "an error cell is null in show, a number is a number: %r" % (nasty[0]["values"]
                                                                     if nasty else None))
    exported = strict_json(open(out, encoding="utf-8").read(), "m:export json")
    cells = {(v["item"], v["period"]): v for v in exported["values"]}
    error = cells[("nasty", "1Q02")]
    check(error["value"] is None and "division by zero" in error.get("error", ""),
          "an error cell: null and its message: %r" % error)
    check(cells[("rev.a", "4Q02")]["value"] is None and "error" not in cells[("rev.a", "4Q02")],
          "a missing cell: null, no error")

# ---- failures -------------------------------------------------------------------------
for arguments in (["show", "/no/such/model", "is"], ["check", "/no/such/model"],
                  ["export", "/no/such/model"], ["show", "data/iij", "pl"]):
    text = run(*arguments, "--format", "json", status=1)
    doc = strict_json(text, " ".join(arguments))
    check(isinstance(doc.get("error"), str) and doc["error"], "%s: {\"error\": ...}: %r"
          % (" ".join(arguments), doc))

if failures:
    for failure in failures[:20]:
        print("FAIL:", failure)
    sys.exit("%d failure(s)" % len(failures))
print("test_json_output: ok")
