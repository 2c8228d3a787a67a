/*
 * xlsx_import_book.h -- a workbook opened for reading (internal): its
 * sheets in tab order (name and part, through the package's relationships)
 * and its shared strings, the texts cells refer to by number.
 */
#ifndef KS_XLSXIN_IMPORT_BOOK_H
#define KS_XLSXIN_IMPORT_BOOK_H

#include <stddef.h>

#include "io/xlsx_import_part.h"

/* bytes in one text (Excel allows 32,767 characters) */
#define KS_XLSXIN_TEXT_MAX (1u << 20)

typedef struct ks_xlsxin_sheet_ref {
    char *name;              /* as on its tab                              */
    char *part;              /* "xl/worksheets/sheet1.xml"                 */
} ks_xlsxin_sheet_ref;

typedef struct ks_xlsxin_book {
    ks_xlsxin_zip zip;
    ks_xlsxin_sheet_ref *sheets;
    size_t sheet_count, sheet_capacity;
    char *texts;             /* the shared strings, each NUL-terminated    */
    size_t text_length, text_capacity;
    size_t *string_at;       /* where each begins in texts; one more: end  */
    size_t string_count, string_capacity;
} ks_xlsxin_book;

/* Open the workbook at `path` (`name` in messages): its sheets and shared
 * strings.  KS_EFORMAT when it is no workbook or a damaged one. */
ks_status ks_xlsxin_book_open(ks_xlsxin_book *book, const char *path,
                            const char *name, const ks_allocator *alloc,
                            ks_error *err);
void ks_xlsxin_book_close(ks_xlsxin_book *book);

/* Shared string `index`, or NULL when there is none of that number. */
const char *ks_xlsxin_shared(const ks_xlsxin_book *book, size_t index,
                           size_t *length);

/* The sheet called `name` (exactly, else ignoring ASCII case, as Excel
 * does); none: KS_EUNKNOWN "name: no sheet 'x' (did you mean 'y'?; the
 * workbook has ...)". */
ks_status ks_xlsxin_find_sheet(const ks_xlsxin_book *book, const char *name,
                             size_t *index, ks_error *err);

#endif
