/*
 * text.h -- text as kessan writes it, in one place: UTF-8 decoding and
 * display width (a Japanese label takes two columns a character), numbers
 * in the C locale's form whatever LC_NUMERIC says, digit grouping, RFC 4180
 * CSV fields, and tables laid out as aligned text, Markdown or CSV.  Text
 * goes to a sink: a stream, or any write function (a growable buffer, a
 * Lua buffer).  Nothing here allocates except ks_text_printf for a line
 * longer than its stack buffer.
 */
#ifndef KS_TEXT_H
#define KS_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kessan/kessan.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KS_TEXT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KS_TEXT_PRINTF(a, b)
#endif

/* ---- UTF-8 and display width -------------------------------------------- */

/* The length (1-4) of the valid UTF-8 sequence at the start of `text`
 * (`size` > 0 bytes), its code point in *code_point (when not NULL); 0 when
 * the sequence is invalid (a stray continuation byte, an overlong form, a
 * surrogate, beyond U+10FFFF) or cut off by the end. */
size_t ks_utf8_decode(const char *text, size_t size, uint32_t *code_point);

/* Display width of a code point: 2 for East Asian wide and fullwidth forms
 * (CJK, kana, hangul, fullwidth ASCII, emoji), 0 for controls, combining
 * marks, zero-width spaces and joiners and variation selectors, else 1. */
int ks_wcwidth(uint32_t code_point);

/* Display width of `size` bytes of UTF-8 (an invalid byte counts 1). */
size_t ks_text_width(const char *text, size_t size);
/* The same of a NUL-terminated string. */
size_t ks_display_width(const char *utf8);

/* ---- numbers in the C locale's form -------------------------------------- */

/* strtod and snprintf as in the "C" locale ('.' the decimal point, no
 * grouping), whatever the process's or the thread's locale: a host that
 * calls setlocale(LC_ALL, "") under LC_NUMERIC=de_DE reads "1.5" as 1.5
 * and prints 1.5 as "1.5" all the same.  Exact (the C library's own
 * correctly rounded conversions) and thread-safe. */
double ks_strtod_c(const char *text, char **end);
int ks_snprintf_c(char *buf, size_t size, const char *format, ...)
    KS_TEXT_PRINTF(3, 4);
int ks_vsnprintf_c(char *buf, size_t size, const char *format, va_list args)
    KS_TEXT_PRINTF(3, 0);

/* `number` (an optional sign, digits, then anything: "-1234567.89") with
 * a ',' between each group of three digits of its leading digits
 * ("-1,234,567.89"), into buf.  Returns the length, or -1 (buf empty) when
 * it does not fit. */
int ks_group_digits(char *buf, size_t size, const char *number);

/* ---- sinks -------------------------------------------------------------- */

/* Writes `size` bytes; returns 0, or -1 when they could not be written. */
typedef int (*ks_text_write_fn)(void *context, const char *bytes,
                                size_t size);

/* Where text goes.  After a failed write nothing more is written and
 * `failed` stays 1. */
typedef struct ks_text_sink {
    ks_text_write_fn write;
    void *context;
    const ks_allocator *alloc; /* for ks_text_printf's long lines; NULL:
                                  the default allocator                  */
    int failed;
} ks_text_sink;

/* A sink over a stream: its write errors also show on the stream. */
ks_text_sink ks_text_sink_stream(FILE *stream);
ks_text_sink ks_text_sink_of(ks_text_write_fn write, void *context);

void ks_text_put(ks_text_sink *sink, const char *bytes, size_t size);
void ks_text_puts(ks_text_sink *sink, const char *text);
void ks_text_spaces(ks_text_sink *sink, size_t count);
/* Formatted as ks_snprintf_c formats (numbers in the C locale's form). */
void ks_text_printf(ks_text_sink *sink, const char *format, ...)
    KS_TEXT_PRINTF(2, 3);

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or
 * LF, or begins or ends with a space or tab (which readers would trim),
 * with its quotes doubled; NULL and "" are an empty field. */
void ks_text_csv_field(ks_text_sink *sink, const char *text);
/* `count` fields separated by commas, then `line_end` ("\n" or "\r\n"). */
void ks_text_csv_row(ks_text_sink *sink, const char *const *fields,
                     size_t count, const char *line_end);

/* ---- tables ------------------------------------------------------------- */

typedef enum ks_text_align { KS_TEXT_LEFT, KS_TEXT_RIGHT } ks_text_align;

/*
 * Rows of cells, row 0 the header.  As text: columns aligned by display
 * width, `gap` spaces apart; a left-aligned cell is not padded when it
 * ends its row; a row ends before its first NULL cell (a heading, the
 * short last row); each row ends in "\n".  As Markdown: "| a | b |" rows,
 * the header's alignment row after it ("---" or "---:"), '|' in a cell
 * escaped, NULL cells empty and an empty header cell written "| |".
 */
typedef struct ks_text_table {
    const char *const *cells;   /* rows x columns, row after row           */
    size_t rows, columns;
    const ks_text_align *align; /* per column; NULL: the first left, the
                                   others right                            */
    const int *depth;           /* per row: indent levels of its first cell
                                   (two spaces, "&nbsp;&nbsp;" in Markdown);
                                   NULL: none                              */
    size_t gap;                 /* text: spaces between columns            */
    size_t *widths;             /* text: `columns` entries the writer uses
                                   (so that it allocates nothing)          */
} ks_text_table;

void ks_text_table_write(ks_text_sink *sink, const ks_text_table *table);
void ks_text_table_write_md(ks_text_sink *sink, const ks_text_table *table);
/* One more Markdown row under a table already written (a long report
 * written as it is made, after a table of its header row alone). */
void ks_text_md_row(ks_text_sink *sink, const char *const *cells,
                    size_t count);

#ifdef __cplusplus
}
#endif

#endif /* KS_TEXT_H */
