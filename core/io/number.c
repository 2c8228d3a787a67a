/*
 * number.c -- numbers as a release prints them (ks_parse_number):
 * "1,234", "(566,520)", "-1.5", "32.2%", "(3.8%)", "1e6"; "-", "n.a",
 * "n.a.", "n/a", "#N/A" and "" are missing.  Spreadsheet and Japanese
 * forms too: "△1,234" and "▲1,234" are minus signs, and a currency sign
 * ("¥", "￥", "$") may stand right before the digits, after any sign or
 * inside the parentheses ("-$1.5", "(¥566,520)", "△￥1,234").  A number
 * too large for a double or so small that it would read as 0 is refused,
 * and ks_number_refusal says why.  The text is checked against that
 * grammar first, then converted by strtod so the result is correctly
 * rounded ("32.2%" is read as 32.2e-2, never 32.2 / 100), in the C
 * locale's form whatever the locale (ks_strtod_c).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kessan/kessan.h"
#include "kessan/text.h"
#include "io/number.h"

#define NUMBER_TEXT_MAX 400

typedef struct number_text {
    const char *at;
    const char *end;
} number_text;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(number_text *text)
{
    while (text->at < text->end && is_blank(text->at[0]))
        text->at++;
    while (text->end > text->at && is_blank(text->end[-1]))
        text->end--;
}

static int equals_folded(const number_text *text, const char *word)
{
    size_t length = (size_t)(text->end - text->at);
    if (length != strlen(word))
        return 0;
    for (size_t i = 0; i < length; i++)
        if (tolower((unsigned char)text->at[i]) != word[i])
            return 0;
    return 1;
}

static int is_missing_word(const number_text *text)
{
    return text->at == text->end || equals_folded(text, "-")
        || equals_folded(text, "n.a") || equals_folded(text, "n.a.")
        || equals_folded(text, "n/a") || equals_folded(text, "#n/a");
}

/* Skips `word` (UTF-8 bytes) at the start of text; 1 when it was there. */
static int skip_prefix(number_text *text, const char *word)
{
    size_t length = strlen(word);
    if ((size_t)(text->end - text->at) < length
        || memcmp(text->at, word, length) != 0)
        return 0;
    text->at += length;
    return 1;
}

/* "△" and "▲", the minus signs of Japanese releases. */
static int skip_triangle(number_text *text)
{
    return skip_prefix(text, "\xe2\x96\xb3")
        || skip_prefix(text, "\xe2\x96\xb2");
}

/* "¥", "￥" (full width) or "$", right before the digits. */
static void skip_currency(number_text *text)
{
    if (!skip_prefix(text, "\xc2\xa5")
        && !skip_prefix(text, "\xef\xbf\xa5"))
        skip_prefix(text, "$");
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The pieces of a number once its grammar is checked. */
typedef struct number_parts {
    char digits[NUMBER_TEXT_MAX + 1]; /* integer and fraction, no commas  */
    size_t digit_count;
    int point_at;       /* how many of digits come before the point       */
    int fraction_digits;
    long exponent;
    int negative;
    int percent;
} number_parts;

static int append_digit(number_parts *parts, char c)
{
    if (parts->digit_count >= NUMBER_TEXT_MAX)
        return -1;
    parts->digits[parts->digit_count++] = c;
    return 0;
}

/* Integer part: digits, or groups of three after a 1-3 digit head. */
static int read_integer(number_text *text, number_parts *parts)
{
    int head = 0, grouped = 0;
    while (text->at < text->end && is_digit(*text->at)) {
        if (append_digit(parts, *text->at++) != 0)
            return -1;
        head++;
    }
    while (text->at < text->end && *text->at == ',') {
        if (head == 0 || (head > 3 && !grouped) || text->end - text->at < 4)
            return -1;
        for (int i = 1; i <= 3; i++)
            if (!is_digit(text->at[i]))
                return -1;
        if (text->end - text->at > 4 && is_digit(text->at[4]))
            return -1;
        for (int i = 1; i <= 3; i++)
            if (append_digit(parts, text->at[i]) != 0)
                return -1;
        text->at += 4;
        grouped = 1;
    }
    parts->point_at = (int)parts->digit_count;
    return head;
}

static int read_fraction(number_text *text, number_parts *parts)
{
    if (text->at == text->end || *text->at != '.')
        return 0;
    text->at++;
    while (text->at < text->end && is_digit(*text->at)) {
        if (append_digit(parts, *text->at++) != 0)
            return -1;
        parts->fraction_digits++;
    }
    return parts->fraction_digits > 0 ? parts->fraction_digits : -1;
}

static int read_exponent(number_text *text, number_parts *parts)
{
    if (text->at == text->end || (*text->at != 'e' && *text->at != 'E'))
        return 0;
    text->at++;
    int negative = 0;
    if (text->at < text->end && (*text->at == '+' || *text->at == '-'))
        negative = *text->at++ == '-';
    if (text->at == text->end || !is_digit(*text->at))
        return -1;
    long exponent = 0;
    while (text->at < text->end && is_digit(*text->at)) {
        if (exponent < 100000)
            exponent = exponent * 10 + (*text->at - '0');
        text->at++;
    }
    parts->exponent = negative ? -exponent : exponent;
    return 0;
}

/* currency? integer? ("." digits)? exponent? "%"? -- at least one digit. */
static int read_unsigned(number_text *text, number_parts *parts)
{
    skip_currency(text);
    int integer_digits = read_integer(text, parts);
    if (integer_digits < 0)
        return -1;
    int fraction_digits = read_fraction(text, parts);
    if (fraction_digits < 0 || integer_digits + fraction_digits == 0)
        return -1;
    if (read_exponent(text, parts) != 0)
        return -1;
    if (text->at < text->end && *text->at == '%') {
        parts->percent = 1;
        text->at++;
    }
    return 0;
}

static int read_parts(number_text *text, number_parts *parts)
{
    if (*text->at == '(') {
        if (text->end[-1] != ')')
            return -1;
        number_text inner = { text->at + 1, text->end - 1 };
        if (inner.at == inner.end || read_unsigned(&inner, parts) != 0)
            return -1;
        parts->negative = 1;
        return inner.at == inner.end ? 0 : -1;
    }
    if (*text->at == '-' || *text->at == '+')
        parts->negative = *text->at++ == '-';
    else if (skip_triangle(text))
        parts->negative = 1;
    if (text->at == text->end || read_unsigned(text, parts) != 0)
        return -1;
    return text->at == text->end ? 0 : -1;
}

/* Clinger's fast path: up to 15 digits are an exact double, and so is a
 * power of ten up to 1e22, so one multiplication or division rounds
 * correctly.  Returns 0 when it applies. */
static int convert_exact(const number_parts *parts, long exponent,
                         double *number)
{
    static const double powers[] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    long scale = exponent - parts->fraction_digits;
    if (parts->digit_count > 15 || scale < -22 || scale > 22)
        return -1;
    int64_t mantissa = 0;
    for (size_t i = 0; i < parts->digit_count; i++)
        mantissa = mantissa * 10 + (parts->digits[i] - '0');
    double value = (double)mantissa;
    value = scale < 0 ? value / powers[-scale] : value * powers[scale];
    *number = parts->negative ? -value : value;
    return 0;
}

static int has_nonzero_digit(const number_parts *parts)
{
    for (size_t i = 0; i < parts->digit_count; i++)
        if (parts->digits[i] != '0')
            return 1;
    return 0;
}

/* Convert checked parts with strtod: a result that overflows, or that
 * underflows to 0 from nonzero digits, is refused (either way the value
 * written would be lost). */
static int convert(const number_parts *parts, double *number)
{
    if (convert_exact(parts, parts->exponent - (parts->percent ? 2 : 0),
                      number) == 0)
        return 0;
    char buffer[NUMBER_TEXT_MAX + 64];
    long exponent = parts->exponent - (parts->percent ? 2 : 0);
    int length = snprintf(buffer, sizeof buffer, "%s%.*s.%.*se%ld",
                          parts->negative ? "-" : "", parts->point_at,
                          parts->digits,
                          (int)parts->digit_count - parts->point_at,
                          parts->digits + parts->point_at, exponent);
    if (length < 0 || (size_t)length >= sizeof buffer)
        return -1;
    char *end = NULL;
    double value = ks_strtod_c(buffer, &end);
    if (end != buffer + length || !isfinite(value))
        return -1;
    if (value == 0.0 && has_nonzero_digit(parts))
        return -1;
    *number = value;
    return 0;
}

/* The plain case, -?digits(.digits)? with at most 15 digits, converted as
 * it is read (the same exact conversion as convert_exact).  Returns -1
 * for anything else, which the full grammar then decides. */
static int parse_plain(const number_text *text, double *number,
                       int *fraction_digits)
{
    static const double powers[] = { 1e0, 1e1, 1e2,  1e3,  1e4,  1e5,
                                      1e6, 1e7, 1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15 };
    const char *at = text->at, *end = text->end;
    int negative = at < end && *at == '-';
    at += negative;
    int64_t mantissa = 0;
    int digits = 0, fraction = -1;
    for (; at < end; at++) {
        if (is_digit(*at)) {
            if (++digits > 15)
                return -1;
            mantissa = mantissa * 10 + (*at - '0');
            fraction += fraction >= 0;
        } else if (*at == '.' && fraction < 0 && digits > 0) {
            fraction = 0;
        } else {
            return -1;
        }
    }
    if (digits == 0 || fraction == 0)
        return -1;
    if (fraction < 0)
        fraction = 0;
    double value = (double)mantissa / powers[fraction];
    *number = negative ? -value : value;
    *fraction_digits = fraction;
    return 0;
}

/* 0, -1 when the text is no number, -2 when it is one a double cannot
 * hold. */
static int read_number(number_text span, number_parts *parts,
                       double *number)
{
    memset(parts, 0, sizeof *parts);
    if (read_parts(&span, parts) != 0)
        return -1;
    return convert(parts, number) == 0 ? 0 : -2;
}

int ks_parse_number(const char *text, size_t length, double *number,
                    int *is_missing, int *decimals)
{
    number_text span = { text, text ? text + length : text };
    trim(&span);
    *number = 0.0;
    *is_missing = 0;
    if (decimals)
        *decimals = 0;
    int plain_decimals;
    if (parse_plain(&span, number, &plain_decimals) == 0) {
        if (decimals)
            *decimals = plain_decimals;
        return 0;
    }
    if (is_missing_word(&span)) {
        *is_missing = 1;
        return 0;
    }
    number_parts parts;
    if (read_number(span, &parts, number) != 0)
        return -1;
    if (decimals)
        *decimals = parts.fraction_digits;
    return 0;
}

/* The spreadsheet's error values: a cell that failed, not a number. */
static int is_error_value(const number_text *text)
{
    static const char *const errors[] = {
        "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!"
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (equals_folded(text, errors[i]))
            return 1;
    return 0;
}

const char *ks_number_refusal(const char *text, size_t length)
{
    number_text span = { text, text ? text + length : text };
    trim(&span);
    if (span.at == span.end)
        return NULL;
    if (is_error_value(&span))
        return "is a spreadsheet error value, which an input cannot hold "
               "(write the number, or - for missing)";
    number_parts parts;
    double number;
    if (read_number(span, &parts, &number) != -2)
        return NULL;
    return has_nonzero_digit(&parts) && parts.exponent < 0
               ? "is too small for a double: it would read as 0"
               : "is too large for a double";
}
