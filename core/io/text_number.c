/*
 * text_number.c -- the two ways kessan prints a number (text.h): for
 * people (ks_format_display: grouping, parentheses, percentages, a
 * precision per unit and scale) and for data (ks_format_data: the shortest
 * text that reads back as the same double), and digit grouping of a
 * number's text ("-1234567.89" -> "-1,234,567.89").  Reading and writing
 * numbers in the C locale's form is base/c_locale.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kessan/text.h"

#define DECIMALS_MAX 12
/* Written out in full below this; beyond, scientific notation. */
#define FULL_DIGITS_MAX 1e21
/* Automatic decimals: scientific below this. */
#define AUTO_FIXED_FROM 1e-6
#define AUTO_SIGNIFICANT 6

int ks_group_digits(char *buf, size_t size, const char *number)
{
    size_t sign = number[0] == '-' || number[0] == '+';
    size_t digits = strspn(number + sign, "0123456789");
    size_t rest = strlen(number + sign + digits);
    size_t commas = digits > 0 ? (digits - 1) / 3 : 0;
    size_t length = sign + digits + commas + rest;
    if (size == 0)
        return -1;
    if (length >= size) {
        buf[0] = '\0';
        return -1;
    }
    size_t at = 0;
    if (sign)
        buf[at++] = number[0];
    for (size_t i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            buf[at++] = ',';
        buf[at++] = number[sign + i];
    }
    memcpy(buf + at, number + sign + digits, rest + 1);
    return (int)length;
}

/* ---- for people ----------------------------------------------------------- */

ks_number_style ks_number_style_for_unit(const char *unit, int decimals)
{
    ks_number_style style = { KS_DECIMALS_AUTO, KS_PERCENT_NONE, 0 };
    if (unit && strcmp(unit, "ratio") == 0) {
        style.percent = KS_PERCENT_SIGN;
        style.decimals = 1;
    } else if (unit && (strstr(unit, "thousands") || strstr(unit, "millions")))
        style.decimals = 0;
    if (decimals >= 0)
        style.decimals = decimals > DECIMALS_MAX ? DECIMALS_MAX : decimals;
    return style;
}

/* The decimals automatic precision gives a magnitude; -1: scientific. */
static int auto_decimals(double magnitude)
{
    if (magnitude == 0)
        return 0;
    if (magnitude >= 1)
        return 2;
    if (magnitude < AUTO_FIXED_FROM)
        return -1;
    int leading_zeros = (int)floor(-log10(magnitude));
    int decimals = leading_zeros + AUTO_SIGNIFICANT;
    return decimals > DECIMALS_MAX ? DECIMALS_MAX : decimals;
}

/* "12.50" -> "12.5", "3.00" -> "3" (automatic precision only). */
static void drop_trailing_zeros(char *digits)
{
    char *point = strchr(digits, '.');
    if (!point)
        return;
    size_t length = strlen(digits);
    while (length > 0 && digits[length - 1] == '0')
        digits[--length] = '\0';
    if (digits[length - 1] == '.')
        digits[length - 1] = '\0';
}

/* ---- rounding on the decimal ------------------------------------------------ */

/* The digits of `value`'s shortest text (ks_format_data) without leading
 * zeros, and the power of ten of their last: 0.0125 -> "125", -4. */
static int shortest_digits(double value, char *digits, size_t size,
                           int *last_power)
{
    char text[KS_DATA_NUMBER_MAX];
    if (ks_format_data(text, sizeof text, value) <= 0)
        return -1;
    size_t count = 0;
    int fraction_digits = 0, in_fraction = 0;
    const char *at = text;
    for (; *at && *at != 'e' && *at != 'E'; at++) {
        if (*at == '.') {
            in_fraction = 1;
            continue;
        }
        if (*at < '0' || *at > '9')
            continue; /* the sign */
        fraction_digits += in_fraction;
        if (count == 0 && *at == '0')
            continue;
        if (count + 1 >= size)
            return -1;
        digits[count++] = *at;
    }
    digits[count] = '\0';
    int exponent = *at ? (int)strtol(at + 1, NULL, 10) : 0;
    *last_power = exponent - fraction_digits;
    return 0;
}

/* Adds one to the digit string in place; "999" -> "1000" (`size` allowing). */
static int increment_digits(char *digits, size_t size)
{
    size_t length = strlen(digits);
    for (size_t i = length; i > 0; i--) {
        if (digits[i - 1] != '9') {
            digits[i - 1]++;
            return 0;
        }
        digits[i - 1] = '0';
    }
    if (length + 2 > size)
        return -1;
    memmove(digits + 1, digits, length + 1);
    digits[0] = '1';
    return 0;
}

int ks_round_decimal(double value, int decimals, ks_rounded_decimal *out)
{
    out->digits[0] = '0';
    out->digits[1] = '\0';
    out->zeros = 0;
    out->negative = signbit(value) != 0;
    if (!isfinite(value))
        return -1;
    if (value == 0)
        return 0;
    /* beyond these, every double rounds to 0 or stays as it is */
    decimals = decimals > 1000 ? 1000 : decimals < -1000 ? -1000 : decimals;
    char digits[sizeof out->digits];
    int last_power;
    if (shortest_digits(value, digits, sizeof digits, &last_power) < 0)
        return -1;
    /* the power of ten of the last digit kept: -decimals */
    long shift = (long)last_power + decimals;
    if (shift >= 0) {
        memcpy(out->digits, digits, strlen(digits) + 1);
        out->zeros = (int)shift;
        return 0;
    }
    long length = (long)strlen(digits);
    long keep = length + shift;
    if (keep < 0)
        return 0;
    int round_up = digits[keep] >= '5';
    digits[keep] = '\0';
    if (keep == 0)
        memcpy(digits, round_up ? "1" : "0", 2);
    else if (round_up && increment_digits(digits, sizeof digits) < 0)
        return -1;
    memcpy(out->digits, digits, strlen(digits) + 1);
    return 0;
}

/* The rounded magnitude as fixed text with `decimals` decimals: "1250",
 * 3 -> "1.250"; -1 when it does not fit. */
static int fixed_text(const ks_rounded_decimal *rounded, int decimals,
                      char *text, size_t size)
{
    char units[80];
    size_t count = strlen(rounded->digits);
    if (count + (size_t)rounded->zeros + 1 > sizeof units)
        return -1;
    memcpy(units, rounded->digits, count);
    memset(units + count, '0', (size_t)rounded->zeros);
    count += (size_t)rounded->zeros;
    units[count] = '\0';
    size_t whole = count > (size_t)decimals ? count - (size_t)decimals : 0;
    size_t leading = count > (size_t)decimals ? 0 : (size_t)decimals - count;
    size_t length = (whole ? whole : 1) + (decimals ? 1 + (size_t)decimals : 0);
    if (length + 1 > size)
        return -1;
    size_t at = 0;
    if (whole) {
        memcpy(text, units, whole);
        at = whole;
    } else
        text[at++] = '0';
    if (decimals) {
        text[at++] = '.';
        memset(text + at, '0', leading);
        at += leading;
        memcpy(text + at, units + whole, count - whole);
        at += count - whole;
    }
    text[at] = '\0';
    return (int)at;
}

/* The magnitude of `value` (times 100 for a percentage: two more
 * decimals of the same digits) rounded half away from zero to `decimals`,
 * as text. */
static int fixed_digits(double value, int percent, int decimals,
                        char *digits, size_t size)
{
    ks_rounded_decimal rounded;
    if (ks_round_decimal(value, decimals + (percent ? 2 : 0), &rounded) < 0)
        return -1;
    return fixed_text(&rounded, decimals, digits, size);
}

/* Wraps `body` as the style writes a number of that sign. */
static int finish(char *buf, size_t size, int negative, const char *body,
                  const char *suffix, const ks_number_style *style)
{
    int length;
    if (!negative)
        length = ks_snprintf_c(buf, size, "%s%s", body, suffix);
    else if (style->minus_sign)
        length = ks_snprintf_c(buf, size, "-%s%s", body, suffix);
    else
        length = ks_snprintf_c(buf, size, "(%s%s)", body, suffix);
    return length < 0 || (size_t)length >= size ? -1 : length;
}

int ks_format_display(char *buf, size_t size, double value,
                      const ks_number_style *style)
{
    static const ks_number_style automatic = { KS_DECIMALS_AUTO,
                                               KS_PERCENT_NONE, 0 };
    if (!style)
        style = &automatic;
    if (size == 0)
        return -1;
    double unscaled = value;
    if (style->percent != KS_PERCENT_NONE)
        value *= 100.0;
    const char *suffix = style->percent == KS_PERCENT_SIGN ? "%" : "";
    if (!isfinite(value))
        return finish(buf, size, 0, "-", "", style);
    double magnitude = fabs(value);
    int decimals = style->decimals;
    int automatic_decimals = decimals < 0;
    if (automatic_decimals)
        decimals = auto_decimals(magnitude);
    else if (decimals > DECIMALS_MAX)
        decimals = DECIMALS_MAX;
    char digits[64];
    if (decimals < 0 || magnitude >= FULL_DIGITS_MAX ||
        fixed_digits(unscaled, style->percent != KS_PERCENT_NONE, decimals,
                     digits, sizeof digits) < 0) {
        ks_snprintf_c(digits, sizeof digits, "%.*g",
                      decimals < 0 ? AUTO_SIGNIFICANT : 15, magnitude);
        return finish(buf, size, value < 0, digits, suffix, style);
    }
    if (automatic_decimals)
        drop_trailing_zeros(digits);
    int negative = value < 0 && strspn(digits, "0.") != strlen(digits);
    char grouped[96];
    if (ks_group_digits(grouped, sizeof grouped, digits) < 0)
        return finish(buf, size, negative, digits, suffix, style);
    return finish(buf, size, negative, grouped, suffix, style);
}

/* ---- for data --------------------------------------------------------------- */

int ks_format_data(char *buf, size_t size, double value)
{
    if (size == 0)
        return -1;
    buf[0] = '\0';
    if (!isfinite(value))
        return 0;
    char text[KS_DATA_NUMBER_MAX];
    for (int digits = 15; digits <= 17; digits++) {
        ks_snprintf_c(text, sizeof text, "%.*g", digits, value);
        double back = ks_strtod_c(text, NULL);
        if (memcmp(&back, &value, sizeof value) == 0 || digits == 17)
            break;
    }
    size_t length = strlen(text);
    if (length >= size)
        return -1;
    memcpy(buf, text, length + 1);
    return (int)length;
}
