/*
 * test_sim_stats_blocks.c -- what one block of an output's lanes adds to
 * its moments and its histogram, for every kind of block the statistics
 * tell apart: an indicator (every lane 0 or 1), one value throughout, all
 * lanes inside the histogram's range, some below and above it, lanes that
 * are not numbers, infinite or beyond KS_SIM_VALUE_MAX, blocks longer
 * than a piece, and no lanes at all.  The counts are checked slot by slot
 * and the moments against sums done here; the moments of a block alone
 * (ks_moments_add_block) must be those of the block with a histogram.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kessan/simulate.h"

static uint32_t counts[KS_HIST_SLOTS];

/* A range of one unit a bin from 0: a number x in range is in slot
 * floor(x) + 1; below is slot 0, above slot KS_HIST_BINS + 1. */
static ks_hist unit_range(void)
{
    ks_hist range;
    ks_hist_init(&range, 0, KS_HIST_BINS);
    memset(counts, 0, sizeof counts);
    return range;
}

static int64_t counted(void)
{
    int64_t total = 0;
    for (int slot = 0; slot <= KS_HIST_BINS + 1; slot++)
        total += counts[slot];
    return total;
}

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
    /* the moments alone are the same */
    ks_moments alone;
    ks_moments_clear(&alone);
    ks_moments_add_block(&alone, x, n);
    assert_true(alone.count == got->count && alone.min == got->min &&
                alone.max == got->max && alone.invalid == got->invalid);
    assert_true(fabs(alone.mean - got->mean) <= 1e-9 * fmax(1, fabs(mean)));
}

static void test_an_indicator_over_two_pieces(void **state)
{
    (void)state;
    ks_hist range = unit_range();
    static double x[700];
    int ones = 0;
    for (int i = 0; i < 700; i++) {
        x[i] = i % 3 == 0;
        ones += i % 3 == 0;
    }
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_output_add_block(&moments, &range, counts, x, 700);
    assert_int_equal(counts[1], 700 - ones); /* 0 in slot 1 */
    assert_int_equal(counts[2], ones);       /* 1 in slot 2 */
    assert_int_equal(counted(), 700);
    expect_moments(&moments, x, 700);
    /* from 0 to 1 but with a lane between: no indicator */
    range = unit_range();
    x[5] = 0.5;
    ks_moments_clear(&moments);
    ks_output_add_block(&moments, &range, counts, x, 700);
    assert_int_equal(counts[1], 700 - ones);
    assert_int_equal(counts[2], ones - (5 % 3 == 0));
    expect_moments(&moments, x, 700);
}

static void test_one_value_throughout(void **state)
{
    (void)state;
    ks_hist range = unit_range();
    static double x[300];
    for (int i = 0; i < 300; i++)
        x[i] = 7.5;
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_output_add_block(&moments, &range, counts, x, 300);
    assert_int_equal(counts[8], 300);
    assert_int_equal(counted(), 300);
    assert_true(moments.m2 == 0 && moments.mean == 7.5);
    /* zeros only: one value, not an indicator */
    for (int i = 0; i < 300; i++)
        x[i] = 0;
    ks_output_add_block(&moments, &range, counts, x, 300);
    assert_int_equal(counts[1], 300);
    assert_true(moments.count == 600);
    assert_true(moments.mean == 7.5 / 2);
}

static void test_inside_below_and_above_the_range(void **state)
{
    (void)state;
    ks_hist range = unit_range();
    static double x[513];
    for (int i = 0; i < 513; i++)
        x[i] = (double)(i * 13 % 8000) + 0.25;
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_output_add_block(&moments, &range, counts, x, 513);
    assert_int_equal(counted(), 513);
    for (int i = 0; i < 513; i++)
        if (counts[(int)x[i] + 1] == 0)
            fail_msg("%g not in slot %d", x[i], (int)x[i] + 1);
    expect_moments(&moments, x, 513);

    range = unit_range();
    double out[6] = { -5, 3.5, 9000, -0.5, 8192, 8191.75 };
    ks_moments_clear(&moments);
    ks_output_add_block(&moments, &range, counts, out, 6);
    assert_int_equal(counts[0], 2);                /* -5 and -0.5 */
    assert_int_equal(counts[KS_HIST_BINS + 1], 2); /* 9000 and 8192 */
    assert_int_equal(counts[4], 1);
    assert_int_equal(counts[KS_HIST_BINS], 1);     /* 8191.75 */
    expect_moments(&moments, out, 6);
}

static void test_lanes_that_do_not_count(void **state)
{
    (void)state;
    ks_hist range = unit_range();
    double x[8] = { 1, NAN, INFINITY, 2e149, -INFINITY, 3, -2e149, 0.5 };
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_output_add_block(&moments, &range, counts, x, 8);
    /* NaN is invalid; the infinities and those beyond the bound are
     * invalid and overflows */
    assert_true(moments.invalid == 5);
    assert_true(moments.overflow == 4);
    assert_true(moments.count == 3);
    assert_int_equal(counted(), 3);
    assert_int_equal(counts[2], 1);
    assert_int_equal(counts[4], 1);
    assert_int_equal(counts[1], 1);
    expect_moments(&moments, x, 8);
    /* nothing but lanes that do not count */
    double none[3] = { NAN, INFINITY, NAN };
    ks_moments empty;
    ks_moments_clear(&empty);
    ks_output_add_block(&empty, &range, counts, none, 3);
    assert_true(empty.count == 0 && empty.invalid == 3 &&
                empty.overflow == 1);
    /* no lanes at all: nothing */
    ks_moments_add_block(&empty, none, 0);
    ks_output_add_block(&empty, &range, counts, none, 0);
    assert_true(empty.count == 0 && empty.invalid == 3);
    /* merged into moments that have numbers: those stay */
    ks_moments_merge(&moments, &empty);
    assert_true(moments.count == 3 && moments.invalid == 8);
    assert_true(moments.min == 0.5 && moments.max == 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_indicator_over_two_pieces),
        cmocka_unit_test(test_one_value_throughout),
        cmocka_unit_test(test_inside_below_and_above_the_range),
        cmocka_unit_test(test_lanes_that_do_not_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
