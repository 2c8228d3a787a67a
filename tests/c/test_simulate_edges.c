/*
 * test_simulate_edges.c -- simulations at their edges: specs that are not
 * runnable (threads out of range, no outputs, draw and correlation lists
 * that are not lists, cells that are none), a run cancelled by its
 * progress callback, an output that never varies and one that is never a
 * number, a single trial,
 * results asked about an output or a percentile or a bin count out of
 * range, outputs found by the name given or the model's; and the
 * sketch on its own, with values of both signs, far apart, and NaN, where
 * the answers are known exactly.
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
#include "simulate/simulate_internal.h"

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
static const char *const outputs[] = { "y@3Q2002", "c@3Q02" };

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
    spec.output_count = 2;
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

/* An output that is no number in any trial: nothing but its count and
 * the reason of its first trial (which the binding raises with); one
 * that is no number in some: how many and why. */
static ks_sim_result *run_outputs(ks_sim_spec *spec, const char *const *cells,
                                  int count)
{
    spec->outputs = cells;
    spec->output_count = count;
    ks_sim_result *result = NULL;
    ks_error err;
    if (ks_simulate(model, spec, &result, &err) != KS_OK)
        fail_msg("simulate: %s", err.message);
    return result;
}

static void test_an_output_that_is_never_a_number(void **state)
{
    (void)state;
    ks_sim_spec spec = spec_of(3000);
    static const char *const with_z[] = { "y@3Q02", "z@3Q02" };
    ks_sim_result *result = run_outputs(&spec, with_z, 2);
    assert_true(ks_sim_count(result, 1) == 0);
    assert_true(ks_sim_invalid(result, 1) == 3000);
    assert_true(isnan(ks_sim_mean(result, 1)) && isnan(ks_sim_sd(result, 1)));
    assert_true(isnan(ks_sim_prob(result, 1, KS_SIM_LT, 0)));
    double p = 99;
    ks_error err;
    assert_int_equal(ks_sim_percentile(result, 1, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message,
                        "percentile: 'z@3Q02' gave no number in any trial");
    assert_true(p == 99);
    int64_t counts[4] = { 9, 9, 9, 9 };
    double lo = 0, hi = 0;
    assert_int_equal(ks_sim_histogram(result, 1, 4, counts, &lo, &hi, &err),
                     KS_OK);
    assert_true(isnan(lo) && isnan(hi));
    for (int i = 0; i < 4; i++)
        assert_true(counts[i] == 0);
    assert_string_equal(ks_sim_invalid_reason(result, 1),
                        "trial 1: error: a division by zero, an overflow or "
                        "a result that is no number, in the trial's formulas");
    assert_string_equal(ks_sim_invalid_reason(result, 0), "");
    ks_sim_result_free(result);
    /* missing: named, the drawn cell not among the causes */
    add_input(model, "w", KS_RULE_SUM);
    define(model, "v", "x + w", KS_RULE_SUM);
    static const char *const with_v[] = { "v@3Q02" };
    result = run_outputs(&spec, with_v, 1);
    assert_string_equal(ks_sim_invalid_reason(result, 0),
                        "trial 1: missing: w@3Q02 has no value");
    ks_sim_result_free(result);
    /* some trials: counted, the first named, statistics of the rest */
    define(model, "u", "1 / (x - 0.5) + 0 * (x > 0.5)", KS_RULE_SUM);
    ks_sim_draw coin[] = { { "x@3Q02", { KS_DIST_DISCRETE, 0, 0, 0,
                                         (const double[]){ 0.5, 1.5 }, NULL,
                                         2 } } };
    static const char *const with_u[] = { "u@3Q02" };
    spec.draws = coin;
    result = run_outputs(&spec, with_u, 1);
    int64_t invalid = ks_sim_invalid(result, 0);
    assert_true(invalid > 1300 && invalid < 1700);
    assert_true(ks_sim_count(result, 0) == 3000 - invalid);
    assert_true(ks_sim_mean(result, 0) == 1 && ks_sim_sd(result, 0) == 0);
    const char *why = ks_sim_invalid_reason(result, 0);
    assert_true(strncmp(why, "trial ", 6) == 0);
    assert_non_null(strstr(why, ": error: a division by zero"));
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
    assert_int_equal(ks_sim_percentile(result, 2, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message, "simulate: output 3 out of range (1..2)");
    assert_int_equal(ks_sim_percentile(result, 3, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message, "simulate: output 4 out of range (1..2)");
    assert_int_equal(ks_sim_percentile(result, -1, 50, &p, &err), KS_EINVAL);
    assert_string_equal(err.message, "simulate: output 0 out of range (1..2)");
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

/* ---- the sketch alone ----------------------------------------------------------- */

/* Values of both signs and far apart (each in a bucket of its own), and
 * a NaN, through the path of a block: ranks and shares come out exact
 * where the buckets separate the values, within KS_SKETCH_ALPHA else. */
static void test_sketch_of_values_far_apart(void **state)
{
    (void)state;
    static const double values[] = { -10, -8, -6, -4, 0.25, 0.75, 9000,
                                     10000, NAN, 0 };
    ks_moments moments;
    ks_moments_clear(&moments);
    ks_sketch sketch;
    ks_sketch_init(&sketch, NULL);
    ks_output_add_block(&moments, &sketch, values, 10);
    assert_true(moments.count == 9 && moments.invalid == 1);
    assert_true(moments.min == -10 && moments.max == 10000);
    assert_int_equal(ks_sketch_total(&sketch), 9);
    static const double sorted[] = { -10, -8, -6, -4, 0, 0.25, 0.75, 9000,
                                     10000 };
    for (int r = 0; r < 9; r++) {
        double got = ks_sketch_rank_value(&sketch, r, -10, 10000);
        if (fabs(got - sorted[r]) > KS_SKETCH_ALPHA * fabs(sorted[r]) * (1 + 1e-9))
            fail_msg("rank %d: %.17g, exact %.17g", r, got, sorted[r]);
    }
    assert_true(ks_sketch_rank_value(&sketch, 0, -10, 10000) == -10);
    assert_true(ks_sketch_rank_value(&sketch, 4, -10, 10000) == 0);
    /* shares: every value a bucket of its own, so counts are exact */
    for (int k = 0; k <= 9; k++) {
        double x = k < 9 ? sorted[k] * (1 + 0.01) + (k == 4 ? 0.1 : 0)
                         : 20000;
        int64_t below = 0;
        for (int i = 0; i < 9; i++)
            below += sorted[i] < x;
        assert_int_equal(ks_sketch_count_below(&sketch, x, 0), below);
    }
    /* merged into an empty sketch: the same counts, bucket for bucket */
    ks_sketch total;
    ks_sketch_init(&total, NULL);
    assert_int_equal(ks_sketch_merge(&total, &sketch), 0);
    assert_int_equal(ks_sketch_merge(&total, &sketch), 0);
    assert_int_equal(ks_sketch_total(&total), 18);
    for (int r = 0; r < 18; r++)
        assert_true(ks_sketch_rank_value(&total, r, -10, 10000) ==
                    ks_sketch_rank_value(&sketch, r / 2, -10, 10000));
    ks_sketch_free(&total);
    ks_sketch_free(&sketch);
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
        cmocka_unit_test(test_sketch_of_values_far_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
