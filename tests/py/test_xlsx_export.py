# test_xlsx_export.py -- the exported workbook is the model in a real
# spreadsheet: LibreOffice (headless, a profile of the test's own whose
# OOXMLRecalcMode is "always") opens each workbook kessan exported from
# data/iij, examples/acme and randomly made models, recalculates every
# formula, and every cell of every statement and saved scenario sheet must
# equal kessan's value (1e-9 relative; missing as an empty cell, an error
# as a spreadsheet error).  To prove the recalculation happened, every
# formula's cached value is first overwritten with a sentinel in the file
# itself, and a control run with recalculation turned off must show the
# sentinels.  Then inputs are changed on the Inputs sheet (in the file's
# XML), LibreOffice recalculates again, and the workbook must equal
# kessan's model with the same inputs set (m:set), its saved scenarios
# following, and its statements a kessan scenario holding the changes.  Standard library only; LibreOffice reads the workbooks and
# writes each sheet back as CSV, one start per batch of files.
#
#     python3 tests/py/test_xlsx_export.py KESSAN_PROGRAM BUILD_DIR
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

SENTINEL = "987654.125"
RELATIVE = 1e-9
RANDOM_MODELS = 6

DUMP_LUA = r'''
-- export a workbook and dump every cell of the model and its saved
-- scenarios as kessan computes them: scenario,item,period,kind,value
local kessan = require "kessan"
local dir, xlsx, out, changes = arg[1], arg[2], arg[3], arg[4]
local m = assert(kessan.open(dir))
local via -- a scenario holding the changes, beside the model changed
if changes and changes ~= "" then
  via = m:scenario("xlsx-test-changes")
  for line in io.lines(changes) do
    local item, period, v = line:match("^([^,]+),([^,]+),(.+)$")
    via:set(item, period, assert(tonumber(v)))
    m:set(item, period, assert(tonumber(v)))
  end
end
if xlsx ~= "-" then
  local ok, report = m:export(xlsx, {format = "xlsx"})
  assert(ok, report)
  io.write(string.format("%d %d %d\n", report.formulas, report.values,
                         #report.unexpressed))
end
local f = assert(io.open(out, "w"))
local function dump(h, name)
  for _, id in ipairs(h:items()) do
    for _, p in ipairs(h:periods()) do
      local v, why = h:get(id, p)
      if v then
        f:write(string.format("%s,%s,%s,n,%.17g\n", name, id, p, v))
      elseif why == nil or why:match("^missing") then
        f:write(string.format("%s,%s,%s,m,\n", name, id, p))
      else
        f:write(string.format("%s,%s,%s,e,\n", name, id, p))
      end
    end
  end
end
dump(m, "base")
for _, name in ipairs(m:scenarios()) do dump(m:scenario(name), name) end
if via then dump(via, "via-scenario") end
f:close()
'''

PROFILE_XCU = '''<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
'''

# all sheets, UTF-8, raw values (not as shown)
CSV_FILTER = ('csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,'
              'false,false,false,-1')


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def skip_or_fail(message):
    if os.environ.get("CI") == "true":
        fail(message)
    print("SKIP: " + message)
    sys.exit(77)


# ---- random models ---------------------------------------------------------

SLOTS = ["1Q", "2Q", "3Q", "4Q", "1H", "2H", "9M", "FY"]
# reporting patterns of an input item's year: which slots are reported
PATTERNS = [
    ["1Q", "2Q", "3Q", "4Q"],
    ["1Q", "2Q", "3Q", "FY"],
    ["1Q", "1H", "9M", "FY"],
    ["FY"],
    ["1H", "FY"],
    ["1Q", "2Q", "1H", "3Q", "4Q", "FY"],
    [],
]


def period_ids(first, last):
    return ["%s%02d" % (s, y % 100) for y in range(first, last + 1)
            for s in SLOTS]


class FormulaMaker:
    def __init__(self, rng, refs, periods):
        self.rng, self.refs, self.periods = rng, refs, periods

    def leaf(self):
        rng = self.rng
        if rng.random() < 0.2:
            return rng.choice(["1", "2.5", "0.5", "100", "3"])
        text = rng.choice(self.refs)
        r = rng.random()
        if r < 0.2:
            text += "[-%d]" % rng.choice([1, 2, 4])
        elif r < 0.27:
            text += "@" + rng.choice(self.periods)
        elif r < 0.3:
            text += "[+1]"
        return text

    def expr(self, depth):
        rng = self.rng
        if depth <= 0 or rng.random() < 0.3:
            return self.leaf()
        kind = rng.random()
        a, b = self.expr(depth - 1), self.expr(depth - 1)
        if kind < 0.45:
            return "%s %s %s" % (a, rng.choice(["+", "-", "*", "/"]), b)
        if kind < 0.6:
            args = [a, b] + [self.expr(depth - 1)
                             for _ in range(rng.randint(0, 2))]
            return "%s(%s)" % (rng.choice(["sum", "min", "max"]),
                               ", ".join(args))
        if kind < 0.68:
            return "abs(%s - %s)" % (a, b)
        if kind < 0.76:
            return "round(%s, %d)" % (a, rng.choice([-2, 0, 1, 3]))
        if kind < 0.86:
            return "if(%s %s %s, %s, %s)" % (
                a, rng.choice(["<", "<=", ">", ">=", "==", "~="]), b,
                self.expr(depth - 1), self.expr(depth - 1))
        if kind < 0.92:
            return "(%s) ^ 2" % a
        if kind < 0.96:
            return "-(%s)" % a
        return "(%s > %s) * %s" % (a, b, self.expr(depth - 1))


def write_random_model(directory, seed):
    rng = random.Random(seed)
    first, last = 2001, 2001 + rng.randint(1, 2)
    periods = period_ids(first, last)
    os.makedirs(directory)
    with open(os.path.join(directory, "settings.csv"), "w") as f:
        f.write("key,value\nname,Random %d\nfiscal_year_end_month,3\n"
                "first_year,%d\nlast_year,%d\n" % (seed, first, last))
    items, values = [], []
    statements = ["is", "bs", "cf", "kpi"]
    inputs = ["in%d" % k for k in range(rng.randint(5, 9))]
    for k, iid in enumerate(inputs):
        rule = rng.choice(["sum", "sum", "last"])
        statement = rng.choice(statements)
        items.append((iid, "Input %d" % k, "入力%d" % k if k % 2 else "",
                      "JPY thousands" if k % 3 else "", statement, "",
                      rule, ""))
        for year in range(first, last + 1):
            pattern = rng.choice(PATTERNS)
            for slot in pattern:
                pid = "%s%02d" % (slot, year % 100)
                if rng.random() < 0.04:
                    values.append((iid, pid, "-", ""))
                    continue
                length = {"Q": 1, "H": 2, "M": 3, "Y": 4}[slot[1]]
                number = round(rng.uniform(50, 1000) * length, 3)
                values.append((iid, pid, repr(number), ""))
    formulas = ["f%d" % k for k in range(rng.randint(6, 12))]
    for k, fid in enumerate(formulas):
        refs = inputs + formulas[:k]
        maker = FormulaMaker(rng, refs, periods)
        text = maker.expr(rng.randint(1, 3))
        if rng.random() < 0.15:   # a chain through earlier periods
            text = "%s[-1] * 1.01 + %s" % (fid, maker.leaf())
        rule = rng.choice(["sum", "last", "formula"])
        statement = rng.choice(statements)
        parent = rng.choice([""] + [i[0] for i in items
                                    if i[4] == statement][:3])
        items.append((fid, "Formula %d" % k, "", "ratio" if k % 5 == 4
                      else "", statement, parent, rule, text))
        if text.startswith(fid) and rng.random() < 0.7:
            values.append((fid, periods[0], "10", ""))
    for name in ["low", "high"][:rng.randint(0, 2)]:
        for _ in range(3):
            iid = rng.choice(inputs)
            pid = rng.choice([p for p in periods if p[1] == "Q"])
            values.append((iid, pid, repr(round(rng.uniform(1, 900), 2)),
                           name))
        values.append((rng.choice(formulas), rng.choice(periods), "42", name))
    seen = set()
    with open(os.path.join(directory, "items.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label", "label_ja", "unit", "statement", "parent",
                    "rule", "formula"])
        w.writerows(items)
    with open(os.path.join(directory, "values.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "period", "value", "scenario"])
        for row in values:
            key = (row[0], row[1], row[3])
            if key not in seen:
                seen.add(key)
                w.writerow(row)


# ---- kessan's side -----------------------------------------------------------

def run_kessan(kessan, script, model, xlsx, out, changes=""):
    result = subprocess.run([kessan, "run", script, model, xlsx, out,
                             changes], capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        fail("kessan on %s: %s%s" % (model, result.stdout, result.stderr))
    return result.stdout


def read_kessan(path):
    cells = {}
    with open(path, newline="") as f:
        for scenario, item, period, kind, value in csv.reader(f):
            cells[(scenario, item, period)] = (
                kind, float(value) if kind == "n" else None)
    return cells


# ---- the workbook's XML --------------------------------------------------------

def sheet_files(zf):
    """Sheet names in order and their XML members."""
    names = re.findall(r'<sheet name="([^"]*)"',
                       zf.read("xl/workbook.xml").decode())
    return [(name, "xl/worksheets/sheet%d.xml" % (k + 1))
            for k, name in enumerate(names)]


def rewrite(src, dst, edit):
    """Copy the zip src to dst, each member's text through edit(name, text)."""
    with zipfile.ZipFile(src) as zin, \
            zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = edit(info.filename, data.decode()).encode()
            zout.writestr(info, data)


FORMULA_CACHE = re.compile(r'(<c r="[A-Z]+\d+"[^>]*?)( t="(?:str|e)")?(>\s*<f>[^<]*'
                           r'</f>\s*)<v>[^<]*</v>')


def tamper(src, dst):
    """Every formula's cached value replaced by the sentinel; returns how
    many."""
    count = [0]

    def edit(name, text):
        def one(match):
            count[0] += 1
            return match.group(1) + match.group(3) + "<v>" + SENTINEL + "</v>"
        return FORMULA_CACHE.sub(one, text)
    rewrite(src, dst, edit)
    return count[0]


def column_name(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def set_inputs(src, dst, member, changes):
    """Inputs sheet cells (address -> value) written into the XML."""
    def edit(name, text):
        if name != member:
            return text
        for address, value in changes.items():
            pattern = re.compile(r'(<c r="%s"[^>]*>)<v>[^<]*</v>' % address)
            text, n = pattern.subn(lambda m: m.group(1) + "<v>%r</v>" % value,
                                   text)
            if n != 1:
                fail("input cell %s not found in %s" % (address, dst))
        return text
    rewrite(src, dst, edit)


# ---- LibreOffice's side -------------------------------------------------------

def make_profile(root, mode):
    user = os.path.join(root, "user")
    os.makedirs(user, exist_ok=True)
    with open(os.path.join(user, "registrymodifications.xcu"), "w") as f:
        f.write(PROFILE_XCU.format(mode=mode))
    return "file://" + root


def convert(soffice, profile, files, outdir):
    os.makedirs(outdir, exist_ok=True)
    result = subprocess.run(
        [soffice, "--headless", "--norestore",
         "-env:UserInstallation=" + profile, "--convert-to", CSV_FILTER,
         "--outdir", outdir] + files,
        capture_output=True, text=True, timeout=240)
    if result.returncode != 0:
        fail("soffice: %s%s" % (result.stdout, result.stderr))


def read_sheet(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def sheet_csv(outdir, stem, sheet):
    path = os.path.join(outdir, "%s-%s.csv" % (stem, sheet))
    if not os.path.exists(path):
        fail("LibreOffice wrote no %s" % path)
    return read_sheet(path)


def parse_cell(text):
    if text == "":
        return ("m", None)
    if text.startswith("#") or text.startswith("Err:"):
        return ("e", None)
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    try:
        return ("n", float(text) * scale)
    except ValueError:
        return ("text", text)


def workbook_cells(outdir, stem, sheets):
    """(scenario, item, period) -> (kind, value) from the statement and
    scenario sheets, and the Inputs sheet's rows."""
    cells, inputs = {}, None
    for name, _ in sheets:
        rows = sheet_csv(outdir, stem, name)
        if name == "Inputs":
            inputs = rows
            continue
        if rows[0][:3] != ["Label", "項目", "id"]:
            continue  # a table of the caller's
        scenario = name[len("Scenario "):] if name.startswith("Scenario ") \
            else "base"
        header = rows[0]
        for row in rows[1:]:
            for col in range(3, len(header)):
                key = (scenario, row[2], header[col])
                if key in cells:
                    fail("%s: %s twice" % (stem, key))
                cells[key] = parse_cell(row[col] if col < len(row) else "")
    return cells, inputs


def compare(stem, expected, got):
    checked = 0
    for key, (kind, value) in expected.items():
        if key not in got:
            fail("%s: no cell for %s@%s (%s) in the workbook" %
                 (stem, key[1], key[2], key[0]))
        gkind, gvalue = got[key]
        where = "%s: %s@%s (%s)" % (stem, key[1], key[2], key[0])
        if gkind != kind:
            fail("%s: kessan %s %r, LibreOffice %s %r" %
                 (where, kind, value, gkind, gvalue))
        if kind == "n":
            if gvalue == float(SENTINEL) and value != gvalue:
                fail("%s: the sentinel cache survived" % where)
            scale = max(abs(value), abs(gvalue))
            if abs(value - gvalue) > RELATIVE * scale:
                fail("%s: kessan %.17g, LibreOffice %.17g" %
                     (where, value, gvalue))
        checked += 1
    extra = set(got) - set(expected)
    if extra:
        fail("%s: cells kessan does not have: %s" % (stem, sorted(extra)[:3]))
    return checked


def pick_changes(rng, inputs, count):
    """Random numeric inputs of the Inputs sheet: {(item, period): new}
    and their addresses."""
    header, numeric = inputs[0], []
    for r, row in enumerate(inputs[1:], start=1):
        for c in range(1, len(row)):
            kind, value = parse_cell(row[c])
            if kind == "n":
                numeric.append((row[0], header[c], value, r, c))
    chosen = rng.sample(numeric, min(count, len(numeric)))
    changes, addresses = {}, {}
    for item, period, value, r, c in chosen:
        new = round(value * rng.uniform(0.5, 1.5) + rng.uniform(-5, 5), 4)
        changes[(item, period)] = new
        addresses["%s%d" % (column_name(c), r + 1)] = new
    return changes, addresses


def main():
    if len(sys.argv) < 3:
        fail("usage: test_xlsx_export.py KESSAN BUILD_DIR")
    kessan = os.path.abspath(sys.argv[1])
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        skip_or_fail("LibreOffice (soffice) is not installed")
    work = tempfile.mkdtemp(prefix="kessan-xlsx-")
    try:
        run(kessan, soffice, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(kessan, soffice, work):
    script = os.path.join(work, "dump.lua")
    with open(script, "w") as f:
        f.write(DUMP_LUA)
    models = [("iij", "data/iij"), ("acme", "examples/acme")]
    seed = int(os.environ.get("KESSAN_TEST_SEED", random.randrange(1 << 30)))
    print("random models from seed %d" % seed)
    for k in range(RANDOM_MODELS):
        directory = os.path.join(work, "random%d" % k)
        write_random_model(directory, seed + k)
        models.append(("random%d" % k, directory))

    # 1. every cell, recalculated from sentinel caches
    expected, tampered, sheets = {}, [], {}
    for stem, model in models:
        plain = os.path.join(work, stem + "-plain.xlsx")
        run_kessan(kessan, script, model, plain,
                   os.path.join(work, stem + ".kessan.csv"))
        expected[stem] = read_kessan(os.path.join(work, stem + ".kessan.csv"))
        path = os.path.join(work, stem + ".xlsx")
        if tamper(plain, path) == 0:
            fail("%s: no formula in the workbook" % stem)
        with zipfile.ZipFile(path) as zf:
            sheets[stem] = sheet_files(zf)
        tampered.append(path)
    # a saved scenario exported by the command line: its statements are
    # the scenario's view, its overrides on the Inputs sheet
    scenarios = "tests/data/scenarios"
    run_kessan(kessan, script, scenarios, "-",
               os.path.join(work, "scen.kessan.csv"))
    expected["low"] = {("base",) + key[1:]: value for key, value in
                       read_kessan(os.path.join(work, "scen.kessan.csv"))
                       .items() if key[0] == "low"}
    plain = os.path.join(work, "low-plain.xlsx")
    result = subprocess.run([kessan, "export", scenarios, "--scenario", "low",
                             "--format", "xlsx", "--out", plain],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or result.stderr:
        fail("kessan export --scenario low: %s" % result.stderr)
    tamper(plain, os.path.join(work, "low.xlsx"))
    with zipfile.ZipFile(os.path.join(work, "low.xlsx")) as zf:
        sheets["low"] = sheet_files(zf)
    tampered.append(os.path.join(work, "low.xlsx"))
    profile = make_profile(os.path.join(work, "profile"), 0)
    convert(soffice, profile, tampered, os.path.join(work, "out1"))
    inputs = {}
    for stem, _ in models + [("low", scenarios)]:
        got, inputs[stem] = workbook_cells(os.path.join(work, "out1"), stem,
                                           sheets[stem])
        checked = compare(stem, expected[stem], got)
        print("%s: %d cells equal after recalculation" % (stem, checked))

    # 2. the control: without recalculation the sentinels show, so the
    # check above did see recalculated values
    control = make_profile(os.path.join(work, "profile-never"), 1)
    convert(soffice, control, [tampered[0]], os.path.join(work, "out0"))
    got, _ = workbook_cells(os.path.join(work, "out0"), models[0][0],
                            sheets[models[0][0]])
    if not any(v == ("n", float(SENTINEL)) for v in got.values()):
        fail("the control run without recalculation shows no sentinel: the "
             "test cannot tell a recalculation from the cached values")

    # 3. inputs changed in the workbook against kessan with them set
    rng = random.Random(seed)
    changed = []
    for stem, model in models:
        changes, addresses = pick_changes(rng, inputs[stem], 8)
        if not changes:
            continue
        member = dict(sheets[stem])["Inputs"]
        path = os.path.join(work, stem + "-changed.xlsx")
        set_inputs(os.path.join(work, stem + ".xlsx"), path, member,
                   addresses)
        listing = os.path.join(work, stem + ".changes")
        with open(listing, "w") as f:
            for (item, period), value in changes.items():
                f.write("%s,%s,%r\n" % (item, period, value))
        out = os.path.join(work, stem + "-changed.kessan.csv")
        run_kessan(kessan, script, model, "-", out, listing)
        cells = read_kessan(out)
        via = {("base",) + key[1:]: value for key, value in cells.items()
               if key[0] == "via-scenario"}
        expected[stem + "-changed"] = {key: value for key, value in
                                       cells.items()
                                       if key[0] != "via-scenario"}
        expected[stem + "-via"] = via
        sheets[stem + "-changed"] = sheets[stem]
        changed.append(stem + "-changed")
    convert(soffice, profile, [os.path.join(work, s + ".xlsx")
                               for s in changed], os.path.join(work, "out2"))
    for stem in changed:
        got, _ = workbook_cells(os.path.join(work, "out2"), stem,
                                sheets[stem])
        checked = compare(stem, expected[stem], got)
        # the statements against a scenario of kessan's holding the changes
        base_cells = {k: v for k, v in got.items() if k[0] == "base"}
        compare(stem + " (a scenario)", expected[stem[:-len("-changed")]
                                                 + "-via"], base_cells)
        print("%s: %d cells equal after changing inputs" % (stem, checked))
    print("ok")


if __name__ == "__main__":
    main()
