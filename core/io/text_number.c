/*
 * text_number.c -- the two ways kessan prints a number (text.h): for
 * people (ks_format_display: grouping, parentheses, percentages, a
 * precision per unit and scale) and for data (ks_format_data: the shortest
 * text that reads back as the same double), and digit grouping of a
 * number's text ("-1234567.89" -> "-1,234,567.89").  Reading and writing
 * numbers in the C locale's form is base/c_locale.c.
 */
#include <math.h>
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

/* The magnitude rounded to `decimals`, as text.  The nudge rounds a binary
 * 7.3499999... that stands for 7.35 up; from 2^52 units on a figure is
 * whole already (and the nudge would add to its digits). */
static void fixed_digits(double magnitude, int decimals, char *digits,
                         size_t size)
{
    double scale = pow(10.0, decimals);
    if (magnitude * scale < 0x1p52)
        magnitude = floor(magnitude * scale + 0.5 +
                          magnitude * scale * 1e-13) / scale;
    ks_snprintf_c(digits, size, "%.*f", decimals, magnitude);
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
    if (decimals < 0 || magnitude * pow(10.0, decimals) >= FULL_DIGITS_MAX) {
        ks_snprintf_c(digits, sizeof digits, "%.*g",
                      decimals < 0 ? AUTO_SIGNIFICANT : 15, magnitude);
        return finish(buf, size, value < 0, digits, suffix, style);
    }
    fixed_digits(magnitude, decimals, digits, sizeof digits);
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
