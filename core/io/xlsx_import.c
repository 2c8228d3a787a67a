/*
 * xlsx_import.c -- a workbook as a source of values records
 * (xlsx_import.h): telling a workbook by its first bytes, choosing the
 * sheet, and writing positions as cells ("book.xlsx: Inputs!C7") once
 * the shared import checks, which count rows and columns, have spoken.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_import_book.h"
#include "io/xlsx_import.h"
#include "io/xlsx_import_sheet.h"

static const unsigned char zip_magic[4] = { 'P', 'K', 3, 4 };
static const unsigned char ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0,
                                            0xA1, 0xB1, 0x1A, 0xE1 };

ks_values_kind ks_values_kind_of(const unsigned char *head, size_t size)
{
    if (size >= sizeof zip_magic && memcmp(head, zip_magic, 4) == 0)
        return KS_VALUES_WORKBOOK;
    if (size >= sizeof ole_magic && memcmp(head, ole_magic, 8) == 0)
        return KS_VALUES_ENCRYPTED;
    return KS_VALUES_TEXT;
}

ks_status ks_xlsxin_refuse_encrypted(const char *name, ks_error *err)
{
    return ks_error_set(err, KS_EFORMAT, "%s: an OLE container, not an "
                        ".xlsx zip: a password-protected (encrypted) "
                        "workbook or an old .xls; save it as .xlsx without "
                        "a password", name);
}

/* ---- choosing the sheet ------------------------------------------------- */

typedef struct header_peek {
    int has_item;
} header_peek;

/* The first record of a sheet: whether it has a cell `item`; then stop. */
static ks_status peek_header(void *user_data, const ks_csv_record *record,
                             ks_error *err)
{
    (void)err;
    header_peek *peek = user_data;
    for (int i = 0; i < record->count; i++) {
        ks_csv_span name = ks_csv_trimmed(&record->fields[i]);
        if (name.length == 4 && strncasecmp(name.text, "item", 4) == 0)
            peek->has_item = 1;
    }
    return KS_EMISUSE; /* enough read */
}

static ks_status choose_sheet(ks_xlsxin_book *book, const char *sheet,
                              size_t *index, ks_error *err)
{
    if (sheet)
        return ks_xlsxin_find_sheet(book, sheet, index, err);
    *index = 0;
    if (book->sheet_count == 1)
        return KS_OK;
    for (size_t i = 0; i < book->sheet_count; i++) {
        header_peek peek = { 0 };
        ks_status status = ks_xlsxin_sheet_records(book, i, peek_header, &peek,
                                                 err);
        if (status != KS_OK && status != KS_EMISUSE)
            return status;
        if (peek.has_item) {
            *index = i;
            return KS_OK;
        }
    }
    return ks_error_set(err, KS_EFORMAT, "%s: no sheet holds values (a "
                        "header row with an 'item' column, then "
                        "period,value or the periods); name the sheet to "
                        "read with the option sheet", book->zip.name);
}

ks_status ks_xlsxin_read_records(const ks_allocator *alloc, const char *path,
                               const char *name, const char *sheet,
                               ks_csv_record_fn on_record, void *user_data,
                               ks_error *err)
{
    return ks_xlsxin_read_records_with(alloc, path, name, sheet,
                                       KS_XLSXIN_SPLIT_SIZE, on_record,
                                       user_data, NULL, err);
}

ks_status ks_xlsxin_read_records_with(const ks_allocator *alloc,
                                      const char *path, const char *name,
                                      const char *sheet, uint64_t split_size,
                                      ks_csv_record_fn on_record,
                                      void *user_data, int *halves,
                                      ks_error *err)
{
    if (halves)
        *halves = 0;
    ks_xlsxin_book book;
    ks_status status = ks_xlsxin_book_open(&book, path, name, alloc, err);
    if (status != KS_OK)
        return status;
    size_t index = 0;
    status = choose_sheet(&book, sheet, &index, err);
    if (status == KS_OK)
        status = ks_xlsxin_sheet_read(&book, index, split_size, on_record,
                                      user_data, halves, err);
    ks_xlsxin_book_close(&book);
    return status;
}

/* ---- positions as cells ------------------------------------------------- */

static int is_workbook_file(const char *path)
{
    unsigned char head[8];
    struct stat info;
    if (stat(path, &info) != 0 || !S_ISREG(info.st_mode))
        return 0; /* never open a device or a FIFO */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    return got > 0 && ks_values_kind_of(head, (size_t)got) ==
                          KS_VALUES_WORKBOOK;
}

/* How long the prefix "path:line:column: " or "path:line: " is in the
 * message, 0 when it is not there. */
static size_t position_prefix(const char *path, const ks_error *err,
                              int *has_column)
{
    char prefix[KS_MESSAGE_MAX];
    int n = snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, err->line,
                     err->column);
    *has_column = 1;
    if (n > 0 && (size_t)n < sizeof prefix &&
        strncmp(err->message, prefix, (size_t)n) == 0)
        return (size_t)n;
    n = snprintf(prefix, sizeof prefix, "%s:%d: ", path, err->line);
    *has_column = 0;
    if (n > 0 && (size_t)n < sizeof prefix &&
        strncmp(err->message, prefix, (size_t)n) == 0)
        return (size_t)n;
    return 0;
}

void ks_xlsxin_locate_error(const ks_allocator *alloc, const char *path,
                          const char *sheet, ks_error *err)
{
    int has_column = 0;
    if (!err || !path || err->line <= 0)
        return;
    size_t prefix = position_prefix(path, err, &has_column);
    if (prefix == 0 || !is_workbook_file(path))
        return;
    ks_xlsxin_book book;
    ks_error ignored;
    size_t index = 0;
    if (ks_xlsxin_book_open(&book, path, path, alloc, &ignored) != KS_OK)
        return;
    if (choose_sheet(&book, sheet, &index, &ignored) == KS_OK) {
        char where[400], rest[KS_MESSAGE_MAX];
        ks_xlsxin_where(path, book.sheets[index].name, err->line,
                      has_column ? err->column : 0, where, sizeof where);
        snprintf(rest, sizeof rest, "%s", err->message + prefix);
        static const char line_word[] = "(the first is on line ";
        char *first = strstr(rest, line_word);
        if (first) {
            *first = '\0';
            ks_error_at(err, err->code, err->line, err->column,
                        "%s: %s(the first is on row %s", where, rest,
                        first + sizeof line_word - 1);
        } else {
            ks_error_at(err, err->code, err->line, err->column, "%s: %s",
                        where, rest);
        }
    }
    ks_xlsxin_book_close(&book);
}
