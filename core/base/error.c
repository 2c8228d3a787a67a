/*
 * error.c -- status names and filling ks_error (error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "kessan/text.h"

const char *ks_status_name(ks_status status)
{
    static const char *const names[] = {
        "OK",      "ENOMEM", "EINVAL", "ESYNTAX", "EUNKNOWN",
        "ECYCLE",  "EDUP",   "EFORMAT", "EIO",    "ERANGE",
        "EMISUSE", "ENOSOLVE", "ECHECK", "EINTERRUPTED"
    };
    if ((unsigned)status < sizeof names / sizeof names[0])
        return names[status];
    return "EUNKNOWNSTATUS";
}

void ks_error_clear(ks_error *err)
{
    if (!err)
        return;
    err->code = KS_OK;
    err->line = 0;
    err->column = 0;
    err->message[0] = '\0';
}

static void set_message(ks_error *err, const char *format, va_list args)
    KS_PRINTF(2, 0);

static void set_message(ks_error *err, const char *format, va_list args)
{
    ks_vsnprintf_c(err->message, sizeof err->message, format, args);
}

ks_status ks_error_set(ks_error *err, ks_status code, const char *format, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = 0;
    err->column = 0;
    va_list args;
    va_start(args, format);
    set_message(err, format, args);
    va_end(args);
    return code;
}

ks_status ks_error_at(ks_error *err, ks_status code, int line, int column,
                      const char *format, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    va_list args;
    va_start(args, format);
    set_message(err, format, args);
    va_end(args);
    return code;
}

void ks_error_prefix(ks_error *err, const char *format, ...)
{
    if (!err)
        return;
    char joined[KS_MESSAGE_MAX];
    va_list args;
    va_start(args, format);
    int length = ks_vsnprintf_c(joined, sizeof joined, format, args);
    va_end(args);
    if (length < 0 || (size_t)length + 2 >= sizeof joined)
        return;
    size_t used = (size_t)length;
    joined[used++] = ':';
    joined[used++] = ' ';
    size_t rest = strlen(err->message);
    if (rest > sizeof joined - used - 1)
        rest = sizeof joined - used - 1;
    memcpy(joined + used, err->message, rest);
    joined[used + rest] = '\0';
    memcpy(err->message, joined, sizeof joined);
}
