/*
 * chart_bars.c -- bars side by side: a group per line item, a bar per
 * series (scenario) in the group, from zero, with a legend and each
 * bar's value.
 */
#include <math.h>

#include "base/error.h"
#include "chart/chart_frame.h"
#include "chart/chart_range.h"

static ks_status check_bars(const ks_chart_bars *b, double *lo, double *hi,
                            ks_error *err)
{
    if (b->group_count < 1 || b->series_count < 1 ||
        b->group_count > 200 || b->series_count > 50 ||
        b->group_count * b->series_count > 2000)
        return ks_error_set(err, KS_EINVAL, "bars: expected 1 to 200 groups "
                            "of 1 to 50 series (2000 bars at most), got %d "
                            "of %d", b->group_count, b->series_count);
    *lo = 0;
    *hi = 0;
    for (int i = 0; i < b->group_count * b->series_count; i++) {
        double v = b->values[i];
        if (isinf(v))
            return ks_error_set(err, KS_EINVAL, "bars: value %d is infinite",
                                i + 1);
        if (isnan(v))
            continue;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
    return KS_OK;
}

static void legend(ks_chart_svg *svg, const ks_chart_bars *b, double x,
                   double y)
{
    for (int s = 0; s < b->series_count; s++) {
        svg_rect(svg, x, y + 16 * s - 9, 10, 10, "legend",
                 chart_series_colour(s));
        svg_end_empty(svg);
        svg_text(svg, x + 14, y + 16 * s, "start", "label",
                 b->series[s] ? b->series[s] : "");
    }
}

ks_status ks_chart_draw_bars(const ks_chart_bars *b,
                             const ks_chart_frame *frame, ks_chart_svg *svg,
                             ks_error *err)
{
    chart_setup setup;
    double lo = 0, hi = 0;
    ks_status status = check_bars(b, &lo, &hi, err);
    if (status == KS_OK)
        status = chart_setup_of(frame, 200 + (40 + 22 * b->series_count) *
                                (b->group_count < 4 ? 4 : b->group_count),
                                440, &setup, err);
    if (status == KS_OK)
        status = chart_range_check("bars", lo, hi, setup.scale, err);
    if (status != KS_OK)
        return status;
    double scale = setup.scale;
    double top = chart_begin(svg, "bars", &setup) + 10;
    double left = 80, right = setup.width - 150, bottom = setup.height - 90;
    int decimals;
    chart_scale y = chart_frame_value_axis(svg, &setup, 1, lo, hi,
                                           (chart_span){ bottom, top, left,
                                                         right },
                                           &decimals);
    double zero = chart_px(&y, 0);
    double pitch = (right - left) / b->group_count;
    double bar = pitch * 0.8 / b->series_count;
    for (int g = 0; g < b->group_count; g++) {
        double x0 = left + pitch * g + pitch * 0.1;
        for (int s = 0; s < b->series_count; s++) {
            double v = b->values[g * b->series_count + s];
            if (isnan(v))
                continue;
            double yv = chart_px(&y, v / scale);
            svg_rect(svg, x0 + bar * s, yv, bar * 0.92, zero - yv, "bar",
                     chart_series_colour(s));
            svg_attr(svg, "data-group", b->groups[g] ? b->groups[g] : "");
            svg_attr(svg, "data-series", b->series[s] ? b->series[s] : "");
            svg_attr_value(svg, "data-value", v / scale);
            svg_end_empty(svg);
            char text[64];
            chart_format(v / scale, decimals + 1, text, sizeof text);
            svg_text(svg, x0 + bar * (s + 0.46), (v >= 0 ? yv - 3 : yv + 11),
                     "middle", "value", text);
        }
        char short_label[200];
        svg_text(svg, left + pitch * (g + 0.5), bottom + 18, "middle",
                 "label group", chart_short(b->groups[g], (int)(pitch / 7.5),
                                            short_label,
                                            sizeof short_label));
    }
    svg_line(svg, left, zero, right, zero, "axis zero");
    svg_end_empty(svg);
    legend(svg, b, right + 16, top + 10);
    return chart_end(svg, err);
}
