/*
 * test_model.c -- the model: calendar, items, inputs and time summary,
 * formulas and recalculation, cycles, error values, scenarios, explain,
 * and allocation failure.
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
#include "../support/test_alloc.h"

#include "kessan/kessan.h"
#include "model/model.h"

/* ---- helpers --------------------------------------------------------------- */

static ks_model *new_model(int first, int last)
{
    ks_calendar calendar = { 3, first, last };
    return empty_model(&calendar, NULL);
}

/* ---- calendar --------------------------------------------------------------- */

static void test_period_ids(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    assert_int_equal(ks_period_count(model), 16);
    const char *ids[] = { "1Q01", "2Q01", "3Q01", "4Q01", "1H01", "2H01",
                          "9M01", "FY01", "1Q02", "2Q02", "3Q02", "4Q02",
                          "1H02", "2H02", "9M02", "FY02" };
    for (int i = 0; i < 16; i++) {
        char buf[16];
        int period = period_of(model, ids[i]);
        assert_int_equal(ks_period_at(model, i), period);
        assert_string_equal(ks_period_id(model, period, buf, sizeof buf),
                            ids[i]);
    }
    assert_int_equal(period_of(model, "FY2002"), period_of(model, "FY02"));
    assert_int_equal(period_of(model, "3q02"), period_of(model, "3Q02"));
    int period;
    ks_error err;
    assert_int_equal(ks_period_lookup(model, "FY05", &period, &err), KS_ERANGE);
    assert_non_null(strstr(err.message, "FY01..FY02"));
    assert_int_equal(ks_period_lookup(model, "5Q02", &period, &err),
                     KS_ESYNTAX);
    assert_int_equal(ks_period_lookup(model, "", &period, &err), KS_ESYNTAX);
    assert_int_equal(ks_period_lookup(model, "FY0", &period, &err),
                     KS_ESYNTAX);
    ks_model_free(model);
}

/* A calendar spans at most 100 years, so that each two-digit id names one
 * period: 100 years give 100 distinct ids per slot that read back to
 * themselves; 101 (1950..2050: 1Q50 twice) are refused at creation and
 * by an extension, which leaves the model as it was. */
static void test_calendar_span_limit(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 1950, 2049 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    assert_int_equal(ks_period_count(model), 800);
    for (int period = 0; period < 800; period++) {
        char id[16];
        int back = -1;
        ks_period_id(model, period, id, sizeof id);
        assert_int_equal(ks_period_lookup(model, id, &back, &err), KS_OK);
        assert_int_equal(back, period);
    }
    ks_model *longer = NULL;
    calendar.last_year = 2050;
    assert_int_equal(ks_model_new(&calendar, NULL, &longer, &err), KS_EINVAL);
    assert_null(longer);
    assert_non_null(strstr(err.message, "1950..2050"));
    assert_non_null(strstr(err.message, "at most 100"));
    calendar = (ks_calendar){ 12, 1900, 2999 };
    assert_int_equal(ks_model_new(&calendar, NULL, &longer, &err), KS_EINVAL);
    assert_null(longer);
    assert_int_equal(ks_model_extend(model, 2050, &err), KS_EINVAL);
    assert_non_null(strstr(err.message, "at most 100"));
    assert_int_equal(ks_model_extend(model, 2999, &err), KS_EINVAL);
    assert_int_equal(ks_period_count(model), 800);
    assert_int_equal(ks_model_extend(model, 2049, &err), KS_OK);
    ks_model_free(model);

    model = new_model(2001, 2002);
    add_input(model, "x", KS_RULE_SUM);
    assert_int_equal(ks_model_extend(model, 2100, &err), KS_OK);
    assert_int_equal(ks_model_extend(model, 2101, &err), KS_EINVAL);
    assert_int_equal(ks_period_count(model), 100 * 8);
    ks_model_free(model);
}

static void test_period_shift(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    assert_int_equal(ks_period_shift(model, period_of(model, "3Q02"), -4),
                     period_of(model, "3Q01"));
    assert_int_equal(ks_period_shift(model, period_of(model, "1Q02"), -1),
                     period_of(model, "4Q01"));
    assert_int_equal(ks_period_shift(model, period_of(model, "FY02"), -4),
                     period_of(model, "FY01"));
    assert_int_equal(ks_period_shift(model, period_of(model, "1H02"), -2),
                     period_of(model, "2H01"));
    assert_int_equal(ks_period_shift(model, period_of(model, "9M02"), -4),
                     period_of(model, "9M01"));
    assert_int_equal(ks_period_shift(model, period_of(model, "FY02"), -1), -1);
    assert_int_equal(ks_period_shift(model, period_of(model, "1Q01"), -1), -1);
    assert_int_equal(ks_period_kind_of(model, period_of(model, "9M02")),
                     KS_NINE_MONTHS);
    assert_int_equal(ks_period_year(model, period_of(model, "4Q02")), 2002);
    assert_int_equal(ks_period_quarter(model, period_of(model, "1H02")), 2);
    ks_model_free(model);
}

/* ---- items --------------------------------------------------------------------- */

static void test_items_and_suggestions(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "rev.total", KS_RULE_SUM);
    add_input(model, "rev.si", KS_RULE_SUM);
    assert_int_equal(ks_item_count(model), 2);
    int item;
    ks_error err;
    assert_int_equal(ks_item_lookup(model, "rev.totl", &item, &err),
                     KS_EUNKNOWN);
    assert_string_equal(err.message,
                        "unknown item 'rev.totl' (did you mean 'rev.total'?)");
    assert_int_equal(ks_item_lookup(model, "zzzzzzzz", &item, &err),
                     KS_EUNKNOWN);
    assert_string_equal(err.message, "unknown item 'zzzzzzzz'");
    ks_item_info info = { "rev.total", "x", NULL, NULL, NULL, NULL, NULL,
                          KS_RULE_SUM };
    assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_EDUP);
    info.id = "Bad Id";
    assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_EINVAL);
    info.id = "a..b";
    assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_EINVAL);
    int period;
    assert_int_equal(ks_cell_lookup(model, "rev.si@3Q02", &item, &period, &err),
                     KS_OK);
    assert_int_equal(item, item_of(model, "rev.si"));
    assert_int_equal(ks_cell_lookup(model, "rev.si", &item, &period, &err),
                     KS_ESYNTAX);
    assert_int_equal(ks_cell_lookup(model, "rev.sii@3Q02", &item, &period,
                                    &err),
                     KS_EUNKNOWN);
    assert_non_null(strstr(err.message, "did you mean 'rev.si'"));
    ks_item_info got;
    assert_int_equal(ks_item_get(model, item_of(model, "rev.si"), &got), KS_OK);
    assert_string_equal(got.id, "rev.si");
    assert_null(got.formula);
    ks_model_free(model);
}

/* ---- time summary ------------------------------------------------------------ */

static void test_summary_and_implied(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "rev", KS_RULE_SUM);
    add_input(model, "cash", KS_RULE_LAST);
    /* the release: 9M02, 2Q02 and 3Q02 printed, 1Q02 not */
    report(model, "rev@9M02", 30981122);
    report(model, "rev@2Q02", 10568342);
    report(model, "rev@3Q02", 10563578);
    report(model, "rev@9M01", 27794839);
    report(model, "rev@3Q01", 9933634);
    ks_value q1 = value_of(model, "rev@1Q02");
    assert_int_equal(q1.kind, KS_NUMBER);
    assert_int_equal(q1.provenance, KS_PROV_IMPLIED);
    assert_true(q1.number == 30981122.0 - 10568342.0 - 10563578.0);
    ks_value h1 = value_of(model, "rev@1H01");
    assert_int_equal(h1.provenance, KS_PROV_IMPLIED);
    assert_true(h1.number == 27794839.0 - 9933634.0);
    assert_int_equal(value_of(model, "rev@1Q01").kind, KS_MISSING);
    assert_int_equal(value_of(model, "rev@FY02").kind, KS_MISSING);
    assert_int_equal(value_of(model, "rev@9M02").provenance, KS_PROV_REPORTED);
    /* a forecast quarter flows into the year */
    ks_error err;
    assert_int_equal(ks_set(model, item_of(model, "rev"),
                            period_of(model, "4Q02"), 12500000, &err),
                     KS_OK);
    ks_value fy = value_of(model, "rev@FY02");
    assert_int_equal(fy.provenance, KS_PROV_COMPUTED);
    assert_true(fy.number == 30981122.0 + 12500000.0);
    assert_true(number_of(model, "rev@2H02") == 10563578.0 + 12500000.0);
    /* stocks take the last quarter; a year-end figure implies 4Q */
    report(model, "cash@3Q02", 4270613);
    report(model, "cash@FY01", 7000000);
    assert_true(number_of(model, "cash@9M02") == 4270613);
    assert_int_equal(value_of(model, "cash@4Q01").provenance, KS_PROV_IMPLIED);
    assert_true(number_of(model, "cash@4Q01") == 7000000);
    assert_int_equal(value_of(model, "cash@FY02").kind, KS_MISSING);
    /* a reported dash is missing, and reported */
    assert_int_equal(ks_set_input(model, item_of(model, "cash"),
                                  period_of(model, "1Q02"), __builtin_nan(""),
                                  KS_PROV_REPORTED, &err),
                     KS_EINVAL);
    assert_int_equal(ks_set_missing(model, item_of(model, "cash"),
                                    period_of(model, "1Q02"), &err),
                     KS_OK);
    assert_int_equal(value_of(model, "cash@1Q02").kind, KS_MISSING);
    assert_int_equal(value_of(model, "cash@1Q02").provenance,
                     KS_PROV_OVERRIDDEN);
    ks_model_free(model);
}

/* ---- formulas ------------------------------------------------------------------ */

static void test_formulas_and_recalc(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "rev.a", KS_RULE_SUM);
    add_input(model, "rev.b", KS_RULE_SUM);
    define(model, "rev.total", "rev.a + rev.b", KS_RULE_SUM);
    define(model, "margin", "rev.a / rev.total", KS_RULE_FORMULA);
    define(model, "yoy", "rev.total / rev.total[-4] - 1", KS_RULE_FORMULA);
    report(model, "rev.a@3Q02", 300);
    report(model, "rev.b@3Q02", 100);
    report(model, "rev.a@3Q01", 200);
    report(model, "rev.b@3Q01", 120);
    report(model, "rev.a@9M02", 900);
    report(model, "rev.b@9M02", 300);
    assert_true(number_of(model, "rev.total@3Q02") == 400);
    assert_true(number_of(model, "margin@3Q02") == 0.75);
    assert_true(number_of(model, "yoy@3Q02") == 400.0 / 320.0 - 1);
    assert_true(number_of(model, "rev.total@9M02") == 1200);
    assert_true(number_of(model, "margin@9M02") == 0.75);
    /* an input change recomputes its dependents */
    ks_error err;
    assert_int_equal(ks_set(model, item_of(model, "rev.b"),
                            period_of(model, "3Q02"), 200, &err),
                     KS_OK);
    assert_true(number_of(model, "rev.total@3Q02") == 500);
    assert_true(number_of(model, "margin@3Q02") == 0.6);
    assert_true(number_of(model, "yoy@3Q02") == 500.0 / 320.0 - 1);
    assert_true(number_of(model, "rev.total@3Q01") == 320);
    /* an input on a formula item wins in its own cell only */
    assert_int_equal(ks_set(model, item_of(model, "rev.total"),
                            period_of(model, "4Q02"), 12500000, &err),
                     KS_OK);
    assert_int_equal(value_of(model, "rev.total@4Q02").provenance,
                     KS_PROV_OVERRIDDEN);
    assert_true(number_of(model, "rev.total@FY02") == 1200 + 12500000.0);
    assert_int_equal(ks_clear(model, item_of(model, "rev.total"),
                              period_of(model, "4Q02"), &err),
                     KS_OK);
    assert_int_equal(value_of(model, "rev.total@4Q02").kind, KS_MISSING);
    /* redefining changes the values */
    define(model, "margin", "rev.b / rev.total", KS_RULE_FORMULA);
    assert_true(number_of(model, "margin@3Q02") == 0.4);
    ks_model_free(model);
}

static void test_formula_on_reported_line(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "rev", KS_RULE_SUM);
    add_input(model, "ratio", KS_RULE_FORMULA);
    add_input(model, "cost", KS_RULE_SUM);
    report(model, "rev@4Q02", 1000);
    report(model, "cost@9M02", 90);
    report(model, "cost@2Q02", 30);
    report(model, "cost@3Q02", 35);
    report(model, "ratio@4Q02", 0.5);
    define(model, "cost", "rev * ratio", KS_RULE_SUM);
    /* reported cells keep winning; the implied quarter stays implied */
    assert_true(number_of(model, "cost@3Q02") == 35);
    assert_int_equal(value_of(model, "cost@1Q02").provenance, KS_PROV_IMPLIED);
    assert_true(number_of(model, "cost@1Q02") == 25);
    /* the formula drives the quarter with no reported value */
    assert_true(number_of(model, "cost@4Q02") == 500);
    assert_true(number_of(model, "cost@FY02") == 590);
    /* a changed reported figure moves the implied quarter and the year */
    ks_error err;
    assert_int_equal(ks_set(model, item_of(model, "cost"),
                            period_of(model, "9M02"), 100, &err),
                     KS_OK);
    assert_true(number_of(model, "cost@1Q02") == 35);
    assert_true(number_of(model, "cost@FY02") == 600);
    ks_model *scenario = NULL;
    assert_int_equal(ks_scenario_new(model, "s", &scenario, &err), KS_OK);
    assert_int_equal(ks_set(scenario, item_of(model, "cost"),
                            period_of(model, "2Q02"), 20, &err),
                     KS_OK);
    assert_true(number_of(scenario, "cost@1Q02") == 45);
    assert_true(number_of(model, "cost@1Q02") == 35);
    ks_model_free(scenario);
    ks_model_free(model);
}

static void test_growth_chain_and_cash_roll(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2003);
    add_input(model, "g", KS_RULE_FORMULA);
    define(model, "x", "x[-1] * (1 + g)", KS_RULE_SUM);
    report(model, "x@1Q01", 100);
    for (int i = 1; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "g@%dQ%02d", i % 4 + 1, 1 + i / 4);
        report(model, name, 0.1);
    }
    assert_true(number_of(model, "x@4Q03") > 285.3 &&
                number_of(model, "x@4Q03") < 285.4);
    /* cash_begin = cash_end[-1]; cash_end = cash_begin + change */
    add_input(model, "change", KS_RULE_SUM);
    add_input(model, "cash_end", KS_RULE_LAST);
    define(model, "cash_begin", "cash_end[-1]", KS_RULE_FORMULA);
    define(model, "cash_end", "cash_begin + change", KS_RULE_LAST);
    report(model, "cash_end@4Q01", 1000);
    report(model, "change@1Q02", 10);
    report(model, "change@2Q02", -30);
    assert_true(number_of(model, "cash_begin@1Q02") == 1000);
    assert_true(number_of(model, "cash_end@2Q02") == 980);
    assert_true(number_of(model, "cash_begin@2Q02") == 1010);
    ks_model_free(model);
}

static void test_cycles_refused(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "c", KS_RULE_SUM);
    define(model, "a", "c + 1", KS_RULE_SUM);
    define(model, "b", "a * 2", KS_RULE_SUM);
    report(model, "c@3Q02", 1);
    assert_true(number_of(model, "b@3Q02") == 4);
    ks_error err;
    assert_int_equal(ks_define(model, "a", "b + 1", NULL, &err), KS_ECYCLE);
    assert_string_equal(err.message,
                        "formula of 'a' would make a cycle: a -> b -> a");
    /* refused: the model is as it was */
    ks_item_info info;
    ks_item_get(model, item_of(model, "a"), &info);
    assert_string_equal(info.formula, "c + 1");
    assert_true(number_of(model, "b@3Q02") == 4);
    assert_int_equal(ks_define(model, "z", "z + 1", NULL, &err), KS_ECYCLE);
    assert_non_null(strstr(err.message, "z -> z"));
    assert_int_equal(ks_item_find(model, "z"), -1);
    assert_int_equal(ks_define(model, "c", "c", NULL, &err), KS_ECYCLE);
    /* three items round, through an offset and @: refused */
    define(model, "p", "c", KS_RULE_SUM);
    define(model, "q", "p", KS_RULE_SUM);
    assert_int_equal(ks_define(model, "p", "q@FY02", NULL, &err), KS_ECYCLE);
    assert_int_equal(ks_define(model, "c", "q[-1] + 0", NULL, &err), KS_OK);
    assert_int_equal(ks_define(model, "c", "q", NULL, &err), KS_ECYCLE);
    assert_non_null(strstr(err.message, "c -> q -> p -> c"));
    ks_model_free(model);
}

static void test_error_values(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "a", KS_RULE_SUM);
    add_input(model, "b", KS_RULE_SUM);
    define(model, "ratio", "a / b", KS_RULE_FORMULA);
    define(model, "uses", "ratio + 1", KS_RULE_FORMULA);
    define(model, "yoy", "a / a[-4] - 1", KS_RULE_FORMULA);
    report(model, "a@3Q02", 5);
    report(model, "b@3Q02", 0);
    ks_value ratio = value_of(model, "ratio@3Q02");
    assert_int_equal(ratio.kind, KS_ERROR);
    assert_string_equal(ratio.error, "division by zero in ratio@3Q02");
    ks_value uses = value_of(model, "uses@3Q02");
    assert_int_equal(uses.kind, KS_ERROR);
    assert_string_equal(uses.error, "division by zero in ratio@3Q02");
    ks_value yoy = value_of(model, "yoy@3Q01");
    assert_int_equal(yoy.kind, KS_ERROR);
    assert_string_equal(yoy.error,
                        "offset before the first period in yoy@3Q01");
    assert_int_equal(value_of(model, "ratio@2Q02").kind, KS_MISSING);
    /* an overflow is an error, not an infinity */
    report(model, "a@1Q02", 1e300);
    report(model, "b@1Q02", 1e-300);
    ks_value big = value_of(model, "ratio@1Q02");
    assert_int_equal(big.kind, KS_ERROR);
    assert_string_equal(big.error, "overflow in ratio@1Q02");
    ks_model_free(model);
}

static void expect_error_value(ks_model *model, const char *id,
                               const char *period, const char *text)
{
    char name[64];
    snprintf(name, sizeof name, "%s@%s", id, period);
    ks_value value = value_of(model, name);
    if (value.kind != KS_ERROR || strcmp(value.error, text) != 0)
        fail_msg("%s@%s: expected the error '%s', got kind %d (%s, %g)", id,
                 period, text, (int)value.kind,
                 value.error ? value.error : "-", value.number);
}

/* An input is a finite number (or missing): infinities and NaN are
 * refused naming the cell.  A sum of finite numbers that overflows is an
 * error value with its origin, in the base and in a scenario; nothing in
 * the model is ever infinite. */
static void test_no_infinity_in_the_model(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "x", KS_RULE_SUM);
    define(model, "y", "x * 2", KS_RULE_SUM);
    define(model, "z", "x / 1", KS_RULE_SUM);
    int x = item_of(model, "x"), q1 = period_of(model, "1Q02");
    static const double refused[] = { INFINITY, -INFINITY, NAN, -NAN };
    ks_error err;
    for (int k = 0; k < 4; k++) {
        assert_int_equal(ks_set(model, x, q1, refused[k], &err), KS_EINVAL);
        assert_non_null(strstr(err.message, "x@1Q02"));
        assert_non_null(strstr(err.message, "finite"));
        if (k < 2) {
            assert_int_equal(ks_set_input(model, x, q1, refused[k],
                                          KS_PROV_REPORTED, &err), KS_EINVAL);
            assert_non_null(strstr(err.message, "x@1Q02"));
        }
    }
    assert_int_equal(value_of(model, "x@1Q02").kind, KS_MISSING);
    report(model, "x@1Q02", 1e308);
    report(model, "x@2Q02", 1.7976931348623157e308);
    report(model, "x@3Q02", 4.9e-324);
    report(model, "x@4Q02", -1e308);
    expect_error_value(model, "x", "1H02", "overflow in x@1H02");
    expect_error_value(model, "x", "9M02", "overflow in x@9M02");
    expect_error_value(model, "x", "FY02", "overflow in x@FY02");
    assert_true(value_of(model, "x@2H02").number == -1e308);
    expect_error_value(model, "y", "1Q02", "overflow in y@1Q02");
    expect_error_value(model, "y", "2Q02", "overflow in y@2Q02");
    expect_error_value(model, "y", "4Q02", "overflow in y@4Q02");
    expect_error_value(model, "z", "1H02", "overflow in z@1H02");
    expect_error_value(model, "z", "FY02", "overflow in z@FY02");
    assert_true(value_of(model, "z@2Q02").number == 1.7976931348623157e308);

    /* a scenario's own overrides overflow the same way */
    ks_model *scenario = NULL;
    assert_int_equal(ks_scenario_new(model, "big", &scenario, &err), KS_OK);
    int q3 = period_of(model, "3Q02");
    assert_int_equal(ks_set(scenario, x, q3, 1.7e308, &err), KS_OK);
    assert_int_equal(ks_set(scenario, x, q3, INFINITY, &err), KS_EINVAL);
    ks_value value;
    assert_int_equal(ks_get(scenario, x, period_of(model, "2H02"), &value,
                            &err), KS_OK);
    assert_int_equal(value.kind, KS_NUMBER); /* 1.7e308 - 1e308 */
    assert_int_equal(ks_set(scenario, x, period_of(model, "4Q02"), 1e308,
                            &err), KS_OK);
    assert_int_equal(ks_get(scenario, x, period_of(model, "2H02"), &value,
                            &err), KS_OK);
    assert_int_equal(value.kind, KS_ERROR);
    assert_string_equal(value.error, "overflow in x@2H02");
    assert_int_equal(ks_get(scenario, item_of(model, "z"),
                            period_of(model, "2H02"), &value, &err), KS_OK);
    assert_int_equal(value.kind, KS_ERROR);
    assert_string_equal(value.error, "overflow in z@2H02");
    ks_model_free(scenario);
    ks_model_free(model);
}

/* ---- scenarios ----------------------------------------------------------------- */

static void test_scenarios(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "a", KS_RULE_SUM);
    define(model, "double", "a * 2", KS_RULE_SUM);
    report(model, "a@1Q02", 1);
    report(model, "a@3Q02", 10);
    ks_model *low = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "low", &low, &err), KS_OK);
    assert_true(ks_model_is_scenario(low));
    assert_string_equal(ks_model_name(low), "low");
    assert_true(number_of(low, "double@3Q02") == 20);
    assert_int_equal(ks_set(low, item_of(model, "a"), period_of(model, "3Q02"),
                            3, &err),
                     KS_OK);
    assert_true(number_of(low, "double@3Q02") == 6);
    assert_int_equal(value_of(low, "double@9M02").kind, KS_MISSING);
    assert_int_equal(value_of(low, "a@3Q02").provenance, KS_PROV_OVERRIDDEN);
    assert_true(number_of(model, "double@3Q02") == 20);
    /* a base change shows through where the scenario did not override */
    report(model, "a@2Q02", 100);
    assert_true(number_of(low, "double@2Q02") == 200);
    assert_true(number_of(low, "double@9M02") == 208);
    /* formulas belong to the base */
    assert_int_equal(ks_define(low, "x", "a", NULL, &err), KS_EMISUSE);
    /* a hundred scenarios */
    ks_model *many[100];
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        assert_int_equal(ks_scenario_new(model, name, &many[i], &err), KS_OK);
        assert_int_equal(ks_set(many[i], item_of(model, "a"),
                                period_of(model, "3Q02"), i, &err),
                         KS_OK);
    }
    for (int i = 0; i < 100; i++)
        assert_true(number_of(many[i], "double@3Q02") == 2.0 * i);
    /* the base dies only with its last scenario */
    ks_model_free(model);
    assert_true(number_of(low, "double@3Q02") == 6);
    for (int i = 0; i < 100; i++)
        ks_model_free(many[i]);
    ks_model_free(low);
}

static void test_settings(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    ks_error err;
    assert_int_equal(ks_setting_set(model, "name", "Acme", &err), KS_OK);
    assert_int_equal(ks_setting_set(model, "rate.USD", "118.75", &err), KS_OK);
    assert_int_equal(ks_setting_set(model, "name", "Acme Corp.", &err), KS_OK);
    assert_string_equal(ks_setting(model, "name"), "Acme Corp.");
    assert_null(ks_setting(model, "nothing"));
    /* in the order first set; a changed value keeps its place */
    assert_int_equal(ks_setting_count(model), 2);
    const char *key, *value;
    assert_int_equal(ks_setting_at(model, 0, &key, &value), KS_OK);
    assert_string_equal(key, "name");
    assert_string_equal(value, "Acme Corp.");
    assert_int_equal(ks_setting_at(model, 1, &key, &value), KS_OK);
    assert_string_equal(key, "rate.USD");
    assert_int_equal(ks_setting_at(model, 2, &key, &value), KS_EINVAL);
    assert_int_equal(ks_setting_at(model, -1, &key, &value), KS_EINVAL);
    assert_int_equal(ks_setting_set(model, "", "x", &err), KS_EINVAL);
    ks_model_free(model);
}

static void test_explain(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    add_input(model, "a", KS_RULE_SUM);
    add_input(model, "b", KS_RULE_SUM);
    define(model, "total", "a + b", KS_RULE_SUM);
    report(model, "a@3Q02", 1);
    report(model, "b@3Q02", 2);
    report(model, "a@9M02", 10);
    report(model, "a@2Q02", 4);
    ks_explain_node *node = NULL;
    ks_error err;
    assert_int_equal(ks_explain(model, item_of(model, "total"),
                                period_of(model, "3Q02"), &node, &err),
                     KS_OK);
    assert_string_equal(node->text, "total@3Q02");
    assert_true(node->value.number == 3);
    assert_int_equal(node->child_count, 1);
    assert_string_equal(node->children[0]->text, "+");
    assert_int_equal(node->children[0]->child_count, 2);
    assert_string_equal(node->children[0]->children[0]->text, "a@3Q02");
    assert_int_equal(node->children[0]->children[0]->value.provenance,
                     KS_PROV_REPORTED);
    ks_explain_free(model, node);
    assert_int_equal(ks_explain(model, item_of(model, "a"),
                                period_of(model, "1Q02"), &node, &err),
                     KS_OK);
    assert_int_equal(node->value.provenance, KS_PROV_IMPLIED);
    assert_true(node->value.number == 5);
    assert_int_equal(node->child_count, 3);
    ks_explain_free(model, node);
    ks_model_free(model);
}

/* ---- allocation failure ---------------------------------------------------------- */


/* Build a small model and scenario; any failure gives a status, no crash. */
static ks_status build_under(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL, *scenario = NULL;
    ks_error err;
    ks_status status = ks_model_new(&calendar, alloc, &model, &err);
    if (status != KS_OK)
        return status;
    ks_item_info info = { "a", "A", NULL, NULL, NULL, NULL, NULL,
                          KS_RULE_SUM };
    ks_value value;
    if ((status = ks_item_add(model, &info, NULL, &err)) != KS_OK ||
        (status = ks_define(model, "b", "a * 2 + a[-4]", NULL, &err)) !=
            KS_OK ||
        (status = ks_set(model, 0, 10, 5, &err)) != KS_OK ||
        (status = ks_get(model, 1, 10, &value, &err)) != KS_OK ||
        (status = ks_define(model, "b", "a * 3", NULL, &err)) != KS_OK ||
        (status = ks_scenario_new(model, "s", &scenario, &err)) != KS_OK ||
        (status = ks_set(scenario, 0, 10, 7, &err)) != KS_OK ||
        (status = ks_get(scenario, 1, 10, &value, &err)) != KS_OK) {
        ks_model_free(scenario);
        ks_model_free(model);
        return status;
    }
    assert_true(value.number == 21);
    ks_model_free(scenario);
    ks_model_free(model);
    return KS_OK;
}

static void test_allocation_failure(void **state)
{
    (void)state;
    for (int persistent = 0; persistent <= 1; persistent++) {
        int succeeded = 0;
        for (long n = 1; n <= 10000 && !succeeded; n++) {
            test_alloc f = { .fail_at = n, .fail_for_good = persistent };
            ks_allocator alloc = test_allocator(&f);
            ks_status status = build_under(&alloc);
            assert_int_equal(f.live, 0);
            if (status == KS_OK && !f.failed)
                succeeded = 1;
            else
                assert_true(status == KS_ENOMEM || status == KS_OK);
        }
        assert_true(succeeded);
    }
}

/* Ids and scenario names are what a values file can carry back: at most
 * KS_NAME_MAX bytes, and a name that the reader would trim is refused. */
static void test_name_limits(void **state)
{
    (void)state;
    ks_model *model = new_model(2001, 2002);
    ks_error err;
    char id[KS_NAME_MAX + 2];
    memset(id, 'a', sizeof id - 1);
    id[sizeof id - 1] = '\0';                         /* 256 bytes */
    ks_item_info info = { 0 };
    info.id = id;
    info.label = "long";
    info.unit = "JPY";
    info.statement = "is";
    int item;
    assert_int_equal(ks_item_add(model, &info, &item, &err), KS_EINVAL);
    assert_non_null(strstr(err.message, "too long (256 bytes; at most 255)"));
    id[KS_NAME_MAX] = '\0';                           /* 255: accepted */
    assert_int_equal(ks_item_add(model, &info, &item, &err), KS_OK);

    char name[KS_NAME_MAX + 2];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ks_model *scenario = NULL;
    assert_int_equal(ks_scenario_new(model, name, &scenario, &err), KS_EINVAL);
    assert_null(scenario);
    assert_non_null(strstr(err.message, "too long (256 bytes; at most 255)"));
    static const char *const trimmed[] = {" lead", "trail ", "\ttab",
                                          "base ", " "};
    for (size_t i = 0; i < sizeof trimmed / sizeof *trimmed; i++) {
        assert_int_equal(ks_scenario_new(model, trimmed[i], &scenario, &err),
                         KS_EINVAL);
        assert_null(scenario);
        assert_non_null(strstr(err.message, "begins or ends with a space"));
    }
    name[KS_NAME_MAX] = '\0';
    assert_int_equal(ks_scenario_new(model, name, &scenario, &err), KS_OK);
    assert_int_equal(ks_set(scenario, item, period_of(model, "3Q02"), 7, &err),
                     KS_OK);
    assert_int_equal(ks_scenario_save(scenario, &err), KS_OK);
    ks_model_free(scenario);

    /* at the limit, both come back through a values file */
    char path[512];
    snprintf(path, sizeof path, "%s/names.csv", KESSAN_TEST_TMP);
    ks_export_options options = {
        .with_scenario_column = 1,
        .cells = KS_EXPORT_INPUTS
    };
    assert_int_equal(ks_export_scenarios_csv(model, path, &options, &err),
                     KS_OK);
    ks_model *back = new_model(2001, 2002);
    assert_int_equal(ks_item_add(back, &info, &item, &err), KS_OK);
    assert_int_equal(ks_import_values(back, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_int_equal(ks_saved_scenario_count(back), 1);
    assert_string_equal(ks_saved_scenario_name(back, 0), name);
    remove(path);
    ks_model_free(back);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_ids),
        cmocka_unit_test(test_period_shift),
        cmocka_unit_test(test_items_and_suggestions),
        cmocka_unit_test(test_summary_and_implied),
        cmocka_unit_test(test_formulas_and_recalc),
        cmocka_unit_test(test_formula_on_reported_line),
        cmocka_unit_test(test_growth_chain_and_cash_roll),
        cmocka_unit_test(test_cycles_refused),
        cmocka_unit_test(test_error_values),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_calendar_span_limit),
        cmocka_unit_test(test_no_infinity_in_the_model),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_name_limits),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
