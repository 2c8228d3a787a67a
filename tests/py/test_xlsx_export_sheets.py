# test_xlsx_export_sheets.py -- what the workbook export writes besides
# the statements, read back through LibreOffice: the sheets option (a
# data table, a tornado, a simulation and a table of one's own, each a
# sheet whose figures equal what the Lua objects say), formulas a
# spreadsheet cannot hold (longer than 8,192 characters, nested deeper
# than 64 functions: listed in the report, written as kessan's value with
# a comment, the rest of the workbook still recalculating to kessan's
# values), text no sheet may hold (control characters, bytes that are not
# UTF-8) written as U+FFFD, sheet names a spreadsheet refuses mended or
# longer than its 31 characters (UTF-16 code units) cut, as LibreOffice
# reads them, with the formulas across sheets so named recalculating to
# kessan's values, and bad `sheets` entries refused with nothing written.
#
#     python3 tests/py/test_xlsx_export_sheets.py KESSAN_PROGRAM BUILD_DIR
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_xlsx_export as base  # noqa: E402

SHEETS_LUA = r'''
-- export data/iij with a data table, a tornado, a simulation and a table
-- of one's own; write what each holds as "sheet,row,col,value" lines
local kessan = require "kessan"
local xlsx, out = arg[1], arg[2]
local m = assert(kessan.open("data/iij"))
local g = m:datatable{rows = {"rev.si@3Q02", {3e6, 3.5e6, 4e6}},
                      out = {"op_income@3Q02", "rev.total@3Q02"}}
local bars = m:tornado{out = "op_income@3Q02",
                       inputs = {"rev.si@3Q02", "rev.dedicated@3Q02"}}
local r = m:simulate{trials = 2000, seed = 7, keep = true,
                     draws = {["rev.si@3Q02"] = kessan.uniform(3e6, 4e6)},
                     outputs = {"op_income@3Q02", "rev.total@3Q02"}}
local ok, report = m:export(xlsx, {format = "xlsx", sheets = {
  g, bars, r, {name = "Mine", rows = {{"a", 1.5}, {"b", 2, "c"}}},
  -- text no sheet may hold as it is: a control character, a bad byte
  {name = "Bad\1name", rows = {{"a\1b\255c", 3}}}}})
assert(ok, report)
local f = assert(io.open(out, "w"))
local function put(sheet, row, col, v)
  f:write(string.format("%s,%d,%d,%s\n", sheet, row, col,
          type(v) == "number" and string.format("%.17g", v) or tostring(v)))
end
-- the data table: per output a header row, a row per value, a blank row
local row = 1
for k = 1, #g.outputs do
  put("Data table", row, 1, g.outputs[k])
  local t = g:out(k)
  for i = 1, #g.rows do
    put("Data table", row + i, 1, g.rows[i])
    put("Data table", row + i, 2, t[i][1])
  end
  row = row + #g.rows + 2
end
put("Tornado", 1, 2, bars.out)
put("Tornado", 1, 4, bars.base)
for i, bar in ipairs(bars) do
  put("Tornado", i + 2, 1, bar.input)
  put("Tornado", i + 2, 4, bar.low)
  put("Tornado", i + 2, 7, bar.out_high)
  put("Tornado", i + 2, 8, bar.spread)
end
for k, name in ipairs({"op_income@3Q02", "rev.total@3Q02"}) do
  put("Simulation", k + 1, 1, name)
  put("Simulation", k + 1, 5, r:mean(name))
  put("Simulation", k + 1, 10, r:percentile(name, 50))
  put("Simulation", k + 1, 13, r:max(name))
end
put("Mine", 1, 1, "a"); put("Mine", 1, 2, 1.5)
put("Mine", 2, 1, "b"); put("Mine", 2, 2, 2); put("Mine", 2, 3, "c")
put("Bad\u{FFFD}name", 1, 1, "a\u{FFFD}b\u{FFFD}c")
put("Bad\u{FFFD}name", 1, 2, 3)
f:close()
'''

NAMES_LUA = r'''
-- tables whose names a spreadsheet would refuse as they are
local kessan = require "kessan"
local m = assert(kessan.open("tests/data/tiny"))
local long = string.rep("売上高", 12)
assert(m:export(arg[1], {format = "xlsx", sheets = {
  {name = "'Bad:name[1]'", rows = {{1}}},
  {name = "inputs", rows = {{2}}},
  {name = long, rows = {{3}}},
  {name = long, rows = {{4}}},
  {name = "", rows = {{5}}},
  -- cut at 31 characters to end in an apostrophe, mended to '_': it must
  -- still differ from the name it then looks like
  {name = string.rep("x", 30) .. "_", rows = {{6}}},
  {name = string.rep("x", 30) .. "'more", rows = {{7}}},
  -- the same to Excel, which compares names without regard to case
  {name = "Ärger", rows = {{8}}},
  {name = "äRGER", rows = {{9}}},
  {name = "Σ итог", rows = {{10}}},
  {name = "σ ИТОГ", rows = {{11}}},
  -- a name Excel keeps for itself
  {name = "history", rows = {{12}}},
  -- cut at a whole character
  {name = string.rep("😀", 16), rows = {{13}}},
  -- Excel's 31 characters are UTF-16 code units: 31 CJK whole, 32 cut;
  -- a character past U+FFFF counts two and is never cut in half
  {name = string.rep("決", 31), rows = {{14}}},
  {name = string.rep("算", 32), rows = {{15}}},
  {name = string.rep("😀", 15) .. "a", rows = {{16}}},
  {name = "a" .. string.rep("😀", 15), rows = {{17}}},
  {name = "ab" .. string.rep("😀", 15), rows = {{18}}},
  {name = string.rep("表", 30) .. "😀", rows = {{19}}},
  -- the same once cut, and unique again
  {name = string.rep("表", 30) .. "🎉", rows = {{20}}},
  {name = string.rep("表", 30) .. "x", rows = {{21}}},
  {name = string.rep("😀", 16) .. "b", rows = {{22}}},
  {name = "Ｋ" .. string.rep("表", 31), rows = {{23}}},
  {name = "ｋ" .. string.rep("表", 31), rows = {{24}}},
  -- cut to end in an apostrophe
  {name = string.rep("表", 30) .. "'表", rows = {{25}}},
}}))
'''

LIMITS_LUA = r'''
-- export a model whose formulas a spreadsheet cannot hold; print the
-- report's unexpressed cells, then dump every cell as test_xlsx_export's
-- dump does
local kessan = require "kessan"
local dir, xlsx = arg[1], arg[2]
local m = assert(kessan.open(dir))
local ok, report = m:export(xlsx, {format = "xlsx"})
assert(ok, report)
for _, u in ipairs(report.unexpressed) do
  print(u.sheet, u.address, u.cell, u.reason)
end
'''

HOSTILE_LUA = r'''
-- bad sheets entries: each refused with a message, no file left
local kessan = require "kessan"
local path = arg[1]
local m = assert(kessan.open("data/iij"))
local cases = {
  {sheets = {42}, want = "sheets%[1%]: a data table, tornado, simulation"},
  {sheets = {{name = "x", rows = {{{}}}}}, want = "a number or string"},
  {sheets = {{name = "x", rows = {7}}}, want = "row 1 is not a table"},
  {sheets = "all", want = "a list expected"},
}
for i, case in ipairs(cases) do
  local ok, err = pcall(m.export, m, path, {format = "xlsx",
                                            sheets = case.sheets})
  assert(not ok, "case " .. i .. " was not refused")
  assert(tostring(err):match(case.want),
         "case " .. i .. ": " .. tostring(err))
  assert(not io.open(path), "case " .. i .. " left a file")
end
local ok, err = pcall(m.export, m, path, {format = "csv", sheets = {}})
assert(not ok and tostring(err):match("sheets"), tostring(err))
print("refused")
'''


def write_sums_model(directory, inputs, formulas, last_year=2002):
    """Inputs a0, a1, ... on the income statement, a number each quarter
    from 2001 to last_year, and `formulas` ((id, label, formula), ...)
    on the KPI sheet."""
    os.makedirs(directory)
    with open(os.path.join(directory, "settings.csv"), "w") as f:
        f.write("key,value\nfiscal_year_end_month,3\nfirst_year,2001\n"
                "last_year,%d\n" % last_year)
    ids = ["a%d" % k for k in range(inputs)]
    with open(os.path.join(directory, "items.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label", "statement", "rule", "formula"])
        for iid in ids:
            w.writerow([iid, "Input " + iid, "is", "sum", ""])
        for fid, label, formula in formulas:
            w.writerow([fid, label, "kpi", "formula", formula])
    with open(os.path.join(directory, "values.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "period", "value"])
        for k, iid in enumerate(ids):
            for q in range(1, 5):
                for y in range(1, last_year - 2000 + 1):
                    w.writerow([iid, "%dQ%02d" % (q, y), 100 + k + q * y])
    return ids


def write_limits_model(directory, inputs=450, depth=70):
    """A model with a sum too long for a spreadsheet formula once its
    references name another sheet, and a formula nested too deep."""
    ids = ["a%d" % k for k in range(inputs)]
    write_sums_model(directory, inputs, [
        ("total", "Total", "sum(%s)" % ", ".join(ids)),
        ("deep", "Deep", "abs(" * depth + "a1 - a2 / a3" + ")" * depth),
        ("after", "After", "total / deep")])


def run_lua(kessan, script, *args):
    result = subprocess.run([kessan, "run", script] + list(args),
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        base.fail("kessan %s: %s%s" % (script, result.stdout, result.stderr))
    return result.stdout


def check_sheets(kessan, soffice, work, profile):
    script = os.path.join(work, "sheets.lua")
    with open(script, "w") as f:
        f.write(SHEETS_LUA)
    xlsx = os.path.join(work, "sheets.xlsx")
    expected_path = os.path.join(work, "sheets.expected")
    run_lua(kessan, script, xlsx, expected_path)
    outdir = os.path.join(work, "out-sheets")
    base.convert(soffice, profile, [xlsx], outdir)
    checked = 0
    with open(expected_path, newline="") as f:
        for sheet, row, col, value in csv.reader(f):
            rows = base.sheet_csv(outdir, "sheets", sheet)
            row, col = int(row) - 1, int(col) - 1
            got = rows[row][col] if row < len(rows) and col < len(rows[row]) \
                else ""
            try:
                want = float(value)
            except ValueError:
                if got != value:
                    base.fail("%s row %d col %d: %r, LibreOffice %r" %
                              (sheet, row + 1, col + 1, value, got))
            else:
                if abs(float(got) - want) > base.RELATIVE * abs(want):
                    base.fail("%s row %d col %d: %.17g, LibreOffice %s" %
                              (sheet, row + 1, col + 1, want, got))
            checked += 1
    print("sheets option: %d figures equal" % checked)


def check_limits(kessan, soffice, work, profile):
    model = os.path.join(work, "limits")
    write_limits_model(model)
    script = os.path.join(work, "limits.lua")
    with open(script, "w") as f:
        f.write(LIMITS_LUA)
    dump = os.path.join(work, "dump.lua")
    with open(dump, "w") as f:
        f.write(base.DUMP_LUA)
    plain = os.path.join(work, "limits-plain.xlsx")
    lines = run_lua(kessan, script, model, plain).splitlines()
    reasons = {}
    for line in lines:
        sheet, address, cell, reason = line.split("\t")
        reasons[cell] = reason
        if sheet != "KPI" or not address[0].isalpha():
            base.fail("unexpressed cell placed at %s!%s" % (sheet, address))
    for cell, word in (("total@1Q01", "longer"), ("deep@3Q02", "nests")):
        if word not in reasons.get(cell, ""):
            base.fail("%s not reported as %s: %s" % (cell, word, reasons))
    if any(cell.startswith("after@") for cell in reasons):
        base.fail("a formula that fits was reported: %s" % reasons)
    # the command line says the same, as notes on standard error
    result = subprocess.run([kessan, "export", model, "--format", "xlsx",
                             "--out", os.path.join(work, "cli.xlsx")],
                            capture_output=True, text=True, timeout=60)
    notes = [line for line in result.stderr.splitlines()
             if line.startswith("kessan: export: note: KPI!")]
    if result.returncode != 0 or len(notes) != len(reasons):
        base.fail("kessan export: status %d, %d notes for %d cells: %s" %
                  (result.returncode, len(notes), len(reasons),
                   result.stderr[:300]))
    with zipfile.ZipFile(plain) as zf:
        comments = "".join(zf.read(n).decode() for n in zf.namelist()
                           if "comments" in n)
    if comments.count("not a formula") != len(reasons):
        base.fail("%d comments for %d unexpressed cells" %
                  (comments.count("not a formula"), len(reasons)))
    # the rest still recalculates: caches overwritten, values compared
    expected = os.path.join(work, "limits.kessan.csv")
    run_lua(kessan, dump, model, "-", expected, "")
    tampered = os.path.join(work, "limits.xlsx")
    base.tamper(plain, tampered)
    outdir = os.path.join(work, "out-limits")
    base.convert(soffice, profile, [tampered], outdir)
    with zipfile.ZipFile(tampered) as zf:
        sheets = base.sheet_files(zf)
    got, _ = base.workbook_cells(outdir, "limits", sheets)
    checked = base.compare("limits", base.read_kessan(expected), got)
    print("limits: %d cells reported, %d cells equal" % (len(reasons),
                                                        checked))


def units(text):
    """The characters Excel counts in a name: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def unit_prefix(text, count):
    """The longest run of whole characters of `text` that is at most
    `count` UTF-16 code units."""
    kept = ""
    for char in text:
        if units(kept + char) > count:
            break
        kept += char
    return kept


def check_names(kessan, work, soffice=None, profile=None):
    script = os.path.join(work, "names.lua")
    with open(script, "w") as f:
        f.write(NAMES_LUA)
    path = os.path.join(work, "names.xlsx")
    run_lua(kessan, script, path)
    with zipfile.ZipFile(path) as zf:
        names = [name for name, _ in base.sheet_files(zf)]
    made = names[-25:]
    long = "売上高" * 12
    smile, table = "😀", "表"
    want = ["_Bad_name_1__", "inputs (2)", unit_prefix(long, 31),
            unit_prefix(long, 27) + " (2)", "Sheet", "x" * 30 + "_",
            "x" * 27 + " (2)", "Ärger", "äRGER (2)", "Σ итог", "σ ИТОГ (2)",
            "history (2)", unit_prefix(smile * 16, 31),
            "決" * 31, unit_prefix("算" * 32, 31), smile * 15 + "a",
            "a" + smile * 15, unit_prefix("ab" + smile * 15, 31),
            table * 30, unit_prefix(table * 30, 27) + " (2)",
            table * 30 + "x", unit_prefix(smile * 16, 27) + " (2)",
            unit_prefix("Ｋ" + table * 31, 31),
            unit_prefix("ｋ" + table * 31, 27) + " (2)", table * 30 + "_"]
    if made != want:
        base.fail("sheet names %r, expected %r" % (made, want))
    # what the names were cut to, as much as Excel takes
    for name, units_wanted in ((want[2], 31), (want[12], 30),
                               (want[15], 31), (want[17], 30),
                               (want[18], 30), (want[21], 30)):
        if units(name) != units_wanted:
            base.fail("sheet name %r: %d characters, expected %d" %
                      (name, units(name), units_wanted))
    if len(set(n.casefold() for n in names)) != len(names):
        base.fail("sheet names not unique: %r" % names)
    for name in names:
        if units(name) > 31:
            base.fail("sheet name %r: more than 31 characters" % name)
    if soffice:
        convert_reading_names(soffice, profile, path,
                              os.path.join(work, "out-names"), names)
    print("sheet names: %d made as Excel takes them" % len(want))


def convert_reading_names(soffice, profile, path, outdir, names):
    """LibreOffice converts the workbook at `path` into outdir, a CSV a
    sheet, each named STEM-SHEET.csv by the sheet's name as LibreOffice
    read it: those names must be `names`."""
    base.convert(soffice, profile, [path], outdir)
    prefix = os.path.basename(path)[:-len(".xlsx")] + "-"
    read = sorted(name[len(prefix):-len(".csv")]
                  for name in os.listdir(outdir)
                  if name.startswith(prefix) and name.endswith(".csv"))
    if read != sorted(names):
        base.fail("LibreOffice reads the sheets as %r, kessan wrote %r" %
                  (read, sorted(names)))


# statements and a saved scenario whose names are longer than a sheet's:
# cut, two alike once cut, one of characters past U+FFFF, one cut to end
# in an apostrophe; formulas across all of them
LONG_STATEMENT = "連結損益計算書" + "の詳細" * 10
LONG_NAMES = {
    "a": LONG_STATEMENT,
    "b": LONG_STATEMENT + "その二",
    "c": "😀" * 20,
    "d": "利益'" * 10 + "'x",
}
LONG_SCENARIO = "楽観シナリオ（上期の売上高が想定を上回る場合）"


def write_model_dir(directory, items, values):
    """A model directory of 2001-2002: `items` rows (id, label, statement,
    rule, formula), `values` rows (item, period, value, scenario)."""
    os.makedirs(directory)
    with open(os.path.join(directory, "settings.csv"), "w") as f:
        f.write("key,value\nfiscal_year_end_month,3\nfirst_year,2001\n"
                "last_year,2002\n")
    with open(os.path.join(directory, "items.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label", "statement", "rule", "formula"])
        w.writerows(items)
    with open(os.path.join(directory, "values.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "period", "value", "scenario"])
        w.writerows(values)


def write_long_names_model(directory):
    items = [["a1", "A one", LONG_NAMES["a"], "sum", ""],
             ["a2", "A two", LONG_NAMES["a"], "sum", ""],
             ["b1", "B one", LONG_NAMES["b"], "sum", "a1 * 2"],
             ["c1", "C one", LONG_NAMES["c"], "sum", "b1 + a2"],
             ["d1", "D one", LONG_NAMES["d"], "formula", "c1 / a1"],
             ["e1", "E one", LONG_NAMES["a"], "formula", "d1 * a2"]]
    values = []
    for year in (1, 2):
        for q in range(1, 5):
            period = "%dQ%02d" % (q, year)
            values.append(["a1", period, 100 + q * year, ""])
            values.append(["a2", period, 50 + q, ""])
    values.append(["a1", "3Q02", 500, LONG_SCENARIO])
    values.append(["a2", "1Q01", 7, LONG_SCENARIO])
    write_model_dir(directory, items, values)


def check_long_names(kessan, soffice, work, profile):
    """Statement and scenario sheets with names cut to Excel's 31
    characters: LibreOffice reads those names, and every formula that
    refers to another sheet by its name recalculates to kessan's value."""
    model = os.path.join(work, "long-names")
    write_long_names_model(model)
    dump = os.path.join(work, "dump-long.lua")
    with open(dump, "w") as f:
        f.write(base.DUMP_LUA)
    plain = os.path.join(work, "long-plain.xlsx")
    expected = os.path.join(work, "long.kessan.csv")
    run_lua(kessan, dump, model, plain, expected, "")
    with zipfile.ZipFile(plain) as zf:
        sheets = base.sheet_files(zf)
        formulas = "".join(zf.read(member).decode() for _, member in sheets)
    names = [name for name, _ in sheets]
    scenario_sheet = unit_prefix("Scenario " + LONG_SCENARIO, 31)
    want = [unit_prefix(LONG_NAMES["a"], 31),
            unit_prefix(LONG_NAMES["b"], 27) + " (2)",
            unit_prefix(LONG_NAMES["c"], 31),
            unit_prefix(LONG_NAMES["d"], 30) + "_", "Inputs", scenario_sheet]
    if names != want:
        base.fail("long sheet names %r, expected %r" % (names, want))
    for name in want[:4]:  # each referred to from another sheet, quoted
        if "'%s'!" % name.replace("'", "''") not in formulas:
            base.fail("no formula refers to the sheet %r" % name)
    tampered = os.path.join(work, "long.xlsx")
    if base.tamper(plain, tampered) == 0:
        base.fail("long names: no formula cache to overwrite")
    outdir = os.path.join(work, "out-long")
    convert_reading_names(soffice, profile, tampered, outdir, names)
    got, _ = base.workbook_cells(outdir, "long", sheets)
    # the scenario's sheet is named by its name cut: key it by the name
    cut = scenario_sheet[len("Scenario "):]
    got = {((LONG_SCENARIO if key[0] == cut else key[0]),) + key[1:]: cell
           for key, cell in got.items()}
    checked = base.compare("long", base.read_kessan(expected), got)
    print("long names: %d cells equal across %d sheets" % (checked,
                                                         len(names)))


ERRORS_LUA = r'''
-- items whose every cell is an error of one kind: print each item's row
local kessan = require "kessan"
local m = assert(kessan.open("tests/data/tiny"))
m:define("e.div", "rev.a / 0", {statement = "kpi"})
m:define("e.offset", "rev.a[-8]", {statement = "kpi"})
m:define("e.pow", "(0 - rev.a) ^ 0.5", {statement = "kpi"})
for _, id in ipairs{"e.div", "e.offset", "e.pow"} do
  local _, why = m:get(id, "1Q01")
  print(id, why)
end
assert(m:export(arg[1], {format = "xlsx"}))
'''


def check_error_cache(kessan, work):
    """A formula giving an error caches it as an error value (t="e"), the
    one the formula gives when recalculated: #DIV/0! for a division by
    zero, #N/A for an offset to no period (NA()), #NUM! otherwise; a
    missing result is "" (t="str")."""
    script = os.path.join(work, "errors.lua")
    with open(script, "w") as f:
        f.write(ERRORS_LUA)
    path = os.path.join(work, "errors.xlsx")
    out = run_lua(kessan, script, path)
    want = {"e.div": "#DIV/0!", "e.offset": "#N/A", "e.pow": "#NUM!"}
    for line in out.splitlines():  # kessan's reason, that it is one
        item, why = line.split("\t", 1)
        if why in ("nil", ""):
            base.fail("%s@1Q01 is no error in kessan: %s" % (item, why))
    with zipfile.ZipFile(path) as zf:
        member = dict(base.sheet_files(zf))["KPI"]
        text = zf.read(member).decode()
    seen = set()
    for row in re.findall(r"<row [^>]*>.*?</row>", text):
        ids = re.findall(r"<t>(e\.\w+)</t>", row)
        if not ids:
            continue
        cells = re.findall(r'<c r="[A-Z]+\d+"[^>]*?( t="\w+")?><f>[^<]*</f>'
                           r'<v>([^<]*)</v>', row)
        for kind, value in cells:
            if kind == ' t="str"' and value == "":
                continue  # missing where the operand is
            if kind != ' t="e"' or value != want[ids[0]]:
                base.fail("%s: cached as%s %r, expected the error %s" %
                          (ids[0], kind or " a number", value,
                           want[ids[0]]))
            seen.add(ids[0])
    if seen != set(want):
        base.fail("formula cells of %s not found" % (set(want) - seen))
    print("errors cached as the errors the formulas give")


def check_stdout(kessan):
    """A workbook written to standard output (no temporary beside it) is
    a whole one."""
    import io
    result = subprocess.run([kessan, "export", "tests/data/scenarios",
                             "--format", "xlsx", "--out", "/dev/stdout"],
                            capture_output=True, timeout=60)
    if result.returncode != 0:
        base.fail("export to /dev/stdout: %s" % result.stderr)
    with zipfile.ZipFile(io.BytesIO(result.stdout)) as zf:
        if zf.testzip() is not None or "xl/workbook.xml" not in \
                zf.namelist():
            base.fail("export to /dev/stdout: not a whole workbook")


def check_hostile(kessan, work):
    script = os.path.join(work, "hostile.lua")
    with open(script, "w") as f:
        f.write(HOSTILE_LUA)
    out = run_lua(kessan, script, os.path.join(work, "never.xlsx"))
    if "refused" not in out:
        base.fail("hostile sheets: %s" % out)


def main():
    if len(sys.argv) < 3:
        base.fail("usage: test_xlsx_export_sheets.py KESSAN BUILD_DIR")
    kessan = os.path.abspath(sys.argv[1])
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        base.skip_or_fail("LibreOffice (soffice) is not installed")
    work = tempfile.mkdtemp(prefix="kessan-xlsx-sheets-")
    try:
        profile = base.make_profile(os.path.join(work, "profile"), 0)
        check_hostile(kessan, work)
        check_names(kessan, work, soffice, profile)
        check_long_names(kessan, soffice, work, profile)
        check_error_cache(kessan, work)
        check_stdout(kessan)
        check_sheets(kessan, soffice, work, profile)
        check_limits(kessan, soffice, work, profile)
        print("ok")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
