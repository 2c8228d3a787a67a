/*
 * error.h -- filling a ks_error (internal).  Every failure carries a status
 * and a message naming where and what; nothing is printed.
 */
#ifndef KS_ERROR_H
#define KS_ERROR_H

#include "kessan/kessan.h"

#if defined(__GNUC__)
#define KS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KS_PRINTF(a, b)
#endif

/* Set err (if not NULL) and return `code`. */
ks_status ks_error_set(ks_error *err, ks_status code, const char *format,
                       ...) KS_PRINTF(3, 4);
/* The same with a position: line and column (0 when unknown). */
ks_status ks_error_at(ks_error *err, ks_status code, int line, int column,
                      const char *format, ...) KS_PRINTF(5, 6);
/* Put "prefix: " in front of an existing message (e.g. a file name). */
void ks_error_prefix(ks_error *err, const char *format, ...) KS_PRINTF(2, 3);
/* Clear err to KS_OK and an empty message. */
void ks_error_clear(ks_error *err);

#endif
