/*
 * chart_frame.c -- what every chart shares: frame defaults and checks,
 * the unit of an axis, nice 1-2-5 ticks, value labels, the title and the
 * value axis (chart_frame.h), and saving the SVG.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "chart/chart_frame.h"
#include "io/atomic_file.h"
#include "kessan/text.h"

void ks_chart_frame_defaults(ks_chart_frame *frame)
{
    memset(frame, 0, sizeof *frame);
    frame->scale = 1;
    frame->decimals = -1;
}

void ks_chart_unit_of(const char *model_unit, ks_chart_frame *frame)
{
    static const struct { const char *unit, *shown; double scale; } units[] = {
        { "JPY thousands", "JPY bn", 1e6 },
        { "JPY millions", "JPY bn", 1e3 },
        { "JPY", "JPY bn", 1e9 },
        { "ratio", "%", 0.01 },
    };
    frame->unit = model_unit;
    frame->scale = 1;
    if (!model_unit)
        return;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(model_unit, units[i].unit) == 0) {
            frame->unit = units[i].shown;
            frame->scale = units[i].scale;
            return;
        }
}

void ks_chart_ticks(double lo, double hi, int most, double *first,
                    double *step, int *count)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi - lo <= fabs(hi) * 1e-12) {
        double pad = lo == 0 ? 1 : fabs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    if (most < 2)
        most = 2;
    double raw = (hi - lo) / (most - 1);
    double power = pow(10, floor(log10(raw)));
    static const double nice[] = { 1, 2, 5, 10 };
    double chosen = 10 * power;
    for (int i = 0; i < 4; i++)
        if (nice[i] * power >= raw * (1 - 1e-9)) {
            chosen = nice[i] * power;
            break;
        }
    /* fewer ticks than `most` when lo and hi straddle the multiples */
    for (;;) {
        double start = floor(lo / chosen + 1e-9) * chosen;
        int n = (int)ceil((hi - start) / chosen - 1e-9) + 1;
        if (n <= most || chosen > (hi - lo) * 10) {
            *first = start;
            *step = chosen;
            *count = n;
            return;
        }
        double mantissa = chosen / pow(10, floor(log10(chosen) + 1e-9));
        chosen *= mantissa < 1.5 ? 2 : mantissa < 3 ? 2.5 : 2;
    }
}

double chart_px(const chart_scale *scale, double value)
{
    double span = scale->v1 - scale->v0;
    if (span == 0)
        return scale->p0;
    return scale->p0 + (value - scale->v0) / span * (scale->p1 - scale->p0);
}

ks_status chart_setup_of(const ks_chart_frame *frame, int width, int height,
                         chart_setup *setup, ks_error *err)
{
    ks_chart_frame_defaults(&setup->frame);
    if (frame)
        setup->frame = *frame;
    const ks_chart_frame *f = &setup->frame;
    setup->width = f->width ? f->width : width;
    setup->height = f->height ? f->height : height;
    if (setup->width < 100 || setup->width > 10000 || setup->height < 100 ||
        setup->height > 10000)
        return ks_error_set(err, KS_EINVAL, "chart size %dx%d: expected "
                            "100 to 10000 pixels each way",
                            setup->width, setup->height);
    setup->scale = f->scale == 0 ? 1 : f->scale;
    if (!isfinite(setup->scale) || setup->scale <= 0)
        return ks_error_set(err, KS_EINVAL, "chart scale %g: expected a "
                            "positive number", f->scale);
    if (f->decimals < -1 || f->decimals > 10)
        return ks_error_set(err, KS_EINVAL, "chart decimals %d: expected "
                            "0 to 10", f->decimals);
    return KS_OK;
}

void chart_format(double shown, int decimals, char *buf, size_t size)
{
    /* the one display formatter; an axis reads -1, 0, 1 (a minus sign,
     * not the statements' parentheses) */
    ks_number_style style = ks_number_style_for_unit(NULL, decimals);
    style.minus_sign = 1;
    if (ks_format_display(buf, size, shown, &style) < 0 && size > 0)
        buf[0] = '\0';
}

int chart_step_decimals(double step)
{
    if (!(step > 0) || !isfinite(step))
        return 0;
    int d = (int)-floor(log10(step) + 1e-9);
    if (d < 0)
        return 0;
    /* 2.5 steps need one more digit */
    double scaled = step * pow(10, d);
    if (fabs(scaled - round(scaled)) > 1e-6)
        d++;
    return d > 10 ? 10 : d;
}

double chart_begin(ks_chart_svg *svg, const char *kind,
                   const chart_setup *setup)
{
    const ks_chart_frame *f = &setup->frame;
    svg_document_begin(svg, kind, setup->width, setup->height, f->lang);
    svg_open(svg, "g");
    svg_attr(svg, "class", "meta");
    if (f->unit)
        svg_attr(svg, "data-unit", f->unit);
    svg_attr_value(svg, "data-scale", setup->scale);
    svg_end_open(svg);
    svg_close(svg, "g");
    double top = 12;
    if (f->title) {
        svg_text(svg, 16, top + 16, "start", "title", f->title);
        top += 22;
    }
    if (f->subtitle) {
        svg_text(svg, 16, top + 13, "start", "subtitle", f->subtitle);
        top += 18;
    }
    return top + 24;
}

ks_status chart_end(ks_chart_svg *svg, ks_error *err)
{
    svg_document_end(svg);
    if (svg->failed)
        return ks_error_set(err, KS_ENOMEM, "out of memory while drawing "
                            "a chart");
    return KS_OK;
}

static void axis_tick(ks_chart_svg *svg, const chart_axis *axis,
                      double pixel, double value, const char *label)
{
    svg_open(svg, "g");
    svg_attr(svg, "class", "tick");
    svg_attr(svg, "data-axis", axis->vertical ? "y" : "x");
    svg_attr_value(svg, "data-value", value);
    svg_end_open(svg);
    if (axis->vertical) {
        svg_line(svg, axis->at, pixel, axis->grid_to, pixel, "grid");
        svg_end_empty(svg);
        svg_line(svg, axis->at - 4, pixel, axis->at, pixel, "axis");
        svg_end_empty(svg);
        svg_text(svg, axis->at - 6, pixel + 4, "end", NULL, label);
    } else {
        svg_line(svg, pixel, axis->at, pixel, axis->grid_to, "grid");
        svg_end_empty(svg);
        svg_line(svg, pixel, axis->at, pixel, axis->at + 4, "axis");
        svg_end_empty(svg);
        svg_text(svg, pixel, axis->at + 16, "middle", NULL, label);
    }
    svg_close(svg, "g");
}

chart_scale chart_value_axis(ks_chart_svg *svg, const chart_axis *axis,
                             int *decimals)
{
    double first, step;
    int count;
    ks_chart_ticks(axis->lo, axis->hi, axis->most, &first, &step, &count);
    chart_scale scale = { first, first + step * (count - 1), axis->from,
                          axis->to };
    int digits = axis->decimals >= 0 ? axis->decimals
                                     : chart_step_decimals(step);
    for (int i = 0; i < count; i++) {
        double value = first + step * i;
        if (fabs(value) < step * 1e-9)
            value = 0;
        char label[64];
        chart_format(value, digits, label, sizeof label);
        axis_tick(svg, axis, chart_px(&scale, value), value, label);
    }
    if (axis->vertical) {
        svg_line(svg, axis->at, axis->from, axis->at, axis->to, "axis");
        svg_end_empty(svg);
        if (axis->unit)
            svg_text(svg, axis->at - 6, axis->to - 8, "end", "label unit",
                     axis->unit);
    } else {
        svg_line(svg, axis->from, axis->at, axis->to, axis->at, "axis");
        svg_end_empty(svg);
        if (axis->unit)
            svg_text(svg, axis->to, axis->at + 32, "end", "label unit",
                     axis->unit);
    }
    if (decimals)
        *decimals = digits;
    return scale;
}

chart_scale chart_frame_value_axis(ks_chart_svg *svg,
                                   const chart_setup *setup, int vertical,
                                   double lo, double hi, chart_span span,
                                   int *decimals)
{
    chart_axis axis = { vertical, lo / setup->scale, hi / setup->scale,
                        span.from, span.to, span.at, span.grid_to, 8,
                        setup->frame.unit, setup->frame.decimals };
    return chart_value_axis(svg, &axis, decimals);
}

const char *chart_short(const char *label, int columns, char *buf,
                        size_t size)
{
    if (!label)
        return "";
    size_t length = strlen(label), at = 0;
    int width = 0;
    while (at < length) {
        uint32_t code_point = '?';
        size_t n = ks_utf8_decode(label + at, length - at, &code_point);
        int w = n ? ks_wcwidth(code_point) : 1;
        if (width + w > columns)
            break;
        width += w;
        at += n ? n : 1;
    }
    if (at >= length || at + 4 > size)
        return label;
    memcpy(buf, label, at);
    memcpy(buf + at, "...", 4);
    return buf;
}

const char *chart_series_colour(int index)
{
    static const char *const colours[] = {
        "#4a6fa5", "#e07b39", "#3c9d5d", "#b5485d", "#8c6bb1", "#c9a227",
        "#4fa3a5", "#7f7f7f"
    };
    return colours[index % 8];
}

static ks_status write_svg(FILE *out, void *context, ks_error *err)
{
    (void)err;
    const ks_chart_svg *svg = context;
    if (svg->length)
        fwrite(svg->data, 1, svg->length, out);
    return KS_OK;
}

ks_status ks_chart_save(const ks_chart_svg *svg, const char *path,
                        ks_error *err)
{
    if (svg->failed || !svg->data)
        return ks_error_set(err, KS_EINVAL, "%s: no chart to write",
                            path ? path : "(no path)");
    return ks_atomic_write(&svg->alloc, path, write_svg, (void *)svg, err);
}
