/*
 * test_goalseek_restores.c -- a goal seek that fails puts the varied cell
 * back exactly as it was, whatever it was: an override of the model's
 * own figure, a figure set missing, a scenario's override over a base
 * figure, a scenario reading its base's figure through (cleared again,
 * not copied); one that succeeds on a scenario leaves the base untouched.
 * The failure is the target's staying on one side of the wanted value in
 * the bracket, said with the range it stays in.
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
#include "kessan/whatif.h"

static ks_model *model;
static ks_cell_ref price, sales;

/* sales = price * 3, price 5 */
static int setup(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    add_input(model, "price", KS_RULE_SUM);
    define(model, "sales", "price * 3", KS_RULE_SUM);
    price = cell(model, "price@3Q02");
    sales = cell(model, "sales@3Q02");
    put(model, "price@3Q02", 5);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static ks_value price_in(ks_model *handle)
{
    ks_value value;
    assert_int_equal(ks_get(handle, price.item, price.period, &value, NULL),
                     KS_OK);
    return value;
}

/* Seek sales = 1000 with price in [0, 10]: sales stays in [0, 30]. */
static void expect_unreachable(ks_model *handle)
{
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    options.has_bracket = 1;
    options.lo = 0;
    options.hi = 10;
    ks_goalseek_result result;
    ks_error err;
    assert_int_equal(ks_goalseek(handle, sales, 1000, price, &options,
                                 &result, &err), KS_ENOSOLVE);
    assert_string_equal(err.message,
                        "sales@3Q02 cannot reach 1000 by varying price@3Q02 "
                        "between 0 and 10: it stays between 0 and 30");
}

static void test_the_models_own_figure_back(void **state)
{
    (void)state;
    expect_unreachable(model);
    ks_value value = price_in(model);
    assert_true(value.number == 5);
    assert_int_equal(value.provenance, KS_PROV_OVERRIDDEN);
    /* a figure set missing is missing again */
    ks_error err;
    assert_int_equal(ks_set_missing(model, price.item, price.period, &err),
                     KS_OK);
    expect_unreachable(model);
    assert_int_equal(price_in(model).kind, KS_MISSING);
    assert_true(ks_is_input(model, price.item, price.period));
    /* no figure at all: none again */
    assert_int_equal(ks_clear(model, price.item, price.period, &err), KS_OK);
    expect_unreachable(model);
    assert_false(ks_is_input(model, price.item, price.period));
}

static void test_a_scenarios_figure_back(void **state)
{
    (void)state;
    ks_model *high = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "high", &high, &err), KS_OK);
    /* reading the base's figure through: cleared again, not copied */
    expect_unreachable(high);
    assert_true(price_in(high).number == 5);
    assert_int_equal(ks_set(model, price.item, price.period, 6, &err), KS_OK);
    assert_true(price_in(high).number == 6);
    /* its own override over the base's figure: put back */
    assert_int_equal(ks_set(high, price.item, price.period, 8, &err), KS_OK);
    expect_unreachable(high);
    assert_true(price_in(high).number == 8);
    assert_true(price_in(model).number == 6);
    /* found on the scenario: the base untouched */
    ks_goalseek_result result;
    assert_int_equal(ks_goalseek(high, sales, 27, price, NULL, &result, &err),
                     KS_OK);
    assert_true(fabs(result.solution - 9) < 1e-6);
    assert_true(fabs(price_in(high).number - 9) < 1e-6);
    assert_true(price_in(model).number == 6);
    ks_model_free(high);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_the_models_own_figure_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_scenarios_figure_back, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
