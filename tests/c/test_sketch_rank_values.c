/*
 * test_sketch_rank_values.c -- two adjacent ranks read in one walk of a
 * sketch's buckets (ks_sketch_rank_values, what a percentile between two
 * ranks reads) give, bit for bit, what ks_sketch_rank_value gives for each
 * rank alone: every rank from before the first to past the last, for
 * sketches of negative, zero and positive values, repeated values (ranks
 * r and r + 1 in one bucket), a single value, and an empty sketch.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simulate/sketch.h"

/* Deterministic values of either sign, zeros and repeats. */
static double value_of(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t bits = *state >> 11;
    double u = (double)bits * 0x1.0p-53;
    switch (bits % 7) {
    case 0: return 0.0;
    case 1: return -1000.0 * u;
    case 2: return 42.0;            /* a repeated value: one bucket */
    case 3: return -u * 1e-3;
    default: return 1e6 * u * u;
    }
}

static void check_ranks(const ks_sketch *sketch, int64_t total, double min,
                        double max)
{
    for (int64_t r = -2; r <= total + 2; r++) {
        double one = ks_sketch_rank_value(sketch, r, min, max);
        double next = ks_sketch_rank_value(sketch, r + 1, min, max);
        double pair[2] = { NAN, NAN }, single = NAN;
        ks_sketch_rank_values(sketch, r, 2, min, max, pair);
        ks_sketch_rank_values(sketch, r, 1, min, max, &single);
        if (memcmp(&pair[0], &one, sizeof one) != 0 ||
            memcmp(&pair[1], &next, sizeof next) != 0 ||
            memcmp(&single, &one, sizeof one) != 0)
            fail_msg("rank %lld of %lld: alone %.17g, %.17g; in one walk "
                     "%.17g, %.17g (single %.17g)", (long long)r,
                     (long long)total, one, next, pair[0], pair[1], single);
    }
}

static void test_pairs_match_single_ranks(void **state)
{
    (void)state;
    const int sizes[] = { 1, 2, 3, 10, 257, 5000 };
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        ks_sketch sketch;
        ks_sketch_init(&sketch, ks_default_allocator());
        uint64_t rng = 12345 + s;
        double min = INFINITY, max = -INFINITY;
        for (int i = 0; i < sizes[s]; i++) {
            double x = value_of(&rng);
            min = fmin(min, x);
            max = fmax(max, x);
            ks_sketch_add(&sketch, x, 1);
        }
        assert_false(sketch.failed);
        assert_int_equal(ks_sketch_total(&sketch), sizes[s]);
        check_ranks(&sketch, sizes[s], min, max);
        ks_sketch_free(&sketch);
    }
}

static void test_empty_sketch(void **state)
{
    (void)state;
    ks_sketch sketch;
    ks_sketch_init(&sketch, ks_default_allocator());
    double pair[2];
    ks_sketch_rank_values(&sketch, 3, 2, -1.0, 1.0, pair);
    assert_true(pair[0] == -1.0 && pair[1] == -1.0);
    check_ranks(&sketch, 0, -1.0, 1.0);
    ks_sketch_free(&sketch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_match_single_ranks),
        cmocka_unit_test(test_empty_sketch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
