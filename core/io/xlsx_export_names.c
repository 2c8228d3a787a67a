/*
 * xlsx_export_names.c -- the workbook export's sheet names
 * (io/xlsx_export.h): none of []:*?/\, no apostrophe first or last, not
 * empty, at most the 31 characters Excel takes, counted as Excel counts
 * them (UTF-16 code units: a character past U+FFFF counts two; cut at a
 * whole character, so that 31 CJK characters fit, in 93 bytes, as
 * ks_xlsx_unexpressed.sheet holds them), not "History" (which Excel keeps
 * for itself), and unique as Excel compares them, without regard to case
 * (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and fullwidth
 * letters); and each sheet's quoted prefix for the formulas that refer
 * to it ("'it''s'!").
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_export.h"
#include "kessan/text.h"

/* ---- comparing as Excel does ------------------------------------------- */

/* The lower case of a capital letter of the scripts above, else `c`. */
static uint32_t fold(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
        (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F) || (c >= 0xFF21 && c <= 0xFF3A))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c == 0x178)
        return 0xFF;
    /* Latin Extended-A: capital then small, in pairs from even or odd */
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
        (c >= 0x14A && c <= 0x177))
        return c | 1;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return c + (c & 1);
    return c;
}

/* The next code point of a name (valid UTF-8: ks_xlsx_xml_safe's). */
static uint32_t next_code(const char **at)
{
    uint32_t code = (unsigned char)**at;
    size_t length = ks_utf8_decode(*at, strlen(*at), &code);
    *at += length ? length : 1;
    return code;
}

static int same_name(const char *a, const char *b)
{
    while (*a && *b)
        if (fold(next_code(&a)) != fold(next_code(&b)))
            return 0;
    return *a == *b;
}

static int name_taken(const ks_xlsx_book *book, const char *name)
{
    if (same_name(name, "History"))
        return 1;
    for (int k = 0; k < book->name_count; k++)
        if (same_name(book->names[k], name))
            return 1;
    return 0;
}

/* ---- making one -------------------------------------------------------- */

/* The first characters of `wanted` Excel takes in a name (valid UTF-8:
 * ks_xlsx_xml_safe's), none of []:*?/\ (each becomes '_', one unit for
 * one), not empty; `out` holds KS_XLSX_SHEET_NAME_BYTES + 1. */
static void clean_name(const char *wanted,
                       char out[KS_XLSX_SHEET_NAME_BYTES + 1])
{
    size_t keep = ks_xlsx_text_prefix(wanted, KS_XLSX_SHEET_NAME_MAX);
    for (size_t n = 0; n < keep; n++)
        out[n] = strchr("[]:*?/\\", wanted[n]) ? '_' : wanted[n];
    out[keep] = '\0';
    if (keep == 0)
        snprintf(out, KS_XLSX_SHEET_NAME_BYTES + 1, "Sheet");
}

/* `clean` cut at a whole character to leave room for `suffix` (ASCII:
 * a unit a byte), then the suffix; an apostrophe first or last becomes
 * '_'. */
static void make_name(char *name, size_t size, const char *clean,
                      const char *suffix)
{
    size_t keep = ks_xlsx_text_prefix(clean, KS_XLSX_SHEET_NAME_MAX -
                                                 strlen(suffix));
    snprintf(name, size, "%.*s%s", (int)keep, clean, suffix);
    size_t length = strlen(name);
    if (name[0] == '\'')
        name[0] = '_';
    if (name[length - 1] == '\'')
        name[length - 1] = '_';
}

static ks_status sheet_prefix(ks_xlsx_book *book, const char *name,
                              char **prefix, ks_error *err)
{
    size_t length = strlen(name);
    char *text = ks_mem_alloc(book->alloc, length * 2 + 4);
    if (!text)
        return ks_error_set(err, KS_ENOMEM, "out of memory naming sheets");
    size_t n = 0;
    text[n++] = '\'';
    for (const char *c = name; *c; c++) {
        text[n++] = *c;
        if (*c == '\'')
            text[n++] = '\'';
    }
    text[n++] = '\'';
    text[n++] = '!';
    text[n] = '\0';
    *prefix = text;
    return KS_OK;
}

ks_status ks_xlsx_add_sheet(ks_xlsx_book *book, const char *wanted,
                            ks_xlsx_sheet_kind kind, char **prefix,
                            ks_error *err)
{
    char clean[KS_XLSX_SHEET_NAME_BYTES + 1];
    char name[KS_XLSX_SHEET_NAME_BYTES + 16];
    clean_name(ks_xlsx_xml_safe(book, wanted), clean);
    if (book->scratch.failed)
        return ks_error_set(err, KS_ENOMEM, "out of memory naming sheets");
    make_name(name, sizeof name, clean, "");
    for (int n = 2; name_taken(book, name); n++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, " (%d)", n);
        make_name(name, sizeof name, clean, suffix);
    }
    char *copy = ks_mem_strdup(book->alloc, name);
    size_t capacity = (size_t)book->name_count;
    if (!copy || ks_mem_grow(book->alloc, (void **)&book->names,
                             &capacity, capacity + 1,
                             sizeof *book->names) != 0 ||
        ks_mem_grow(book->alloc, (void **)&book->sheets,
                    &(size_t){ (size_t)book->name_count },
                    (size_t)book->name_count + 1, sizeof *book->sheets) != 0) {
        ks_mem_free(book->alloc, copy);
        return ks_error_set(err, KS_ENOMEM, "out of memory naming sheets");
    }
    ks_xlsx_sheet *sheet = &book->sheets[book->name_count];
    memset(sheet, 0, sizeof *sheet);
    sheet->book = book;
    sheet->number = book->name_count + 1;
    sheet->name = copy;
    sheet->kind = kind;
    ks_xlsx_text_init(&sheet->formula, book->alloc);
    book->names[book->name_count++] = copy;
    book->report->sheets++;
    return prefix ? sheet_prefix(book, copy, prefix, err) : KS_OK;
}
