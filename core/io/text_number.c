/*
 * text_number.c -- digit grouping of a number's text (text.h):
 * "-1234567.89" -> "-1,234,567.89".  Reading and writing numbers in the
 * C locale's form is base/c_locale.c.
 */
#include <string.h>

#include "kessan/text.h"

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
