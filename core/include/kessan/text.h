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

/* The offset of the first byte of `text` that begins no valid UTF-8
 * sequence (ks_utf8_decode), or `size` when the whole text is valid. */
size_t ks_utf8_invalid_at(const char *text, size_t size);

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

/* ---- the two ways to print a number (text_number.c) --------------------- */

/*
 * For people: the display formatter every text table and script helper
 * uses (show, check, compare, data tables, tornado, tostring of models,
 * series and explain trees), in the release's style: ',' between groups of
 * three digits, negatives in parentheses "(1,234)", a ratio as a
 * percentage "(5.4%)", and a precision per unit and scale (ks_number_style_
 * for_unit).  Zero after rounding is never negative: -0.004 at two
 * decimals is "0.00".  Not a finite number: "-", as a missing cell.  Beyond
 * 1e21 (digits that would not fit a column nor mean much) 15 significant
 * digits in scientific notation, "1.23456789012346e+22".
 */
enum {
    KS_DECIMALS_AUTO = -1 /* at most two decimals from 1 on (trailing
                             zeros dropped: "12.5", "10,743,123.43"), six
                             significant digits below 1 ("0.0331032"),
                             scientific below 1e-6                        */
};

typedef enum ks_percent_form {
    KS_PERCENT_NONE = 0, /* the number as it is                           */
    KS_PERCENT_SIGN,     /* a ratio: times 100 with "%": "32.2%"          */
    KS_PERCENT_BARE      /* times 100 without the sign, in a column whose
                            header says % : "32.2"                        */
} ks_percent_form;

typedef struct ks_number_style {
    int decimals;            /* 0-12 after the point, or KS_DECIMALS_AUTO */
    ks_percent_form percent;
    int minus_sign;          /* 1: "-1,234" instead of "(1,234)"          */
} ks_number_style;

/* The style of a unit: "ratio" a percentage with one decimal; an amount in
 * thousands or millions ("JPY thousands") whole; anything else (per-share
 * figures, counts, no unit) KS_DECIMALS_AUTO.  `decimals` >= 0 (the
 * decimals a release prints the figure with) overrides the unit's. */
ks_number_style ks_number_style_for_unit(const char *unit, int decimals);

/* `value` for people, into buf.  A figure rounds half away from zero on
 * the decimal one reads, the shortest text that reads back as the double
 * (ks_format_data), by its digits: 2.675 to two decimals is 2.68, 1e15
 * whole is 1,000,000,000,000,000 (a percentage: the same digits two places
 * on).  From 1e21 on: scientific, 15 significant digits.  Returns the
 * length, or -1 (buf holds as much as fits) when it does not fit; 48
 * bytes always do. */
int ks_format_display(char *buf, size_t size, double value,
                      const ks_number_style *style);

/*
 * For data: the shortest text that reads back (ks_strtod_c) as the same
 * double, bit for bit: "%.15g", else "%.16g", else "%.17g" ("0.1",
 * "5727799.1", "-0", "4.9406564584124654e-324"), no grouping, a minus
 * sign, a ratio as the stored fraction (-0.0536).  Every CSV and JSON file
 * kessan writes uses it.  Not a finite number: "" (returns 0).  Returns
 * the length, or -1 when it does not fit; KS_DATA_NUMBER_MAX always does.
 */
#define KS_DATA_NUMBER_MAX 32
int ks_format_data(char *buf, size_t size, double value);

/* `value` rounded half away from zero to `decimals` decimals (negative: to
 * tens, hundreds...) on its shortest text's digits, never in binary:
 * the rounded figure is `digits` followed by `zeros` zeros, in units of
 * 10^-decimals, with the value's sign (1.005, 2 -> "101", 0; 1e15, 0 ->
 * "1", 15; 0.4, 0 -> "0").  -1 when `value` is not a finite number. */
typedef struct ks_rounded_decimal {
    char digits[24]; /* no sign, no leading zero; "0" when none */
    int zeros;
    int negative;    /* the value's sign bit */
} ks_rounded_decimal;
int ks_round_decimal(double value, int decimals, ks_rounded_decimal *out);

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
/*
 * The line-ending rule of every CSV kessan writes (values export, data
 * tables, show --format csv): "\n", except a file written for Excel
 * (ks_export_options.excel), which ends lines "\r\n" and begins with a
 * UTF-8 byte order mark so that Excel reads Japanese labels as UTF-8.
 */
#define KS_CSV_LINE_END "\n"
#define KS_CSV_EXCEL_LINE_END "\r\n"
#define KS_CSV_EXCEL_BOM "\xef\xbb\xbf"

/* `count` fields separated by commas, then `line_end` ("\n" or "\r\n"). */
void ks_text_csv_row(ks_text_sink *sink, const char *const *fields,
                     size_t count, const char *line_end);

/* ---- JSON (text_json.c) ---------------------------------------------------- */

/* A JSON string: quoted, '"' and '\\' escaped, control characters as
 * \n, \t ... or \u00XX, U+2028 and U+2029 as \u2028 and \u2029 (for
 * JavaScript), other UTF-8 kept as it is, an invalid byte as U+FFFD; NULL
 * is null. */
void ks_text_json_string(ks_text_sink *sink, const char *text);
/* A JSON number by the data formatter (ks_format_data); not finite: null. */
void ks_text_json_number(ks_text_sink *sink, double value);

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
