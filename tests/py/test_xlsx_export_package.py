# test_xlsx_export_package.py -- the workbook export's package as a
# spreadsheet reads it: every part well-formed XML (xmllint), the zip's
# entries exactly the OOXML parts expected (content types naming each,
# every relationship's target there, a worksheet's elements in the order
# the schema wants, every cell's format in styles.xml, no entry in the
# Zip64 form), on workbooks made to be hard: labels with XML's
# special characters, control characters, CJK, leading and trailing
# spaces, a label longer than a cell holds; a statement whose sheet name
# needs quoting in the formulas that refer to it; sums whose formulas come
# near Excel's 8,192 characters and past it (written as values, with
# comments, on two sheets: the KPI statement and a saved scenario's),
# and notes past the 1,024 shape ids of a drawing's first block on two
# sheets (each shape id the workbook's only one, in a block its drawing
# claims).  LibreOffice then recalculates the hostile workbooks (cached
# values overwritten first) and must show kessan's values and the labels
# as written.  An export to a path that cannot be written fails naming
# it and leaves nothing behind.  SOURCE_DATE_EPOCH set, two exports of a
# model are byte-identical, dated as it says.
#
#     python3 tests/py/test_xlsx_export_package.py KESSAN_PROGRAM BUILD_DIR
import csv
import html
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
import test_xlsx_export_sheets as sheets_test  # noqa: E402

QUOTED_STATEMENT = "it's & <co>"
LONG_LABEL = "x" * 40000
LONG_JA = "長" * 12000
CELL_MAX = 32767
LABELS = {
    "sales": "Sales & <b>\"quoted\"</b> it's",
    "ctl": "ctl\x01\x1fend",
    "pad": "  padded  ",
    "long": LONG_LABEL,
}

# The worksheet's children in the order the schema (CT_Worksheet) wants.
WORKSHEET_ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr",
                   "cols", "sheetData", "sheetProtection", "autoFilter",
                   "mergeCells", "conditionalFormatting", "dataValidations",
                   "hyperlinks", "printOptions", "pageMargins", "pageSetup",
                   "headerFooter", "drawing", "legacyDrawing"]

EXPORT_LUA = r'''
-- export arg[1] to arg[2]; print the report's unexpressed cells
local kessan = require "kessan"
local m = assert(kessan.open(arg[1]))
local ok, report = m:export(arg[2], {format = "xlsx"})
assert(ok, report)
print(#report.unexpressed)
for _, u in ipairs(report.unexpressed) do print(u.cell .. "\t" .. u.reason) end
'''

FAIL_LUA = r'''
-- an export to arg[1] must fail naming it
local kessan = require "kessan"
local m = assert(kessan.open("tests/data/scenarios"))
local called, ok, err = pcall(m.export, m, arg[1], {format = "xlsx"})
assert(not (called and ok), "the export to " .. arg[1] .. " did not fail")
local message = tostring(called and err or ok)
assert(message:find(arg[1], 1, true), message)
print("refused: " .. message)
'''


def write_hostile_model(directory):
    os.makedirs(directory)
    with open(os.path.join(directory, "settings.csv"), "w") as f:
        f.write("key,value\nname,Hostile\nfiscal_year_end_month,3\n"
                "first_year,2001\nlast_year,2002\n")
    items = [
        ("sales", LABELS["sales"], "売上高（連結）", "JPY thousands",
         QUOTED_STATEMENT, "", "sum", ""),
        ("ctl", LABELS["ctl"], "", "", QUOTED_STATEMENT, "sales", "sum", ""),
        ("pad", LABELS["pad"], "", "", "is", "", "sum", ""),
        ("long", LONG_LABEL, LONG_JA, "", "is", "", "sum", ""),
        ("total", "Total <all>", "合計", "", "is", "", "formula",
         "sales + ctl + pad + long"),
        ("ratio", "Ratio", "", "ratio", "kpi", "", "formula",
         "if(sales > 0, ctl / sales, 0)"),
    ]
    with open(os.path.join(directory, "items.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label", "label_ja", "unit", "statement",
                    "parent", "rule", "formula"])
        w.writerows(items)
    with open(os.path.join(directory, "values.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "period", "value"])
        for k, iid in enumerate(["sales", "ctl", "pad", "long"]):
            for year in (1, 2):
                for q in range(1, 5):
                    w.writerow([iid, "%dQ0%d" % (q, year),
                                repr(100 + k + q * year + 1 / 3)])


def write_near_limit_model(directory, inputs=450):
    """Sums of more and more inputs on another sheet: their formulas run
    from short to past Excel's 8,192 characters; min and max past the 255
    arguments a function takes, and at it."""
    ids = ["a%d" % k for k in range(inputs)]
    formulas = [("sum_%d" % n, "Sum of %d" % n, "sum(%s)" % ", ".join(ids[:n]))
                for n in range(250, inputs + 1, 5)]
    formulas.append(("min_300", "Min of 300",
                     "min(%s)" % ", ".join(ids[:300])))
    formulas.append(("max_255", "Max of 255",
                     "max(%s)" % ", ".join(ids[:255])))
    sheets_test.write_sums_model(directory, inputs, formulas, last_year=2001)


def add_scenario(directory, name, item, period, value):
    """A saved scenario overriding one input (values.csv's scenario
    column): its sheet holds the model's formulas too."""
    path = os.path.join(directory, "values.csv")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append("scenario")
    for row in rows[1:]:
        row.append("")
    rows.append([item, period, str(value), name])
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)


# ---- the package ---------------------------------------------------------------

def fail(message):
    base.fail(message)


def resolve(source, target):
    """A relationship's target as a part name, from the part it is in."""
    folder = os.path.dirname(os.path.dirname(source))  # beside _rels/
    return os.path.normpath(os.path.join(folder, target)).lstrip("/")


def check_well_formed(zf, work, stem):
    folder = os.path.join(work, stem + "-parts")
    zf.extractall(folder)
    files = [os.path.join(folder, name) for name in zf.namelist()]
    result = subprocess.run(["xmllint", "--noout"] + files,
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        fail("%s: parts not well-formed XML: %s" % (stem,
                                                    result.stderr[:500]))
    shutil.rmtree(folder)


def check_worksheet_order(stem, name, text):
    body = re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", text,
                  flags=re.S)
    children = re.findall(r"<(\w+)[ />]", body.split("<worksheet", 1)[1])
    top = [c for c in children if c in WORKSHEET_ORDER]
    ranks = [WORKSHEET_ORDER.index(c) for c in top]
    if ranks != sorted(ranks) or len(set(top)) != len(top):
        fail("%s: %s: worksheet elements out of order: %s" %
             (stem, name, top))


def check_local_headers(path, zf, stem):
    """Plain zip entries: no Zip64 form, which some readers refuse, in a
    workbook far below 4 GB."""
    with open(path, "rb") as f:
        data = f.read()
    for info in zf.infolist():
        at = info.header_offset
        version, name_length, extra_length = (
            struct.unpack("<H", data[at + 4:at + 6])[0],
            *struct.unpack("<HH", data[at + 26:at + 30]))
        extra = data[at + 30 + name_length:at + 30 + name_length +
                     extra_length]
        fields = []
        while len(extra) >= 4:
            field, length = struct.unpack("<HH", extra[:4])
            fields.append(field)
            extra = extra[4 + length:]
        if version > 20 or 1 in fields:
            fail("%s: %s in the Zip64 form (version %d, extra fields %s)" %
                 (stem, info.filename, version, fields))


def check_styles(zf, stem, sheets):
    """Every cell's format is one styles.xml has."""
    styles = zf.read("xl/styles.xml").decode()
    count = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))
    if styles.count("<xf ") - 1 != count:  # and the cellStyleXfs one
        fail("%s: cellXfs says %d formats, holds %d" %
             (stem, count, styles.count("<xf ") - 1))
    used = set()
    for _, member in sheets:
        used |= set(int(n) for n in re.findall(r' s="(\d+)"',
                                               zf.read(member).decode()))
    if used and max(used) >= count:
        fail("%s: a cell of format %d, styles.xml has %d" %
             (stem, max(used), count))
    codes = re.findall(r'numFmtId="(\d+)" formatCode', styles)
    for fmt in re.findall(r'<xf numFmtId="(\d+)"', styles):
        if int(fmt) >= 164 and fmt not in codes:
            fail("%s: number format %s used, not defined" % (stem, fmt))


def check_shape_ids(zf, stem):
    """Every note's shape id is its own in the workbook and in a block of
    1,024 ids its drawing's idmap claims (Excel's rule)."""
    seen = set()
    for name in [n for n in zf.namelist() if n.endswith(".vml")]:
        text = zf.read(name).decode()
        blocks = set(int(b) for b in re.search(
            r'<o:idmap v:ext="edit" data="([\d,]+)"', text).group(1)
            .split(","))
        for shape in re.findall(r'<v:shape id="_x0000_s(\d+)"', text):
            shape = int(shape)
            if shape in seen:
                fail("%s: %s: shape id %d twice" % (stem, name, shape))
            if shape // 1024 not in blocks:
                fail("%s: %s: shape id %d outside its blocks %s" %
                     (stem, name, shape, sorted(blocks)))
            seen.add(shape)


def write_many_notes_model(directory):
    """Two formulas nested too deep over 70 years: 1,120 cells written as
    values with a note each on the KPI sheet and on a scenario's, more
    than the 1,024 shape ids of a drawing's first block."""
    deep = "a0"
    for _ in range(70):
        deep = "abs(%s)" % deep
    sheets_test.write_sums_model(directory, 3, [
        ("deep", "Deep", deep), ("deep2", "Deep 2", deep.replace("a0", "a2"))
    ], last_year=2070)
    add_scenario(directory, "high", "a1", "1Q01", 5000)


def check_package(path, work, stem, comment_sheets):
    """The parts a workbook of its sheets must have, and no others."""
    with zipfile.ZipFile(path) as zf:
        if zf.testzip() is not None:
            fail("%s: a damaged zip entry" % stem)
        check_local_headers(path, zf, stem)
        names = zf.namelist()
        if len(set(names)) != len(names):
            fail("%s: a part twice: %s" % (stem, names))
        for info in zf.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED:
                fail("%s: %s not deflated" % (stem, info.filename))
        sheets = base.sheet_files(zf)
        expected = {"[Content_Types].xml", "_rels/.rels", "docProps/app.xml",
                    "docProps/core.xml", "xl/workbook.xml",
                    "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
        expected |= {member for _, member in sheets}
        for n, sheet in enumerate(comment_sheets, start=1):
            k = [html.unescape(s) for s, _ in sheets].index(sheet) + 1
            expected |= {"xl/comments%d.xml" % n,
                         "xl/drawings/vmlDrawing%d.vml" % n,
                         "xl/worksheets/_rels/sheet%d.xml.rels" % k}
        if set(names) != expected:
            fail("%s: parts %s, expected %s" %
                 (stem, sorted(set(names) ^ expected), sorted(expected)))
        check_well_formed(zf, work, stem)
        types = zf.read("[Content_Types].xml").decode()
        overrides = set(re.findall(r'PartName="/([^"]+)"', types))
        defaults = set(re.findall(r'Extension="([^"]+)"', types))
        for name in names:
            if name not in overrides and \
                    name.rsplit(".", 1)[-1] not in defaults:
                fail("%s: no content type for %s" % (stem, name))
        if overrides - set(names):
            fail("%s: content types of missing parts %s" %
                 (stem, overrides - set(names)))
        for rels in [n for n in names if n.endswith(".rels")]:
            for target in re.findall(r'Target="([^"]+)"',
                                     zf.read(rels).decode()):
                if resolve(rels, target) not in names:
                    fail("%s: %s points at a missing %s" %
                         (stem, rels, target))
        for name, member in sheets:
            check_worksheet_order(stem, name, zf.read(member).decode())
        check_styles(zf, stem, sheets)
        check_shape_ids(zf, stem)
    return sheets


# ---- the hostile workbook through LibreOffice ----------------------------------

def labels_of(rows):
    """id -> (label, Japanese label) of a statement sheet's rows."""
    return {row[2]: (row[0], row[1]) for row in rows[1:] if len(row) > 2}


def check_labels(outdir, stem):
    got = {}
    for sheet in (QUOTED_STATEMENT, "Income statement"):
        got.update(labels_of(base.sheet_csv(outdir, stem, sheet)))
    want = {"sales": LABELS["sales"], "ctl": "ctl\ufffd\ufffdend",
            "pad": LABELS["pad"]}
    for iid, label in want.items():
        if got.get(iid, ("",))[0] != label:
            fail("%s: label of %s %r, expected %r" %
                 (stem, iid, got.get(iid), label))
    if got["sales"][1] != "売上高（連結）":
        fail("%s: Japanese label %r" % (stem, got["sales"][1]))
    label, ja = got["long"]
    if not (0 < len(label) <= CELL_MAX and LONG_LABEL.startswith(label)):
        fail("%s: a long label of %d characters" % (stem, len(label)))
    if not (0 < len(ja) <= CELL_MAX and LONG_JA.startswith(ja)):
        fail("%s: a long Japanese label of %d characters" % (stem, len(ja)))


def check_near_limit(path, stem, unexpressed):
    """Formulas come close to Excel's limit, none past it; the sums past
    255 arguments written (a SUM nested), min past it not, max at it
    written."""
    reasons = dict(line.split("\t") for line in unexpressed)
    for cell, reason in reasons.items():
        item = cell.split("@")[0]
        if item == "min_300" and "255 arguments" not in reason:
            fail("%s: %s reported as %r" % (stem, cell, reason))
        if item == "max_255" or item in ("sum_%d" % n
                                         for n in range(250, 330)):
            fail("%s: %s not written: %r" % (stem, cell, reason))
    if not any(cell.startswith("min_300@") for cell in reasons):
        fail("%s: min of 300 arguments written as a formula" % stem)
    unexpressed = len(reasons)
    longest = 0
    with zipfile.ZipFile(path) as zf:
        for _, member in base.sheet_files(zf):
            for formula in re.findall(r"<f>([^<]*)</f>",
                                      zf.read(member).decode()):
                longest = max(longest, len(html.unescape(formula)))
    if longest > 8192:
        fail("%s: a formula of %d characters" % (stem, longest))
    if longest < 7000 or unexpressed == 0:
        fail("%s: the sums did not come near the limit and past it "
             "(longest %d, %d past)" % (stem, longest, unexpressed))
    print("%s: longest formula %d characters, %d cells past the limit" %
          (stem, longest, unexpressed))


def export(kessan, work, model, path):
    script = os.path.join(work, "export.lua")
    with open(script, "w") as f:
        f.write(EXPORT_LUA)
    out = sheets_test.run_lua(kessan, script, model, path).splitlines()
    if int(out[0]) != len(out) - 1:
        fail("%s: report of %s cells, %d listed" % (model, out[0],
                                                   len(out) - 1))
    return out[1:]


def check_recalculated(kessan, soffice, work, models):
    """Each workbook, caches overwritten, recalculated by LibreOffice to
    kessan's values."""
    dump = os.path.join(work, "dump.lua")
    with open(dump, "w") as f:
        f.write(base.DUMP_LUA)
    profile = base.make_profile(os.path.join(work, "profile"), 0)
    tampered, expected = [], {}
    for stem, model, plain in models:
        csv_path = os.path.join(work, stem + ".kessan.csv")
        sheets_test.run_lua(kessan, dump, model, "-", csv_path, "")
        expected[stem] = base.read_kessan(csv_path)
        path = os.path.join(work, stem + ".xlsx")
        base.tamper(plain, path)
        tampered.append(path)
    outdir = os.path.join(work, "out")
    base.convert(soffice, profile, tampered, outdir)
    for stem, _, path in models:
        with zipfile.ZipFile(path) as zf:
            sheets = [(html.unescape(name), member)
                      for name, member in base.sheet_files(zf)]
        got, _ = base.workbook_cells(outdir, stem, sheets)
        checked = base.compare(stem, expected[stem], got)
        print("%s: %d cells equal after recalculation" % (stem, checked))
    check_labels(outdir, "hostile")


# ---- paths that cannot be written ----------------------------------------------

def check_unwritable(kessan, work):
    script = os.path.join(work, "fail.lua")
    with open(script, "w") as f:
        f.write(FAIL_LUA)
    folder = os.path.join(work, "unwritable")
    os.makedirs(folder)
    plain_file = os.path.join(folder, "a-file")
    with open(plain_file, "w") as f:
        f.write("not a directory")
    for path in (os.path.join(plain_file, "book.xlsx"),
                 "/proc/kessan-cannot-write.xlsx", folder):
        sheets_test.run_lua(kessan, script, path)
    if sorted(os.listdir(folder)) != ["a-file"]:
        fail("a failed export left %s" % os.listdir(folder))
    if os.path.exists("/proc/kessan-cannot-write.xlsx"):
        fail("a failed export left a file in /proc")
    print("unwritable paths refused, nothing left")
    check_file_size_limit(kessan, work, script)


def check_file_size_limit(kessan, work, script):
    """A package that cannot be written whole (a file size limit: the
    write fails part way, as on a full disk) fails naming the workbook's
    path, not the temporary's, and leaves nothing beside it."""
    import resource
    import signal
    folder = os.path.join(work, "limited")
    os.makedirs(folder)
    path = os.path.join(folder, "book.xlsx")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    result = subprocess.run([kessan, "run", script, path],
                            capture_output=True, text=True, timeout=120,
                            preexec_fn=limit)
    if result.returncode != 0 or "refused: " + path not in result.stdout:
        fail("a write failing part way: %s%s" % (result.stdout,
                                                 result.stderr))
    if os.listdir(folder):
        fail("a write failing part way left %s" % os.listdir(folder))
    print("a write failing part way refused naming the workbook")


def check_reproducible(kessan, work):
    """With SOURCE_DATE_EPOCH set, the same model exports byte for byte
    the same workbook, dated then (core.xml and every zip entry); without
    it, dated the time of writing, the same in both."""
    import calendar
    import time

    def export_at(path, epoch):
        env = dict(os.environ, TZ="UTC")
        env.pop("SOURCE_DATE_EPOCH", None)
        if epoch is not None:
            env["SOURCE_DATE_EPOCH"] = str(epoch)
        result = subprocess.run([kessan, "export", "tests/data/scenarios",
                                 "--format", "xlsx", "--out", path],
                                capture_output=True, text=True, env=env,
                                timeout=60)
        if result.returncode != 0:
            fail("export with SOURCE_DATE_EPOCH=%s: %s" %
                 (epoch, result.stderr))

    def dates(path):
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml").decode()
            stamps = set(re.findall(r"(\d{4}-\d\d-\d\dT[\d:]+)Z", core))
            entries = set(info.date_time for info in zf.infolist())
        if len(stamps) != 1 or len(entries) != 1:
            fail("%s: dated %s, entries %s" % (path, stamps, entries))
        stamp = calendar.timegm(time.strptime(stamps.pop(),
                                              "%Y-%m-%dT%H:%M:%S"))
        entry = calendar.timegm(entries.pop() + (0, 0, 0))
        return stamp, entry

    epoch = 1700000001
    first, second = (os.path.join(work, n) for n in ("r1.xlsx", "r2.xlsx"))
    export_at(first, epoch)
    time.sleep(1.1)
    export_at(second, epoch)
    with open(first, "rb") as a, open(second, "rb") as b:
        if a.read() != b.read():
            fail("SOURCE_DATE_EPOCH set: two exports differ")
    stamp, entry = dates(first)
    if stamp != epoch or entry != epoch - epoch % 2:  # DOS time: 2 s
        fail("SOURCE_DATE_EPOCH=%d: dated %d, entries %d" %
             (epoch, stamp, entry))
    before = int(time.time())
    export_at(first, None)
    after = time.time()
    stamp, entry = dates(first)
    if not before <= stamp <= after or abs(entry - stamp) > 2:
        fail("dated %d, entries %d, written between %d and %d" %
             (stamp, entry, before, after))
    print("SOURCE_DATE_EPOCH: byte-identical exports, dated as it says")


def main():
    if len(sys.argv) < 3:
        fail("usage: test_xlsx_export_package.py KESSAN BUILD_DIR")
    kessan = os.path.abspath(sys.argv[1])
    if not shutil.which("xmllint"):
        base.skip_or_fail("xmllint is not installed")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        base.skip_or_fail("LibreOffice (soffice) is not installed")
    work = tempfile.mkdtemp(prefix="kessan-xlsx-package-")
    try:
        hostile = os.path.join(work, "hostile-model")
        write_hostile_model(hostile)
        near = os.path.join(work, "near-model")
        write_near_limit_model(near)
        limits = os.path.join(work, "limits-model")
        sheets_test.write_limits_model(limits)
        add_scenario(limits, "high", "a1", "1Q01", 5000)
        many = os.path.join(work, "many-notes-model")
        write_many_notes_model(many)
        models = []
        for stem, model, comments in (
                ("hostile", hostile, []), ("near", near, ["KPI"]),
                ("limits", limits, ["KPI", "Scenario high"]),
                ("many", many, ["KPI", "Scenario high"]),
                ("acme", "examples/acme", []),
                ("scenarios", "tests/data/scenarios", [])):
            plain = os.path.join(work, stem + "-plain.xlsx")
            unexpressed = export(kessan, work, model, plain)
            check_package(plain, work, stem, comments)
            if stem == "near":
                check_near_limit(plain, stem, unexpressed)
            if stem in ("hostile", "near"):
                models.append((stem, model, plain))
        print("packages: parts as expected, every part well-formed")
        check_recalculated(kessan, soffice, work, models)
        check_unwritable(kessan, work)
        check_reproducible(kessan, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
