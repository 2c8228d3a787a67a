/*
 * test_ziggurat_table.c -- the ziggurat's constant tables
 * (core/simulate/ziggurat_table.c, written by scripts/dev/ziggurat_table)
 * against the tables ks_ziggurat_init builds, bit for bit, every layer;
 * that the tables still describe the standard normal (each layer's area
 * the same, the edges falling, the densities those of the edges); and
 * that normals drawn with the constants are the draws of the built tables
 * for the same stream.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simulate/rng.h"

static ks_ziggurat *built(void)
{
    ks_ziggurat *zig = malloc(sizeof *zig);
    assert_non_null(zig);
    memset(zig, 0xA5, sizeof *zig); /* every entry must be written */
    ks_ziggurat_init(zig);
    return zig;
}

static void test_constants_are_the_built_tables(void **state)
{
    (void)state;
    ks_ziggurat *zig = built();
    const ks_ziggurat *table = &ks_ziggurat_standard;
    for (int i = 0; i < KS_ZIGGURAT_LAYERS; i++) {
        if (zig->k[i] != table->k[i])
            fail_msg("k[%d]: built %llu, table %llu", i,
                     (unsigned long long)zig->k[i],
                     (unsigned long long)table->k[i]);
        if (memcmp(&zig->w[i], &table->w[i], sizeof zig->w[i]) != 0)
            fail_msg("w[%d]: built %a, table %a", i, zig->w[i], table->w[i]);
        if (memcmp(&zig->f[i], &table->f[i], sizeof zig->f[i]) != 0)
            fail_msg("f[%d]: built %a, table %a", i, zig->f[i], table->f[i]);
    }
    assert_memory_equal(zig, table, sizeof *zig);
    free(zig);
}

/* Layer i (1 .. last) has its edge at x_i = w[i] * 2^52 and the density
 * f[i] = exp(-x_i^2 / 2) there; the edges grow with i up to the tail's
 * start, and every layer's rectangle, x_i * (f[i - 1] - f[i]), has the
 * same area V. */
static void test_tables_describe_the_normal(void **state)
{
    (void)state;
    const ks_ziggurat *table = &ks_ziggurat_standard;
    const double scale = 4503599627370496.0;
    int last = KS_ZIGGURAT_LAYERS - 1;
    assert_true(table->f[0] == 1.0);
    double previous_edge = 0.0;
    for (int i = 1; i <= last; i++) {
        double edge = table->w[i] * scale;
        assert_true(edge > previous_edge);
        assert_true(fabs(table->f[i] - exp(-0.5 * edge * edge)) <=
                    1e-15 * table->f[i] + 1e-300);
        previous_edge = edge;
        if (i >= 2) {
            double area = (table->w[i] * scale) * (table->f[i - 1] - table->f[i]);
            if (fabs(area - 0.0012263246463530893) > 1e-9)
                fail_msg("layer %d: area %.17g", i, area);
        }
        /* the fast-accept threshold: the next edge inward over this one */
        if (i < last) {
            double ratio = (double)table->k[i + 1] / scale;
            assert_true(ratio > 0.0 && ratio < 1.0);
        }
    }
}

static void test_draws_agree(void **state)
{
    (void)state;
    ks_ziggurat *zig = built();
    enum { N = 400 };
    ks_rng a, b;
    ks_rng_seed(&a, 12345, 7);
    ks_rng_seed(&b, 12345, 7);
    double from_built[N], from_table[N];
    ks_rng_normals(&a, zig, from_built, N, 1.5, 2.0);
    ks_rng_normals(&b, &ks_ziggurat_standard, from_table, N, 1.5, 2.0);
    assert_memory_equal(from_built, from_table, sizeof from_built);
    for (int i = 0; i < 1000; i++) {
        double x = ks_rng_normal(&a, zig);
        double y = ks_rng_normal(&b, &ks_ziggurat_standard);
        assert_memory_equal(&x, &y, sizeof x);
    }
    free(zig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants_are_the_built_tables),
        cmocka_unit_test(test_tables_describe_the_normal),
        cmocka_unit_test(test_draws_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
