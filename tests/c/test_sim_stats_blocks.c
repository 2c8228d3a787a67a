/*
 * test_sim_stats_blocks.c -- what one block of an output's lanes adds to
 * its moments and its sketch, for every kind of block the statistics
 * tell apart: an indicator (every lane 0 or 1), one value throughout,
 * numbers of one sign and of both, lanes that are not numbers, infinite
 * or beyond KS_SIM_VALUE_MAX, tiny magnitudes (the zero bucket), values
 * that make the sketch's windows grow, blocks longer than a piece, and no
 * lanes at all.  The sketch's buckets are checked against the same lanes
 * counted one at a time (ks_sketch_add), and the moments against sums
 * done here; a constant block's mean is the value and its m2 exactly 0.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "simulate/simulate_internal.h"

/* The moments of the lanes that count, summed here. */
static void expect_moments(const ks_moments *got, const double *x, int n)
{
    double count = 0, sum = 0, lo = INFINITY, hi = -INFINITY;
    double invalid = 0, overflow = 0;
    for (int i = 0; i < n; i++) {
        if (!(fabs(x[i]) <= KS_SIM_VALUE_MAX)) {
            invalid++;
            overflow += x[i] == x[i];
            continue;
        }
        count++;
        sum += x[i];
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    assert_true(got->count == count);
    assert_true(got->invalid == invalid);
    assert_true(got->overflow == overflow);
    if (count == 0)
        return;
    double mean = sum / count, m2 = 0;
    for (int i = 0; i < n; i++)
        if (fabs(x[i]) <= KS_SIM_VALUE_MAX)
            m2 += (x[i] - mean) * (x[i] - mean);
    if (fabs(got->mean - mean) > 1e-9 * fmax(1, fabs(mean)) ||
        fabs(got->m2 - m2) > 1e-9 * fmax(1, m2))
        fail_msg("mean %.17g m2 %.17g, expected %.17g %.17g", got->mean,
                 got->m2, mean, m2);
    assert_true(got->min == lo && got->max == hi);
    ks_moments alone;
    ks_moments_clear(&alone);
    ks_moments_add_block(&alone, x, n);
    assert_true(alone.count == got->count && alone.min == got->min &&
                alone.max == got->max && alone.invalid == got->invalid);
}

/* The block through ks_output_add_block against the same lanes one at a
 * time: the same count in every bucket, and its moments. */
static void expect_block(const double *x, int n)
{
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_sketch block, one_by_one;
    ks_sketch_init(&block, NULL);
    ks_sketch_init(&one_by_one, NULL);
    ks_output_add_block(&moments, &block, x, n);
    for (int i = 0; i < n; i++)
        ks_sketch_add(&one_by_one, x[i], 1);
    expect_moments(&moments, x, n);
    assert_false(block.failed);
    int64_t numbers = (int64_t)moments.count;
    assert_int_equal(ks_sketch_total(&block), numbers);
    /* compare through a merge: the one-by-one windows may differ */
    ks_sketch a, b;
    ks_sketch_init(&a, NULL);
    ks_sketch_init(&b, NULL);
    assert_int_equal(ks_sketch_merge(&a, &block), 0);
    assert_int_equal(ks_sketch_merge(&a, &one_by_one), 0);
    assert_int_equal(ks_sketch_merge(&b, &one_by_one), 0);
    assert_int_equal(ks_sketch_merge(&b, &one_by_one), 0);
    assert_int_equal(ks_sketch_bucket_count(&a), ks_sketch_bucket_count(&b));
    for (int64_t k = 0; k < ks_sketch_bucket_count(&a); k++) {
        double lo, hi, lo2, hi2;
        uint32_t got = ks_sketch_bucket(&a, k, &lo, &hi);
        uint32_t want = ks_sketch_bucket(&b, k, &lo2, &hi2);
        if (got != want || lo != lo2)
            fail_msg("bucket %lld [%.17g, %.17g]: %u, one by one %u",
                     (long long)k, lo, hi, got, want);
        /* every value in a bucket is within KS_SKETCH_ALPHA of its
         * representative */
        double value = ks_sketch_bucket_value(&a, k);
        assert_true(fabs(lo - value) <= KS_SKETCH_ALPHA * fabs(lo) * 1.0000001);
    }
    ks_sketch_free(&a);
    ks_sketch_free(&b);
    ks_sketch_free(&block);
    ks_sketch_free(&one_by_one);
}

static void test_an_indicator_over_two_pieces(void **state)
{
    (void)state;
    static double x[700];
    for (int i = 0; i < 700; i++)
        x[i] = i % 3 == 0;
    expect_block(x, 700);
    x[5] = 0.5; /* a lane between: no indicator */
    expect_block(x, 700);
}

static void test_one_value_throughout(void **state)
{
    (void)state;
    static double x[300];
    for (int i = 0; i < 300; i++)
        x[i] = 0.1; /* its sum is not 300 * 0.1 */
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_sketch sketch;
    ks_sketch_init(&sketch, NULL);
    ks_output_add_block(&moments, &sketch, x, 300);
    ks_output_add_block(&moments, &sketch, x, 300);
    assert_true(moments.mean == 0.1 && moments.m2 == 0);
    ks_sketch_free(&sketch);
    expect_block(x, 300);
}

static void test_numbers_of_either_sign(void **state)
{
    (void)state;
    static double x[1500];
    uint64_t s = 88172645463325252u;
    for (int i = 0; i < 1500; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double u = (double)(s >> 11) * 0x1p-53;
        x[i] = (u - 0.3) * 1e6;
    }
    expect_block(x, 1500);
    for (int i = 0; i < 1500; i++)
        x[i] = exp((x[i] / 1e6) * 60); /* over 26 powers of ten: growing */
    expect_block(x, 1500);
}

static void test_lanes_that_do_not_count(void **state)
{
    (void)state;
    double x[] = { 1, NAN, INFINITY, -INFINITY, 2e149, -2e149, 1e149, -1e149,
                   0x1p-600, -0x1p-600, 0, -0.0, 5e-324, 3, -3 };
    expect_block(x, (int)(sizeof x / sizeof x[0]));
    double nothing[] = { NAN, NAN, INFINITY };
    expect_block(nothing, 3);
    expect_block(x, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_indicator_over_two_pieces),
        cmocka_unit_test(test_one_value_throughout),
        cmocka_unit_test(test_numbers_of_either_sign),
        cmocka_unit_test(test_lanes_that_do_not_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
