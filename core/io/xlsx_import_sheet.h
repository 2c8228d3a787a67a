/*
 * xlsx_import_sheet.h -- a worksheet read as records (internal): each row that
 * holds a value becomes a ks_csv_record (csv_read.h), so that a sheet
 * goes through exactly the checks a CSV file does.  A field's line is
 * its row and its column the sheet's column (A = 1); the record holds as
 * many fields as the header row (the first row with a value) reaches, or
 * more when a row reaches further.  Cells: shared strings, inline
 * strings, formula strings and numbers are their text, booleans TRUE or
 * FALSE, errors their text (#N/A, #DIV/0!, ...); a cell with no value is
 * an empty field.  Bounds: Excel's own (columns A..XFD, rows up to
 * 1,048,576), KS_XLSXIN_CELLS_MAX cells, and KS_XLSXIN_ROW_TEXT_MAX bytes
 * of text in a row (a long shared string repeated along a row).
 */
#ifndef KS_XLSXIN_IMPORT_SHEET_H
#define KS_XLSXIN_IMPORT_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "io/csv_read.h"
#include "io/xlsx_import_book.h"

#define KS_XLSXIN_COLUMNS_MAX 16384    /* A..XFD                            */
#define KS_XLSXIN_ROWS_MAX    1048576
#define KS_XLSXIN_CELLS_MAX   50000000
#define KS_XLSXIN_ROW_TEXT_MAX (16u << 20) /* bytes of text in one row     */

/* Read sheet `index` row by row.  The callback's error stops the read and
 * is returned as it is. */
ks_status ks_xlsxin_sheet_records(ks_xlsxin_book *book, size_t index,
                                ks_csv_record_fn on_record, void *user_data,
                                ks_error *err);

/* Read sheet `index` as ks_xlsxin_sheet_records does, in two halves at
 * once (two threads) when its part inflates to at least `split_size`
 * bytes as the zip says (0: never): the records, their order and every
 * message are the same.  The second half begins at the first row past
 * KS_XLSXIN_SPLIT_PERCENT of the part.  *halves (unless NULL): 1 when it
 * was read so, 0 when by one parse. */
#define KS_XLSXIN_SPLIT_SIZE (UINT64_C(8) << 20)
#define KS_XLSXIN_SPLIT_PERCENT 53
ks_status ks_xlsxin_sheet_read(ks_xlsxin_book *book, size_t index,
                               uint64_t split_size,
                               ks_csv_record_fn on_record, void *user_data,
                               int *halves, ks_error *err);

/* "B7" for column 2, row 7 (size >= 16). */
void ks_xlsxin_cell_name(int column, int row, char *out, size_t size);

/* "book.xlsx: Sheet1!B7" (the sheet quoted as Excel quotes it when its
 * name needs it: 'My sheet'!B7); row 0: "book.xlsx: Sheet1". */
void ks_xlsxin_where(const char *name, const char *sheet, int row, int column,
                   char *out, size_t size);

#endif
