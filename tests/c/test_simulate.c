/*
 * test_simulate.c -- Monte Carlo over the compiled model: the moments of
 * every distribution against their exact means and variances, percentiles
 * of a uniform, a linear model's mean, summaries and input rows under
 * draws, the same seed giving identical results on 1, 2 and 3 threads,
 * copula correlation, errors, and allocation failure.
 *
 * Tolerances: means within 5 standard errors (sd / sqrt(n)); variances
 * within 5 standard errors of a sample variance for a kurtosis of at most
 * 3 more than the normal's (sd^2 * sqrt(5 / n)); percentiles within 5
 * standard errors of a sample quantile (sqrt(p (1 - p) / n) / density).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"

#include "kessan/kessan.h"
#include "kessan/simulate.h"
#include "model/model.h"

#define TRIALS 200000

/* ---- helpers --------------------------------------------------------------- */

/* x, y: inputs reported for 1Q..3Q02; z = 2x + 3y - 5; w = x / y; d: an
 * input with nothing reported (a driver); ab = a * b for the copula. */
static ks_model *small_model(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2002, 2002 };
    ks_model *model = empty_model(&calendar, alloc);
    add_input(model, "x", KS_RULE_SUM);
    add_input(model, "y", KS_RULE_SUM);
    add_input(model, "d", KS_RULE_FORMULA);
    add_input(model, "a", KS_RULE_FORMULA);
    add_input(model, "b", KS_RULE_FORMULA);
    add_input(model, "c", KS_RULE_FORMULA);
    define(model, "z", "2 * x + 3 * y - 5", KS_RULE_SUM);
    define(model, "w", "x / y", KS_RULE_FORMULA);
    define(model, "ab", "a * b", KS_RULE_FORMULA);
    static const char *const quarters[] = { "1Q02", "2Q02", "3Q02" };
    for (int q = 0; q < 3; q++) {
        char cell[32];
        snprintf(cell, sizeof cell, "x@%s", quarters[q]);
        report(model, cell, 10.0 * (q + 1));
        snprintf(cell, sizeof cell, "y@%s", quarters[q]);
        report(model, cell, 100.0 + q);
    }
    return model;
}

static ks_sim_result *run(ks_model *model, const ks_sim_draw *draws,
                          int draw_count, const char *const *outputs,
                          int output_count, int64_t trials, int threads)
{
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = trials;
    spec.seed = 42;
    spec.threads = threads;
    spec.draws = draws;
    spec.draw_count = draw_count;
    spec.outputs = outputs;
    spec.output_count = output_count;
    ks_sim_result *result = NULL;
    ks_error err;
    ks_status status = ks_simulate(model, &spec, &result, &err);
    if (status != KS_OK)
        fail_msg("simulate: %s", err.message);
    return result;
}

static ks_status run_spec(ks_model *model, ks_sim_spec *spec, ks_error *err)
{
    ks_sim_result *result = NULL;
    ks_status status = ks_simulate(model, spec, &result, err);
    assert_true((status == KS_OK) == (result != NULL));
    ks_sim_result_free(result);
    return status;
}

static ks_dist dist(ks_dist_kind kind, double a, double b, double c)
{
    ks_dist d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    d.a = a;
    d.b = b;
    d.c = c;
    return d;
}

/* ---- distributions ------------------------------------------------------ */

static void check_moments(ks_model *model, ks_dist d, const char *name)
{
    ks_sim_draw draw = { "d@4Q02", d };
    const char *outputs[] = { "d@4Q02" };
    ks_sim_result *result = run(model, &draw, 1, outputs, 1, TRIALS, 1);
    double mean, variance;
    ks_dist_moments(&d, &mean, &variance);
    double sd = sqrt(variance);
    double got_mean = ks_sim_mean(result, 0), got_sd = ks_sim_sd(result, 0);
    if (fabs(got_mean - mean) > 5 * sd / sqrt(TRIALS))
        fail_msg("%s: mean %.10g, expected %.10g", name, got_mean, mean);
    if (fabs(got_sd * got_sd - variance) > 5 * variance * sqrt(5.0 / TRIALS))
        fail_msg("%s: variance %.10g, expected %.10g", name, got_sd * got_sd,
                 variance);
    assert_int_equal(ks_sim_count(result, 0), TRIALS);
    assert_int_equal(ks_sim_invalid(result, 0), 0);
    ks_sim_result_free(result);
}

static void test_distribution_moments(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    check_moments(model, dist(KS_DIST_NORMAL, 3.5, 2.0, 0), "normal");
    check_moments(model, dist(KS_DIST_LOGNORMAL, 1.0, 0.25, 0), "lognormal");
    check_moments(model, dist(KS_DIST_UNIFORM, -2.0, 5.0, 0), "uniform");
    check_moments(model, dist(KS_DIST_TRIANGULAR, 4e6, 6.2e6, 5e6), "triangular");
    check_moments(model, dist(KS_DIST_PERT, 10, 40, 15), "pert");
    check_moments(model, dist(KS_DIST_FIXED, 7.25, 0, 0), "fixed");
    ks_dist discrete = dist(KS_DIST_DISCRETE, 0, 0, 0);
    static const double values[] = { 1, 2, 5 }, weights[] = { 0.2, 0.5, 0.3 };
    discrete.values = values;
    discrete.weights = weights;
    discrete.count = 3;
    check_moments(model, discrete, "discrete");
    ks_model_free(model);
}

static void test_uniform_percentiles(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draw = { "d@4Q02", dist(KS_DIST_UNIFORM, 0, 1, 0) };
    const char *outputs[] = { "d@4Q02" };
    ks_sim_result *result = run(model, &draw, 1, outputs, 1, TRIALS, 1);
    static const double qs[] = { 0, 1, 5, 25, 50, 75, 95, 99, 100 };
    for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
        double p = qs[k] / 100, got;
        ks_error err;
        assert_int_equal(ks_sim_percentile(result, 0, qs[k], &got, &err), KS_OK);
        double tolerance = 5 * sqrt(p * (1 - p) / TRIALS) + 1e-4;
        if (fabs(got - p) > tolerance)
            fail_msg("p%g: %.6f", qs[k], got);
    }
    double lo, hi;
    assert_int_equal(ks_sim_percentile(result, 0, 0, &lo, NULL), KS_OK);
    assert_int_equal(ks_sim_percentile(result, 0, 100, &hi, NULL), KS_OK);
    assert_true(fabs(lo - ks_sim_min(result, 0)) < 1e-6);
    assert_true(fabs(hi - ks_sim_max(result, 0)) < 1e-6);
    assert_true(fabs(ks_sim_prob(result, 0, KS_SIM_LT, 0.3) - 0.3) <
                5 * sqrt(0.21 / TRIALS));
    int64_t counts[4];
    assert_int_equal(ks_sim_histogram(result, 0, 4, counts, &lo, &hi, NULL), KS_OK);
    int64_t total = 0;
    for (int i = 0; i < 4; i++) {
        total += counts[i];
        assert_true(fabs((double)counts[i] / TRIALS - 0.25) < 0.01);
    }
    assert_int_equal(total, TRIALS);
    ks_sim_result_free(result);
    ks_model_free(model);
}

/* The trials a 5-bin histogram of an output counts. */
static int64_t histogram_total(ks_sim_result *result, int output)
{
    int64_t bins[5], total = 0;
    double lo, hi;
    assert_int_equal(ks_sim_histogram(result, output, 5, bins, &lo, &hi, NULL),
                     KS_OK);
    for (int i = 0; i < 5; i++)
        total += bins[i];
    return total;
}

/* An indicator (every lane 0 or 1: counted as two counts per block), a
 * range of negative numbers (minimum and maximum through their bits), an
 * output with invalid lanes, which the histogram leaves out, and one that
 * is the same in every trial. */
static void test_indicator_negative_and_gaps(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    define(model, "hit", "x > 40", KS_RULE_FORMULA);
    ks_sim_draw draws[] = {
        { "x@4Q02", dist(KS_DIST_NORMAL, 40, 3, 0) },
        { "d@4Q02", dist(KS_DIST_UNIFORM, -3, -1, 0) },
        { "y@4Q02", dist(KS_DIST_DISCRETE, 0, 0, 0) },
    };
    static const double values[] = { 0, 2 };
    draws[2].dist.values = values;
    draws[2].dist.count = 2;
    const char *outputs[] = { "hit@4Q02", "d@4Q02", "w@4Q02", "z@3Q02" };
    ks_sim_result *result = run(model, draws, 3, outputs, 4, TRIALS, 2);
    double share = ks_sim_mean(result, 0), got;
    assert_true(fabs(share - 0.5) < 5 * sqrt(0.25 / TRIALS));
    assert_true(ks_sim_min(result, 0) == 0 && ks_sim_max(result, 0) == 1);
    /* 0 has the sketch's zero bucket, and 1's bucket is clamped to the
     * run's max: an indicator's percentiles are exact */
    assert_int_equal(ks_sim_percentile(result, 0, 25, &got, NULL), KS_OK);
    assert_true(got == 0);
    assert_int_equal(ks_sim_percentile(result, 0, 75, &got, NULL), KS_OK);
    assert_true(got == 1);
    assert_true(fabs(ks_sim_prob(result, 0, KS_SIM_GE, 0.5) - share) < 1e-12);
    int64_t counts[3];
    double lo, hi;
    assert_int_equal(ks_sim_histogram(result, 0, 3, counts, &lo, &hi, NULL), KS_OK);
    assert_true(lo == 0 && hi == 1 && counts[1] == 0);
    assert_int_equal(counts[2], (int64_t)llround(share * TRIALS));
    assert_int_equal(counts[0] + counts[2], TRIALS);

    assert_true(ks_sim_min(result, 1) >= -3 && ks_sim_min(result, 1) < -2.999);
    assert_true(ks_sim_max(result, 1) < -1 && ks_sim_max(result, 1) > -1.001);
    assert_int_equal(ks_sim_percentile(result, 1, 0, &got, NULL), KS_OK);
    assert_true(got == ks_sim_min(result, 1));
    assert_int_equal(ks_sim_percentile(result, 1, 50, &got, NULL), KS_OK);
    assert_true(fabs(got + 2) < 5 * sqrt(0.25 / TRIALS) * 2 + 1e-3);

    int64_t numbers = ks_sim_count(result, 2), invalid = ks_sim_invalid(result, 2);
    assert_true(invalid > TRIALS / 2 - 1500 && invalid < TRIALS / 2 + 1500);
    assert_int_equal(numbers + invalid, TRIALS);
    assert_int_equal(histogram_total(result, 2), numbers);

    /* a cell no draw reaches: one value in every block, counted at once */
    double z = number_of(model, "z@3Q02");
    assert_true(ks_sim_min(result, 3) == z && ks_sim_max(result, 3) == z);
    assert_int_equal(ks_sim_percentile(result, 3, 50, &got, NULL), KS_OK);
    assert_true(got == z);
    assert_int_equal(histogram_total(result, 3), TRIALS);
    assert_true(ks_sim_prob(result, 3, KS_SIM_GE, z) == 1.0);
    ks_sim_result_free(result);
    ks_model_free(model);
}

/* ---- the model under draws ---------------------------------------------- */

static void test_linear_model(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draws[] = {
        { "x@4Q02", dist(KS_DIST_NORMAL, 40, 3, 0) },
        { "y@4Q02", dist(KS_DIST_TRIANGULAR, 90, 130, 100) },
        { "w@1Q02", dist(KS_DIST_FIXED, 7, 0, 0) },
    };
    const char *outputs[] = { "z@4Q02", "z@FY02", "x@FY02", "y@2H02", "w@1Q02",
                              "w@4Q02", "z@3Q02" };
    ks_sim_result *result = run(model, draws, 3, outputs, 7, TRIALS, 1);
    double ex, vx, ey, vy;
    ks_dist_moments(&draws[0].dist, &ex, &vx);
    ks_dist_moments(&draws[1].dist, &ey, &vy);
    double mean_z = 2 * ex + 3 * ey - 5, sd_z = sqrt(4 * vx + 9 * vy);
    assert_true(fabs(ks_sim_mean(result, 0) - mean_z) < 5 * sd_z / sqrt(TRIALS));
    assert_true(fabs(ks_sim_sd(result, 0) - sd_z) < 0.02 * sd_z);
    /* FY = the 9M the model computes + 4Q, trial by trial */
    double nine = number_of(model, "z@9M02");
    assert_true(fabs(ks_sim_mean(result, 1) - nine - ks_sim_mean(result, 0)) < 1e-6);
    assert_true(fabs(ks_sim_sd(result, 1) - ks_sim_sd(result, 0)) < 1e-6);
    /* an input row: FY = 1Q + 2Q + 3Q + the drawn 4Q; 2H = 3Q + 4Q */
    double x_mean = ks_sim_mean(result, 2) - 60;
    assert_true(fabs(x_mean - ex) < 5 * sqrt(vx / TRIALS));
    assert_true(fabs(ks_sim_mean(result, 3) - 102 - ey) < 5 * sqrt(vy / TRIALS));
    /* a draw overrides a formula; a cell no draw reaches is the model's */
    assert_true(ks_sim_mean(result, 4) == 7 && ks_sim_sd(result, 4) == 0);
    assert_true(ks_sim_mean(result, 6) == number_of(model, "z@3Q02"));
    /* w@4Q02 = x / y per trial: positive, never invalid */
    assert_int_equal(ks_sim_invalid(result, 5), 0);
    assert_true(ks_sim_min(result, 5) > 0);
    ks_sim_result_free(result);
    ks_model_free(model);
}

static void test_invalid_trials_counted(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draws[] = {
        { "y@4Q02", dist(KS_DIST_DISCRETE, 0, 0, 0) },
        { "x@4Q02", dist(KS_DIST_FIXED, 1, 0, 0) },
    };
    static const double values[] = { 0, 2 };
    draws[0].dist.values = values;
    draws[0].dist.count = 2;
    const char *outputs[] = { "w@4Q02" };
    ks_sim_result *result = run(model, draws, 2, outputs, 1, 10000, 1);
    /* x / 0 in about half the trials: errors, counted and left out */
    int64_t invalid = ks_sim_invalid(result, 0);
    assert_true(invalid > 4500 && invalid < 5500);
    assert_int_equal(ks_sim_count(result, 0) + invalid, 10000);
    assert_true(ks_sim_mean(result, 0) == 0.5 && ks_sim_sd(result, 0) == 0);
    ks_sim_result_free(result);
    ks_model_free(model);
}

/* ---- threads ----------------------------------------------------------------- */

static void test_same_seed_any_threads(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draws[] = {
        { "x@4Q02", dist(KS_DIST_NORMAL, 40, 3, 0) },
        { "y@4Q02", dist(KS_DIST_UNIFORM, 90, 130, 0) },
    };
    const char *outputs[] = { "z@4Q02", "z@FY02", "w@4Q02" };
    int64_t trials = 5 * KS_SIM_CHUNK + 123;
    ks_sim_result *results[3];
    for (int t = 0; t < 3; t++)
        results[t] = run(model, draws, 2, outputs, 3, trials, t + 1);
    for (int t = 1; t < 3; t++)
        for (int o = 0; o < 3; o++) {
            double a[6] = { ks_sim_mean(results[0], o), ks_sim_sd(results[0], o),
                            ks_sim_min(results[0], o), ks_sim_max(results[0], o) };
            double b[6] = { ks_sim_mean(results[t], o), ks_sim_sd(results[t], o),
                            ks_sim_min(results[t], o), ks_sim_max(results[t], o) };
            assert_int_equal(ks_sim_percentile(results[0], o, 37.5, &a[4], NULL), KS_OK);
            assert_int_equal(ks_sim_percentile(results[t], o, 37.5, &b[4], NULL), KS_OK);
            assert_memory_equal(a, b, sizeof a);
        }
    for (int t = 0; t < 3; t++)
        ks_sim_result_free(results[t]);
    ks_model_free(model);
}

/* ---- correlation --------------------------------------------------------- */

static void test_copula(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draws[] = {
        { "a@4Q02", dist(KS_DIST_NORMAL, 0, 1, 0) },
        { "b@4Q02", dist(KS_DIST_NORMAL, 0, 1, 0) },
    };
    ks_sim_correlation pair = { "a@4Q02", "b@4Q02", 0.6 };
    const char *outputs[] = { "ab@4Q02", "b@4Q02" };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = TRIALS;
    spec.seed = 7;
    spec.draws = draws;
    spec.draw_count = 2;
    spec.outputs = outputs;
    spec.output_count = 2;
    spec.correlations = &pair;
    spec.correlation_count = 1;
    ks_sim_result *result = NULL;
    ks_error err;
    assert_int_equal(ks_simulate(model, &spec, &result, &err), KS_OK);
    /* E[ab] = rho for standard normals; Var(ab) = 1 + rho^2 */
    assert_true(fabs(ks_sim_mean(result, 0) - 0.6) < 5 * sqrt(1.36 / TRIALS));
    assert_true(fabs(ks_sim_sd(result, 1) - 1) < 0.02);
    ks_sim_result_free(result);

    /* three pairwise correlations that cannot hold together */
    ks_sim_draw three[] = {
        { "a@4Q02", dist(KS_DIST_NORMAL, 0, 1, 0) },
        { "b@4Q02", dist(KS_DIST_UNIFORM, 0, 1, 0) },
        { "c@4Q02", dist(KS_DIST_TRIANGULAR, 0, 2, 1) },
    };
    ks_sim_correlation pairs[] = { { "a@4Q02", "b@4Q02", 0.9 },
                                   { "b@4Q02", "c@4Q02", 0.9 },
                                   { "a@4Q02", "c@4Q02", -0.9 } };
    spec.draws = three;
    spec.draw_count = 3;
    spec.correlations = pairs;
    spec.correlation_count = 3;
    assert_int_equal(run_spec(model, &spec, &err), KS_EINVAL);
    assert_non_null(strstr(err.message, "not positive definite"));
    ks_model_free(model);
}

/* ---- errors ------------------------------------------------------------------ */

static void expect_error(ks_model *model, ks_sim_spec *spec, ks_status code,
                         const char *text)
{
    ks_error err;
    ks_status status = run_spec(model, spec, &err);
    if (status != code || !strstr(err.message, text))
        fail_msg("expected %s with '%s', got %s: %s", ks_status_name(code), text,
                 ks_status_name(status), err.message);
}

static void test_errors(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draws[2] = { { "x@4Q02", dist(KS_DIST_NORMAL, 1, 1, 0) },
                             { "y@4Q02", dist(KS_DIST_UNIFORM, 0, 1, 0) } };
    const char *outputs[] = { "z@4Q02" };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 100;
    spec.draws = draws;
    spec.draw_count = 2;
    spec.outputs = outputs;
    spec.output_count = 1;
    ks_error err;
    assert_int_equal(run_spec(model, &spec, &err), KS_OK);

    spec.trials = 0;
    expect_error(model, &spec, KS_EINVAL, "trials must be from 1");
    spec.trials = KS_SIM_TRIALS_MAX + 1;
    expect_error(model, &spec, KS_EINVAL, "trials must be from 1");
    spec.trials = 100;
    spec.threads = KS_SIM_THREADS_MAX + 1;
    expect_error(model, &spec, KS_EINVAL, "threads");
    spec.threads = 1;

    draws[0].cell = "zz@4Q02";
    expect_error(model, &spec, KS_EUNKNOWN, "did you mean");
    draws[0].cell = "x";
    expect_error(model, &spec, KS_EINVAL, "expected a cell");
    draws[0].cell = "x@4Q02";
    draws[0].dist.b = 0;
    expect_error(model, &spec, KS_EINVAL, "sd > 0");
    draws[0].dist.b = 1;
    draws[1].dist.a = 2;
    expect_error(model, &spec, KS_EINVAL, "min < max");
    draws[1].dist = dist(KS_DIST_TRIANGULAR, 0, 1, 3);
    expect_error(model, &spec, KS_EINVAL, "mode");
    draws[1].dist = dist(KS_DIST_DISCRETE, 0, 0, 0);
    expect_error(model, &spec, KS_EINVAL, "at least one value");
    draws[1].dist = dist(KS_DIST_UNIFORM, 0, 1, 0);
    draws[1].cell = "x@4Q02";
    expect_error(model, &spec, KS_EINVAL, "drawn twice");
    draws[1].cell = "y@4Q02";

    outputs[0] = "q@4Q02";
    expect_error(model, &spec, KS_EUNKNOWN, "output");
    outputs[0] = "z@4Q02";

    ks_sim_correlation pair = { "x@4Q02", "w@4Q02", 0.5 };
    spec.correlations = &pair;
    spec.correlation_count = 1;
    expect_error(model, &spec, KS_EINVAL, "not a drawn cell");
    pair.cell_b = "y@4Q02";
    pair.rho = 1;
    expect_error(model, &spec, KS_EINVAL, "(-1, 1)");
    pair.rho = 0.5;
    draws[1].dist = dist(KS_DIST_PERT, 0, 2, 1);
    expect_error(model, &spec, KS_EINVAL, "cannot be correlated");
    ks_model_free(model);
}

/* ---- extremes: what would overflow is refused or counted, never a
 * statistic ----------------------------------------------------------------- */

static void expect_refused(ks_model *model, ks_dist d, const char *expected)
{
    ks_sim_draw draw = { "d@4Q02", d };
    const char *outputs[] = { "d@4Q02" };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 100;
    spec.draws = &draw;
    spec.draw_count = 1;
    spec.outputs = outputs;
    spec.output_count = 1;
    ks_error err;
    ks_sim_result *result = NULL;
    assert_int_equal(ks_simulate(model, &spec, &result, &err), KS_EINVAL);
    assert_null(result);
    if (!strstr(err.message, expected) || !strstr(err.message, "d@4Q02"))
        fail_msg("expected '%s' naming the cell, got: %s", expected,
                 err.message);
    assert_int_equal(ks_dist_check(&d, "it", &err), KS_EINVAL);
}

static void test_draws_that_cannot_be_finite_refused(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    expect_refused(model, dist(KS_DIST_NORMAL, 1e308, 1e308, 0), "|mean| + 40 sd");
    expect_refused(model, dist(KS_DIST_NORMAL, -1.7e308, 1e306, 0), "normal");
    expect_refused(model, dist(KS_DIST_NORMAL, 0, 1e307, 0), "normal");
    expect_refused(model, dist(KS_DIST_LOGNORMAL, 706, 1, 0), "mu + 40 sigma");
    expect_refused(model, dist(KS_DIST_LOGNORMAL, 0, 20, 0), "lognormal");
    expect_refused(model, dist(KS_DIST_UNIFORM, -1e308, 1e308, 0), "max - min");
    expect_refused(model, dist(KS_DIST_TRIANGULAR, -1e308, 1e308, 0), "max - min");
    expect_refused(model, dist(KS_DIST_PERT, -1.7e308, 1.7e308, 1), "max - min");
    expect_refused(model, dist(KS_DIST_NORMAL, NAN, 1, 0), "finite");
    expect_refused(model, dist(KS_DIST_NORMAL, 0, INFINITY, 0), "finite");
    expect_refused(model, dist(KS_DIST_UNIFORM, -INFINITY, 0, 0), "finite");
    expect_refused(model, dist(KS_DIST_NORMAL, 0, 4.9e-324 * 0, 0), "sd > 0");
    ks_dist ok[] = { dist(KS_DIST_NORMAL, 1e300, 4e306, 0),
                     dist(KS_DIST_LOGNORMAL, 700, 0.2, 0),
                     dist(KS_DIST_LOGNORMAL, -1e300, 1, 0),
                     dist(KS_DIST_TRIANGULAR, 0, 1e308, 0),
                     dist(KS_DIST_UNIFORM, -8e307, 8e307, 0),
                     dist(KS_DIST_NORMAL, 0, 4.9e-324, 0) };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++)
        assert_int_equal(ks_dist_check(&ok[k], "it", NULL), KS_OK);
    ks_model_free(model);
}

/* An output beyond +-KS_SIM_VALUE_MAX (or infinite) in a trial is an
 * overflow: the trial is invalid and counted apart, and every statistic of
 * what remains is finite; the same on one thread and on two. */
static void test_overflowing_outputs_counted(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    for (int threads = 1; threads <= 2; threads++) {
        /* triangular(0, 0, 1e308): every draw finite and >= 0, nearly
         * all beyond the bound */
        ks_sim_draw draw = { "d@4Q02", dist(KS_DIST_TRIANGULAR, 0, 1e308, 0) };
        const char *outputs[] = { "d@4Q02" };
        ks_sim_result *result = run(model, &draw, 1, outputs, 1, 20000, threads);
        assert_int_equal(ks_sim_count(result, 0), 0);
        assert_int_equal(ks_sim_invalid(result, 0), 20000);
        assert_int_equal(ks_sim_overflow(result, 0), 20000);
        assert_true(isnan(ks_sim_mean(result, 0)));
        double p;
        ks_error err;
        assert_int_equal(ks_sim_percentile(result, 0, 50, &p, &err), KS_EINVAL);
        assert_true(isnan(ks_sim_prob(result, 0, KS_SIM_LT, 0)));
        ks_sim_result_free(result);

        /* normal(0, 1e149): about a third beyond the bound, the rest
         * counted with finite moments and percentiles */
        draw.dist = dist(KS_DIST_NORMAL, 0, KS_SIM_VALUE_MAX, 0);
        result = run(model, &draw, 1, outputs, 1, TRIALS, threads);
        int64_t counted = ks_sim_count(result, 0);
        int64_t over = ks_sim_overflow(result, 0);
        assert_int_equal(counted + over, TRIALS);
        assert_int_equal(ks_sim_invalid(result, 0), over);
        double share = (double)over / TRIALS; /* P(|z| > 1) = 0.3173 */
        if (fabs(share - 0.3173) > 5 * sqrt(0.3173 * 0.6827 / TRIALS))
            fail_msg("overflow share %.4f", share);
        assert_true(isfinite(ks_sim_mean(result, 0)));
        assert_true(isfinite(ks_sim_sd(result, 0)));
        assert_true(ks_sim_sd(result, 0) > 0.4 * KS_SIM_VALUE_MAX);
        assert_true(ks_sim_min(result, 0) >= -KS_SIM_VALUE_MAX);
        assert_true(ks_sim_max(result, 0) <= KS_SIM_VALUE_MAX);
        for (int q = 0; q <= 100; q += 5) {
            assert_int_equal(ks_sim_percentile(result, 0, q, &p, &err), KS_OK);
            assert_true(p >= ks_sim_min(result, 0) && p <= ks_sim_max(result, 0));
        }
        ks_sim_result_free(result);

        /* huge but within the bound: sd of 1e148 stays finite and right */
        draw.dist = dist(KS_DIST_NORMAL, -1e148, 1e147, 0);
        result = run(model, &draw, 1, outputs, 1, TRIALS, threads);
        assert_int_equal(ks_sim_count(result, 0), TRIALS);
        assert_int_equal(ks_sim_overflow(result, 0), 0);
        assert_true(fabs(ks_sim_mean(result, 0) + 1e148) < 5e147 / sqrt(TRIALS));
        assert_true(fabs(ks_sim_sd(result, 0) / 1e147 - 1) < 0.01);
        assert_int_equal(ks_sim_percentile(result, 0, 50, &p, &err), KS_OK);
        assert_true(fabs(p + 1e148) < 2e145);
        ks_sim_result_free(result);
    }
    ks_model_free(model);
}

/* A formula that overflows in a trial gives an error there (counted
 * invalid), as the model's own recalculation does; a year summed from a
 * drawn quarter that overflows is an overflow, never an infinity. */
static void test_overflow_in_trials(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    define(model, "huge", "x * 1e300", KS_RULE_SUM);
    define(model, "scaled", "d * 1e-100", KS_RULE_FORMULA);
    report(model, "x@3Q02", 1.5e308);
    for (int threads = 1; threads <= 2; threads++) {
        ks_sim_draw draws[] = {
            { "x@4Q02", dist(KS_DIST_NORMAL, 1.2e308, 1e306, 0) },
            /* a width of 1e200: the triangular's roots would overflow
             * if taken the usual way */
            { "d@4Q02", dist(KS_DIST_TRIANGULAR, -1e200, 1.5e200, 2e199) },
        };
        const char *outputs[] = { "huge@4Q02", "x@FY02", "z@4Q02",
                                  "scaled@4Q02", "x@4Q02" };
        ks_sim_result *result = run(model, draws, 2, outputs, 5, 50000,
                                    threads);
        for (int o = 0; o < 3; o++) {
            assert_int_equal(ks_sim_count(result, o), 0);
            assert_int_equal(ks_sim_invalid(result, o), 50000);
            assert_true(isnan(ks_sim_mean(result, o)));
        }
        /* x@FY02 is x@3Q02 + 4Q02 in every trial: an overflow there is
         * an error, as in the model (not a value beyond the bound) */
        assert_int_equal(ks_sim_overflow(result, 1), 0);
        assert_int_equal(ks_sim_overflow(result, 0), 0);
        double mean, variance;
        ks_dist tri = dist(KS_DIST_TRIANGULAR, -1e100, 1.5e100, 2e99);
        ks_dist_moments(&tri, &mean, &variance);
        assert_int_equal(ks_sim_count(result, 3), 50000);
        if (fabs(ks_sim_mean(result, 3) - mean) > 5 * sqrt(variance / 50000))
            fail_msg("scaled triangular mean %g, expected %g",
                     ks_sim_mean(result, 3), mean);
        assert_true(ks_sim_min(result, 3) >= -1e100);
        assert_true(ks_sim_max(result, 3) <= 1.5e100);
        /* x@4Q02 itself: finite draws, all beyond the bound */
        assert_int_equal(ks_sim_overflow(result, 4), 50000);
        ks_sim_result_free(result);
    }
    ks_model_free(model);
}

/* A summary whose quarters overflow is an error in a trial as it is in
 * the model, so what reads it agrees too: 1 / big@FY02 is an error in
 * both, never 1 / inf = 0. */
static void test_summary_overflow_agrees_with_model(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    define(model, "big", "x / 1", KS_RULE_SUM);
    define(model, "inv", "1 / big@FY02", KS_RULE_FORMULA);
    report(model, "x@3Q02", 1.5e308);
    static const double fourth[] = { 1e308, -1e308, 1 };
    for (int k = 0; k < 3; k++) {
        report(model, "x@4Q02", fourth[k]);
        ks_value value = value_of(model, "inv@4Q02");
        ks_sim_draw draw = { "x@4Q02", dist(KS_DIST_FIXED, fourth[k], 0, 0) };
        const char *outputs[] = { "inv@4Q02", "big@FY02" };
        for (int threads = 1; threads <= 2; threads++) {
            ks_sim_result *result = run(model, &draw, 1, outputs, 2, 3000,
                                        threads);
            if (value.kind == KS_NUMBER) {
                assert_int_equal(ks_sim_count(result, 0), 3000);
                assert_true(fabs(ks_sim_mean(result, 0) - value.number) <=
                            1e-12 * fabs(value.number));
                assert_true(ks_sim_min(result, 0) == value.number);
            } else {
                assert_int_equal(value.kind, KS_ERROR);
                assert_int_equal(ks_sim_count(result, 0), 0);
                assert_int_equal(ks_sim_invalid(result, 0), 3000);
                assert_int_equal(ks_sim_count(result, 1), 0);
            }
            ks_sim_result_free(result);
        }
        assert_int_equal(value.kind, k == 0 ? KS_ERROR : KS_NUMBER);
    }
    ks_model_free(model);
}

/* Thresholds and ranks that are not numbers: NaN, never a cast of NaN. */
static void test_nan_thresholds(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_sim_draw draw = { "d@4Q02", dist(KS_DIST_NORMAL, 5, 2, 0) };
    const char *outputs[] = { "d@4Q02" };
    ks_sim_result *result = run(model, &draw, 1, outputs, 1, 10000, 1);
    static const ks_sim_op ops[] = { KS_SIM_LT, KS_SIM_LE, KS_SIM_GT, KS_SIM_GE };
    for (int k = 0; k < 4; k++) {
        assert_true(isnan(ks_sim_prob(result, 0, ops[k], NAN)));
        assert_true(isnan(ks_sim_prob(result, 0, ops[k], -NAN)));
    }
    assert_true(ks_sim_prob(result, 0, KS_SIM_LT, INFINITY) == 1);
    assert_true(ks_sim_prob(result, 0, KS_SIM_GT, INFINITY) == 0);
    assert_true(ks_sim_prob(result, 0, KS_SIM_LT, -INFINITY) == 0);
    assert_true(ks_sim_prob(result, 0, KS_SIM_GE, -INFINITY) == 1);
    assert_true(ks_sim_prob(result, 0, KS_SIM_LE, 1e308) == 1);
    assert_true(ks_sim_prob(result, 0, KS_SIM_LE, -1e308) == 0);
    assert_true(ks_sim_prob(result, 0, KS_SIM_LT, 4.9e-324) > 0);
    assert_true(isnan(ks_sim_prob(result, 1, KS_SIM_LT, 0)));
    assert_true(isnan(ks_sim_prob(result, -1, KS_SIM_LT, 0)));
    assert_true(isnan(ks_sim_prob(result, 0, (ks_sim_op)4, 0)));
    double p = 0;
    ks_error err;
    static const double bad[] = { NAN, -NAN, INFINITY, -INFINITY, -1e-300,
                                  100.00000000001, 1e308 };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        assert_int_equal(ks_sim_percentile(result, 0, bad[k], &p, &err),
                         KS_EINVAL);
        assert_non_null(strstr(err.message, "from 0 to 100"));
    }
    assert_int_equal(ks_sim_percentile(result, 0, -0.0, &p, &err), KS_OK);
    assert_int_equal(ks_sim_percentile(result, 0, 4.9e-324, &p, &err), KS_OK);
    ks_sim_result_free(result);
    ks_model_free(model);
}

/* Spreads of denormals and a spread far below a bin's width: every
 * statistic finite, histograms that add up. */
static void test_tiny_spreads(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_dist dists[] = { dist(KS_DIST_NORMAL, 0, 4.9e-324, 0),
                        dist(KS_DIST_UNIFORM, 0, 1e-310, 0),
                        dist(KS_DIST_UNIFORM, 1, 1 + 1e-15, 0),
                        dist(KS_DIST_NORMAL, 1e140, 1e-160, 0) };
    for (size_t k = 0; k < sizeof dists / sizeof *dists; k++) {
        ks_sim_draw draw = { "d@4Q02", dists[k] };
        const char *outputs[] = { "d@4Q02" };
        ks_sim_result *result = run(model, &draw, 1, outputs, 1, 5000, 2);
        assert_int_equal(ks_sim_count(result, 0), 5000);
        assert_true(isfinite(ks_sim_mean(result, 0)));
        assert_true(isfinite(ks_sim_sd(result, 0)));
        double p;
        ks_error err;
        for (int q = 0; q <= 100; q += 25) {
            assert_int_equal(ks_sim_percentile(result, 0, q, &p, &err), KS_OK);
            assert_true(p >= ks_sim_min(result, 0) && p <= ks_sim_max(result, 0));
        }
        double x = ks_sim_mean(result, 0);
        assert_true(ks_sim_prob(result, 0, KS_SIM_LE, x) >= 0);
        assert_true(ks_sim_prob(result, 0, KS_SIM_LE, x) <= 1);
        for (int bins = 1; bins <= 13; bins += 6) {
            int64_t counts[13];
            double lo, hi;
            assert_int_equal(ks_sim_histogram(result, 0, bins, counts, &lo, &hi,
                                              &err), KS_OK);
            int64_t total = 0;
            for (int b = 0; b < bins; b++)
                total += counts[b];
            assert_int_equal(total, 5000);
        }
        ks_sim_result_free(result);
    }
    ks_model_free(model);
}

/* ---- cancellation ------------------------------------------------------------ */

/* The host's poll: fires once it has been asked `fire_after` times (or,
 * with fire_after < 0, once the clock passes `deadline`), and remembers
 * when it first fired.  Atomic: the worker threads ask at once. */
typedef struct poll_state {
    atomic_int armed;
    atomic_long calls;
    long fire_after;
    double deadline;
    _Atomic double fired_at;
} poll_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int poll_fires(void *data)
{
    poll_state *poll = data;
    if (!atomic_load(&poll->armed))
        return 0;
    long call = atomic_fetch_add(&poll->calls, 1);
    int fire = poll->fire_after >= 0 ? call >= poll->fire_after
                                     : now_seconds() >= poll->deadline;
    if (fire && atomic_load(&poll->fired_at) == 0)
        atomic_store(&poll->fired_at, now_seconds());
    return fire;
}

static void test_interrupted(void **state)
{
    (void)state;
    static const int thread_counts[] = { 1, 2, 3 };
    static const long fire_after[] = { 0, 1, 2, 7, 40 };
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        for (size_t k = 0; k < sizeof fire_after / sizeof *fire_after; k++) {
            test_alloc f = { 0 };
            poll_state poll;
            memset(&poll, 0, sizeof poll);
            poll.fire_after = fire_after[k];
            ks_allocator alloc = test_allocator(&f);
            alloc.interrupted = poll_fires;
            alloc.interrupt_data = &poll;
            ks_model *model = small_model(&alloc);
            ks_sim_draw draws[] = {
                { "x@4Q02", dist(KS_DIST_NORMAL, 40, 3, 0) },
                { "y@4Q02", dist(KS_DIST_UNIFORM, 90, 110, 0) },
            };
            const char *outputs[] = { "z@4Q02", "z@FY02", "w@4Q02" };
            ks_sim_spec spec;
            memset(&spec, 0, sizeof spec);
            spec.trials = 1000000;
            spec.threads = thread_counts[t];
            spec.draws = draws;
            spec.draw_count = 2;
            spec.outputs = outputs;
            spec.output_count = 3;
            ks_value value; /* recalculated first: its caches stay */
            assert_int_equal(ks_get(model, 0, 0, &value, NULL), KS_OK);
            long live = f.live;
            atomic_store(&poll.armed, 1);
            ks_sim_result *result = (ks_sim_result *)&poll; /* not NULL */
            ks_error err;
            ks_status status = ks_simulate(model, &spec, &result, &err);
            atomic_store(&poll.armed, 0);
            if (status != KS_EINTERRUPTED)
                fail_msg("%d threads, poll firing after %ld calls: status %d "
                         "(%s)", thread_counts[t], fire_after[k], (int)status,
                         status == KS_OK ? "ran to the end" : err.message);
            assert_null(result);
            assert_non_null(strstr(err.message, "interrupted while simulating"));
            assert_int_equal(f.live, live);
            /* the model is as it was: a run without the poll succeeds */
            result = run(model, draws, 2, outputs, 3, 10000, thread_counts[t]);
            assert_int_equal(ks_sim_count(result, 0), 10000);
            ks_sim_result_free(result);
            ks_model_free(model);
            assert_int_equal(f.live, 0);
        }
    }
}

/* How long after the poll's first yes a billion-trial run returns. */
static double stop_delay(int threads)
{
    poll_state poll;
    memset(&poll, 0, sizeof poll);
    poll.fire_after = -1;
    ks_allocator alloc = { .interrupted = poll_fires,
                           .interrupt_data = &poll };
    ks_model *model = small_model(&alloc);
    ks_sim_draw draws[] = {
        { "x@4Q02", dist(KS_DIST_LOGNORMAL, 3, 0.5, 0) },
        { "y@4Q02", dist(KS_DIST_PERT, 90, 110, 95) },
    };
    const char *outputs[] = { "z@FY02", "w@4Q02" };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = KS_SIM_TRIALS_MAX;
    spec.threads = threads;
    spec.draws = draws;
    spec.draw_count = 2;
    spec.outputs = outputs;
    spec.output_count = 2;
    poll.deadline = now_seconds() + 0.1;
    atomic_store(&poll.armed, 1);
    ks_sim_result *result = NULL;
    ks_error err;
    assert_int_equal(ks_simulate(model, &spec, &result, &err),
                     KS_EINTERRUPTED);
    double returned = now_seconds();
    assert_null(result);
    ks_model_free(model);
    return returned - atomic_load(&poll.fired_at);
}

/* A billion trials stop within 50 ms of the poll's first yes, on one
 * thread and on two (best of three tries: a loaded machine may hold a
 * thread back longer than that once). */
static void test_interrupted_promptly(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        double best = 1e9;
        for (int attempt = 0; attempt < 3 && !(best < 0.05); attempt++) {
            double late = stop_delay(threads);
            assert_true(late >= 0);
            best = late < best ? late : best;
        }
        if (!(best < 0.05))
            fail_msg("%d threads: returned %.1f ms after the poll fired",
                     threads, best * 1e3);
    }
}

/* ---- allocation failure ---------------------------------------------------- */


static void test_allocation_failure(void **state)
{
    (void)state;
    for (int persistent = 0; persistent <= 1; persistent++) {
        test_alloc f = { 0 };
        ks_allocator alloc = test_allocator(&f);
        ks_model *model = small_model(&alloc);
        ks_sim_draw draws[] = {
            { "x@4Q02", dist(KS_DIST_NORMAL, 40, 3, 0) },
            { "y@4Q02", dist(KS_DIST_DISCRETE, 0, 0, 0) },
        };
        static const double values[] = { 90, 110 };
        draws[1].dist.values = values;
        draws[1].dist.count = 2;
        ks_sim_correlation pair = { "x@4Q02", "y@4Q02", 0.3 };
        const char *outputs[] = { "z@4Q02", "z@FY02" };
        ks_sim_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.trials = 1000;
        spec.threads = 2;
        spec.draws = draws;
        spec.draw_count = 2;
        spec.outputs = outputs;
        spec.output_count = 2;
        spec.correlations = &pair;
        spec.correlation_count = 1;
        ks_value value;
        assert_int_equal(ks_get(model, 0, 0, &value, NULL), KS_OK);
        int succeeded = 0;
        for (long n = 1; n <= 1000 && !succeeded; n++) {
            long live = f.live;
            test_alloc_arm(&f, n, persistent);
            ks_sim_result *result = NULL;
            ks_error err;
            ks_status status = ks_simulate(model, &spec, &result, &err);
            if (status == KS_OK) {
                succeeded = !f.failed;
                double p;
                if (ks_sim_percentile(result, 0, 50, &p, &err) != KS_OK)
                    assert_int_equal(err.code, KS_ENOMEM);
                ks_sim_result_free(result);
            } else {
                assert_int_equal(status, KS_ENOMEM);
                assert_null(result);
            }
            test_alloc_disarm(&f);
            assert_int_equal(f.live, live);
        }
        assert_true(succeeded);
        ks_model_free(model);
        assert_int_equal(f.live, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distribution_moments),
        cmocka_unit_test(test_uniform_percentiles),
        cmocka_unit_test(test_indicator_negative_and_gaps),
        cmocka_unit_test(test_linear_model),
        cmocka_unit_test(test_invalid_trials_counted),
        cmocka_unit_test(test_same_seed_any_threads),
        cmocka_unit_test(test_copula),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_draws_that_cannot_be_finite_refused),
        cmocka_unit_test(test_overflowing_outputs_counted),
        cmocka_unit_test(test_overflow_in_trials),
        cmocka_unit_test(test_summary_overflow_agrees_with_model),
        cmocka_unit_test(test_nan_thresholds),
        cmocka_unit_test(test_tiny_spreads),
        cmocka_unit_test(test_interrupted_promptly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
