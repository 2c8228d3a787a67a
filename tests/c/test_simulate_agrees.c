/*
 * test_simulate_agrees.c -- a simulation whose draws cannot vary (each a
 * discrete distribution of one value) must give, in every trial and for
 * every cell, what the model computes with those values set: the same
 * number, or no number where the model has an error or nothing.  Over
 * items of every kind: inputs summed into halves, nine months and years,
 * a quarter implied from a reported year, a stock taking its last
 * quarter, formula items summarised from their quarters or falling back
 * to the formula when a quarter is missing, a ratio, sums that overflow,
 * references to earlier quarters and fixed periods.  A figure beyond
 * KS_SIM_VALUE_MAX is an overflow in the trials, as simulate.h says.
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

typedef struct drawn {
    const char *cell;
    double value;
} drawn;

/* x: drawn in 1Q02 and 2Q02, reported in 3Q02 and 4Q02;
 * imp: reported for FY02 and three quarters, one drawn (4Q02 implied);
 * stock: last rule, drawn in 2Q02 and 4Q02;
 * y = x * 2 (sum), r = x / stock (formula rule), gap = miss + x with
 * miss's 4Q02 missing (the year falls back to its formula), huge =
 * x * 4e306 (its quarters are finite, its 2H and year overflow),
 * lag = x - x[-1] + x@FY01 */
static const drawn draws_of[] = {
    { "x@1Q02", 10 }, { "x@2Q02", 20 }, { "imp@2Q02", 25 },
    { "stock@2Q02", 500 }, { "stock@4Q02", 800 }, { "miss@1Q02", 1 },
};

static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, NULL);
    add_input(model, "x", KS_RULE_SUM);
    add_input(model, "imp", KS_RULE_SUM);
    add_input(model, "stock", KS_RULE_LAST);
    add_input(model, "miss", KS_RULE_SUM);
    define(model, "y", "x * 2", KS_RULE_SUM);
    define(model, "r", "x / stock", KS_RULE_FORMULA);
    define(model, "gap", "miss + x", KS_RULE_SUM);
    define(model, "huge", "x * 4e306", KS_RULE_SUM);
    define(model, "lag", "x - x[-1] + x@FY01", KS_RULE_SUM);
    report(model, "x@1Q02", 1);
    report(model, "x@3Q02", 30);
    report(model, "x@4Q02", 40);
    report(model, "x@1Q01", 5);
    report(model, "x@2Q01", 5);
    report(model, "x@3Q01", 5);
    report(model, "x@4Q01", 5);
    report(model, "imp@FY02", 100);
    report(model, "imp@1Q02", 10);
    report(model, "imp@3Q02", 30);
    report(model, "stock@1Q02", 400);
    report(model, "stock@3Q02", 700);
    report(model, "miss@2Q02", 2);
    report(model, "miss@3Q02", 3);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static void test_fixed_draws_agree_with_the_model(void **state)
{
    (void)state;
    enum { DRAWS = sizeof draws_of / sizeof *draws_of };
    static const char *const items[] = { "x", "imp", "stock", "miss", "y",
                                         "r", "gap", "huge", "lag" };
    enum { ITEMS = sizeof items / sizeof *items };
    static const char *const periods[] = { "1Q02", "2Q02", "3Q02", "4Q02",
                                           "1H02", "2H02", "9M02", "FY02",
                                           "4Q01", "FY01" };
    enum { PERIODS = sizeof periods / sizeof *periods };
    static char names[ITEMS * PERIODS][32];
    static const char *outputs[ITEMS * PERIODS];
    for (int i = 0; i < ITEMS; i++)
        for (int p = 0; p < PERIODS; p++) {
            snprintf(names[i * PERIODS + p], 32, "%s@%s", items[i],
                     periods[p]);
            outputs[i * PERIODS + p] = names[i * PERIODS + p];
        }
    ks_sim_draw draws[DRAWS];
    for (int d = 0; d < DRAWS; d++) {
        draws[d].cell = draws_of[d].cell;
        draws[d].dist = (ks_dist){ KS_DIST_DISCRETE, 0, 0, 0,
                                   &draws_of[d].value, NULL, 1 };
    }
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 1000;
    spec.seed = 3;
    spec.threads = 1;
    spec.draws = draws;
    spec.draw_count = DRAWS;
    spec.outputs = outputs;
    spec.output_count = ITEMS * PERIODS;
    ks_sim_result *result = NULL;
    ks_error err;
    if (ks_simulate(model, &spec, &result, &err) != KS_OK)
        fail_msg("simulate: %s", err.message);

    /* the model with the same values set, in a scenario */
    ks_model *same = NULL;
    assert_int_equal(ks_scenario_new(model, "same", &same, &err), KS_OK);
    for (int d = 0; d < DRAWS; d++)
        put(same, draws_of[d].cell, draws_of[d].value);
    int numbers = 0, gaps = 0;
    for (int o = 0; o < ITEMS * PERIODS; o++) {
        ks_value value = value_of(same, outputs[o]);
        if (value.kind == KS_NUMBER && fabs(value.number) > KS_SIM_VALUE_MAX) {
            /* beyond the simulation's bound: an overflow there */
            if (ks_sim_overflow(result, o) != 1000)
                fail_msg("%s: %.17g is beyond the bound, but %lld trials "
                         "overflowed", outputs[o], value.number,
                         (long long)ks_sim_overflow(result, o));
        } else if (value.kind == KS_NUMBER) {
            numbers++;
            if (ks_sim_count(result, o) != 1000 ||
                ks_sim_min(result, o) != value.number ||
                ks_sim_max(result, o) != value.number)
                fail_msg("%s: the model has %.17g, the trials %lld numbers "
                         "from %.17g to %.17g", outputs[o], value.number,
                         (long long)ks_sim_count(result, o),
                         ks_sim_min(result, o), ks_sim_max(result, o));
        } else {
            gaps++;
            if (ks_sim_invalid(result, o) != 1000)
                fail_msg("%s: the model has no number (%s), the trials %lld "
                         "numbers", outputs[o],
                         value.kind == KS_ERROR ? value.error : "missing",
                         (long long)ks_sim_count(result, o));
        }
    }
    /* both kinds were met, and the figures the rules give are these */
    assert_true(numbers > 40 && gaps > 10);
    int o = ks_sim_output_find(result, "imp@4Q02");
    assert_true(ks_sim_mean(result, o) == 100 - 10 - 25 - 30);
    o = ks_sim_output_find(result, "stock@1H02");
    assert_true(ks_sim_mean(result, o) == 500);
    o = ks_sim_output_find(result, "y@FY02");
    assert_true(ks_sim_mean(result, o) == 2 * (10 + 20 + 30 + 40));
    o = ks_sim_output_find(result, "huge@FY02");
    assert_true(ks_sim_invalid(result, o) == 1000);
    ks_value value = value_of(same, "huge@FY02");
    assert_int_equal(value.kind, KS_ERROR);
    assert_string_equal(value.error, "overflow in huge@FY02");
    ks_model_free(same);
    ks_sim_result_free(result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fixed_draws_agree_with_the_model,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
