# tests/py/test_csv_excel.py -- the values CSV written for Excel (kessan
# export --excel: a UTF-8 byte order mark, CRLF line ends, the items'
# labels in columns of their own) opened by LibreOffice headless, in a
# private profile, converted to a flat ODS document and read back: every
# number is a number equal to the engine's (the plain export, another
# path), every English and Japanese label is the chart's (items.csv, read
# by Python's csv module), no byte order mark or CR shows in any cell.
#
# What LibreOffice 7.4 does with no import options at all: it reads a CSV
# in its 8-bit default charset whatever the byte order mark (the Japanese
# labels come out as mojibake, in any locale), so the labels are checked
# with one import option, the charset (UTF-8), and the run with none
# checks what it does read right: the header, the ids, the periods and
# every number (the byte order mark then shows as three characters before
# "item" in A1).  Excel reads the byte order mark itself.
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

KESSAN = os.path.abspath(sys.argv[1])
MODEL = "data/iij"
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def need_soffice():
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        sys.exit("soffice not found (CI runs every test)")
    print("soffice not found: skipped")
    sys.exit(77)


def kessan(*arguments):
    done = subprocess.run([KESSAN, *arguments], capture_output=True, timeout=120)
    if done.returncode != 0:
        sys.exit("kessan %s: exit %d: %s" % (" ".join(arguments), done.returncode,
                                            done.stderr.decode()))
    return done.stdout


def convert(soffice, work, source, infilter):
    """The CSV as LibreOffice opens it: rows of (value-type, value, text)."""
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    command = [soffice, "--headless", "--norestore",
               "-env:UserInstallation=file://" + os.path.join(work, "profile")]
    if infilter:
        command.append("--infilter=" + infilter)
    command += ["--convert-to", "fods", "--outdir", out, source]
    subprocess.run(command, capture_output=True, timeout=180, check=True)
    document = os.path.join(out, os.path.splitext(os.path.basename(source))[0] + ".fods")
    rows = []
    for row in ET.parse(document).getroot().iter("{%s}table-row" % NS["table"]):
        cells = []
        for cell in row.findall("table:table-cell", NS):
            repeat = int(cell.get("{%s}number-columns-repeated" % NS["table"], "1"))
            kind = cell.get("{%s}value-type" % NS["office"])
            value = cell.get("{%s}value" % NS["office"])
            text = "\n".join("".join(p.itertext()) for p in cell
                             if p.tag.endswith("}p"))
            cells += [(kind, value, text)] * min(repeat, 8)
        while cells and cells[-1][0] is None and not cells[-1][2]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def engine_values():
    """(item, period) -> the engine's text of the value, from the plain export."""
    rows = list(csv.reader(io.StringIO(kessan("export", MODEL).decode("utf-8"))))
    assert rows[0] == ["item", "period", "value"], rows[0]
    return {(r[0], r[1]): r[2] for r in rows[1:]}


def chart_labels():
    with open(os.path.join(MODEL, "items.csv"), encoding="utf-8", newline="") as f:
        return {r["id"]: (r["label"], r["label_ja"]) for r in csv.DictReader(f)}


def check_rows(rows, values, labels, with_labels, what):
    check(len(rows) == len(values) + 1, "%s: %d rows for %d values" % (what, len(rows), len(values)))
    header = [text for _, _, text in rows[0]]
    if not with_labels:
        # read as 8-bit text, the byte order mark shows in A1 ("\u00ef\u00bb\u00bfitem")
        header[0] = header[0].replace("\u00ef\u00bb\u00bf", "", 1)
    check(header == ["item", "period", "value", "label", "label_ja"],
          "%s: the header: %r" % (what, header))
    numbers = 0
    for cells in rows[1:]:
        texts = [text for _, _, text in cells] + [""] * (5 - len(cells))
        key = (texts[0], texts[1])
        check(key in values, "%s: a row the engine has: %r" % (what, key))
        if key not in values:
            continue
        expected = values[key]
        kind, value = cells[2][0], cells[2][1]
        if expected == "-":
            check(texts[2] == "-", "%s: %r missing as '-', got %r" % (what, key, texts[2]))
        else:
            numbers += 1
            check(kind == "float" and float(value) == float(expected),
                  "%s: %r is the number %s, LibreOffice read %r %r" % (what, key, expected,
                                                                    kind, value))
        for text in texts:
            check("\r" not in text and "\ufeff" not in text and "\u00ef\u00bb\u00bf" not in text,
                  "%s: %r: a CR or byte order mark in a cell: %r" % (what, key, text))
        if with_labels:
            label, label_ja = labels[texts[0]]
            check(texts[3] == label, "%s: %r label %r, read %r" % (what, key, label, texts[3]))
            check(texts[4] == label_ja,
                  "%s: %r Japanese label %r, read %r" % (what, key, label_ja, texts[4]))
    check(numbers > 100, "%s: the numbers read: %d" % (what, numbers))


def main():
    soffice = need_soffice()
    work = tempfile.mkdtemp(prefix="kessan-excel-")
    try:
        source = os.path.join(work, "iij.csv")
        kessan("export", MODEL, "--excel", "--out", source)
        raw = open(source, "rb").read()
        check(raw.startswith(b"\xef\xbb\xbf"), "the file begins with a UTF-8 byte order mark")
        check(raw.count(b"\n") == raw.count(b"\r\n") > 100, "every line ends in CRLF")
        values, labels = engine_values(), chart_labels()
        check(any(ja for _, ja in labels.values()), "the chart has Japanese labels")
        # the charset, UTF-8 (76), the one import option
        check_rows(convert(soffice, work, source, "CSV:44,34,76"), values, labels, True,
                   "UTF-8")
        # no import options at all: ids, periods and numbers
        check_rows(convert(soffice, work, source, None), values, labels, False,
                   "no options")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        for failure in failures[:20]:
            print("FAIL:", failure)
        sys.exit("%d failure(s)" % len(failures))
    print("test_csv_excel: ok")


main()
