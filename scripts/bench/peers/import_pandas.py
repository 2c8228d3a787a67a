# scripts/bench/peers/import_pandas.py VALUES.csv OUT_DIR [REPEAT] -- the
# peer of the import benchmark (scripts/bench/import): pandas reading the
# recalc benchmark's values.csv (read_csv, best of REPEAT, default 5), the
# same values written as workbooks with XlsxWriter (OUT_DIR/long.xlsx: the
# file's rows; OUT_DIR/wide.xlsx: an item a row, a period a column), and
# pandas reading those (read_excel with openpyxl, once each).  Cells are
# value cells: the rows of the long form.
import os
import sys
import time

import pandas
import xlsxwriter


def best_of(repeat, work):
    best = None
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        elapsed = time.process_time() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def write_books(frame, out_dir):
    long_path = os.path.join(out_dir, "long.xlsx")
    wide_path = os.path.join(out_dir, "wide.xlsx")
    book = xlsxwriter.Workbook(long_path, {"constant_memory": True})
    sheet = book.add_worksheet("Inputs")
    sheet.write_row(0, 0, ["item", "period", "value"])
    for row, (item, period, value) in enumerate(frame.itertuples(index=False), 1):
        sheet.write_string(row, 0, item)
        sheet.write_string(row, 1, period)
        sheet.write_number(row, 2, value)
    book.close()
    wide = frame.pivot(index="item", columns="period", values="value")
    periods = list(dict.fromkeys(frame["period"]))
    items = list(dict.fromkeys(frame["item"]))
    wide = wide.reindex(index=items, columns=periods)
    book = xlsxwriter.Workbook(wide_path, {"constant_memory": True})
    sheet = book.add_worksheet("Inputs")
    sheet.write_row(0, 0, ["item"] + periods)
    for row, (item, values) in enumerate(zip(items, wide.itertuples(index=False)), 1):
        sheet.write_string(row, 0, item)
        for column, value in enumerate(values, 1):
            if value == value:  # not NaN
                sheet.write_number(row, column, value)
    book.close()
    return long_path, wide_path


def main():
    values, out_dir = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    seconds, frame = best_of(repeat, lambda: pandas.read_csv(values))
    cells = len(frame)
    print("pandas %s read_csv of values.csv        cpu best %.4f s; %.2fM cells/s"
          % (pandas.__version__, seconds, cells / seconds * 1e-6))
    start = time.time()
    long_path, wide_path = write_books(frame, out_dir)
    print("XlsxWriter: long.xlsx and wide.xlsx written in %.1f s"
          % (time.time() - start))
    for name, path in (("long", long_path), ("wide", wide_path)):
        seconds, _ = best_of(1, lambda: pandas.read_excel(path, engine="openpyxl"))
        print("pandas read_excel (openpyxl) of %s.xlsx cpu %.2f s; %.2fM cells/s"
              % (name, seconds, cells / seconds * 1e-6))


main()
