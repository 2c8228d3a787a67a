/*
 * layout.h -- a statement laid out as a release prints it (docs/show.md):
 * rows are the statement's items in display order, indented by their depth
 * in the parent tree; columns are periods, each optionally followed by its
 * % of base, YoY and QoQ columns; thousands separators, negatives in
 * parentheses, percentages to one decimal (text.h's display formatter);
 * as aligned text (by display width, so Japanese labels line up), a
 * Markdown table, or for data CSV and JSON (text.h's data formatter).  A
 * scenario handle is shown as the model it sees, its name in the title.
 * Nothing is printed: the text goes into a growable buffer.
 */
#ifndef KS_LAYOUT_H
#define KS_LAYOUT_H

#include <stddef.h>

#include "kessan/kessan.h"

typedef enum ks_layout_format {
    KS_LAYOUT_TEXT = 0, /* aligned columns                                */
    KS_LAYOUT_MD,       /* a Markdown table                               */
    KS_LAYOUT_CSV,      /* RFC 4180 fields, LF line ends (text.h's rule),
                           the numbers themselves (a ratio as a fraction) */
    KS_LAYOUT_JSON      /* one JSON object, numbers as in CSV, a missing
                           figure null                                    */
} ks_layout_format;

/* Extra columns after each period's value (bits of ks_layout_options.with). */
enum {
    KS_LAYOUT_PCT = 1, /* % of the statement's base (settings pct_base.*) */
    KS_LAYOUT_YOY = 2, /* change against the period a year earlier        */
    KS_LAYOUT_QOQ = 4  /* change against the previous quarter             */
};

/* The most columns of periods a statement is laid out with. */
#define KS_LAYOUT_PERIODS_MAX 64

typedef struct ks_layout_options {
    const char *statement;   /* "is", "bs", "cf", "kpi", ...              */
    const int *periods;      /* period indexes in column order; NULL: the
                                periods the statement's figures are printed
                                for, latest quarter first                  */
    int period_count;        /* 1 to KS_LAYOUT_PERIODS_MAX with periods   */
    unsigned with;           /* KS_LAYOUT_PCT | KS_LAYOUT_YOY | ...        */
    const char *currency;    /* NULL: the model's; "USD": money at the
                                settings' rate.USD (JPY per USD)           */
    const char *lang;        /* NULL or "en"; "ja": Japanese labels        */
    ks_layout_format format;
} ks_layout_options;

/* A growable text buffer; data is NUL-terminated (or NULL while empty). */
typedef struct ks_layout_text {
    char *data;
    size_t length, capacity;
    ks_allocator alloc;
} ks_layout_text;

void ks_layout_text_init(ks_layout_text *text, const ks_allocator *alloc);
void ks_layout_text_release(ks_layout_text *text);

/*
 * Lay out a statement into `out` (appended).  Errors: more periods than
 * KS_LAYOUT_PERIODS_MAX (or none, when a list is given), an unknown statement
 * (naming the model's statements), a currency other than the model's or
 * USD, USD without a positive rate.USD, memory.
 */
ks_status ks_layout_render(ks_model *model, const ks_layout_options *options,
                           ks_layout_text *out, ks_error *err);

/* Parse "pct,yoy,qoq" into KS_LAYOUT_* bits; -1 on an unknown name, an
 * empty list or an empty entry ("pct,,yoy", "yoy,"). */
int ks_layout_parse_with(const char *list, unsigned *with);

#endif
