/*
 * xlsx_parts.h -- workbooks written part by part for the tests of the
 * workbook reader: a zip (libzip) of the XML parts given, around one or
 * more sheets, so that a test can say exactly what a hostile workbook
 * holds.  write_book() fails the test when the file cannot be written.
 */
#ifndef KS_TEST_XLSX_PARTS_H
#define KS_TEST_XLSX_PARTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zip.h>

typedef struct book_part {
    const char *name;
    const char *xml;         /* NUL-terminated, unless length is given      */
    size_t length;
} book_part;

/* A zip at `path` holding exactly `parts` (deflated). */
static inline void write_zip(const char *path, const book_part *parts,
                             size_t count)
{
    int code = 0;
    remove(path);
    zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    assert_non_null(zip);
    for (size_t i = 0; i < count; i++) {
        size_t length = parts[i].length ? parts[i].length
                                        : strlen(parts[i].xml);
        zip_source_t *source = zip_source_buffer(zip, parts[i].xml, length, 0);
        assert_non_null(source);
        assert_true(zip_file_add(zip, parts[i].name, source,
                                 ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(zip), 0);
}

#define BOOK_RELS                                                            \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                             \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/" \
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas."       \
    "openxmlformats.org/officeDocument/2006/relationships/officeDocument\" " \
    "Target=\"xl/workbook.xml\"/></Relationships>"

#define SHEET_OPEN                                                           \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://"   \
    "schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_CLOSE "</sheetData></worksheet>"

/* A workbook of sheets named `names` (sheet i is xl/worksheets/sheet<i+1>
 * .xml, its XML `sheets[i]`), with shared strings `strings` (the <si>
 * elements) unless NULL. */
static inline void write_book(const char *path, const char *const *names,
                              const char *const *sheets, size_t count,
                              const char *strings)
{
    static char workbook[8192], rels[8192];
    char *sst = NULL;
    static char sheet_names[16][64];
    book_part parts[24];
    size_t n = 0;
    int used = snprintf(workbook, sizeof workbook,
                        "<?xml version=\"1.0\"?><workbook xmlns=\"http://"
                        "schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                        "xmlns:r=\"http://schemas.openxmlformats.org/"
                        "officeDocument/2006/relationships\"><sheets>");
    int rused = snprintf(rels, sizeof rels,
                         "<?xml version=\"1.0\"?><Relationships xmlns=\""
                         "http://schemas.openxmlformats.org/package/2006/"
                         "relationships\">");
    assert_true(count <= 16);
    for (size_t i = 0; i < count; i++) {
        used += snprintf(workbook + used, sizeof workbook - (size_t)used,
                         "<sheet name=\"%s\" sheetId=\"%zu\" r:id=\"rId%zu\""
                         "/>", names[i], i + 1, i + 1);
        rused += snprintf(rels + rused, sizeof rels - (size_t)rused,
                          "<Relationship Id=\"rId%zu\" Type=\"http://schemas."
                          "openxmlformats.org/officeDocument/2006/"
                          "relationships/worksheet\" Target=\"worksheets/"
                          "sheet%zu.xml\"/>", i + 1, i + 1);
        snprintf(sheet_names[i], sizeof sheet_names[i],
                 "xl/worksheets/sheet%zu.xml", i + 1);
        parts[n++] = (book_part){ sheet_names[i], sheets[i], 0 };
    }
    snprintf(workbook + used, sizeof workbook - (size_t)used,
             "</sheets></workbook>");
    if (strings) {
        rused += snprintf(rels + rused, sizeof rels - (size_t)rused,
                          "<Relationship Id=\"rId99\" Type=\"http://schemas."
                          "openxmlformats.org/officeDocument/2006/"
                          "relationships/sharedStrings\" Target=\""
                          "sharedStrings.xml\"/>");
        size_t size = strlen(strings) + 256;
        sst = malloc(size);
        assert_non_null(sst);
        snprintf(sst, size, "<?xml version=\"1.0\"?><sst xmlns=\""
                 "http://schemas.openxmlformats.org/spreadsheetml/2006/"
                 "main\">%s</sst>", strings);
        parts[n++] = (book_part){ "xl/sharedStrings.xml", sst, 0 };
    }
    snprintf(rels + rused, sizeof rels - (size_t)rused, "</Relationships>");
    parts[n++] = (book_part){ "_rels/.rels", BOOK_RELS, 0 };
    parts[n++] = (book_part){ "xl/workbook.xml", workbook, 0 };
    parts[n++] = (book_part){ "xl/_rels/workbook.xml.rels", rels, 0 };
    write_zip(path, parts, n);
    free(sst);
}

/* One sheet called Inputs holding `rows` (the <row> elements). */
static inline void write_sheet(const char *path, const char *rows,
                               const char *strings)
{
    static char xml[1 << 16];
    snprintf(xml, sizeof xml, SHEET_OPEN "%s" SHEET_CLOSE, rows);
    const char *names[] = { "Inputs" };
    const char *sheets[] = { xml };
    write_book(path, names, sheets, 1, strings);
}

#endif
