# xlsx_export_values.py -- the peer of the workbook export benchmark
# (scripts/bench/xlsx_export): Python's XlsxWriter writing the same cells
# as kessan's workbook holds, as plain values (no formulas): every sheet
# of the workbook kessan exported, read back from it, written again as
# labels and numbers, in XlsxWriter's constant_memory mode.  Prints the
# seconds the writing took, and the CPU seconds (reading the workbook is
# not counted).
#
#     python3 xlsx_export_values.py KESSAN.xlsx OUT.xlsx
import re
import sys
import time
import zipfile

import xlsxwriter

CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
VALUE = re.compile(r'<v>([^<]*)</v>')
TEXT = re.compile(r'<t[^>]*>([^<]*)</t>')


def column_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_sheets(path):
    """[(name, [(row, col, value)])]: every cell's value or text."""
    with zipfile.ZipFile(path) as zf:
        names = re.findall(r'<sheet name="([^"]*)"',
                           zf.read("xl/workbook.xml").decode())
        sheets = []
        for k, name in enumerate(names):
            xml = zf.read("xl/worksheets/sheet%d.xml" % (k + 1)).decode()
            cells = []
            for m in CELL.finditer(xml):
                body = m.group(3) or ""
                v = VALUE.search(body)
                if v and "t=\"str\"" not in m.group(0)[:80]:
                    value = float(v.group(1))
                else:
                    t = TEXT.search(body)
                    value = t.group(1) if t else (v.group(1) if v else None)
                if value is not None:
                    cells.append((int(m.group(2)) - 1,
                                  column_index(m.group(1)), value))
            sheets.append((name, cells))
    return sheets


def main():
    sheets = read_sheets(sys.argv[1])
    count = sum(len(cells) for _, cells in sheets)
    start, cpu = time.perf_counter(), time.process_time()
    book = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
    for name, cells in sheets:
        sheet = book.add_worksheet(name)
        for row, col, value in cells:
            if isinstance(value, float):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)
    book.close()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print("%d cells in %.2f s (%.2f s of CPU)" % (count, seconds, cpu))


if __name__ == "__main__":
    main()
