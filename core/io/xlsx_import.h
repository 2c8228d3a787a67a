/*
 * xlsx_import.h -- values from a workbook (internal): the record source
 * for .xlsx files, beside the CSV reader (csv_read.h), feeding the same
 * import checks (csv_import.c, saved_csv.c).  Which sheet: the one asked
 * for by name, else the workbook's only sheet, else the first sheet (in
 * tab order) whose first row with a value has a cell `item` (the header
 * of the long or the wide form).
 */
#ifndef KS_XLSXIN_IMPORT_H
#define KS_XLSXIN_IMPORT_H

#include <stdint.h>

#include "io/csv_read.h"
#include "kessan/kessan.h"

/* What a values file holds, by its first bytes. */
typedef enum ks_values_kind {
    KS_VALUES_TEXT = 0,      /* CSV (or anything else: the CSV reader says) */
    KS_VALUES_WORKBOOK,      /* a zip: PK\3\4                               */
    KS_VALUES_ENCRYPTED      /* an OLE container: an encrypted workbook, or
                                a legacy .xls                               */
} ks_values_kind;

ks_values_kind ks_values_kind_of(const unsigned char *head, size_t size);

/* The records of a workbook's sheet (`sheet` NULL: chosen as above). */
ks_status ks_xlsxin_read_records(const ks_allocator *alloc, const char *path,
                               const char *name, const char *sheet,
                               ks_csv_record_fn on_record, void *user_data,
                               ks_error *err);

/* The same, a sheet read in two halves at once when its part inflates to
 * at least `split_size` bytes (0: never; ks_xlsxin_sheet_read): for the
 * tests and the fuzzing harness, which split small sheets; *halves as
 * there). */
ks_status ks_xlsxin_read_records_with(const ks_allocator *alloc,
                                      const char *path, const char *name,
                                      const char *sheet, uint64_t split_size,
                                      ks_csv_record_fn on_record,
                                      void *user_data, int *halves,
                                      ks_error *err);

/* The refusal of an OLE container: "name: an encrypted workbook ..." */
ks_status ks_xlsxin_refuse_encrypted(const char *name, ks_error *err);

/*
 * After a failed import of `path`: when it is a workbook and err names a
 * position "path:line:column: ..." (a row and a column of its sheet, as
 * the shared import checks write it), rewrite it as the cell
 * "path: Sheet!B7: ...".  Anything else is left as it is.
 */
void ks_xlsxin_locate_error(const ks_allocator *alloc, const char *path,
                          const char *sheet, ks_error *err);

#endif
