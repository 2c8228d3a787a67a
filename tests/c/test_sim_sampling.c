/*
 * test_sim_sampling.c -- Latin hypercube sampling, rank correlation and
 * common random numbers: the strata order is a permutation of the trials
 * for any count (each stratum taken exactly once), the normal quantile
 * inverts the normal CDF (erfc, another path), the beta quantile table
 * inverts the incomplete beta, the same seed gives the same bits at any
 * thread count under each sampling and copula, and a cell's draws stay as
 * they were when other cells are drawn or dropped, or in a scenario; the
 * radix sort of doubles orders as qsort does.
 * The marginals against scipy are tests/py/test_sim_sampling.py.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"
#include "kessan/simulate.h"
#include "simulate/simulate_internal.h"

/* ---- the strata ------------------------------------------------------------- */

static void strata_are_a_permutation(void **state)
{
    (void)state;
    static const int64_t counts[] = { 1, 2, 3, 5, 7, 512, 1000, 4096, 4097,
                                      65537, 300001 };
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        int64_t n = counts[c];
        unsigned char *seen = calloc((size_t)n, 1);
        assert_non_null(seen);
        ks_lhs_order order;
        ks_lhs_init(&order, 7, ks_rng_key("x@1Q01"), n);
        for (int64_t t = 0; t < n; t++) {
            uint32_t stratum = ks_lhs_stratum(&order, (uint64_t)t);
            assert_true(stratum < (uint64_t)n);
            assert_int_equal(seen[stratum], 0);
            seen[stratum] = 1;
        }
        free(seen);
    }
}

/* The uniforms of a block land in their trials' strata, and a block read
 * at any start gives what the single-trial strata say. */
static void uniforms_fall_in_their_strata(void **state)
{
    (void)state;
    int64_t n = 10007;
    ks_lhs_order order;
    ks_lhs_init(&order, 3, 99, n);
    ks_rng rng;
    ks_rng_seed(&rng, 1, 2);
    double u[KS_SIM_BLOCK];
    for (int64_t first = 0; first < n; first += KS_SIM_BLOCK) {
        int count = (int)(n - first < KS_SIM_BLOCK ? n - first : KS_SIM_BLOCK);
        ks_lhs_uniforms(&order, &rng, first, u, count);
        for (int i = 0; i < count; i++) {
            uint32_t stratum = ks_lhs_stratum(&order, (uint64_t)(first + i));
            assert_true(u[i] > 0 && u[i] < 1);
            assert_true(u[i] * (double)n >= (double)stratum - 1e-6);
            assert_true(u[i] * (double)n <= (double)stratum + 1 + 1e-6);
        }
    }
}

/* Two cells' orders are unrelated: the correlation of their strata over
 * the run is near 0 (1 / sqrt(n) of noise). */
static void orders_of_two_cells_are_unrelated(void **state)
{
    (void)state;
    int64_t n = 100000;
    ks_lhs_order a, b;
    ks_lhs_init(&a, 1, ks_rng_key("a@1Q01"), n);
    ks_lhs_init(&b, 1, ks_rng_key("b@1Q01"), n);
    double sum = 0, mean = (n - 1) / 2.0;
    for (int64_t t = 0; t < n; t++)
        sum += ((double)ks_lhs_stratum(&a, (uint64_t)t) - mean) *
               ((double)ks_lhs_stratum(&b, (uint64_t)t) - mean);
    double variance = ((double)n * n - 1) / 12.0;
    double correlation = sum / n / variance;
    assert_true(fabs(correlation) < 5.0 / sqrt((double)n));
}

/* ---- quantiles ----------------------------------------------------------------- */

static void normal_quantile_inverts_the_cdf(void **state)
{
    (void)state;
    for (int i = 1; i < 2000; i++) {
        double p = i / 2000.0;
        double x = ks_normal_quantile(p);
        assert_true(fabs(ks_normal_cdf(x) - p) <= 4e-16 + 1e-14 * p);
    }
    for (int e = 3; e < 300; e += 7) {
        double p = pow(10.0, -e);
        double x = ks_normal_quantile(p);
        assert_true(fabs(ks_normal_cdf(x) / p - 1) < 1e-12);
    }
    assert_true(ks_normal_quantile(0.25) == -ks_normal_quantile(0.75));
    assert_true(ks_normal_quantile(0.01) == -ks_normal_quantile(0.99));
    assert_true(isinf(ks_normal_quantile(0)) && ks_normal_quantile(0) < 0);
    assert_true(isinf(ks_normal_quantile(1)) && ks_normal_quantile(1) > 0);
    /* the block form gives the same bits, in place too */
    double u[700], out[700];
    for (int i = 0; i < 700; i++)
        u[i] = (i + 0.5) / 700;
    ks_normal_quantiles(u, out, 700, 2.0, 3.0);
    for (int i = 0; i < 700; i++)
        assert_true(out[i] == 2.0 + 3.0 * ks_normal_quantile(u[i]));
    ks_normal_quantiles(u, u, 700, 2.0, 3.0);
    assert_memory_equal(u, out, sizeof out);
}

static void beta_table_inverts_the_incomplete_beta(void **state)
{
    (void)state;
    static const double shapes[][2] = { { 1, 1 }, { 1, 5 }, { 5, 1 },
                                        { 3, 3 }, { 1.4, 4.6 }, { 4.9, 1.1 } };
    const ks_allocator *alloc = ks_default_allocator();
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        double a = shapes[s][0], b = shapes[s][1];
        double *table = ks_beta_quantile_table(alloc, a, b);
        assert_non_null(table);
        for (int k = 1; k < KS_BETA_KNOTS; k += 37)
            assert_true(fabs(ks_beta_cdf(table[k], a, b) -
                             (double)k / KS_BETA_KNOTS) < 1e-12);
        for (int k = 1; k < KS_BETA_KNOTS; k++)
            assert_true(table[k] > table[k - 1]);
        /* between and beyond the knots: within 1e-8 in probability */
        for (int i = 1; i < 5000; i++) {
            double u = (i - 0.37) / 5000.0;
            double x = ks_beta_quantile_at(table, a, b, u);
            assert_true(fabs(ks_beta_cdf(x, a, b) - u) < 1e-8);
        }
        ks_mem_free(alloc, table);
    }
}

/* ---- sorting by bits ---------------------------------------------------------- */

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The radix sort orders what qsort orders (negatives, zeros, infinities,
 * ties, tiny and huge magnitudes), stably: equal keys keep their order. */
static void radix_sort_orders_as_qsort(void **state)
{
    (void)state;
    enum { N = 5000 };
    static double values[N], sorted[N];
    static uint64_t keys[N], spare[N];
    static uint32_t order[N], spare_order[N];
    ks_rng rng;
    ks_rng_seed(&rng, 3, 4);
    static const double special[] = { 0.0, 1.0, -1.0, INFINITY, -INFINITY,
                                      1e-300, -1e-300, 1e300, -1e300, 2.5 };
    for (int i = 0; i < N; i++) {
        uint64_t word = ks_rng_next(&rng);
        values[i] = word % 3 == 0 ? special[word % 10]
                                  : (ks_rng_uniform(&rng) - 0.5) *
                                        pow(10.0, (double)(word % 40) - 20);
        keys[i] = ks_sort_key(values[i]);
        order[i] = (uint32_t)i;
        assert_true(ks_sort_value(keys[i]) == values[i]);
    }
    memcpy(sorted, values, sizeof sorted);
    qsort(sorted, N, sizeof *sorted, by_double);
    ks_radix_sort(keys, order, N, spare, spare_order);
    for (int i = 0; i < N; i++) {
        assert_true(ks_sort_value(keys[i]) == sorted[i]);
        assert_true(values[order[i]] == sorted[i]);
        if (i > 0 && keys[i] == keys[i - 1])
            assert_true(order[i] > order[i - 1]);
    }
}

/* ---- simulations ------------------------------------------------------------- */

static ks_model *model;

/* a, b, c, d drawn; y = a + 2 b - c; w = y * d */
static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, NULL);
    add_input(model, "a", KS_RULE_SUM);
    add_input(model, "b", KS_RULE_SUM);
    add_input(model, "c", KS_RULE_SUM);
    add_input(model, "d", KS_RULE_SUM);
    define(model, "y", "a + 2 * b - c", KS_RULE_SUM);
    define(model, "w", "y * d", KS_RULE_SUM);
    put(model, "d@1Q02", 3);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static const double levels[] = { 1, 2, 5 };
static const ks_sim_draw every_draw[] = {
    { "a@1Q02", { KS_DIST_NORMAL, 10, 2, 0, NULL, NULL, 0 } },
    { "b@1Q02", { KS_DIST_PERT, 0, 10, 2, NULL, NULL, 0 } },
    { "c@1Q02", { KS_DIST_DISCRETE, 0, 0, 0, levels, NULL, 3 } },
    { "d@1Q02", { KS_DIST_LOGNORMAL, 0, 0.5, 0, NULL, NULL, 0 } },
};
static const char *const every_output[] = { "a@1Q02", "b@1Q02", "c@1Q02",
                                            "y@1Q02", "w@1Q02" };

typedef struct run_figures {
    double mean[5], sd[5], p90[5];
} run_figures;

static run_figures run(const ks_sim_draw *draws, int draw_count,
                       const ks_sim_correlation *pairs, int pair_count,
                       ks_sim_sampling sampling, ks_sim_copula copula,
                       int threads, int64_t trials, ks_model *on)
{
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = trials;
    spec.seed = 11;
    spec.threads = threads;
    spec.draws = draws;
    spec.draw_count = draw_count;
    spec.outputs = every_output;
    spec.output_count = 5;
    spec.correlations = pairs;
    spec.correlation_count = pair_count;
    spec.sampling = sampling;
    spec.copula = copula;
    ks_sim_result *result;
    ks_error err;
    if (ks_simulate(on ? on : model, &spec, &result, &err) != KS_OK)
        fail_msg("simulate: %s", err.message);
    run_figures figures;
    for (int o = 0; o < 5; o++) {
        figures.mean[o] = ks_sim_mean(result, o);
        figures.sd[o] = ks_sim_sd(result, o);
        figures.p90[o] = NAN;
        if (ks_sim_count(result, o) > 0)
            assert_int_equal(ks_sim_percentile(result, o, 90, &figures.p90[o],
                                               &err), KS_OK);
    }
    ks_sim_result_free(result);
    return figures;
}

static void assert_same_output(const run_figures *x, const run_figures *y,
                               int o)
{
    assert_memory_equal(&x->mean[o], &y->mean[o], sizeof(double));
    assert_memory_equal(&x->sd[o], &y->sd[o], sizeof(double));
    assert_memory_equal(&x->p90[o], &y->p90[o], sizeof(double));
}

static const ks_sim_correlation a_with_b[] = { { "a@1Q02", "b@1Q02", 0.6 } };

static void same_bits_at_any_thread_count(void **state)
{
    (void)state;
    for (int sampling = 0; sampling < 2; sampling++)
        for (int copula = 0; copula < 2; copula++) {
            /* the Gaussian copula cannot take PERT: b is then normal */
            ks_sim_draw own[4];
            memcpy(own, every_draw, sizeof own);
            if (copula == 0)
                own[1].dist = (ks_dist){ KS_DIST_NORMAL, 5, 1, 0, NULL, NULL, 0 };
            run_figures one = run(own, 4, a_with_b, 1, (ks_sim_sampling)sampling,
                                  (ks_sim_copula)copula, 1, 20000, NULL);
            for (int threads = 2; threads <= 3; threads++) {
                run_figures more = run(own, 4, a_with_b, 1,
                                       (ks_sim_sampling)sampling,
                                       (ks_sim_copula)copula, threads, 20000,
                                       NULL);
                for (int o = 0; o < 5; o++)
                    assert_same_output(&one, &more, o);
            }
        }
}

/* Latin hypercube: the mean of a drawn normal is within a small part of
 * its Monte Carlo standard error of the true mean. */
static void lhs_means_are_close(void **state)
{
    (void)state;
    run_figures lhs = run(every_draw, 4, NULL, 0, KS_SIM_LATIN_HYPERCUBE,
                          KS_SIM_GAUSSIAN_COPULA, 1, 10000, NULL);
    double se = 2.0 / sqrt(10000.0);
    assert_true(fabs(lhs.mean[0] - 10) < 0.02 * se);
    double pert_mean = (0 + 4 * 2 + 10) / 6.0;
    assert_true(fabs(lhs.mean[1] - pert_mean) < 1e-3);
    assert_true(fabs(lhs.mean[2] - 8.0 / 3) < 1e-3);
}

/* Common random numbers: a drawn cell's figures do not change when another
 * cell is dropped, added, or the draws are given in another order, nor
 * in a scenario whose other inputs differ. */
static void draws_follow_the_cell(void **state)
{
    (void)state;
    for (int sampling = 0; sampling < 2; sampling++)
        for (int copula = 0; copula < 2; copula++) {
            ks_sim_sampling s = (ks_sim_sampling)sampling;
            ks_sim_copula k = (ks_sim_copula)copula;
            ks_sim_draw all[4], without_c[3], reversed[4];
            memcpy(all, every_draw, sizeof all);
            if (copula == 0)
                all[1].dist = (ks_dist){ KS_DIST_NORMAL, 5, 1, 0, NULL, NULL, 0 };
            without_c[0] = all[0];
            without_c[1] = all[1];
            without_c[2] = all[3];
            for (int d = 0; d < 4; d++)
                reversed[d] = all[3 - d];
            run_figures full = run(all, 4, a_with_b, 1, s, k, 1, 9000, NULL);
            run_figures fewer = run(without_c, 3, a_with_b, 1, s, k, 2, 9000,
                                    NULL);
            run_figures turned = run(reversed, 4, a_with_b, 1, s, k, 1, 9000,
                                     NULL);
            for (int o = 0; o < 2; o++) {
                assert_same_output(&full, &fewer, o);
                assert_same_output(&full, &turned, o);
            }
            /* c is undrawn in `fewer`: its value is the model's (none) */
            assert_true(full.mean[2] > 0);
            /* uncorrelated: a alone, then a and c, a unchanged */
            run_figures alone = run(all, 1, NULL, 0, s, k, 1, 9000, NULL);
            run_figures pair = run(all, 3, NULL, 0, s, k, 1, 9000, NULL);
            assert_same_output(&alone, &pair, 0);
            /* a scenario with another d sees the same a, b and c */
            ks_model *scenario;
            ks_error err;
            assert_int_equal(ks_scenario_new(model, "other", &scenario, &err),
                             KS_OK);
            put(scenario, "c@1Q02", 4);
            run_figures there = run(all, 3, a_with_b, 1, s, k, 1, 9000,
                                    scenario);
            run_figures here = run(all, 3, a_with_b, 1, s, k, 1, 9000, NULL);
            for (int o = 0; o < 4; o++)
                assert_same_output(&there, &here, o);
            ks_model_free(scenario);
        }
}

/* An unknown sampling is refused; PERT correlates only by rank. */
static void refused_specs(void **state)
{
    (void)state;
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 10;
    spec.draws = every_draw;
    spec.draw_count = 4;
    spec.outputs = every_output;
    spec.output_count = 5;
    spec.sampling = (ks_sim_sampling)7;
    ks_sim_result *result;
    ks_error err;
    assert_int_equal(ks_simulate(model, &spec, &result, &err), KS_EINVAL);
    spec.sampling = KS_SIM_MONTE_CARLO;
    spec.correlations = a_with_b;
    spec.correlation_count = 1; /* b is PERT: not under the Gaussian copula */
    assert_int_equal(ks_simulate(model, &spec, &result, &err), KS_EINVAL);
    assert_non_null(strstr(err.message, "copula = \"rank\" takes pert"));
    spec.copula = KS_SIM_RANK_CORRELATION;
    assert_int_equal(ks_simulate(model, &spec, &result, &err), KS_OK);
    ks_sim_result_free(result);
}

/* Rank correlation takes at most KS_RANK_GROUP_MAX cells together; the
 * Gaussian copula takes more. */
static void rank_groups_are_bounded(void **state)
{
    (void)state;
    enum { CELLS = KS_RANK_GROUP_MAX + 1 };
    ks_model *wide = empty_model(&(ks_calendar){ 3, 2002, 2002 }, NULL);
    static char names[CELLS][16], cells[CELLS][24];
    ks_sim_draw draws[CELLS];
    ks_sim_correlation pairs[CELLS - 1];
    for (int i = 0; i < CELLS; i++) {
        snprintf(names[i], sizeof names[i], "x%d", i);
        snprintf(cells[i], sizeof cells[i], "x%d@1Q02", i);
        add_input(wide, names[i], KS_RULE_SUM);
        draws[i] = (ks_sim_draw){ cells[i],
                                  { KS_DIST_NORMAL, 0, 1, 0, NULL, NULL, 0 } };
        if (i > 0)
            pairs[i - 1] = (ks_sim_correlation){ cells[0], cells[i], 0.1 };
    }
    const char *outputs[] = { cells[0] };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 100;
    spec.draws = draws;
    spec.draw_count = CELLS;
    spec.outputs = outputs;
    spec.output_count = 1;
    spec.correlations = pairs;
    spec.correlation_count = CELLS - 1;
    spec.copula = KS_SIM_RANK_CORRELATION;
    ks_sim_result *result;
    ks_error err;
    assert_int_equal(ks_simulate(wide, &spec, &result, &err), KS_EINVAL);
    assert_non_null(strstr(err.message, "rank correlation takes at most 32"));
    spec.copula = KS_SIM_GAUSSIAN_COPULA;
    assert_int_equal(ks_simulate(wide, &spec, &result, &err), KS_OK);
    ks_sim_result_free(result);
    spec.correlation_count = KS_RANK_GROUP_MAX - 1; /* 32 cells: taken */
    spec.copula = KS_SIM_RANK_CORRELATION;
    spec.sampling = KS_SIM_LATIN_HYPERCUBE;
    assert_int_equal(ks_simulate(wide, &spec, &result, &err), KS_OK);
    ks_sim_result_free(result);
    ks_model_free(wide);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strata_are_a_permutation),
        cmocka_unit_test(uniforms_fall_in_their_strata),
        cmocka_unit_test(orders_of_two_cells_are_unrelated),
        cmocka_unit_test(normal_quantile_inverts_the_cdf),
        cmocka_unit_test(beta_table_inverts_the_incomplete_beta),
        cmocka_unit_test(radix_sort_orders_as_qsort),
        cmocka_unit_test(same_bits_at_any_thread_count),
        cmocka_unit_test(lhs_means_are_close),
        cmocka_unit_test(draws_follow_the_cell),
        cmocka_unit_test(refused_specs),
        cmocka_unit_test(rank_groups_are_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
