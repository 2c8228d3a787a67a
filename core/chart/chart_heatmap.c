/*
 * chart_heatmap.c -- a table as a heat map: a cell per row and column
 * value, coloured from the lowest value (red) through the middle (pale
 * yellow) to the highest (green), each labelled with its value.
 */
#include <math.h>
#include <stdio.h>

#include "base/error.h"
#include "chart/chart_frame.h"

static ks_status check_heatmap(const ks_chart_heatmap *h, double *lo,
                               double *hi, ks_error *err)
{
    if (h->row_count < 1 || h->col_count < 1 || h->row_count > 200 ||
        h->col_count > 100)
        return ks_error_set(err, KS_EINVAL, "heatmap: expected 1 to 200 rows "
                            "of 1 to 100 columns, got %d by %d",
                            h->row_count, h->col_count);
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < h->row_count * h->col_count; i++) {
        if (isinf(h->values[i]))
            return ks_error_set(err, KS_EINVAL, "heatmap: value %d is "
                                "infinite", i + 1);
        if (isnan(h->values[i]))
            continue;
        *lo = fmin(*lo, h->values[i]);
        *hi = fmax(*hi, h->values[i]);
    }
    return KS_OK;
}

/* red (0) -> pale yellow (0.5) -> green (1) */
static void colour_of(double t, char *buf, size_t size)
{
    static const double stops[3][3] = {
        { 214, 96, 77 }, { 255, 247, 188 }, { 77, 172, 120 }
    };
    if (!(t >= 0))
        t = 0;
    if (t > 1)
        t = 1;
    int k = t < 0.5 ? 0 : 1;
    double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    int rgb[3];
    for (int c = 0; c < 3; c++)
        rgb[c] = (int)lround(stops[k][c] + (stops[k + 1][c] - stops[k][c]) *
                             u);
    snprintf(buf, size, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

ks_status ks_chart_draw_heatmap(const ks_chart_heatmap *h,
                                const ks_chart_frame *frame,
                                ks_chart_svg *svg, ks_error *err)
{
    chart_setup setup;
    double lo = 0, hi = 0;
    ks_status status = check_heatmap(h, &lo, &hi, err);
    double cw = 86, ch = 26;
    if (status == KS_OK)
        status = chart_setup_of(frame, (int)(180 + cw * h->col_count),
                                (int)(150 + ch * h->row_count), &setup, err);
    if (status != KS_OK)
        return status;
    double scale = setup.scale;
    double top = chart_begin(svg, "heatmap", &setup) + 24;
    double left = 160;
    cw = (setup.width - 20 - left) / h->col_count;
    ch = (setup.height - 30 - top) / h->row_count;
    int decimals = setup.frame.decimals;
    if (decimals < 0) {
        double first, step;
        int count;
        ks_chart_ticks(isfinite(lo) ? lo / scale : 0,
                       isfinite(hi) ? hi / scale : 1, 8, &first, &step,
                       &count);
        decimals = chart_step_decimals(step) + 1;
    }
    if (h->col_title)
        svg_text(svg, left + cw * h->col_count / 2, top - 20, "middle",
                 "label", h->col_title);
    if (h->row_title)
        svg_text(svg, 12, top - 4, "start", "label", h->row_title);
    for (int c = 0; c < h->col_count; c++)
        svg_text(svg, left + cw * (c + 0.5), top - 4, "middle",
                 "label col", h->cols[c] ? h->cols[c] : "");
    for (int r = 0; r < h->row_count; r++) {
        double y = top + ch * r;
        svg_text(svg, left - 8, y + ch / 2 + 4, "end", "label row",
                 h->rows[r] ? h->rows[r] : "");
        for (int c = 0; c < h->col_count; c++) {
            double v = h->values[r * h->col_count + c];
            char fill[16], text[64];
            colour_of(hi > lo ? (v - lo) / (hi - lo) : 0.5, fill,
                      sizeof fill);
            svg_rect(svg, left + cw * c, y, cw - 1, ch - 1, "cell",
                     isnan(v) ? "#eeeeee" : fill);
            svg_attr(svg, "data-row", h->rows[r] ? h->rows[r] : "");
            svg_attr(svg, "data-col", h->cols[c] ? h->cols[c] : "");
            if (!isnan(v)) /* a missing cell has no number to carry */
                svg_attr_value(svg, "data-value", v / scale);
            svg_end_empty(svg);
            chart_format(v / scale, decimals, text, sizeof text);
            svg_text(svg, left + cw * (c + 0.5), y + ch / 2 + 4, "middle",
                     "value", text);
        }
    }
    if (setup.frame.unit)
        svg_text(svg, setup.width - 20, setup.height - 10, "end",
                 "label unit", setup.frame.unit);
    return chart_end(svg, err);
}
