/*
 * xlsx_export_text.c -- text as the workbook export builds it
 * (io/xlsx_export.h): formulas (appending, numbers as Excel reads them,
 * A1 cell references), and labels made fit for a sheet's XML.
 */
#include <stdint.h>
#include <string.h>

#include "base/alloc.h"
#include "io/xlsx_export.h"
#include "kessan/text.h"

void ks_xlsx_text_init(ks_xlsx_text *text, const ks_allocator *alloc)
{
    memset(text, 0, sizeof *text);
    text->alloc = alloc;
}

void ks_xlsx_text_release(ks_xlsx_text *text)
{
    ks_mem_free(text->alloc, text->data);
    memset(text, 0, sizeof *text);
}

static void put_bytes(ks_xlsx_text *text, const char *bytes, size_t length)
{
    if (text->failed)
        return;
    if (ks_mem_grow(text->alloc, (void **)&text->data, &text->capacity,
                    text->length + length + 1, 1) != 0) {
        text->failed = 1;
        return;
    }
    memcpy(text->data + text->length, bytes, length);
    text->length += length;
    text->data[text->length] = '\0';
}

void ks_xlsx_put(ks_xlsx_text *text, const char *bytes)
{
    put_bytes(text, bytes, strlen(bytes));
}

/* The data formatter's text (the shortest that reads back as the same
 * double), with a capital E; a negative number in parentheses, so that
 * it may follow any operator. */
void ks_xlsx_put_number(ks_xlsx_text *text, double number)
{
    char buf[KS_DATA_NUMBER_MAX];
    int length = ks_format_data(buf, sizeof buf, number);
    if (length < 0)
        length = 0;
    for (int i = 0; i < length; i++)
        if (buf[i] == 'e')
            buf[i] = 'E';
    if (number < 0)
        put_bytes(text, "(", 1);
    put_bytes(text, buf, (size_t)length);
    if (number < 0)
        put_bytes(text, ")", 1);
}

void ks_xlsx_put_column(ks_xlsx_text *text, int column)
{
    char letters[8];
    int n = 0;
    for (int c = column + 1; c > 0 && n < (int)sizeof letters; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char out[8];
    for (int i = 0; i < n; i++)
        out[i] = letters[n - 1 - i];
    put_bytes(text, out, (size_t)n);
}

void ks_xlsx_put_cell(ks_xlsx_text *text, const char *sheet_prefix, int row,
                      int column)
{
    if (sheet_prefix)
        ks_xlsx_put(text, sheet_prefix);
    ks_xlsx_put_column(text, column);
    char digits[16];
    int length = ks_snprintf_c(digits, sizeof digits, "%d", row + 1);
    put_bytes(text, digits, (size_t)length);
}

/* The length of the character at text[0] a sheet may hold, or 0. */
static size_t xml_char(const char *text, size_t size)
{
    uint32_t code;
    size_t length = ks_utf8_decode(text, size, &code);
    if (length == 0)
        return 0;
    if (code < 0x20 && code != '\t' && code != '\n' && code != '\r')
        return 0;
    return code == 0xFFFE || code == 0xFFFF ? 0 : length;
}

const char *ks_xlsx_xml_safe(ks_xlsx_book *book, const char *text)
{
    size_t size = strlen(text), at = 0;
    while (at < size && xml_char(text + at, size - at))
        at += xml_char(text + at, size - at);
    if (at == size)
        return text;
    ks_xlsx_text *out = &book->scratch;
    out->length = 0;
    put_bytes(out, text, at);
    while (at < size) {
        size_t length = xml_char(text + at, size - at);
        if (length) {
            put_bytes(out, text + at, length);
            at += length;
            continue;
        }
        put_bytes(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
        uint32_t code;
        size_t skip = ks_utf8_decode(text + at, size - at, &code);
        at += skip ? skip : 1;
    }
    return out->failed || !out->data ? "" : out->data;
}
