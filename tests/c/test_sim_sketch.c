/*
 * test_sim_sketch.c -- the percentile sketch against the exact order
 * statistics of the same values: for normal, lognormal (sigma 1 and 3),
 * uniform, discrete, bimodal, mixed-sign, near-zero, constant and 0/1
 * values, at 10^3 to 10^5 values (10^6 through the program in
 * tests/py/test_sim_percentiles.py), every percentile from p0.01 to
 * p99.99 within 0.1% of numpy's linear interpolation of the sorted values
 * (exactly: within KS_SKETCH_ALPHA of each order statistic it
 * interpolates), and every share below x within the share of the values
 * in x's bucket (those within |x| / 512 of x).  Values go through the
 * statistics' own block path (ks_output_add_block) into two sketches,
 * merged in either order to the same counts.
 *
 * KESSAN_SKETCH_VALUES=100000000 build/tests/test_sim_sketch runs the
 * same up to that many values (shares then at one percentile in twelve):
 * the 10^7 and 10^8 figures of docs/performance.md, not run by the suite.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simulate/simulate_internal.h"

typedef struct generator {
    uint64_t state;
} generator;

static double uniform01(generator *g)
{
    g->state ^= g->state << 13;
    g->state ^= g->state >> 7;
    g->state ^= g->state << 17;
    return ((double)(g->state >> 11) + 0.5) * 0x1p-53;
}

static double normal01(generator *g)
{
    double u = uniform01(g), v = uniform01(g);
    return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979323846 * v);
}

typedef enum shape {
    NORMAL, LOGNORMAL_1, LOGNORMAL_3, UNIFORM, DISCRETE, BIMODAL, MIXED_SIGN,
    NEAR_ZERO, CONSTANT, INDICATOR, SHAPES
} shape;

static const char *const shape_names[] = {
    "normal", "lognormal sigma 1", "lognormal sigma 3", "uniform", "discrete",
    "bimodal", "mixed sign", "near zero", "constant", "0/1"
};

static double draw(shape s, generator *g)
{
    switch (s) {
    case NORMAL: return 12.6e6 + 0.69e6 * normal01(g);
    case LOGNORMAL_1: return exp(1 + normal01(g));
    case LOGNORMAL_3: return exp(2 + 3 * normal01(g));
    case UNIFORM: return 1.4e6 + 1.2e6 * uniform01(g);
    case DISCRETE: return (double)(int)(uniform01(g) * 5) * 250 - 500;
    case BIMODAL:
        return uniform01(g) < 0.3 ? -200 + 10 * normal01(g)
                                  : 800 + 40 * normal01(g);
    case MIXED_SIGN: return -341432 + 111382 * normal01(g);
    case NEAR_ZERO: return 1e-9 * normal01(g);
    case CONSTANT: return 0.1;
    default: return uniform01(g) < 0.0012;
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The percentiles asked: p0.01 to p99.99. */
static int percentiles(double *q)
{
    int count = 0;
    static const double tails[] = { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5 };
    for (int i = 0; i < 6; i++) {
        q[count++] = tails[i];
        q[count++] = 100 - tails[i];
    }
    for (int k = 1; k <= 99; k++)
        q[count++] = k;
    q[count++] = 0;
    q[count++] = 100;
    return count;
}

static void check_shape(shape s, int64_t n)
{
    generator g = { 0x9E3779B97F4A7C15u ^ (uint64_t)(s * 7919 + n) };
    double *values = malloc((size_t)n * sizeof *values);
    assert_non_null(values);
    for (int64_t i = 0; i < n; i++)
        values[i] = draw(s, &g);
    /* two halves into two sketches, through the block path */
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_sketch halves[2], merged, reversed;
    for (int h = 0; h < 2; h++)
        ks_sketch_init(&halves[h], NULL);
    for (int64_t at = 0; at < n; at += KS_SIM_BLOCK) {
        int count = (int)(n - at < KS_SIM_BLOCK ? n - at : KS_SIM_BLOCK);
        ks_output_add_block(&moments, &halves[(at / KS_SIM_BLOCK) % 2],
                            values + at, count);
    }
    ks_sketch_init(&merged, NULL);
    ks_sketch_init(&reversed, NULL);
    assert_int_equal(ks_sketch_merge(&merged, &halves[0]), 0);
    assert_int_equal(ks_sketch_merge(&merged, &halves[1]), 0);
    assert_int_equal(ks_sketch_merge(&reversed, &halves[1]), 0);
    assert_int_equal(ks_sketch_merge(&reversed, &halves[0]), 0);
    assert_int_equal(ks_sketch_total(&merged), n);
    /* the result as a run holds it */
    ks_sim_result result;
    memset(&result, 0, sizeof result);
    result.output_count = 1;
    result.moments = &moments;
    result.sketches = &merged;
    result.trials = n;
    qsort(values, (size_t)n, sizeof *values, compare_doubles);
    double q[128];
    int asked = percentiles(q);
    for (int k = 0; k < asked; k++) {
        double position = q[k] / 100 * (double)(n - 1);
        int64_t rank = (int64_t)floor(position);
        double fraction = position - (double)rank;
        double low = values[rank];
        double high = rank + 1 < n ? values[rank + 1] : low;
        double exact = low + fraction * (high - low);
        double got = ks_sim_sketch_percentile(&result, 0, q[k]);
        double bound = KS_SKETCH_ALPHA * ((1 - fraction) * fabs(low) +
                                          fraction * fabs(high)) * (1 + 1e-9);
        if (!(fabs(got - exact) <= bound))
            fail_msg("%s, %lld values, p%g: %.17g, exact %.17g (bound %g)",
                     shape_names[s], (long long)n, q[k], got, exact, bound);
        if (low * high > 0 && !(fabs(got - exact) <= 0.001 * fabs(exact)))
            fail_msg("%s p%g: beyond 0.1%%", shape_names[s], q[k]);
        double again = ks_sim_sketch_percentile(&result, 0, q[k]);
        result.sketches = &reversed;
        assert_true(ks_sim_sketch_percentile(&result, 0, q[k]) == again);
        result.sketches = &merged;
        /* the share below the exact value and just above it */
        for (int side = 0; side < 2 && (n <= 100000 || k % 12 == 0); side++) {
            double x = side ? exact * (1 + 0.003) + 1e-300 : exact;
            int64_t below = 0, near = 0;
            for (int64_t i = 0; i < n; i++) {
                below += values[i] < x;
                near += fabs(values[i] - x) <= fabs(x) / 512 ||
                        (fabs(x) < KS_SKETCH_ZERO &&
                         fabs(values[i]) < KS_SKETCH_ZERO);
            }
            int64_t sketched = ks_sketch_count_below(&merged, x, 0);
            if (llabs(sketched - below) > near)
                fail_msg("%s, %lld values: below %.17g: %lld, exact %lld, "
                         "%lld near", shape_names[s], (long long)n, x,
                         (long long)sketched, (long long)below,
                         (long long)near);
        }
    }
    ks_sketch_free(&halves[0]);
    ks_sketch_free(&halves[1]);
    ks_sketch_free(&merged);
    ks_sketch_free(&reversed);
    free(values);
}

static void test_every_shape(void **state)
{
    (void)state;
    const char *most = getenv("KESSAN_SKETCH_VALUES");
    int64_t last = most ? atoll(most) : 100000;
    for (int64_t n = 1000; n <= last; n *= 10) {
        for (shape s = 0; s < SHAPES; s++)
            check_shape(s, n);
        if (most)
            print_message("%lld values: every shape within its bounds\n",
                          (long long)n);
    }
}

/* An indicator's and a constant's percentiles are exact, and a constant's
 * mean is its value and its sd 0. */
static void test_exact_where_it_can_be(void **state)
{
    (void)state;
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_sketch sketch;
    ks_sketch_init(&sketch, NULL);
    double x[512];
    for (int i = 0; i < 512; i++)
        x[i] = i % 5 == 0;
    for (int b = 0; b < 9; b++)
        ks_output_add_block(&moments, &sketch, x, 512);
    ks_sim_result result;
    memset(&result, 0, sizeof result);
    result.output_count = 1;
    result.moments = &moments;
    result.sketches = &sketch;
    for (int q = 0; q <= 100; q++) {
        double got = ks_sim_sketch_percentile(&result, 0, q);
        assert_true(got == 0 || got == 1 ||
                    (got > 0 && got < 1 && q == 80)); /* interpolated */
    }
    ks_sketch_free(&sketch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shape),
        cmocka_unit_test(test_exact_where_it_can_be),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
