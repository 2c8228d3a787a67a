/*
 * test_recalc_pending.c -- the changes waiting for the next recalculation:
 * more of them than are tracked one by one, or none tracked for want of
 * memory, make the next recalculation a full one, which must give what a
 * recalculation after every change gives; and a cleared override of a
 * figure the release printed goes back to that figure (a number, or
 * nothing printed as "-"), while one on a formula item goes back to the
 * formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "kessan/kessan.h"

static ks_model *new_model(const ks_allocator *alloc, int last_year)
{
    ks_calendar calendar = { 12, 2001, last_year };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, alloc, &model, &err), KS_OK);
    add_input(model, "a", KS_RULE_SUM);
    define(model, "b", "a * 2 + a[-1]", KS_RULE_SUM);
    return model;
}

static double number(ks_model *model, int item, int period)
{
    ks_value value;
    assert_int_equal(ks_get(model, item, period, &value, NULL), KS_OK);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

static void test_more_changes_than_are_tracked(void **state)
{
    (void)state;
    /* 60 years: 240 quarters; 2,400 changes between two reads */
    ks_model *batch = new_model(NULL, 2060), *step = new_model(NULL, 2060);
    int periods = ks_period_count(batch);
    ks_error err;
    for (int round = 0; round < 10; round++)
        for (int p = 0; p < periods; p++) {
            if (ks_period_kind_of(batch, p) != KS_QUARTER)
                continue;
            double x = round * 1000 + p;
            assert_int_equal(ks_set(batch, 0, p, x, &err), KS_OK);
            assert_int_equal(ks_set(step, 0, p, x, &err), KS_OK);
            ks_value value; /* recalculated after every change */
            assert_int_equal(ks_get(step, 1, p, &value, &err), KS_OK);
        }
    for (int p = 0; p < periods; p++) {
        ks_value one, other;
        assert_int_equal(ks_get(batch, 1, p, &one, &err), KS_OK);
        assert_int_equal(ks_get(step, 1, p, &other, &err), KS_OK);
        assert_int_equal(one.kind, other.kind);
        if (one.kind == KS_NUMBER && one.number != other.number)
            fail_msg("period %d: %.17g after a full recalculation, %.17g "
                     "step by step", p, one.number, other.number);
    }
    assert_true(number(batch, 1, 8) == 2 * (9000 + 8) + (9000 + 3));
    ks_model_free(batch);
    ks_model_free(step);
}

static void test_no_memory_to_track_a_change(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = new_model(&alloc, 2002);
    ks_error err;
    /* 1Q01, 2Q01 and 3Q01 are periods 0, 1 and 2 */
    assert_int_equal(ks_set(model, 0, 0, 1, &err), KS_OK);
    assert_int_equal(ks_set(model, 0, 1, 2, &err), KS_OK);
    assert_int_equal(ks_set(model, 0, 2, 3, &err), KS_OK);
    assert_true(number(model, 1, 1) == 2 * 2 + 1);
    /* every allocation refused: the change is made all the same, and the
     * next recalculation, once memory is back, is a full one */
    test_alloc_arm(&counts, 1, 1);
    ks_status status = ks_set(model, 0, 1, 10, &err);
    test_alloc_disarm(&counts);
    assert_int_equal(status, KS_OK);
    assert_true(number(model, 0, 1) == 10);
    assert_true(number(model, 1, 1) == 2 * 10 + 1);
    assert_true(number(model, 1, 2) == 2 * 3 + 10);
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
}

static void test_a_cleared_override_goes_back_to_the_printed_figure(
    void **state)
{
    (void)state;
    ks_model *model = new_model(NULL, 2002);
    int q3 = -1;
    ks_error err;
    assert_int_equal(ks_period_lookup(model, "3Q02", &q3, &err), KS_OK);
    int q2 = -1;
    assert_int_equal(ks_period_lookup(model, "2Q02", &q2, &err), KS_OK);
    /* the release: a@3Q02 printed 500, a@2Q02 printed "-" */
    ks_printed printed = { 0, q3, KS_MEASURE_VALUE, 500, 0, 0, 0, "500",
                           "values.csv:2" };
    assert_int_equal(ks_printed_add(model, &printed, &err), KS_OK);
    assert_int_equal(ks_set_input(model, 0, q3, 500, KS_PROV_REPORTED, &err),
                     KS_OK);
    ks_printed nothing = { 0, q2, KS_MEASURE_VALUE, 0, 1, 0, 0, "-",
                           "values.csv:3" };
    assert_int_equal(ks_printed_add(model, &nothing, &err), KS_OK);
    /* overridden, then cleared */
    assert_int_equal(ks_set(model, 0, q3, 600, &err), KS_OK);
    assert_int_equal(ks_set(model, 0, q2, 700, &err), KS_OK);
    assert_true(number(model, 1, q3) == 2 * 600 + 700);
    assert_int_equal(ks_clear(model, 0, q3, &err), KS_OK);
    assert_int_equal(ks_clear(model, 0, q2, &err), KS_OK);
    ks_value value;
    assert_int_equal(ks_get(model, 0, q3, &value, &err), KS_OK);
    assert_true(value.number == 500);
    assert_int_equal(value.provenance, KS_PROV_REPORTED);
    assert_int_equal(ks_get(model, 0, q2, &value, &err), KS_OK);
    assert_int_equal(value.kind, KS_MISSING);
    assert_int_equal(value.provenance, KS_PROV_REPORTED);
    assert_true(ks_is_input(model, 0, q2));
    /* a formula item's override goes back to the formula, printed or not */
    printed.item = 1;
    assert_int_equal(ks_printed_add(model, &printed, &err), KS_OK);
    assert_int_equal(ks_set(model, 1, q3, 1, &err), KS_OK);
    assert_int_equal(ks_clear(model, 1, q3, &err), KS_OK);
    assert_int_equal(ks_get(model, 1, q3, &value, &err), KS_OK);
    assert_int_equal(value.provenance, KS_PROV_COMPUTED);
    assert_int_equal(value.kind, KS_MISSING); /* 500 * 2 + missing */
    assert_false(ks_is_input(model, 1, q3));
    /* clearing what holds no input changes nothing */
    assert_int_equal(ks_clear(model, 1, q3, &err), KS_OK);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_more_changes_than_are_tracked),
        cmocka_unit_test(test_no_memory_to_track_a_change),
        cmocka_unit_test(
            test_a_cleared_override_goes_back_to_the_printed_figure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
