/*
 * xlsx_export_text.c -- text as the workbook export builds it
 * (io/xlsx_export.h): formulas (appending, numbers as Excel reads them,
 * A1 cell references), and labels made fit for a sheet's XML.
 */
#include <math.h>
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

void ks_xlsx_reserve(ks_xlsx_text *text, size_t length)
{
    if (text->failed)
        return;
    if (ks_mem_grow(text->alloc, (void **)&text->data, &text->capacity,
                    text->length + length + 1, 1) != 0)
        text->failed = 1;
}

static void put_bytes(ks_xlsx_text *text, const char *bytes, size_t length)
{
    ks_xlsx_put_bytes(text, bytes, length);
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

/* The digits of `magnitude`, the last `places` of them after a decimal
 * point (with a 0 before it), signed. */
static void put_digits(ks_xlsx_text *text, unsigned long long magnitude,
                       int places, int negative)
{
    char digits[48];
    int n = sizeof digits;
    for (int k = 0; k < places; k++) {
        digits[--n] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    }
    if (places > 0)
        digits[--n] = '.';
    do {
        digits[--n] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (negative)
        digits[--n] = '-';
    put_bytes(text, digits + n, sizeof digits - (size_t)n);
}

void ks_xlsx_put_int(ks_xlsx_text *text, long number)
{
    unsigned long magnitude = number < 0 ? 0UL - (unsigned long)number
                                         : (unsigned long)number;
    put_digits(text, magnitude, 0, number < 0);
}

/* Powers of ten a double holds exactly. */
static const double POWERS[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15 };

/* `number` as an integer n over 10^places, n below 2^53: then the
 * decimal text of n/10^places reads back as the same double, since both
 * are exact and division rounds as strtod does.  -1 when none with at
 * most `max` places. */
static int decimal_places(double number, double *scaled, int max)
{
    for (int places = 0; places <= max; places++) {
        double n = number * POWERS[places];
        if (!(n > -9007199254740992.0 && n < 9007199254740992.0))
            return -1;
        double whole = rint(n); /* the product is within half of it */
        if (whole / POWERS[places] == number) {
            *scaled = whole;
            return places;
        }
    }
    return -1;
}

void ks_xlsx_put_value(ks_xlsx_text *text, double number)
{
    double scaled;
    int places = decimal_places(number, &scaled, 15);
    if (places < 0) {
        char buf[32];
        int length = ks_snprintf_c(buf, sizeof buf, "%.17g", number);
        put_bytes(text, buf, length > 0 ? (size_t)length : 0);
        return;
    }
    put_digits(text, (unsigned long long)(scaled < 0 ? -scaled : scaled),
               places, scaled < 0);
}

static void put_xml(ks_xlsx_text *text, const char *bytes, size_t length,
                    int quotes)
{
    size_t from = 0;
    for (size_t at = 0; at < length; at++) {
        const char *entity;
        switch (bytes[at]) {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"':
            if (!quotes)
                continue;
            entity = "&quot;";
            break;
        default: continue;
        }
        put_bytes(text, bytes + from, at - from);
        ks_xlsx_put(text, entity);
        from = at + 1;
    }
    put_bytes(text, bytes + from, length - from);
}

void ks_xlsx_put_escaped(ks_xlsx_text *text, const char *bytes,
                         size_t length)
{
    put_xml(text, bytes, length, 1);
}

void ks_xlsx_put_content(ks_xlsx_text *text, const char *bytes,
                         size_t length)
{
    put_xml(text, bytes, length, 0);
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

size_t ks_xlsx_text_prefix(const char *text, size_t max)
{
    size_t size = strlen(text), at = 0, units = 0;
    if (size <= max)
        return size; /* no more units than bytes */
    while (at < size) {
        uint32_t code = 0;
        size_t length = ks_utf8_decode(text + at, size - at, &code);
        units += code > 0xFFFF ? 2 : 1;
        if (units > max)
            break;
        at += length ? length : 1;
    }
    return at;
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
