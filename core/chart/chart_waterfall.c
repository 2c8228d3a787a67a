/*
 * chart_waterfall.c -- a waterfall: the start's bar from zero, each
 * step floating from the running total to the next (green up, red down),
 * and the end's bar from zero, with a connector between bars and each
 * bar's value above it.
 */
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "chart/chart_frame.h"
#include "chart/chart_range.h"

#define WATERFALL_STEPS_MAX 200

static ks_status check_waterfall(const ks_chart_waterfall *w, double *lo,
                                 double *hi, ks_error *err)
{
    if (w->count < 0 || w->count > WATERFALL_STEPS_MAX ||
        (w->count > 0 && !w->steps))
        return ks_error_set(err, KS_EINVAL, "waterfall: expected 0 to %d "
                            "steps, got %d", WATERFALL_STEPS_MAX, w->count);
    if (!isfinite(w->start) || !isfinite(w->end))
        return ks_error_set(err, KS_EINVAL, "waterfall: the start and the "
                            "end must be numbers");
    double running = w->start;
    *lo = fmin(w->start, w->end);
    *hi = fmax(w->start, w->end);
    for (int i = 0; i < w->count; i++) {
        if (!isfinite(w->steps[i].delta))
            return ks_error_set(err, KS_EINVAL, "waterfall: step %d (%s) is "
                                "not a number", i + 1, w->steps[i].label ?
                                w->steps[i].label : "?");
        running += w->steps[i].delta;
        *lo = fmin(*lo, running);
        *hi = fmax(*hi, running);
    }
    if (w->no_zero) {
        double pad = (*hi - *lo) * 0.15;
        *lo -= pad;
        *hi += pad;
    } else {
        *lo = fmin(*lo, 0);
        *hi = fmax(*hi, 0);
    }
    return KS_OK;
}

typedef struct waterfall_plot {
    chart_scale y;
    double left, pitch, bottom;
    int decimals;
    double scale;
} waterfall_plot;

/* Bar `index` from `from` to `to` (model units), its value `value`. */
static void waterfall_bar(ks_chart_svg *svg, const waterfall_plot *p,
                          int index, const char *kind, const char *label,
                          double from, double to, double value)
{
    double s = p->scale;
    double x = p->left + p->pitch * index + p->pitch * 0.15;
    double w = p->pitch * 0.7;
    double y0 = chart_px(&p->y, from / s), y1 = chart_px(&p->y, to / s);
    const char *colour = strcmp(kind, "step") != 0 ? CHART_TOTAL
                         : value >= 0 ? CHART_UP : CHART_DOWN;
    svg_open(svg, "g");
    svg_attr(svg, "class", "bar");
    svg_attr(svg, "data-kind", kind);
    svg_attr(svg, "data-label", label ? label : "");
    svg_attr_value(svg, "data-value", value / s);
    svg_attr_value(svg, "data-from", from / s);
    svg_attr_value(svg, "data-to", to / s);
    svg_end_open(svg);
    svg_rect(svg, x, y0, w, y1 - y0, "rect", colour);
    svg_end_empty(svg);
    char text[64], short_label[160];
    chart_format(value / s, p->decimals + 2, text, sizeof text);
    double ytext = fmin(y0, y1) - 4;
    svg_text(svg, x + w / 2, ytext, "middle", "value", text);
    double xl = x + w / 2, yl = p->bottom + 14;
    svg_printf(svg, "<g transform=\"rotate(-35 %.2f %.2f)\">", xl, yl);
    svg_text(svg, xl, yl, "end", "label", chart_short(label, 28, short_label,
                                                    sizeof short_label));
    svg_puts(svg, "</g>\n");
    svg_close(svg, "g");
}

static void connector(ks_chart_svg *svg, const waterfall_plot *p, int index,
                      double level)
{
    double y = chart_px(&p->y, level / p->scale);
    double x0 = p->left + p->pitch * index + p->pitch * 0.85;
    svg_line(svg, x0, y, x0 + p->pitch * 0.3, y, "connector");
    svg_puts(svg, " stroke=\"#888\" stroke-dasharray=\"2,2\"");
    svg_end_empty(svg);
}

ks_status ks_chart_draw_waterfall(const ks_chart_waterfall *w,
                                  const ks_chart_frame *frame,
                                  ks_chart_svg *svg, ks_error *err)
{
    chart_setup setup;
    double lo = 0, hi = 0;
    ks_status status = check_waterfall(w, &lo, &hi, err);
    int bars = w->count + 2;
    if (status == KS_OK)
        status = chart_setup_of(frame, 160 + 62 * (bars < 12 ? 12 : bars),
                                520, &setup, err);
    if (status == KS_OK)
        status = chart_range_check("waterfall", lo, hi, setup.scale, err);
    if (status != KS_OK)
        return status;
    waterfall_plot p;
    p.scale = setup.scale;
    double top = chart_begin(svg, "waterfall", &setup) + 10;
    p.left = 80;
    p.bottom = setup.height - 160;
    p.pitch = (setup.width - 20 - p.left) / bars;
    p.y = chart_frame_value_axis(svg, &setup, 1, lo, hi,
                                 (chart_span){ p.bottom, top, p.left,
                                               setup.width - 20 },
                                 &p.decimals);
    /* the totals' bars begin at zero, or at the edge of an axis without */
    double base = 0;
    if (w->no_zero)
        base = w->start < 0 ? p.y.v1 * p.scale : p.y.v0 * p.scale;
    else {
        double zero = chart_px(&p.y, 0);
        svg_line(svg, p.left, zero, setup.width - 20, zero, "axis zero");
        svg_end_empty(svg);
    }
    waterfall_bar(svg, &p, 0, "start", w->start_label, base, w->start,
                  w->start);
    double running = w->start;
    for (int i = 0; i < w->count; i++) {
        connector(svg, &p, i, running);
        double next = running + w->steps[i].delta;
        waterfall_bar(svg, &p, i + 1, "step", w->steps[i].label, running,
                      next, w->steps[i].delta);
        running = next;
    }
    connector(svg, &p, w->count, running);
    if (w->no_zero)
        base = w->end < 0 ? p.y.v1 * p.scale : p.y.v0 * p.scale;
    waterfall_bar(svg, &p, w->count + 1, "end", w->end_label, base, w->end,
                  w->end);
    return chart_end(svg, err);
}
