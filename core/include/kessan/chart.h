/*
 * chart.h -- charts as SVG (docs/charts.md): the distribution of a
 * simulation output, a tornado, a fan of a line item across periods, a
 * waterfall (a bridge between two cells), scenario bars side by side and
 * a table as a heat map.  Each chart is drawn from plain data (numbers
 * and labels), so that it draws alike whatever computed them; helpers
 * fill that data from a simulation result (ks_chart_sim_distribution)
 * and from the model's formulas (ks_chart_bridge).  The SVG goes into a
 * growable buffer (ks_chart_svg); ks_chart_save writes it whole or not at
 * all.  Nothing is printed.
 *
 * Every drawn element that stands for a number carries it in a data-*
 * attribute (data-value, data-lo, data-hi), in the chart's units, and the
 * axes' ticks carry theirs, so that a reader can check the picture
 * against the data (tests/py/test_chart_*.py do).
 */
#ifndef KS_CHART_H
#define KS_CHART_H

#include <stddef.h>

#include "kessan/kessan.h"
#include "kessan/simulate.h"

/* SVG text: data is NUL-terminated (or NULL while empty). */
typedef struct ks_chart_svg {
    char *data;
    size_t length, capacity;
    ks_allocator alloc;
    int failed;               /* a write ran out of memory               */
} ks_chart_svg;

void ks_chart_svg_init(ks_chart_svg *svg, const ks_allocator *alloc);
void ks_chart_svg_release(ks_chart_svg *svg);
/* Append bytes as they are, or text escaped for XML and HTML (& < > "
 * ', control characters dropped, invalid UTF-8 as U+FFFD): the buffer
 * also serves pages that hold charts (kessan report). */
void ks_chart_svg_append(ks_chart_svg *svg, const char *bytes, size_t size);
void ks_chart_svg_append_escaped(ks_chart_svg *svg, const char *text);
/* Formatted as ks_snprintf_c formats (numbers in the C locale's form),
 * for markup and numbers only: a result of 1,024 bytes or more is not
 * written and marks the buffer failed. */
void ks_chart_svg_appendf(ks_chart_svg *svg, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Write the SVG to `path` (io/atomic_file: whole or not at all). */
ks_status ks_chart_save(const ks_chart_svg *svg, const char *path,
                        ks_error *err);

/* What every chart takes.  Numbers of the data are in the model's unit;
 * the chart shows them divided by `scale` with `unit` on the axis. */
typedef struct ks_chart_frame {
    const char *title;       /* NULL: none                                 */
    const char *subtitle;    /* NULL: none                                 */
    const char *unit;        /* "JPY bn", "%": the axis's unit; NULL: none */
    double scale;            /* shown = value / scale; 0 means 1           */
    int decimals;            /* digits of value labels; -1: from the ticks */
    int width, height;       /* pixels; 0: the chart's default             */
    const char *lang;        /* "en" or "ja" (the fonts named first)       */
} ks_chart_frame;

/* Title NULL, no unit, scale 1, decimals -1, default size, English. */
void ks_chart_frame_defaults(ks_chart_frame *frame);

/*
 * The axis a model's unit takes: "JPY thousands" -> "JPY bn" at 1e6,
 * "JPY millions" -> "JPY bn" at 1e3, "JPY" -> "JPY bn" at 1e9,
 * "ratio" -> "%" at 0.01; anything else as it is at 1.  Writes the unit
 * into frame->unit (a static string or `unit` itself) and frame->scale.
 */
void ks_chart_unit_of(const char *model_unit, ks_chart_frame *frame);

/* Nice ticks: the 1-2-5 step for at most `most` ticks over [lo, hi], the
 * first tick (a multiple of the step at or below lo) and the count (the
 * last at or above hi).  lo == hi is widened first. */
void ks_chart_ticks(double lo, double hi, int most, double *first,
                    double *step, int *count);

/* ---- distribution --------------------------------------------------------- */

typedef struct ks_chart_distribution {
    const int64_t *counts;   /* `bins` equal bins over [lo, hi]            */
    int bins;
    double lo, hi;
    double p5, p50, p95, mean;
    int has_band;            /* a shaded range: the guidance              */
    double band_lo, band_hi;
    const char *band_label;  /* NULL: "guided range"                       */
    int has_actual;
    double actual;
    const char *actual_label;/* NULL: "actual"                             */
    const char *name;        /* the output, under the axis                 */
    int64_t trials;          /* for the subtitle; 0: not said              */
} ks_chart_distribution;

/* The histogram (`bins` bins, 1..10000) and percentiles of one output of
 * a result into `out`, counts allocated with `alloc` (free with
 * ks_chart_distribution_release).  KS_EINVAL when the output has no
 * number. */
ks_status ks_chart_sim_distribution(ks_sim_result *result, int output,
                                    int bins, const ks_allocator *alloc,
                                    ks_chart_distribution *out,
                                    ks_error *err);
void ks_chart_distribution_release(ks_chart_distribution *dist,
                                   const ks_allocator *alloc);

ks_status ks_chart_draw_distribution(const ks_chart_distribution *dist,
                                     const ks_chart_frame *frame,
                                     ks_chart_svg *svg, ks_error *err);

/* ---- tornado ------------------------------------------------------------ */

/* One input's bar: the output at its low and its high value. */
typedef struct ks_chart_swing {
    const char *label;
    double out_low, out_high;
} ks_chart_swing;

/* Bars in the order given (widest first is the tornado's order), around
 * the base output.  When every bar's out_low is the base, each bar is one
 * measure (a sensitivity: base 0, out_high the measure) and no low/high
 * legend is drawn. */
ks_status ks_chart_draw_tornado(const ks_chart_swing *bars, int count,
                                double base, const ks_chart_frame *frame,
                                ks_chart_svg *svg, ks_error *err);

/* ---- fan ---------------------------------------------------------------- */

/* A period of the fan: history (a value) or forecast (bands).  A value
 * that is NaN is not drawn. */
typedef struct ks_chart_fan_point {
    const char *label;       /* "3Q02"                                     */
    int forecast;            /* 0: history, `value`                        */
    double value;            /* history, or the forecast's middle          */
    double outer_lo, outer_hi; /* p5-p95 or low-high; NaN: none            */
    double inner_lo, inner_hi; /* p25-p75; NaN: none                       */
} ks_chart_fan_point;

ks_status ks_chart_draw_fan(const ks_chart_fan_point *points, int count,
                            const ks_chart_frame *frame, ks_chart_svg *svg,
                            ks_error *err);

/* ---- waterfall ---------------------------------------------------------- */

typedef struct ks_chart_step {
    const char *label;
    double delta;
} ks_chart_step;

typedef struct ks_chart_waterfall {
    const char *start_label, *end_label;
    double start, end;       /* end should be start + the deltas           */
    const ks_chart_step *steps;
    int count;
    int no_zero;             /* 1: the axis spans the running totals only,
                                the start and end bars cut at its edge     */
} ks_chart_waterfall;

ks_status ks_chart_draw_waterfall(const ks_chart_waterfall *waterfall,
                                  const ks_chart_frame *frame,
                                  ks_chart_svg *svg, ks_error *err);

/*
 * The bridge from one cell of an item to another (op_income@3Q02 to
 * op_income@4Q02) built from the item's own formula: the formula's
 * linear terms (what + and - join, a negation flipping the sign) are
 * walked in both cells, and a term that reads an item with a formula of
 * its own is opened in turn while `depth` allows (1: the formula's own
 * terms only).  Each leaf term's change, signed as the formula adds it,
 * is a step; a product or a function is one step as a whole, labelled
 * by its text.  What the steps leave of the change (a reported total
 * that does not foot) is a step "other".  Labels are the items' labels
 * (`lang` "ja": their Japanese labels when they have them).  The bridge
 * owns its strings; free it with ks_chart_bridge_free.  Errors: cells of
 * different items, a cell that is not a number (with why), no formula in
 * either cell, memory.
 */
typedef struct ks_chart_bridge {
    ks_chart_waterfall waterfall;
    char *unit;              /* the item's unit                            */
    ks_allocator alloc;
} ks_chart_bridge;

ks_status ks_chart_bridge_build(ks_model *model, const char *from_cell,
                                const char *to_cell, int depth,
                                const char *lang, ks_chart_bridge **out,
                                ks_error *err);
void ks_chart_bridge_free(ks_chart_bridge *bridge);

/* ---- bars and heat map -------------------------------------------------- */

/* Groups (line items) of bars (one per series: scenarios).  values[g *
 * series_count + s]; NaN: no bar. */
typedef struct ks_chart_bars {
    const char *const *groups;
    int group_count;
    const char *const *series;
    int series_count;
    const double *values;
} ks_chart_bars;

ks_status ks_chart_draw_bars(const ks_chart_bars *bars,
                             const ks_chart_frame *frame, ks_chart_svg *svg,
                             ks_error *err);

/* A table: values[r * col_count + c] (NaN: a blank cell), row and
 * column headings as text, each cell coloured from the lowest value
 * (red) through the middle to the highest (green) and labelled. */
typedef struct ks_chart_heatmap {
    const char *const *rows;
    int row_count;
    const char *const *cols;
    int col_count;
    const double *values;
    const char *row_title, *col_title; /* NULL: none                       */
} ks_chart_heatmap;

ks_status ks_chart_draw_heatmap(const ks_chart_heatmap *heatmap,
                                const ks_chart_frame *frame,
                                ks_chart_svg *svg, ks_error *err);

#endif
