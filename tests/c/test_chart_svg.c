/*
 * test_chart_svg.c -- the SVG writer of the charts and what every chart
 * shares: text escaped whatever it holds (markup, quotes, control
 * characters, invalid UTF-8, Japanese kept), coordinates in the C locale's
 * short form, nice 1-2-5 ticks over random ranges (covering the range,
 * within the count asked), the unit of an axis from the model's unit,
 * bad chart input refused with a message, and every allocation failing
 * in turn giving KS_ENOMEM with nothing leaked.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/test_alloc.h"
#include "chart/svg.h"
#include "kessan/chart.h"

static const char *escaped(ks_chart_svg *svg, const char *text)
{
    ks_chart_svg_release(svg);
    ks_chart_svg_init(svg, NULL);
    svg_escaped(svg, text);
    return svg->data ? svg->data : "";
}

static void escaping(void **state)
{
    (void)state;
    ks_chart_svg svg;
    ks_chart_svg_init(&svg, NULL);
    assert_string_equal(escaped(&svg, "a<b>&\"c'"),
                        "a&lt;b&gt;&amp;&quot;c&#39;");
    assert_string_equal(escaped(&svg, "tab\tline\nbell\x07" "del\x7f"),
                        "tab\tline\nbelldel");
    assert_string_equal(escaped(&svg, "営業利益(損失)"), "営業利益(損失)");
    /* a stray continuation byte, a cut sequence, an overlong '/' */
    assert_string_equal(escaped(&svg, "x\x80y"), "x\xEF\xBF\xBDy");
    assert_string_equal(escaped(&svg, "z\xE5\x96"), "z\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_string_equal(escaped(&svg, "\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_string_equal(escaped(&svg, "\xEF\xBF\xBE"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    ks_chart_svg_release(&svg);
}

static const char *number(ks_chart_svg *svg, double x)
{
    ks_chart_svg_release(svg);
    ks_chart_svg_init(svg, NULL);
    svg_number(svg, x);
    return svg->data;
}

static void numbers(void **state)
{
    (void)state;
    ks_chart_svg svg;
    ks_chart_svg_init(&svg, NULL);
    assert_string_equal(number(&svg, 12.5), "12.5");
    assert_string_equal(number(&svg, 12.0), "12");
    assert_string_equal(number(&svg, -0.0), "0");
    assert_string_equal(number(&svg, -0.004), "0");
    assert_string_equal(number(&svg, -3.14159), "-3.14");
    assert_string_equal(number(&svg, 1e6), "1000000");
    assert_string_equal(number(&svg, NAN), "0");
    assert_string_equal(number(&svg, INFINITY), "0");
    ks_chart_svg_release(&svg);
}

static double mantissa_of(double step)
{
    return step / pow(10, floor(log10(step) + 1e-9));
}

static void ticks(void **state)
{
    (void)state;
    srand(5);
    for (int trial = 0; trial < 20000; trial++) {
        double scale = pow(10, rand() % 24 - 12);
        double lo = ((double)rand() / RAND_MAX - 0.5) * 1000 * scale;
        double hi = lo + (double)rand() / RAND_MAX * 1000 * scale;
        int most = 2 + rand() % 12;
        double first, step;
        int count;
        ks_chart_ticks(lo, hi, most, &first, &step, &count);
        assert_true(step > 0);
        double m = mantissa_of(step);
        assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 ||
                    fabs(m - 5) < 1e-9 || fabs(m - 10) < 1e-9);
        assert_true(count >= 2 && count <= most + 1);
        assert_true(first <= lo + fabs(step) * 1e-6);
        assert_true(first + step * (count - 1) >= hi - fabs(step) * 1e-6);
        assert_true(fabs(remainder(first, step)) < step * 1e-6);
    }
    double first, step;
    int count;
    ks_chart_ticks(5, 5, 8, &first, &step, &count);   /* widened */
    assert_true(first <= 4.5 && first + step * (count - 1) >= 5.5);
    ks_chart_ticks(0, 1, 6, &first, &step, &count);
    assert_true(first == 0 && step == 0.2 && count == 6);
}

static void units(void **state)
{
    (void)state;
    ks_chart_frame frame;
    ks_chart_frame_defaults(&frame);
    ks_chart_unit_of("JPY thousands", &frame);
    assert_string_equal(frame.unit, "JPY bn");
    assert_true(frame.scale == 1e6);
    ks_chart_unit_of("ratio", &frame);
    assert_string_equal(frame.unit, "%");
    assert_true(frame.scale == 0.01);
    ks_chart_unit_of("shares", &frame);
    assert_string_equal(frame.unit, "shares");
    assert_true(frame.scale == 1);
}

static void bad_input(void **state)
{
    (void)state;
    ks_chart_svg svg;
    ks_chart_svg_init(&svg, NULL);
    ks_error err;
    ks_chart_swing bar = { "x", NAN, 1 };
    assert_int_equal(ks_chart_draw_tornado(&bar, 1, 0, NULL, &svg, &err),
                     KS_EINVAL);
    assert_non_null(strstr(err.message, "bar 1 (x)"));
    ks_chart_frame frame;
    ks_chart_frame_defaults(&frame);
    frame.width = 5;
    bar.out_low = 0;
    assert_int_equal(ks_chart_draw_tornado(&bar, 1, 0, &frame, &svg, &err),
                     KS_EINVAL);
    assert_non_null(strstr(err.message, "100 to 10000"));
    ks_chart_step step = { "s", INFINITY };
    ks_chart_waterfall w = { "a", "b", 0, 1, &step, 1, 0 };
    assert_int_equal(ks_chart_draw_waterfall(&w, NULL, &svg, &err),
                     KS_EINVAL);
    int64_t counts[2] = { 1, -1 };
    ks_chart_distribution d = { 0 };
    d.counts = counts;
    d.bins = 2;
    d.hi = 1;
    assert_int_equal(ks_chart_draw_distribution(&d, NULL, &svg, &err),
                     KS_EINVAL);
    ks_chart_svg_release(&svg);
}

/* A waterfall drawn with every allocation failing in turn. */
static void allocation_failures(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_chart_step steps[3] = { { "a<", 1 }, { "b", -2 }, { "営業", 3 } };
    ks_chart_waterfall w = { "3Q02", "4Q02", 10, 12, steps, 3, 0 };
    for (long n = 1;; n++) {
        ks_chart_svg svg;
        ks_chart_svg_init(&svg, &alloc);
        test_alloc_arm(&counts, n, 0);
        ks_error err;
        ks_status status = ks_chart_draw_waterfall(&w, NULL, &svg, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        ks_chart_svg_release(&svg);
        assert_int_equal(counts.live, 0);
        if (!failed) {
            assert_int_equal(status, KS_OK);
            break;
        }
        assert_int_equal(status, KS_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escaping),
        cmocka_unit_test(numbers),
        cmocka_unit_test(ticks),
        cmocka_unit_test(units),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
