# test_xlsx_export_numbers.py -- numbers outside Excel's range in an
# exported workbook (docs/excel.md, "Numbers beyond Excel"): inputs,
# a saved scenario's override and a table's figures nearer 0 than
# 2.2250738585072014e-308 (subnormals, which Excel reads as 0) or larger
# than the 9.99999999999999e307 Excel takes typed, and formulas whose
# results are subnormal or past 1e308.  Checked: the report notes exactly
# the cells the workbook's own XML says are beyond Excel (every number
# written as a value past either end, every formula result that is
# subnormal; no input reference, nothing within the range), each with
# its number bit for bit, and `kessan export` prints the same notes; the
# workbook imports back into kessan bit for bit; and LibreOffice, which
# holds every double, recalculates every cell of it to kessan's values.
#
#     python3 tests/py/test_xlsx_export_numbers.py KESSAN_PROGRAM BUILD_DIR
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_xlsx_export as base  # noqa: E402
from test_xlsx_export_sheets import run_lua, write_model_dir  # noqa: E402

# Excel's range (its specifications and limits)
EXCEL_SMALLEST = 2.2250738585072014e-308  # 2^-1022: below it, read as 0
EXCEL_TYPED_MAX = 9.99999999999999e307

SCENARIO = "edge"

EXPORT_LUA = r'''
-- export the model with a table of edge numbers; print the report's
-- notes, one a line: kind, sheet, address, cell, number (%a), reason
local kessan = require "kessan"
local dir, xlsx = arg[1], arg[2]
local m = assert(kessan.open(dir))
local ok, report = m:export(xlsx, {format = "xlsx", sheets = {
  {name = "Edges", rows = {{"tiny", 5e-324}, {"huge", -1.5e308},
                           {"edge", 9.99999999999999e307},
                           {"normal", 2.2250738585072014e-308}}}}})
assert(ok, report)
for _, u in ipairs(report.unexpressed) do
  print(table.concat({u.number and "beyond" or "value", u.sheet, u.address,
                      u.cell, u.number and string.format("%a", u.number)
                      or "", u.reason}, "\t"))
end
'''

IMPORT_LUA = r'''
-- a model whose inputs are all 1 imports the workbook's Inputs sheet:
-- print every cell of it and of the model exported (%a: bit for bit)
local kessan = require "kessan"
local dir, blank, xlsx = arg[1], arg[2], arg[3]
local m, back = assert(kessan.open(dir)), assert(kessan.open(blank))
assert(back:import(xlsx))
for _, h in ipairs({m, back}) do
  for _, id in ipairs(h:items()) do
    for _, p in ipairs(h:periods()) do
      local v, why = h:get(id, p)
      io.write(string.format("%s@%s=%s ", id, p,
                             v and string.format("%a", v) or tostring(why)))
    end
  end
  io.write("\n")
end
'''

# the inputs: (item, period, value); the values past Excel's ends and at
# them, and (rev.c) figures whose sums and products pass 1e308 or fall
# below the smallest normal number
INPUTS = [
    ("rev.a", "1Q01", 5e-324), ("rev.a", "2Q01", -1.5e308),
    ("rev.a", "3Q01", 1.7e308), ("rev.a", "4Q01", 2.2250738585072014e-308),
    ("rev.a", "1Q02", 9.99999999999999e307),
    ("rev.a", "2Q02", math.nextafter(9.99999999999999e307, math.inf)),
    ("rev.a", "3Q02", -1e-310),
    ("rev.b", "1Q01", 1e-20), ("rev.b", "2Q01", 8.5e307),
    ("rev.b", "3Q01", -9e307), ("rev.b", "4Q01", 120),
    ("rev.b", "1Q02", 1e-300), ("rev.b", "2Q02", 6e307),
    ("rev.b", "3Q02", 3),
]
# a saved scenario's override, written in place on its sheet
OVERRIDES = [("rev.b", "3Q02", -5e-324), ("rev.b", "4Q01", 1.2e308)]

ITEMS = [
    # id, statement, rule, formula
    ("rev.a", "is", "sum", ""),
    ("rev.b", "is", "sum", ""),
    ("rev.total", "is", "sum", "rev.a + rev.b"),
    ("twice", "kpi", "formula", "rev.b * 2"),          # 1.7e308
    ("small", "kpi", "formula", "rev.b * 1e-300"),      # subnormal
    ("back", "kpi", "formula", "small * 1e300"),        # normal again
    ("ratio", "kpi", "formula", "rev.a / rev.b"),
]


def hex_bits(number):
    return struct.pack("<d", number).hex()


def write_model(directory, inputs, overrides):
    items = [[iid, iid, statement, rule, formula]
             for iid, statement, rule, formula in ITEMS]
    values = [[item, period, repr(value), ""]
              for item, period, value in inputs]
    values += [[item, period, repr(value), SCENARIO]
               for item, period, value in overrides]
    write_model_dir(directory, items, values)


# ---- what the workbook's XML says ----------------------------------------

CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)')


def column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def sheet_cells(text):
    """{(row, column): (formula or None, cached or value text, inline
    text)} of a worksheet's XML (rows and columns from 0)."""
    cells = {}
    for letters, row, body in CELL.findall(text):
        body = body or ""
        formula = re.search(r"<f>([^<]*)</f>", body)
        value = re.search(r"<v>([^<]*)</v>", body)
        inline = re.search(r"<t[^>]*>([^<]*)</t>", body)
        cells[(int(row) - 1, column_index(letters))] = (
            formula.group(1) if formula else None,
            value.group(1) if value else None,
            inline.group(1) if inline else None)
    return cells


def beyond_excel(number, typed):
    if number != 0 and abs(number) < EXCEL_SMALLEST:
        return "as 0"
    if typed and abs(number) > EXCEL_TYPED_MAX:
        return "9.99999999999999e307"
    return None


def expected_notes(xlsx):
    """{(sheet, address): (cell, number, words of the reason)} of every
    number the workbook holds that Excel would not hold as it is, found
    in its XML: a number written as a value past either end, a formula's
    result nearer 0 than the smallest normal number (not a reference to
    the Inputs sheet, whose cell is noted)."""
    notes = {}
    with zipfile.ZipFile(xlsx) as zf:
        for sheet, member in base.sheet_files(zf):
            cells = sheet_cells(zf.read(member).decode())
            header = {c: cell[2] for (r, c), cell in cells.items() if r == 0}
            items_sheet = header.get(2) == "id"
            headed = items_sheet or sheet == "Inputs"
            for (row, column), (formula, value, _) in cells.items():
                if value is None or (headed and row == 0) or \
                        (formula and formula.startswith("'Inputs'!")):
                    continue
                try:
                    number = float(value)
                except ValueError:
                    continue  # an error's text
                why = beyond_excel(number, formula is None)
                if not why:
                    continue
                if sheet == "Inputs" or items_sheet:
                    id_column = 2 if items_sheet else 0
                    cell = "%s@%s" % (cells[(row, id_column)][2],
                                      header[column])
                else:
                    cell = ""  # a table's
                address = base.column_name(column) + str(row + 1)
                notes[(sheet, address)] = (cell, number, why)
    return notes


def check_notes(kessan, work, model, xlsx):
    script = os.path.join(work, "export.lua")
    with open(script, "w") as f:
        f.write(EXPORT_LUA)
    lines = run_lua(kessan, script, model, xlsx).splitlines()
    got = {}
    for line in lines:
        kind, sheet, address, cell, number, reason = line.split("\t")
        if kind != "beyond":
            base.fail("a formula written as its value: %s" % line)
        if (sheet, address) in got:
            base.fail("%s!%s noted twice" % (sheet, address))
        got[(sheet, address)] = (cell, float.fromhex(number), reason)
    want = expected_notes(xlsx)
    if set(got) != set(want):
        base.fail("notes for %s, the workbook's numbers beyond Excel are %s"
                  % (sorted(set(got) - set(want)),
                     sorted(set(want) - set(got))))
    for key, (cell, number, why) in want.items():
        gcell, gnumber, reason = got[key]
        if gcell != cell or hex_bits(gnumber) != hex_bits(number) or \
                why not in reason:
            base.fail("%s!%s: noted as %s %r (%s), expected %s %r (%s)" %
                      (key + (gcell, gnumber, reason, cell, number, why)))
    sheets = {sheet for sheet, _ in want}
    for needed in ("Inputs", "KPI", "Scenario " + SCENARIO, "Edges"):
        if needed not in sheets:
            base.fail("no number beyond Excel on %s: %s" % (needed, sheets))
    # the command line prints the same notes
    result = subprocess.run([kessan, "export", model, "--format", "xlsx",
                             "--out", os.path.join(work, "cli.xlsx")],
                            capture_output=True, text=True, timeout=60)
    notes = [line for line in result.stderr.splitlines()
             if line.startswith("kessan: export: note: ")]
    table_notes = sum(1 for sheet, _ in want if sheet == "Edges")
    if result.returncode != 0 or len(notes) != len(want) - table_notes:
        base.fail("kessan export: status %d, %d notes for %d cells: %s" %
                  (result.returncode, len(notes), len(want) - table_notes,
                   result.stderr[:400]))
    for (sheet, address), (cell, number, why) in want.items():
        if sheet == "Edges":
            continue
        where = "note: %s!%s (%s) holds " % (sheet, address, cell)
        line = [n for n in notes if where in n]
        if len(line) != 1 or why not in line[0] or \
                float(line[0].split(" holds ")[1].split(",")[0]) != number:
            base.fail("kessan export: no note %r for %.17g: %s" %
                      (where, number, line))
    print("beyond Excel: %d cells noted, as the workbook's XML says" %
          len(want))


def check_import(kessan, work, model, xlsx):
    blank = os.path.join(work, "blank")
    write_model(blank, [(item, period, 1.0) for item, period, _ in INPUTS],
                [])
    script = os.path.join(work, "import.lua")
    with open(script, "w") as f:
        f.write(IMPORT_LUA)
    exported, back = run_lua(kessan, script, model, blank, xlsx).splitlines()
    if exported != back:
        base.fail("imported back: %s\nexported: %s" % (back, exported))
    cells = dict(re.findall(r"(\S+@\w+)=(\S+)", back))
    for item, period, value in INPUTS:
        got = cells.get("%s@%s" % (item, period), "none")
        if not got.startswith(("0x", "-0x")) or \
                hex_bits(float.fromhex(got)) != hex_bits(value):
            base.fail("%s@%s=%r came back as %s" % (item, period, value, got))
    print("imported back bit for bit: %d inputs" % len(INPUTS))


def check_libreoffice(kessan, soffice, work, model, xlsx):
    """Every cell, recalculated by LibreOffice (caches overwritten),
    equals kessan's: LibreOffice holds every double, subnormals and those
    past 1e308 included, and computes with them as kessan does."""
    dump = os.path.join(work, "dump.lua")
    with open(dump, "w") as f:
        f.write(base.DUMP_LUA)
    expected = os.path.join(work, "numbers.kessan.csv")
    run_lua(kessan, dump, model, "-", expected, "")
    tampered = os.path.join(work, "numbers.xlsx")
    base.tamper(xlsx, tampered)
    profile = base.make_profile(os.path.join(work, "profile"), 0)
    outdir = os.path.join(work, "out")
    base.convert(soffice, profile, [tampered], outdir)
    with zipfile.ZipFile(tampered) as zf:
        sheets = [s for s in base.sheet_files(zf) if s[0] != "Edges"]
    got, inputs = base.workbook_cells(outdir, "numbers", sheets)
    want = base.read_kessan(expected)
    checked = base.compare("numbers", want, got)
    # the subnormal results are LibreOffice's too, not 0
    for key, (kind, value) in want.items():
        if kind == "n" and value != 0 and abs(value) < EXCEL_SMALLEST and \
                got[key][1] == 0:
            base.fail("LibreOffice computes %s@%s as 0" % key[1:])
    print("LibreOffice: %d cells equal kessan's" % checked)


def main():
    if len(sys.argv) < 3:
        base.fail("usage: test_xlsx_export_numbers.py KESSAN BUILD_DIR")
    kessan = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="kessan-xlsx-numbers-")
    try:
        model = os.path.join(work, "model")
        write_model(model, INPUTS, OVERRIDES)
        xlsx = os.path.join(work, "numbers-plain.xlsx")
        check_notes(kessan, work, model, xlsx)
        check_import(kessan, work, model, xlsx)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            base.skip_or_fail("LibreOffice (soffice) is not installed")
        check_libreoffice(kessan, soffice, work, model, xlsx)
        print("ok")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
