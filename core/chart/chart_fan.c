/*
 * chart_fan.c -- a fan chart: a line item across periods, the reported
 * history as a solid line, then the forecast's middle as a dashed line
 * inside its bands (p5-p95 and p25-p75 of a simulation, or low-high of
 * scenarios), the bands joined to the last reported point.
 */
#include <math.h>

#include "base/error.h"
#include "chart/chart_frame.h"
#include "chart/chart_range.h"

#define FAN_POINTS_MAX 400

static ks_status check_points(const ks_chart_fan_point *points, int count,
                              double *lo, double *hi, ks_error *err)
{
    if (count < 1 || count > FAN_POINTS_MAX)
        return ks_error_set(err, KS_EINVAL, "fan: expected 1 to %d periods, "
                            "got %d", FAN_POINTS_MAX, count);
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < count; i++) {
        const ks_chart_fan_point *p = &points[i];
        double v[5] = { p->value, p->outer_lo, p->outer_hi, p->inner_lo,
                        p->inner_hi };
        for (int k = 0; k < (p->forecast ? 5 : 1); k++) {
            if (isinf(v[k]))
                return ks_error_set(err, KS_EINVAL, "fan: period %d (%s) "
                                    "holds an infinity", i + 1,
                                    p->label ? p->label : "?");
            if (isnan(v[k]))
                continue;
            *lo = fmin(*lo, v[k]);
            *hi = fmax(*hi, v[k]);
        }
        if (p->forecast && (isnan(p->outer_lo) != isnan(p->outer_hi) ||
                            isnan(p->inner_lo) != isnan(p->inner_hi) ||
                            p->outer_lo > p->outer_hi ||
                            p->inner_lo > p->inner_hi))
            return ks_error_set(err, KS_EINVAL, "fan: period %d (%s): a band "
                                "needs a low at or below its high",
                                i + 1, p->label ? p->label : "?");
    }
    if (*lo > *hi)
        return ks_error_set(err, KS_EINVAL, "fan: no period has a number");
    return KS_OK;
}

/* The band between lo(i) and hi(i) over the forecast, from the last
 * history point (`from`, or -1). */
static void band_path(ks_chart_svg *svg, const ks_chart_fan_point *points,
                      int count, int from, const double *xs,
                      const chart_scale *y, double scale, int inner,
                      const char *cls, const char *opacity)
{
    int drawn = 0;
    svg_open(svg, "path");
    svg_attr(svg, "class", cls);
    svg_puts(svg, " fill=\"" "#4a6fa5" "\"");
    svg_attr(svg, "fill-opacity", opacity);
    svg_puts(svg, " d=\"");
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < count; k++) {
            int i = pass == 0 ? k : count - 1 - k;
            const ks_chart_fan_point *p = &points[i];
            double v;
            if (i == from && !isnan(p->value))
                v = p->value;
            else if (p->forecast)
                v = inner ? (pass ? p->inner_hi : p->inner_lo)
                          : (pass ? p->outer_hi : p->outer_lo);
            else
                continue;
            if (isnan(v))
                continue;
            svg_puts(svg, drawn ? " L" : "M");
            svg_number(svg, xs[i]);
            svg_puts(svg, ",");
            svg_number(svg, chart_px(y, v / scale));
            drawn++;
        }
    svg_puts(svg, drawn ? " Z\"" : "M0,0\"");
    svg_end_empty(svg);
}

static void whisker(ks_chart_svg *svg, double x, const chart_scale *y,
                    double lo, double hi, const char *cls,
                    const char *period)
{
    if (isnan(lo))
        return;
    svg_line(svg, x, chart_px(y, lo), x, chart_px(y, hi), cls);
    svg_puts(svg, " stroke=\"#4a6fa5\" stroke-opacity=\"0.6\"");
    svg_attr(svg, "data-period", period ? period : "");
    svg_attr_value(svg, "data-lo", lo);
    svg_attr_value(svg, "data-hi", hi);
    svg_end_empty(svg);
}

/* A line through the points of one kind (history, or the forecast from
 * the last history point). */
static void line_path(ks_chart_svg *svg, const ks_chart_fan_point *points,
                      int count, int from, const double *xs,
                      const chart_scale *y, double scale, int forecast)
{
    int drawn = 0;
    svg_open(svg, "path");
    svg_attr(svg, "class", forecast ? "line forecast" : "line history");
    svg_puts(svg, " fill=\"none\" stroke=\"#1f3b63\" stroke-width=\"2\"");
    if (forecast)
        svg_puts(svg, " stroke-dasharray=\"6,4\"");
    svg_puts(svg, " d=\"");
    for (int i = 0; i < count; i++) {
        if (points[i].forecast != forecast && i != from)
            continue;
        if (isnan(points[i].value))
            continue;
        svg_puts(svg, drawn ? " L" : "M");
        svg_number(svg, xs[i]);
        svg_puts(svg, ",");
        svg_number(svg, chart_px(y, points[i].value / scale));
        drawn++;
    }
    if (!drawn)
        svg_puts(svg, "M0,0");
    svg_puts(svg, "\"");
    svg_end_empty(svg);
}

ks_status ks_chart_draw_fan(const ks_chart_fan_point *points, int count,
                            const ks_chart_frame *frame, ks_chart_svg *svg,
                            ks_error *err)
{
    chart_setup setup;
    double lo = 0, hi = 0;
    ks_status status = check_points(points, count, &lo, &hi, err);
    if (status == KS_OK)
        status = chart_setup_of(frame, 760, 420, &setup, err);
    if (status == KS_OK)
        status = chart_range_check("fan", lo, hi, setup.scale, err);
    if (status != KS_OK)
        return status;
    double scale = setup.scale;
    double top = chart_begin(svg, "fan", &setup);
    double left = 80, right = setup.width - 30, bottom = setup.height - 50;
    chart_scale y = chart_frame_value_axis(svg, &setup, 1, lo, hi,
                                           (chart_span){ bottom, top + 10,
                                                         left, right },
                                           NULL);
    double xs[FAN_POINTS_MAX] = { 0 };
    double pitch = (right - left) / count;
    int last_history = -1;
    for (int i = 0; i < count; i++) {
        xs[i] = left + pitch * (i + 0.5);
        if (!points[i].forecast && !isnan(points[i].value))
            last_history = i;
        svg_text(svg, xs[i], bottom + 16, "middle", "label period",
                 points[i].label ? points[i].label : "");
    }
    band_path(svg, points, count, last_history, xs, &y, scale, 0,
              "band outer", "0.18");
    band_path(svg, points, count, last_history, xs, &y, scale, 1,
              "band inner", "0.3");
    line_path(svg, points, count, last_history, xs, &y, scale, 0);
    line_path(svg, points, count, last_history, xs, &y, scale, 1);
    for (int i = 0; i < count; i++) {
        const ks_chart_fan_point *p = &points[i];
        if (p->forecast) {
            whisker(svg, xs[i], &y, p->outer_lo / scale, p->outer_hi / scale,
                    "whisker outer", p->label);
            whisker(svg, xs[i], &y, p->inner_lo / scale, p->inner_hi / scale,
                    "whisker inner", p->label);
        }
        if (isnan(p->value))
            continue;
        svg_open(svg, "circle");
        svg_attr(svg, "class", p->forecast ? "point forecast"
                                           : "point history");
        svg_attr_number(svg, "cx", xs[i]);
        svg_attr_number(svg, "cy", chart_px(&y, p->value / scale));
        svg_puts(svg, " r=\"3.5\" fill=\"#1f3b63\"");
        svg_attr(svg, "data-period", p->label ? p->label : "");
        svg_attr_value(svg, "data-value", p->value / scale);
        svg_end_empty(svg);
    }
    return chart_end(svg, err);
}
