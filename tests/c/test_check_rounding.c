/*
 * test_check_rounding.c -- the audit's judgement at the printed
 * precision: a column of percentages with a part printed "-" (nothing, so
 * 0 in the column) that foots, so that the parts one unit off are
 * adjustments, and the same column with a part not printed at all, which
 * cannot be footed, so that they are breaks; a change a unit off that
 * still ties within the rounding of the printed figures it is computed
 * from; a change against a year that was zero; a sum whose part belongs
 * to no total; a percent printed without its sign; identities whose
 * sides cannot be computed at a period.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/check_report.h"
#include "kessan/check.h"
#include "kessan/kessan.h"
#include "model/model.h"

static ks_model *model;

static void add(const char *id, const char *parent, const char *formula)
{
    ks_item_info info = { id, id, NULL, "JPY thousands", "is", parent, NULL,
                          KS_RULE_SUM };
    ks_error err;
    ks_status status = formula ? ks_define(model, id, formula, &info, &err)
                               : ks_item_add(model, &info, NULL, &err);
    if (status != KS_OK)
        fail_msg("add %s: %s", id, err.message);
}

static void set(const char *cell, double number)
{
    int item, period;
    ks_error err;
    if (ks_cell_lookup(model, cell, &item, &period, &err) != KS_OK ||
        ks_set(model, item, period, number, &err) != KS_OK)
        fail_msg("%s: %s", cell, err.message);
}

static void print(const char *cell, ks_measure measure, double number,
                  int decimals, int is_percent, const char *text)
{
    ks_printed printed = { 0, 0, measure, number, strcmp(text, "-") == 0,
                           decimals, is_percent, text, "test" };
    ks_error err;
    if (ks_cell_lookup(model, cell, &printed.item, &printed.period, &err) !=
            KS_OK ||
        ks_printed_add(model, &printed, &err) != KS_OK)
        fail_msg("print %s: %s", cell, err.message);
}

/* a + b + c = t, b zero: 1,000 + 0 + 2,000 = 3,000 at 3Q02 */
static int setup(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    add("a", "t", NULL);
    add("b", "t", NULL);
    add("c", "t", NULL);
    add("t", NULL, "a + b + c");
    set("a@3Q02", 1000);
    set("b@3Q02", 0);
    set("c@3Q02", 2000);
    assert_int_equal(ks_setting_set(model, "pct_base.is", "t", &err), KS_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static ks_check_report *run(void)
{
    return audit_of(model);
}

static const ks_check_result *result_for(const ks_check_report *report,
                                         const char *item,
                                         const char *measure)
{
    for (size_t i = 0; i < report->count; i++)
        if (strcmp(report->results[i].item_id, item) == 0 &&
            strcmp(report->results[i].measure, measure) == 0)
            return &report->results[i];
    fail_msg("no result for %s %s", item, measure);
    return NULL;
}

/* ---- footing ---------------------------------------------------------------- */

static void test_a_column_with_a_part_printed_as_nothing(void **state)
{
    (void)state;
    /* 33.3...% printed 33.4, 66.6...% printed 66.6: each a unit off from
     * its own rounding (33.3, 66.7), but the printed column foots:
     * 33.4 + 0 + 66.6 = 100.0 */
    print("a@3Q02", KS_MEASURE_PCT, 0.334, 1, 1, "33.4%");
    print("b@3Q02", KS_MEASURE_PCT, 0, 1, 1, "-");
    print("c@3Q02", KS_MEASURE_PCT, 0.666, 1, 1, "66.6%");
    print("t@3Q02", KS_MEASURE_PCT, 1.0, 1, 1, "100.0%");
    ks_check_report *report = run();
    assert_int_equal(result_for(report, "a", "pct")->status,
                     KS_CHECK_ADJUSTED);
    assert_int_equal(result_for(report, "c", "pct")->status,
                     KS_CHECK_ADJUSTED);
    assert_non_null(strstr(result_for(report, "a", "pct")->message,
                           "one unit of the last digit off; the printed "
                           "column foots"));
    /* b's "-" is 0% where the engine has 0% */
    assert_int_equal(result_for(report, "b", "pct")->status, KS_CHECK_PASS);
    assert_int_equal(report->adjusted, 2);
    ks_check_free(report);
}

static void test_a_column_with_a_part_not_printed(void **state)
{
    (void)state;
    print("a@3Q02", KS_MEASURE_PCT, 0.334, 1, 1, "33.4%");
    print("c@3Q02", KS_MEASURE_PCT, 0.666, 1, 1, "66.6%");
    print("t@3Q02", KS_MEASURE_PCT, 1.0, 1, 1, "100.0%");
    ks_check_report *report = run();
    /* b is not printed: the column cannot be footed on printed figures */
    assert_int_equal(result_for(report, "a", "pct")->status, KS_CHECK_BREAK);
    assert_int_equal(result_for(report, "c", "pct")->status, KS_CHECK_BREAK);
    assert_non_null(strstr(result_for(report, "a", "pct")->message,
                           ": does not tie"));
    ks_check_free(report);
}

/* ---- changes ------------------------------------------------------------------ */

static void test_a_change_within_the_rounding_of_its_figures(void **state)
{
    (void)state;
    set("a@3Q01", 1200);
    /* a's figures as printed: 1,000 and 1,200 (any of 999.5..1,000.5 and
     * 1,199.5..1,200.5): the change may be -16.74% .. -16.59% */
    print("a@3Q02", KS_MEASURE_VALUE, 1000, 0, 0, "1,000");
    print("a@3Q01", KS_MEASURE_VALUE, 1200, 0, 0, "1,200");
    print("a@3Q02", KS_MEASURE_YOY, -0.166, 1, 1, "(16.6%)");
    ks_check_report *report = run();
    const ks_check_result *r = result_for(report, "a", "yoy");
    assert_int_equal(r->status, KS_CHECK_PASS);
    assert_non_null(strstr(r->message, "ties within the rounding of the "
                                       "printed figures it is computed "
                                       "from"));
    assert_true(fabs(r->expected - (1000.0 / 1200 - 1) * 100) < 1e-9);
    ks_check_free(report);
    /* two units off: beyond it */
    ks_error err;
    int item, period;
    assert_int_equal(ks_cell_lookup(model, "c@3Q02", &item, &period, &err),
                     KS_OK);
    set("c@3Q01", 1000);
    print("c@3Q02", KS_MEASURE_YOY, 0.98, 1, 1, "98.0%");
    report = run();
    assert_int_equal(result_for(report, "c", "yoy")->status, KS_CHECK_BREAK);
    ks_check_free(report);
}

static void test_a_change_against_zero(void **state)
{
    (void)state;
    set("b@3Q01", 0);
    set("b@3Q02", 10);
    print("b@3Q02", KS_MEASURE_YOY, 0.5, 1, 1, "50.0%");
    ks_check_report *report = run();
    const ks_check_result *r = result_for(report, "b", "yoy");
    assert_int_equal(r->status, KS_CHECK_BREAK);
    assert_non_null(strstr(r->message,
                           "no value a year earlier to compare with"));
    ks_check_free(report);
}

/* ---- kinds and forms ---------------------------------------------------------- */

static void test_a_sum_with_a_part_of_no_total(void **state)
{
    (void)state;
    add("other", NULL, NULL);
    add("wide", NULL, "a + other");
    set("other@3Q02", 5);
    print("wide@3Q02", KS_MEASURE_VALUE, 1005, 0, 0, "1,005");
    /* a percent printed without the % sign is a percent all the same */
    print("a@3Q02", KS_MEASURE_PCT, 0.333, 1, 0, "33.3");
    ks_check_report *report = run();
    const ks_check_result *r = result_for(report, "wide", "value");
    assert_int_equal(r->kind, KS_CHECK_FORMULA);
    assert_int_equal(r->status, KS_CHECK_PASS);
    r = result_for(report, "a", "pct");
    assert_true(r->is_percent);
    assert_true(fabs(r->printed - 33.3) < 1e-9);
    assert_int_equal(r->status, KS_CHECK_PASS);
    ks_check_free(report);
}

static void test_identities_that_cannot_be_computed(void **state)
{
    (void)state;
    ks_error err;
    print("a@3Q02", KS_MEASURE_VALUE, 1000, 0, 0, "1,000");
    print("a@1Q01", KS_MEASURE_VALUE, 0, 0, 0, "-");
    /* a printed "-" at 1Q01 leaves the left side nothing there; t[-8]
     * reaches before the first period everywhere: only sum3 at 3Q02 */
    assert_int_equal(ks_setting_set(model, "check.identity.sum3",
                                    "a == t - b - c", &err), KS_OK);
    assert_int_equal(ks_setting_set(model, "check.identity.back",
                                    "a == t[-8]", &err), KS_OK);
    ks_check_report *report = run();
    assert_int_equal(report->count, 1);
    assert_string_equal(report->results[0].period_id, "3Q02");
    assert_string_equal(report->results[0].identity, "sum3");
    assert_int_equal(report->results[0].status, KS_CHECK_PASS);
    ks_check_free(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_a_column_with_a_part_printed_as_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_column_with_a_part_not_printed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_change_within_the_rounding_of_its_figures, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_a_change_against_zero, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_sum_with_a_part_of_no_total,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_identities_that_cannot_be_computed,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
