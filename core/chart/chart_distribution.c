/*
 * chart_distribution.c -- the distribution of a simulation output: its
 * histogram as bars (share of trials per bin), p5, p50 and p95 marked, a
 * shaded band (the guided range) and an actual figure, and the data of
 * such a chart taken from a simulation result.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "chart/chart_frame.h"
#include "chart/chart_range.h"

#define DIST_BINS_MAX 10000

ks_status ks_chart_sim_distribution(ks_sim_result *result, int output,
                                    int bins, const ks_allocator *alloc,
                                    ks_chart_distribution *out,
                                    ks_error *err)
{
    memset(out, 0, sizeof *out);
    if (bins < 1 || bins > DIST_BINS_MAX)
        return ks_error_set(err, KS_EINVAL, "bins %d: expected 1 to %d",
                            bins, DIST_BINS_MAX);
    if (output < 0 || output >= ks_sim_output_count(result))
        return ks_error_set(err, KS_EINVAL, "no output %d in the result",
                            output);
    const char *name = ks_sim_output_name(result, output);
    if (ks_sim_count(result, output) == 0)
        return ks_error_set(err, KS_EINVAL, "%s: no trial gave a number",
                            name);
    int64_t *counts = ks_mem_calloc(alloc, (size_t)bins, sizeof *counts);
    if (!counts)
        return ks_error_set(err, KS_ENOMEM, "out of memory for %d bins",
                            bins);
    ks_status status = ks_sim_histogram(result, output, bins, counts,
                                        &out->lo, &out->hi, err);
    if (status == KS_OK)
        status = ks_sim_percentile(result, output, 5, &out->p5, err);
    if (status == KS_OK)
        status = ks_sim_percentile(result, output, 50, &out->p50, err);
    if (status == KS_OK)
        status = ks_sim_percentile(result, output, 95, &out->p95, err);
    if (status != KS_OK) {
        ks_mem_free(alloc, counts);
        memset(out, 0, sizeof *out);
        return status;
    }
    out->counts = counts;
    out->bins = bins;
    out->mean = ks_sim_mean(result, output);
    out->name = name;
    out->trials = ks_sim_trials(result);
    return KS_OK;
}

void ks_chart_distribution_release(ks_chart_distribution *dist,
                                   const ks_allocator *alloc)
{
    ks_mem_free(alloc, (void *)dist->counts);
    dist->counts = NULL;
}

static ks_status check_distribution(const ks_chart_distribution *d,
                                    ks_error *err)
{
    if (!d->counts || d->bins < 1 || d->bins > DIST_BINS_MAX)
        return ks_error_set(err, KS_EINVAL, "distribution: expected 1 to %d "
                            "bins", DIST_BINS_MAX);
    if (!isfinite(d->lo) || !isfinite(d->hi) || d->hi < d->lo)
        return ks_error_set(err, KS_EINVAL, "distribution: the range [%g, "
                            "%g] is not a range", d->lo, d->hi);
    for (int i = 0; i < d->bins; i++)
        if (d->counts[i] < 0)
            return ks_error_set(err, KS_EINVAL, "distribution: bin %d has "
                                "a negative count", i + 1);
    if (d->has_band && !(isfinite(d->band_lo) && isfinite(d->band_hi) &&
                         d->band_lo <= d->band_hi))
        return ks_error_set(err, KS_EINVAL, "distribution: the band [%g, "
                            "%g] is not a range", d->band_lo, d->band_hi);
    if (d->has_actual && !isfinite(d->actual))
        return ks_error_set(err, KS_EINVAL, "distribution: the actual "
                            "figure is not a number");
    return KS_OK;
}

/* What the axis covers: the bins, the band and the actual. */
static void axis_range(const ks_chart_distribution *d, double *lo,
                       double *hi)
{
    *lo = d->lo;
    *hi = d->hi;
    if (d->has_band) {
        *lo = fmin(*lo, d->band_lo);
        *hi = fmax(*hi, d->band_hi);
    }
    if (d->has_actual) {
        *lo = fmin(*lo, d->actual);
        *hi = fmax(*hi, d->actual);
    }
}

typedef struct dist_plot {
    chart_scale x, y;
    double top, bottom, left, right;
    int decimals;
} dist_plot;

static void draw_band(ks_chart_svg *svg, const ks_chart_distribution *d,
                      const dist_plot *p, double scale)
{
    double lo = d->band_lo / scale, hi = d->band_hi / scale;
    double x0 = chart_px(&p->x, lo), x1 = chart_px(&p->x, hi);
    svg_rect(svg, x0, p->top, x1 - x0, p->bottom - p->top, "band",
             CHART_BAND);
    svg_puts(svg, " fill-opacity=\"0.3\"");
    svg_attr_value(svg, "data-lo", lo);
    svg_attr_value(svg, "data-hi", hi);
    svg_end_empty(svg);
}

static void draw_band_label(ks_chart_svg *svg, const ks_chart_distribution *d,
                            const dist_plot *p, double scale)
{
    double lo = d->band_lo / scale, hi = d->band_hi / scale;
    double x0 = chart_px(&p->x, lo), x1 = chart_px(&p->x, hi);
    char a[64], b[64], text[200];
    chart_format(lo, p->decimals + 1, a, sizeof a);
    chart_format(hi, p->decimals + 1, b, sizeof b);
    snprintf(text, sizeof text, "%s %s-%s",
             d->band_label ? d->band_label : "guided range", a, b);
    svg_text(svg, (x0 + x1) / 2, p->top + 10, "middle", "label band-label",
             text);
}

static void draw_bins(ks_chart_svg *svg, const ks_chart_distribution *d,
                      const dist_plot *p, double scale, double total)
{
    double width = (d->hi - d->lo) / d->bins;
    svg_puts(svg, "<g class=\"bins\">\n");
    for (int i = 0; i < d->bins; i++) {
        double lo = (d->lo + width * i) / scale;
        double hi = (i == d->bins - 1 ? d->hi : d->lo + width * (i + 1)) /
                    scale;
        double share = total > 0 ? 100.0 * (double)d->counts[i] / total : 0;
        double x0 = chart_px(&p->x, lo), x1 = chart_px(&p->x, hi);
        double y = chart_px(&p->y, share);
        svg_rect(svg, x0, y, x1 - x0, p->bottom - y, "bin", CHART_TOTAL);
        svg_attr_value(svg, "data-lo", lo);
        svg_attr_value(svg, "data-hi", hi);
        svg_attr_value(svg, "data-share", share);
        svg_printf(svg, " data-count=\"%lld\"", (long long)d->counts[i]);
        svg_end_empty(svg);
    }
    svg_puts(svg, "</g>\n");
}

static void draw_marker(ks_chart_svg *svg, const dist_plot *p,
                        const char *name, const char *label, double shown,
                        const char *colour, int row)
{
    double x = chart_px(&p->x, shown);
    svg_line(svg, x, p->top + 16, x, p->bottom, "marker");
    svg_attr(svg, "stroke", colour);
    svg_puts(svg, " stroke-width=\"2\" stroke-dasharray=\"5,3\"");
    svg_attr(svg, "data-name", name);
    svg_attr_value(svg, "data-value", shown);
    svg_end_empty(svg);
    char value[64], text[160];
    chart_format(shown, p->decimals + 1, value, sizeof value);
    snprintf(text, sizeof text, "%s %s", label, value);
    svg_text(svg, x + 3, p->top + 28 + 13 * row, "start", "label", text);
}

ks_status ks_chart_draw_distribution(const ks_chart_distribution *d,
                                     const ks_chart_frame *frame,
                                     ks_chart_svg *svg, ks_error *err)
{
    chart_setup setup;
    ks_status status = chart_setup_of(frame, 720, 420, &setup, err);
    if (status == KS_OK)
        status = check_distribution(d, err);
    double lo, hi;
    axis_range(d, &lo, &hi);
    if (status == KS_OK)
        status = chart_range_check("distribution", lo, hi, setup.scale, err);
    if (status != KS_OK)
        return status;
    double scale = setup.scale;
    double total = 0, most = 0;
    for (int i = 0; i < d->bins; i++) {
        total += (double)d->counts[i];
        if ((double)d->counts[i] > most)
            most = (double)d->counts[i];
    }
    dist_plot p;
    p.top = chart_begin(svg, "distribution", &setup);
    p.left = 70;
    p.right = setup.width - 24;
    p.bottom = setup.height - 56;
    p.x = chart_frame_value_axis(svg, &setup, 0, lo, hi,
                                 (chart_span){ p.left, p.right, p.bottom,
                                               p.top },
                                 &p.decimals);
    chart_axis share = { 1, 0, total > 0 ? 100.0 * most / total * 1.15 : 1,
                         p.bottom, p.top, p.left, p.right, 6,
                         "% of trials", -1 };
    p.y = chart_value_axis(svg, &share, NULL);
    if (d->has_band)
        draw_band(svg, d, &p, scale);
    draw_bins(svg, d, &p, scale, total);
    if (d->has_band)
        draw_band_label(svg, d, &p, scale);
    draw_marker(svg, &p, "p5", "p5", d->p5 / scale, "#333333", 0);
    draw_marker(svg, &p, "p50", "p50", d->p50 / scale, "#000000", 1);
    draw_marker(svg, &p, "p95", "p95", d->p95 / scale, "#333333", 0);
    if (d->has_actual)
        draw_marker(svg, &p, "actual",
                    d->actual_label ? d->actual_label : "actual",
                    d->actual / scale, CHART_DOWN, 2);
    if (d->name)
        svg_text(svg, (p.left + p.right) / 2, setup.height - 12, "middle",
                 "label", d->name);
    return chart_end(svg, err);
}
