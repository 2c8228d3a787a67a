/*
 * chart_frame.h -- what every chart shares (internal): sizes, the map
 * from values to pixels, value labels, the title, and a value axis with
 * nice ticks and grid lines.
 */
#ifndef KS_CHART_FRAME_H
#define KS_CHART_FRAME_H

#include "chart/svg.h"

/* A linear map of values [v0, v1] onto pixels [p0, p1]. */
typedef struct chart_scale {
    double v0, v1, p0, p1;
} chart_scale;

double chart_px(const chart_scale *scale, double value);

/* The frame's numbers with defaults filled in. */
typedef struct chart_setup {
    ks_chart_frame frame;
    double scale;   /* > 0                                               */
    int width, height;
} chart_setup;

/* Check the frame (sizes 100..10000 pixels, a finite positive scale)
 * and fill the defaults; KS_EINVAL naming the field. */
ks_status chart_setup_of(const ks_chart_frame *frame, int width, int height,
                         chart_setup *setup, ks_error *err);

/* A shown value (already divided by the scale) with `decimals` digits,
 * grouped by thousands: "12.5", "-1,234". */
void chart_format(double shown, int decimals, char *buf, size_t size);
/* The digits after the point a tick step needs (0 for 1, 2, 5, 10...). */
int chart_step_decimals(double step);

/* The document with the title and subtitle, data-unit and data-scale on
 * the root; the space the title takes is returned (the plot's top). */
double chart_begin(ks_chart_svg *svg, const char *kind,
                   const chart_setup *setup);
/* Close the document; KS_ENOMEM when the buffer could not grow. */
ks_status chart_end(ks_chart_svg *svg, ks_error *err);

/* A value axis over the shown range [lo, hi] (widened to nice ticks),
 * horizontal (values along x, the axis at pixel `at` below the plot
 * spanning [from, to] in x and grid lines up to `grid_to` in y) or
 * vertical (values along y, the axis at x = `at`, grid to x = grid_to).
 * Returns the map; ticks are <g class="tick" data-axis="x|y"
 * data-value="v"> with a line and a label. */
typedef struct chart_axis {
    int vertical;
    double lo, hi;        /* shown values to cover                       */
    double from, to;      /* pixels along the axis                       */
    double at, grid_to;   /* pixels across                               */
    int most;             /* at most this many ticks                     */
    const char *unit;     /* written at the axis's end; NULL: none       */
    int decimals;         /* of the labels; -1: from the step            */
} chart_axis;

chart_scale chart_value_axis(ks_chart_svg *svg, const chart_axis *axis,
                             int *decimals);

/* A label cut to `columns` of display width (a Japanese character takes
 * two; UTF-8 kept whole) with "..." when longer; NULL as "". */
const char *chart_short(const char *label, int columns, char *buf,
                        size_t size);

/* Where an axis goes: pixels along it (from the low value to the high),
 * and across it (where it stands, and how far its grid lines reach). */
typedef struct chart_span {
    double from, to, at, grid_to;
} chart_span;

/* The frame's value axis (its unit and decimals) over [lo, hi] in the
 * model's unit (divided by the frame's scale here): vertical or not. */
chart_scale chart_frame_value_axis(ks_chart_svg *svg,
                                   const chart_setup *setup, int vertical,
                                   double lo, double hi, chart_span span,
                                   int *decimals);

/* Colours of the charts: series (scenarios), up and down steps. */
const char *chart_series_colour(int index);
#define CHART_UP "#2e8b57"
#define CHART_DOWN "#c0392b"
#define CHART_TOTAL "#4a6fa5"
#define CHART_BAND "#f5c242"

#endif
