# test_xlsx_import.py -- m:import of workbooks written by another program
# (openpyxl): data/iij's values as a long sheet (items named by id or by
# Japanese label) and as a wide one, beside
# a sheet of notes, read back through `kessan run` equal the figures the
# test itself reads from data/iij/values.csv; a workbook under a .csv name
# is still read as a workbook (by its content); a bad cell is refused
# naming it (book.xlsx: Inputs!C5) with nothing imported; an OLE file (a
# password-protected workbook) is refused saying so; a misspelt option
# is refused with a suggestion; `kessan score --actuals` scores the same
# from a workbook as from a CSV of the same figures.
#
#     python3 tests/py/test_xlsx_import.py KESSAN_PROGRAM BUILD_DIR
import csv
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    # the interpreter CMake found may lack it; Debian's has it
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3" \
            and not os.environ.get("KESSAN_PY_REEXEC"):
        os.environ["KESSAN_PY_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    if os.environ.get("CI") == "true":
        sys.exit("openpyxl is missing (scripts/dev/setup installs python3-openpyxl)")
    print("skipped: openpyxl is missing")
    sys.exit(77)

KESSAN = sys.argv[1]
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def number_of(text):
    """A figure of data/iij/values.csv as the release prints it, read here
    without kessan: "3,404,016", "(12,345)", "67%", "-" or "n.a" (missing: None)."""
    text = text.strip()
    if text in ("-", "n.a", "n.a.", "n/a"):
        return None
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = text.replace(",", "")
    if text.endswith("%"):
        text = text[:-1] + "e-2"  # 67% is 67e-2, correctly rounded
    value = float(text)
    return -value if negative else value


def read_values():
    with open(os.path.join(SOURCE, "data/iij/values.csv"), newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["item", "period", "value"], rows[0]
    return [(item, period, number_of(value)) for item, period, value in rows[1:]]


def japanese_labels():
    """Item id -> its Japanese label, for the labels that name one item and
    that no item has as its id (a label stands for the id on import)."""
    with open(os.path.join(SOURCE, "data/iij/items.csv"), newline="") as f:
        items = list(csv.DictReader(f))
    ids = {item["id"] for item in items}
    count = {}
    for item in items:
        for label in (item["label"], item["label_ja"]):
            if label:
                count[label] = count.get(label, 0) + 1
    return {item["id"]: item["label_ja"] for item in items
            if item["label_ja"] and count[item["label_ja"]] == 1
            and item["label_ja"] not in ids}


def write_book(path, values, bad_cell=None):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "IIJ, figures of the 3Q02 release"
    long_sheet = book.create_sheet("Inputs")
    long_sheet.append(["item", "period", "value"])
    labels = japanese_labels()
    for row, (item, period, value) in enumerate(values):
        # every other row names its item by its Japanese label
        name = labels.get(item, item) if row % 2 else item
        long_sheet.append([name, period, "-" if value is None else value])
    if bad_cell:
        long_sheet[bad_cell] = "abc"
    wide = book.create_sheet("Wide")
    periods = sorted({p for _, p, _ in values})
    items = []
    for item, _, _ in values:
        if item not in items:
            items.append(item)
    wide.append(["item"] + periods)
    cells = {(i, p): v for i, p, v in values}
    for item in items:
        row = [item]
        for period in periods:
            if (item, period) not in cells:
                row.append(None)
            else:
                value = cells[(item, period)]
                row.append("-" if value is None else value)
        wide.append(row)
    book.save(path)


def run_lua(work, script):
    path = os.path.join(work, "script.lua")
    with open(path, "w") as f:
        f.write(script)
    done = subprocess.run([KESSAN, "run", path], cwd=work, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


PRINT_CELLS = """
local kessan = require "kessan"
local m = assert(kessan.open("chart"))
local ok, why = m:import(%s, %s)
if not ok then print("refused", why) return end
for line in io.lines("cells.txt") do
  local value, reason = m:get(line)
  print(line, value and string.format("%%.17g", value) or "missing")
end
"""


def expect_cells(work, path, options, values):
    code, out, err = run_lua(work, PRINT_CELLS % (repr(path).replace("'", '"'), options))
    assert code == 0, err
    got = dict(line.split("\t") for line in out.splitlines())
    assert len(got) == len(values), out[:2000]
    for item, period, value in values:
        shown = got["%s@%s" % (item, period)]
        if value is None:
            assert shown == "missing", (item, period, shown)
        else:
            assert float(shown) == value, (item, period, shown, value)


def expect_same_scores(work):
    """kessan score --actuals takes a workbook: the same scores as from the
    same figures in a CSV."""
    with open(os.path.join(work, "next.csv"), "w") as f:
        f.write('item,period,value\nrev.total,4Q02,"12,731,000"\n'
                'op_income,4Q02,"-202,000"\n')
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actuals"
    for row in (["item", "period", "value"], ["rev.total", "4Q02", 12731000],
                ["op_income", "4Q02", "-202,000"]):
        sheet.append(row)
    book.save(os.path.join(work, "next.xlsx"))
    outputs = []
    for actuals in ("next.csv", "next.xlsx"):
        done = subprocess.run([KESSAN, "score", os.path.join(SOURCE, "data/iij"),
                               os.path.join(SOURCE, "scripts/score_4q02.lua"),
                               "--actuals", actuals], cwd=work,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and "3 scored" in outputs[0], outputs


def main():
    values = read_values()
    work = tempfile.mkdtemp(prefix="kessan-xlsx-import-")
    try:
        os.mkdir(os.path.join(work, "chart"))
        for name in ("settings.csv", "items.csv"):
            shutil.copy(os.path.join(SOURCE, "data/iij", name),
                        os.path.join(work, "chart", name))
        with open(os.path.join(work, "cells.txt"), "w") as f:
            for item, period, _ in values:
                f.write("%s@%s\n" % (item, period))
        write_book(os.path.join(work, "book.xlsx"), values)
        # the sheet holding values is found; reported figures may set
        # formula cells as the release prints them (override)
        expect_cells(work, "book.xlsx", "{override = true}", values)
        expect_cells(work, "book.xlsx", '{override = true, sheet = "Wide"}', values)
        shutil.copy(os.path.join(work, "book.xlsx"), os.path.join(work, "values.csv"))
        expect_cells(work, "values.csv", "{override = true}", values)

        # a bad cell: refused where it is, nothing imported
        write_book(os.path.join(work, "bad.xlsx"), values, bad_cell="C5")
        code, out, err = run_lua(work, """
local kessan = require "kessan"
local m = assert(kessan.open("chart"))
print(m:import("bad.xlsx", {override = true}))
print(m:get("%s@%s"))
""" % values[0][:2])
        assert code == 0, err
        lines = out.splitlines()
        assert lines[0] == ("nil\tbad.xlsx: Inputs!C5: expected a number like "
                            "1,234 or (566,520), got 'abc'"), lines[0]
        assert lines[1].startswith("nil"), lines[1]

        # an OLE container, as Excel saves a workbook with a password
        with open(os.path.join(work, "secret.xlsx"), "wb") as f:
            f.write(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504))
        code, out, err = run_lua(work, """
local kessan = require "kessan"
local m = assert(kessan.open("chart"))
print(m:import("secret.xlsx"))
print(pcall(m.import, m, "book.xlsx", {shet = "Wide"}))
""")
        assert code == 0, err
        lines = out.splitlines()
        assert "password-protected" in lines[0] and "secret.xlsx" in lines[0], lines[0]
        assert "unknown option 'shet' (did you mean 'sheet'?)" in lines[1], lines[1]
        expect_same_scores(work)
    finally:
        shutil.rmtree(work)
    print("ok: %d values through three sheets and names" % len(values))


main()
