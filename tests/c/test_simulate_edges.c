/*
 * test_simulate_edges.c -- simulations at their edges: specs that are not
 * runnable (threads out of range, no outputs, draw and correlation lists
 * that are not lists, cells that are none), a run cancelled by its
 * progress callback, an output that never varies and one that is never a
 * number, a single trial,
 * results asked about an output or a percentile or a bin count out of
 * range, outputs found by the name given or the model's; and the
 * streaming histogram on its own, with values below and above its range
 * (percentiles between the run's extremes and the range, shares at the
 * extremes, rebinning), where the answers are known exactly.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"
#include "kessan/simulate.h"

static ks_model *model;

/* x drawn; y = x * 2; c = 7 always; z = x / 0 never a number */
static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, NULL);
    add_input(model, "x", KS_RULE_SUM);
    add_input(model, "c", KS_RULE_SUM);
    define(model, "y", "x * 2", KS_RULE_SUM);
    define(model, "z", "x / 0", KS_RULE_SUM);
    put(model, "c@3Q02", 7);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static const ks_sim_draw draws[] = {
    { "x@3Q02", { KS_DIST_UNIFORM, 0, 1, 0, NULL, NULL, 0 } },
};
static const char *const outputs[] = { "y@3Q2002", "c@3Q02", "z@3Q02" };

static ks_sim_spec spec_of(int64_t trials)
{
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = trials;
    spec.seed = 42;
    spec.threads = 1;
    spec.draws = draws;
    spec.draw_count = 1;
    spec.outputs = outputs;
    spec.output_count = 3;
    return spec;
}

static void expect_refused(const ks_sim_spec *spec, ks_status status,
                           const char *message)
{
    ks_sim_result *result = (ks_sim_result *)&result;
    ks_error err;
    ks_status got = ks_simulate(model, spec, &result, &err);
    if (got != status || strcmp(err.message, message) != 0)
        fail_msg("%s: '%s'\nwanted %s: '%s'", ks_status_name(got),
                 err.message, ks_status_name(status), message);
    assert_null(result);
}

/* ---- specs ------------------------------------------------------------------ */

static void test_specs_that_cannot_run(void **state)
{
    (void)state;
    ks_sim_spec spec = spec_of(10);
    spec.threads = -1;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: threads must be from 1 to 256, got -1");
    spec.threads = KS_SIM_THREADS_MAX + 1;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: threads must be from 1 to 256, got 257");
    spec = spec_of(10);
    spec.output_count = 0;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: outputs: at least one cell is needed");
    spec = spec_of(10);
    spec.outputs = NULL;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: outputs: at least one cell is needed");
    spec = spec_of(10);
    spec.draw_count = -1;
    expect_refused(&spec, KS_EINVAL, "simulate: draws: a bad list");
    spec.draw_count = 1;
    spec.draws = NULL;
    expect_refused(&spec, KS_EINVAL, "simulate: draws: a bad list");
    spec = spec_of(10);
    spec.correlation_count = -2;
    expect_refused(&spec, KS_EINVAL, "simulate: correlate: a bad list");
    spec.correlation_count = 1;
    expect_refused(&spec, KS_EINVAL, "simulate: correlate: a bad list");
    /* cells that are none */
    spec = spec_of(10);
    const char *nameless[] = { NULL };
    spec.outputs = nameless;
    spec.output_count = 1;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: output: a cell is needed (\"id@PERIOD\")");
    const char *no_at[] = { "y3Q02" };
    spec.outputs = no_at;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: output 'y3Q02': expected a cell \"id@PERIOD\"");
    spec = spec_of(10);
    ks_sim_draw unnamed = { NULL, { KS_DIST_FIXED, 1, 0, 0, NULL, NULL, 0 } };
    spec.draws = &unnamed;
    expect_refused(&spec, KS_EINVAL,
                   "simulate: draw: a cell is needed (\"id@PERIOD\")");
}

static int progress_calls;

static int cancel_at_first(void *user_data, int64_t done, int64_t total)
{
    (void)user_data;
    progress_calls++;
    assert_true(done == KS_SIM_CHUNK);
    assert_true(total == 100000);
    return 1;
}

static void test_cancelled_by_its_progress(void **state)
{
    (void)state;
    ks_sim_spec spec = spec_of(100000);
    spec.progress = cancel_at_first;
    progress_calls = 0;
    expect_refused(&spec, KS_EMISUSE,
                   "simulate: cancelled after 4096 of 100000 trials");
    assert_int_equal(progress_calls, 1);
}

/* ---- results --------------------------------------------------------------- */

static ks_sim_result *run(int64_t trials)
{
    ks_sim_spec spec = spec_of(trials);
    ks_sim_result *result = NULL;
    ks_error err;
    if (ks_simulate(model, &spec, &result, &err) != KS_OK)
        fail_msg("simulate: %s", err.message);
    return result;
}

static void test_an_output_that_never_varies(void **state)
{
    (void)state;
    ks_sim_result *result = run(5000);
    int c = ks_sim_output_find(result, "c@3Q02");
    assert_int_equal(c, 1);
    assert_true(ks_sim_count(result, c) == 5000);
    assert_true(ks_sim_mean(result, c) == 7);
    assert_true(ks_sim_sd(result, c) == 0);
    assert_true(ks_sim_min(result, c) == 7 && ks_sim_max(result, c) == 7);
    double p = 0;
    ks_error err;
    assert_int_equal(ks_sim_percentile(result, c, 50, &p, &err), KS_OK);
    assert_true(p == 7);
    assert_int_equal(ks_sim_percentile(result, c, 0, &p, &err), KS_OK);
    assert_true(p == 7);
    assert_true(ks_sim_prob(result, c, KS_SIM_LE, 7) == 1);
    assert_true(ks_sim_prob(result, c, KS_SIM_GE, 7) == 1);
    assert_true(ks_sim_prob(result, c, KS_SIM_LT, 7) == 0);
    assert_true(ks_sim_prob(result, c, KS_SIM_GT, 7) == 0);
    assert_true(ks_sim_prob(result, c, KS_SIM_LT, 8) == 1);
    int64_t counts[3];
    double lo, hi;
    assert_int_equal(ks_sim_histogram(result, c, 3, counts, &lo, &hi, &err),
                     KS_OK);
    assert_true(lo == 7 && hi == 7);
    assert_true(counts[0] == 5000 && counts[1] == 0 && counts[2] == 0);
    ks_sim_result_free(result);
}

static void test_an_output_that_is_never_a_number(void **state)
{
    (void)state;
    ks_sim_result *result = run(3000);
    int z = ks_sim_output_find(result, "z@3Q02");
    assert_int_equal(z, 2);
    assert_true(ks_sim_count(result, z) == 0);
    assert_true(ks_sim_invalid(result, z) == 3000);
    assert_true(ks_sim_overflow(result, z) == 0);
    assert_true(isnan(ks_sim_mean(result, z)));
    assert_true(isnan(ks_sim_sd(result, z)));
    assert_true(isnan(ks_sim_min(result, z)));
    assert_true(isnan(ks_sim_max(result, z)));
    assert_true(isnan(ks_sim_prob(result, z, KS_SIM_LT, 0)));
    double p = 99;
    ks_error err;
    assert_int_equal(ks_sim_percentile(result, z, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message,
                        "percentile: 'z@3Q02' gave no number in any trial");
    assert_true(p == 99);
    int64_t counts[4] = { 9, 9, 9, 9 };
    double lo = 0, hi = 0;
    assert_int_equal(ks_sim_histogram(result, z, 4, counts, &lo, &hi, &err),
                     KS_OK);
    assert_true(isnan(lo) && isnan(hi));
    for (int i = 0; i < 4; i++)
        assert_true(counts[i] == 0);
    ks_sim_result_free(result);
}

static void test_questions_out_of_range(void **state)
{
    (void)state;
    ks_sim_result *result = run(1);
    /* one trial: no spread */
    assert_true(ks_sim_count(result, 0) == 1);
    assert_true(ks_sim_sd(result, 0) == 0);
    /* outputs by the name given and by the model's name for it */
    assert_string_equal(ks_sim_output_name(result, 0), "y@3Q02");
    assert_int_equal(ks_sim_output_find(result, "y@3Q2002"), 0);
    assert_int_equal(ks_sim_output_find(result, "y@3Q02"), 0);
    assert_int_equal(ks_sim_output_find(result, "y@2Q02"), -1);
    double p = 5;
    ks_error err;
    assert_int_equal(ks_sim_percentile(result, 3, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message, "simulate: output 4 out of range (1..3)");
    assert_int_equal(ks_sim_percentile(result, -1, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message, "simulate: output 0 out of range (1..3)");
    assert_int_equal(ks_sim_percentile(result, 0, 100.5, &p, &err), KS_EINVAL);
    assert_string_equal(err.message,
                        "percentile: q must be from 0 to 100, got 100.5");
    assert_int_equal(ks_sim_percentile(result, 0, NAN, &p, &err), KS_EINVAL);
    assert_true(p == 5);
    int64_t counts[1];
    double lo, hi;
    assert_int_equal(ks_sim_histogram(result, 0, 0, counts, &lo, &hi, &err),
                     KS_EINVAL);
    assert_string_equal(err.message,
                        "histogram: bins must be at least 1, got 0");
    assert_int_equal(ks_sim_histogram(result, 7, 1, counts, &lo, &hi, &err),
                     KS_EINVAL);
    assert_true(isnan(ks_sim_prob(result, 0, (ks_sim_op)9, 1)));
    assert_true(isnan(ks_sim_prob(result, -1, KS_SIM_LT, 1)));
    assert_true(isnan(ks_sim_prob(result, 3, KS_SIM_LT, 1)));
    assert_true(isnan(ks_sim_prob(result, 0, KS_SIM_LT, NAN)));
    ks_sim_result_free(result);
}

/* ---- the histogram alone --------------------------------------------------------- */

/* A range [0, 8192): one unit a bin.  Values: 4 below it (-10 .. -4),
 * 2 in bin 1, 2 above it (9000, 10000). */
static ks_hist counted(uint32_t *counts, ks_moments *moments)
{
    ks_hist hist;
    ks_hist_init(&hist, 0, KS_HIST_BINS);
    assert_true(hist.width == 1);
    memset(counts, 0, KS_HIST_SLOTS * sizeof *counts);
    ks_moments_clear(moments);
    static const double values[] = { -10, -8, -6, -4, 0.25, 0.75, 9000,
                                     10000, NAN };
    ks_output_add_block(moments, &hist, counts, values, 9);
    hist.counts = counts;
    return hist;
}

static void test_histogram_below_and_above_its_range(void **state)
{
    (void)state;
    static uint32_t counts[KS_HIST_SLOTS];
    ks_moments moments;
    ks_hist hist = counted(counts, &moments);
    assert_true(moments.count == 8 && moments.invalid == 1);
    assert_true(moments.min == -10 && moments.max == 10000);
    assert_int_equal(counts[0], 4);
    assert_int_equal(counts[1], 2);
    assert_int_equal(counts[KS_HIST_BINS + 1], 2);
    /* ranks below the range spread evenly from min to the range's start:
     * rank 0 at -10 + 10 * 0.5 / 4 */
    assert_true(ks_hist_percentile(&hist, 8, -10, 10000, 0) == -8.75);
    /* ranks above it from the range's end to max: rank 7 at
     * 8192 + (10000 - 8192) * 1.5 / 2 */
    assert_true(ks_hist_percentile(&hist, 8, -10, 10000, 100) ==
                8192 + (10000 - 8192) * 0.75);
    /* between ranks 3 and 4 (bin 1's first) */
    double r3 = -10 + 10 * 3.5 / 4, r4 = 0.25;
    assert_true(fabs(ks_hist_percentile(&hist, 8, -10, 10000, 100 * 3.5 / 7) -
                     (r3 + 0.5 * (r4 - r3))) < 1e-12);
    assert_true(isnan(ks_hist_percentile(&hist, 8, -10, 10000, -1)));
    assert_true(isnan(ks_hist_percentile(&hist, 0, -10, 10000, 50)));

    /* shares: below min none, within the low values by their spread */
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_LT, -20) == 0);
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_LT, -5) ==
                4 * 0.5 / 8);
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_GE, -5) ==
                1 - 4 * 0.5 / 8);
    /* beyond the range's end: counts above spread up to max */
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_LT, 9096) ==
                (6 + 2 * 0.5) / 8);
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_LT, 20000) == 1);
    /* at max: LE and GT count it, LT and GE as they fall */
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_LE, 10000) == 1);
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_GT, 10000) == 0);
    assert_true(ks_hist_prob(&hist, 8, -10, 10000, KS_SIM_LT, 10000) == 1);

    /* rebinned in two over [min, max]: the low and middle ones, the high */
    int64_t two[2];
    ks_hist_rebin(&hist, -10, 10000, 2, two);
    assert_true(two[0] == 6 && two[1] == 2);
    /* a span of nothing: everything in the first bin */
    int64_t one[3];
    ks_hist_rebin(&hist, 5, 5, 3, one);
    assert_true(one[0] == 8 && one[1] == 0 && one[2] == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_specs_that_cannot_run, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cancelled_by_its_progress, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_output_that_never_varies,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_output_that_is_never_a_number,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_questions_out_of_range, setup,
                                        teardown),
        cmocka_unit_test(test_histogram_below_and_above_its_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
