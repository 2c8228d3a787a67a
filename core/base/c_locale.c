/*
 * c_locale.c -- numbers read and written in the "C" locale's form whatever
 * the locale (declared in kessan/text.h): ks_strtod_c, ks_snprintf_c and
 * ks_vsnprintf_c.  In base/ because every part formats numbers, error
 * messages (error.c) first.
 *
 * Why a scoped uselocale: strtod and printf read the decimal point from
 * the thread's locale, which a host may have set from LC_NUMERIC=de_DE
 * (','), where "1.5" would read as 1 and 1.5 print as "1,5".  Each call
 * here switches its own thread to the "C" locale and back around the one
 * conversion: exact (the C library's own correctly rounded strtod, not a
 * parser of ours), thread-safe (uselocale changes only the calling
 * thread; other threads never see the switch) and without global state
 * (no locale object kept between calls).  newlocale(LC_ALL_MASK, "C")
 * allocates nothing in glibc (it hands out the built-in C locale), so the
 * switch costs a few loads and stores.  Should it fail nonetheless, the
 * conversion runs in the current locale, which is right whenever that
 * locale's decimal point is '.' already.
 */
#define _POSIX_C_SOURCE 200809L

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kessan/text.h"

typedef struct c_locale_scope {
    locale_t c;
    locale_t previous;
} c_locale_scope;

static void c_locale_enter(c_locale_scope *scope)
{
    scope->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    scope->previous = scope->c ? uselocale(scope->c) : (locale_t)0;
}

static void c_locale_leave(c_locale_scope *scope)
{
    if (!scope->c)
        return;
    uselocale(scope->previous);
    freelocale(scope->c);
}

double ks_strtod_c(const char *text, char **end)
{
    c_locale_scope scope;
    c_locale_enter(&scope);
    double value = strtod(text, end);
    c_locale_leave(&scope);
    return value;
}

int ks_vsnprintf_c(char *buf, size_t size, const char *format, va_list args)
{
    c_locale_scope scope;
    c_locale_enter(&scope);
    int length = vsnprintf(buf, size, format, args);
    c_locale_leave(&scope);
    return length;
}

int ks_snprintf_c(char *buf, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int length = ks_vsnprintf_c(buf, size, format, args);
    va_end(args);
    return length;
}
