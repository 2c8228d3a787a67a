/*
 * chart_tornado.c -- a tornado: one horizontal bar per input, from the
 * output at the input's low value to the output at its high value,
 * around a line at the base output; the widest first as given.  Bars
 * that all begin at the base are one measure per input (a simulation's
 * sensitivity), drawn without the low/high legend.
 */
#include <math.h>
#include <stdio.h>

#include "base/error.h"
#include "chart/chart_frame.h"
#include "chart/chart_range.h"

#define TORNADO_LOW "#4a6fa5"
#define TORNADO_HIGH "#e07b39"

static ks_status check_bars(const ks_chart_swing *bars, int count,
                            double base, ks_error *err)
{
    if (count < 1 || count > 1000)
        return ks_error_set(err, KS_EINVAL, "tornado: expected 1 to 1000 "
                            "bars, got %d", count);
    if (!isfinite(base))
        return ks_error_set(err, KS_EINVAL, "tornado: the base is not a "
                            "number");
    for (int i = 0; i < count; i++)
        if (!isfinite(bars[i].out_low) || !isfinite(bars[i].out_high))
            return ks_error_set(err, KS_EINVAL, "tornado: bar %d (%s) is "
                                "not two numbers", i + 1,
                                bars[i].label ? bars[i].label : "?");
    return KS_OK;
}

/* Bars that all begin at the base (a sensitivity: one measure per
 * input) have no low and high value to tell apart. */
static int one_sided(const ks_chart_swing *bars, int count, double base)
{
    for (int i = 0; i < count; i++)
        if (bars[i].out_low != base)
            return 0;
    return 1;
}

/* One half of a bar: from the base to `value`. */
static void half_bar(ks_chart_svg *svg, const chart_scale *x, double base,
                     double value, double y, double h, const char *cls,
                     const char *colour)
{
    double x0 = chart_px(x, base), x1 = chart_px(x, value);
    svg_rect(svg, x0, y, x1 - x0, h, cls, colour);
    svg_attr_value(svg, "data-value", value);
    svg_end_empty(svg);
}

ks_status ks_chart_draw_tornado(const ks_chart_swing *bars, int count,
                                double base, const ks_chart_frame *frame,
                                ks_chart_svg *svg, ks_error *err)
{
    chart_setup setup;
    int row = 30;
    ks_status status = check_bars(bars, count, base, err);
    if (status == KS_OK)
        status = chart_setup_of(frame, 760, 170 + row * (count < 40 ? count
                                : 40), &setup, err);
    if (status != KS_OK)
        return status;
    double scale = setup.scale;
    double lo = base, hi = base;
    for (int i = 0; i < count; i++) {
        lo = fmin(lo, fmin(bars[i].out_low, bars[i].out_high));
        hi = fmax(hi, fmax(bars[i].out_low, bars[i].out_high));
    }
    status = chart_range_check("tornado", lo, hi, scale, err);
    if (status != KS_OK)
        return status;
    double top = chart_begin(svg, "tornado", &setup) + 16;
    double left = 250, right = setup.width - 30;
    double bottom = setup.height - 50;
    double pitch = (bottom - top) / count;
    int decimals;
    chart_scale x = chart_frame_value_axis(svg, &setup, 0, lo, hi,
                                           (chart_span){ left, right, bottom,
                                                         top },
                                           &decimals);
    double b = base / scale;
    int sided = one_sided(bars, count, base);
    for (int i = 0; i < count; i++) {
        double y = top + pitch * i + pitch * 0.15, h = pitch * 0.7;
        svg_open(svg, "g");
        svg_attr(svg, "class", "swing");
        svg_attr(svg, "data-label", bars[i].label ? bars[i].label : "");
        svg_attr_value(svg, "data-low", bars[i].out_low / scale);
        svg_attr_value(svg, "data-high", bars[i].out_high / scale);
        svg_end_open(svg);
        half_bar(svg, &x, b, bars[i].out_low / scale, y, h, "swing-low",
                 TORNADO_LOW);
        half_bar(svg, &x, b, bars[i].out_high / scale, y, h, "swing-high",
                 !sided ? TORNADO_HIGH
                        : bars[i].out_high >= base ? CHART_UP : CHART_DOWN);
        svg_text(svg, left - 8, y + h / 2 + 4, "end", "label",
                 bars[i].label ? bars[i].label : "");
        svg_close(svg, "g");
    }
    double xb = chart_px(&x, b);
    svg_line(svg, xb, top - 6, xb, bottom, "base");
    svg_puts(svg, " stroke=\"#000\" stroke-width=\"1.5\"");
    svg_attr_value(svg, "data-value", b);
    svg_end_empty(svg);
    if (sided)
        return chart_end(svg, err);
    char label[80], text[120];
    chart_format(b, decimals + 1, label, sizeof label);
    snprintf(text, sizeof text, "base %s", label);
    svg_text(svg, xb, top - 9, "middle", "label", text);
    svg_rect(svg, 16, bottom + 22, 10, 10, "legend", TORNADO_LOW);
    svg_end_empty(svg);
    svg_text(svg, 30, bottom + 31, "start", "label", "input at its low value");
    svg_rect(svg, 16, bottom + 38, 10, 10, "legend", TORNADO_HIGH);
    svg_end_empty(svg);
    svg_text(svg, 30, bottom + 47, "start", "label",
             "input at its high value");
    return chart_end(svg, err);
}
