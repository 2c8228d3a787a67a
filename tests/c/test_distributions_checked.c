/*
 * test_distributions_checked.c -- distributions refused for what is wrong
 * with them (a discrete one without values, with a value or weight that
 * is not a number or weights that sum to nothing; a mode outside its
 * range; parameters that are not finite; a kind that is none), the exact
 * moments of each kind, and each kind that can be correlated drawn
 * through the copula: its simulated mean and spread where its moments say
 * (within five standard errors) whatever it is correlated with.  A pair
 * given two different correlations is refused; the same one twice is not.
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

static void expect_refused(ks_dist dist, const char *message)
{
    ks_error err;
    assert_int_equal(ks_dist_check(&dist, "x@3Q02", &err), KS_EINVAL);
    if (strcmp(err.message, message) != 0)
        fail_msg("'%s', expected '%s'", err.message, message);
}

static void test_distributions_refused(void **state)
{
    (void)state;
    static const double values[] = { 1, NAN, 3 };
    static const double negative[] = { -1, 1, 1 };
    static const double zero[] = { 0, 0, 0 };
    static const double infinite[] = { 1, INFINITY, 1 };
    ks_dist discrete = { KS_DIST_DISCRETE, 0, 0, 0, values, NULL, 0 };
    expect_refused(discrete, "x@3Q02: discrete needs at least one value");
    discrete.count = 3;
    discrete.values = NULL;
    expect_refused(discrete, "x@3Q02: discrete needs at least one value");
    discrete.values = values;
    expect_refused(discrete,
                   "x@3Q02: discrete value 2 is not a finite number");
    discrete.count = 1;
    discrete.weights = negative;
    expect_refused(discrete, "x@3Q02: discrete weight 1 must be a finite "
                             "number >= 0, got -1");
    discrete.weights = zero;
    expect_refused(discrete, "x@3Q02: discrete weights sum to zero");
    discrete.weights = infinite + 1;
    expect_refused(discrete, "x@3Q02: discrete weight 1 must be a finite "
                             "number >= 0, got inf");
    expect_refused((ks_dist){ KS_DIST_TRIANGULAR, 0, 1, 5, NULL, NULL, 0 },
                   "x@3Q02: triangular needs min <= mode <= max, got mode 5 "
                   "outside [0, 1]");
    expect_refused((ks_dist){ KS_DIST_PERT, 0, 1, -1, NULL, NULL, 0 },
                   "x@3Q02: pert needs min <= mode <= max, got mode -1 "
                   "outside [0, 1]");
    expect_refused((ks_dist){ KS_DIST_UNIFORM, 2, 1, 0, NULL, NULL, 0 },
                   "x@3Q02: uniform needs min < max, got min 2 and max 1");
    expect_refused((ks_dist){ KS_DIST_NORMAL, 0, NAN, 0, NULL, NULL, 0 },
                   "x@3Q02: normal parameters must be finite numbers");
    expect_refused((ks_dist){ KS_DIST_FIXED, 0, 0, INFINITY, NULL, NULL, 0 },
                   "x@3Q02: fixed parameters must be finite numbers");
    expect_refused((ks_dist){ KS_DIST_LOGNORMAL, 0, 0, 0, NULL, NULL, 0 },
                   "x@3Q02: lognormal needs sigma > 0, got 0");
    expect_refused((ks_dist){ (ks_dist_kind)99, 0, 1, 0, NULL, NULL, 0 },
                   "x@3Q02: unknown distribution kind 99");
    /* the mode may be either end */
    ks_error err;
    ks_dist edge = { KS_DIST_TRIANGULAR, 0, 1, 1, NULL, NULL, 0 };
    assert_int_equal(ks_dist_check(&edge, "x", &err), KS_OK);
    edge.c = 0;
    assert_int_equal(ks_dist_check(&edge, "x", &err), KS_OK);
}

static void expect_moments(ks_dist dist, double mean, double variance)
{
    double m = NAN, v = NAN;
    ks_dist_moments(&dist, &m, &v);
    if (fabs(m - mean) > 1e-12 * fmax(1, fabs(mean)) ||
        fabs(v - variance) > 1e-12 * fmax(1, variance))
        fail_msg("kind %d: mean %.17g variance %.17g, expected %.17g %.17g",
                 dist.kind, m, v, mean, variance);
}

static void test_exact_moments(void **state)
{
    (void)state;
    static const double values[] = { 1, 2, 3 };
    static const double weights[] = { 1, 1, 2 };
    expect_moments((ks_dist){ KS_DIST_FIXED, 7, 0, 0, NULL, NULL, 0 }, 7, 0);
    expect_moments((ks_dist){ KS_DIST_NORMAL, 3, 2, 0, NULL, NULL, 0 }, 3, 4);
    expect_moments((ks_dist){ KS_DIST_LOGNORMAL, 0, 1, 0, NULL, NULL, 0 },
                   exp(0.5), (exp(1) - 1) * exp(1));
    expect_moments((ks_dist){ KS_DIST_UNIFORM, 0, 1, 0, NULL, NULL, 0 }, 0.5,
                   1.0 / 12);
    expect_moments((ks_dist){ KS_DIST_TRIANGULAR, 0, 1, 0.5, NULL, NULL, 0 },
                   0.5, 1.0 / 24);
    expect_moments((ks_dist){ KS_DIST_PERT, 0, 6, 3, NULL, NULL, 0 }, 3,
                   9.0 / 7);
    expect_moments((ks_dist){ KS_DIST_DISCRETE, 0, 0, 0, values, weights, 3 },
                   2.25, 23.0 / 4 - 2.25 * 2.25);
    expect_moments((ks_dist){ KS_DIST_DISCRETE, 0, 0, 0, values, NULL, 3 }, 2,
                   2.0 / 3);
}

/* ---- the copula ------------------------------------------------------------- */

static ks_model *model;

static ks_model *new_model(void)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *m = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &m, &err), KS_OK);
    static const char *const ids[] = { "n", "l", "u", "t", "d" };
    for (int i = 0; i < 5; i++)
        add_input(m, ids[i], KS_RULE_SUM);
    return m;
}

static void test_every_kind_through_the_copula(void **state)
{
    (void)state;
    model = new_model();
    static const double values[] = { 10, 20, 40 };
    static const double weights[] = { 1, 2, 1 };
    const ks_sim_draw draws[] = {
        { "n@3Q02", { KS_DIST_NORMAL, 5, 2, 0, NULL, NULL, 0 } },
        { "l@3Q02", { KS_DIST_LOGNORMAL, 1, 0.25, 0, NULL, NULL, 0 } },
        { "u@3Q02", { KS_DIST_UNIFORM, -3, 9, 0, NULL, NULL, 0 } },
        { "t@3Q02", { KS_DIST_TRIANGULAR, 0, 10, 2, NULL, NULL, 0 } },
        { "d@3Q02", { KS_DIST_DISCRETE, 0, 0, 0, values, weights, 3 } },
    };
    const ks_sim_correlation pairs[] = {
        { "n@3Q02", "l@3Q02", 0.6 }, { "n@3Q02", "u@3Q02", -0.4 },
        { "l@3Q02", "t@3Q02", 0.3 }, { "u@3Q02", "d@3Q02", 0.5 },
        { "l@3Q02", "n@3Q02", 0.6 }, /* the same pair again, the same rho */
    };
    const char *outputs[] = { "n@3Q02", "l@3Q02", "u@3Q02", "t@3Q02",
                              "d@3Q02" };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 40000;
    spec.seed = 7;
    spec.threads = 2;
    spec.draws = draws;
    spec.draw_count = 5;
    spec.outputs = outputs;
    spec.output_count = 5;
    spec.correlations = pairs;
    spec.correlation_count = 5;
    ks_sim_result *result = NULL;
    ks_error err;
    if (ks_simulate(model, &spec, &result, &err) != KS_OK)
        fail_msg("%s", err.message);
    for (int o = 0; o < 5; o++) {
        double mean, variance;
        ks_dist_moments(&draws[o].dist, &mean, &variance);
        double se = sqrt(variance / (double)spec.trials);
        double got = ks_sim_mean(result, o);
        if (fabs(got - mean) > 5 * se)
            fail_msg("%s: mean %.6g, expected %.6g +- %.3g", outputs[o], got,
                     mean, 5 * se);
        double sd = ks_sim_sd(result, o);
        if (fabs(sd - sqrt(variance)) > 0.03 * sqrt(variance))
            fail_msg("%s: sd %.6g, expected %.6g", outputs[o], sd,
                     sqrt(variance));
    }
    /* draws stay within their ranges */
    assert_true(ks_sim_min(result, 2) >= -3 && ks_sim_max(result, 2) < 9);
    assert_true(ks_sim_min(result, 3) >= 0 && ks_sim_max(result, 3) <= 10);
    assert_true(ks_sim_min(result, 4) == 10 && ks_sim_max(result, 4) == 40);
    assert_true(ks_sim_min(result, 1) > 0);
    ks_sim_result_free(result);

    /* a pair given two correlations */
    const ks_sim_correlation twice[] = { { "n@3Q02", "l@3Q02", 0.6 },
                                         { "l@3Q02", "n@3Q02", 0.5 } };
    spec.correlations = twice;
    spec.correlation_count = 2;
    result = (ks_sim_result *)&result;
    assert_int_equal(ks_simulate(model, &spec, &result, &err), KS_EINVAL);
    assert_string_equal(err.message, "simulate: correlate: 'l@3Q02' and "
                                     "'n@3Q02' are given two different "
                                     "correlations");
    assert_null(result);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distributions_refused),
        cmocka_unit_test(test_exact_moments),
        cmocka_unit_test(test_every_kind_through_the_copula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
