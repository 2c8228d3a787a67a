/*
 * test_model_tables.c -- the model's own tables at their edges: cycles
 * between formulas (through a later period or a fixed one, refused with
 * the path; through earlier periods only, allowed and computed); printed
 * figures and notes out of range, without text, or asked for by an index
 * that is not one; measure names both ways; and a scenario's overrides in
 * a hash table, set and cleared in an order that makes the table move
 * entries back over the holes left behind, every cell still read right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kessan/kessan.h"
#include "model/model.h"

static ks_model *model;

static int setup(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2001, 2010 };
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static ks_status define(const char *id, const char *formula, ks_error *err)
{
    ks_item_info info = { id, id, NULL, "JPY", "is", NULL, NULL,
                          KS_RULE_SUM };
    return ks_define(model, id, formula, &info, err);
}

static int period(const char *id)
{
    int found = -1;
    ks_error err;
    if (ks_period_lookup(model, id, &found, &err) != KS_OK)
        fail_msg("%s: %s", id, err.message);
    return found;
}

static double number(const char *id, const char *at)
{
    ks_value value;
    ks_error err;
    if (ks_get(model, ks_item_find(model, id), period(at), &value, &err) !=
        KS_OK)
        fail_msg("%s@%s: %s", id, at, err.message);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

static void expect_cycle(const char *id, const char *formula,
                         const char *message)
{
    ks_item_info before;
    int item = ks_item_find(model, id);
    assert_int_equal(ks_item_get(model, item, &before), KS_OK);
    const char *old = before.formula;
    ks_error err;
    assert_int_equal(define(id, formula, &err), KS_ECYCLE);
    if (strcmp(err.message, message) != 0)
        fail_msg("'%s', expected '%s'", err.message, message);
    ks_item_info after;
    assert_int_equal(ks_item_get(model, item, &after), KS_OK);
    if (old)
        assert_string_equal(after.formula, old);
    else
        assert_null(after.formula);
}

/* ---- cycles --------------------------------------------------------------- */

static void test_cycles_through_time(void **state)
{
    (void)state;
    ks_error err;
    assert_int_equal(define("a", NULL, &err), KS_OK);
    assert_int_equal(define("b", "a", &err), KS_OK);
    assert_int_equal(define("c", "b * 2", &err), KS_OK);
    /* the same period: the path from the item defined */
    expect_cycle("a", "c + 1",
                 "formula of 'a' would make a cycle: a -> c -> b -> a");
    /* a later period inside a cycle */
    expect_cycle("a", "c[1]",
                 "formula of 'a' would make a cycle: a -> c -> b -> a (a "
                 "later period inside a cycle)");
    /* a fixed period inside a cycle */
    expect_cycle("a", "c@FY05",
                 "formula of 'a' would make a cycle: a -> c -> b -> a (a "
                 "reference with @PERIOD inside a cycle)");
    /* a same-period cycle inside a group tied through time: x reads y a
     * quarter back, and z would read y and x in the same quarter as y
     * reads z */
    assert_int_equal(define("x", NULL, &err), KS_OK);
    assert_int_equal(define("y", NULL, &err), KS_OK);
    assert_int_equal(define("z", NULL, &err), KS_OK);
    assert_int_equal(define("y", "z", &err), KS_OK);
    assert_int_equal(define("x", "y[-1]", &err), KS_OK);
    expect_cycle("z", "y + x",
                 "formula of 'z' would make a cycle: z -> y -> z");
    /* earlier periods only: a roll-forward, computed quarter by quarter */
    assert_int_equal(define("a", "c[-1] + 1", &err), KS_OK);
    assert_int_equal(ks_set(model, ks_item_find(model, "a"), period("1Q01"),
                            1, &err), KS_OK);
    /* a = 2 * a[-1] + 1: 1, 3, 7, 15 */
    assert_true(number("a", "2Q01") == 3);
    assert_true(number("a", "4Q01") == 15);
    assert_true(number("c", "4Q01") == 30);
}

/* ---- printed figures and notes ------------------------------------------------- */

static void test_printed_figures_and_notes_out_of_range(void **state)
{
    (void)state;
    ks_error err;
    assert_int_equal(define("a", NULL, &err), KS_OK);
    ks_printed printed = { 0, period("3Q02"), KS_MEASURE_VALUE, 5, 0, 0, 0,
                           NULL, NULL };
    ks_printed bad = printed;
    bad.item = 1;
    assert_int_equal(ks_printed_add(model, &bad, &err), KS_EINVAL);
    assert_string_equal(err.message, "printed figure out of range");
    bad = printed;
    bad.period = -1;
    assert_int_equal(ks_printed_add(model, &bad, &err), KS_EINVAL);
    bad.period = ks_period_count(model);
    assert_int_equal(ks_printed_add(model, &bad, &err), KS_EINVAL);
    bad = printed;
    bad.measure = (ks_measure)5;
    assert_int_equal(ks_printed_add(model, &bad, &err), KS_EINVAL);
    assert_int_equal(ks_printed_count(model), 0);
    /* no text and no source: kept as "" */
    assert_int_equal(ks_printed_add(model, &printed, &err), KS_OK);
    const ks_printed *kept = ks_printed_at(model, 0);
    assert_non_null(kept);
    assert_string_equal(kept->text, "");
    assert_string_equal(kept->source, "");
    assert_true(kept->number == 5);
    assert_null(ks_printed_at(model, 1));
    assert_null(ks_printed_at(model, -1));
    assert_ptr_equal(ks_printed_find(model, 0, period("3Q02"),
                                     KS_MEASURE_VALUE), kept);
    assert_null(ks_printed_find(model, 0, period("3Q02"), KS_MEASURE_PCT));

    assert_int_equal(ks_note_add(model, "n1", 1, -1, "x", &err), KS_EINVAL);
    assert_string_equal(err.message, "note 'n1' out of range");
    assert_int_equal(ks_note_add(model, "n2", 0, ks_period_count(model), "x",
                                 &err), KS_EINVAL);
    assert_int_equal(ks_note_count(model), 0);
    assert_int_equal(ks_note_add(model, NULL, -1, -1, NULL, &err), KS_OK);
    const ks_note *note = ks_note_at(model, 0);
    assert_string_equal(note->id, "");
    assert_string_equal(note->text, "");
    assert_int_equal(note->item, -1);
    assert_null(ks_note_at(model, 1));
    assert_null(ks_note_at(model, -1));
}

static void test_measure_names(void **state)
{
    (void)state;
    static const char *const names[] = { "value", "pct", "yoy", "qoq",
                                         "usd" };
    for (int m = 0; m < 5; m++) {
        assert_string_equal(ks_measure_name((ks_measure)m), names[m]);
        assert_int_equal(ks_measure_parse(names[m]), m);
    }
    assert_string_equal(ks_measure_name((ks_measure)5), "?");
    assert_string_equal(ks_measure_name((ks_measure)-1), "?");
    assert_int_equal(ks_measure_parse("ytd"), -1);
    assert_int_equal(ks_measure_parse(NULL), -1);
}

/* ---- a scenario's overrides ------------------------------------------------------- */

static void test_overrides_set_and_cleared_at_random(void **state)
{
    (void)state;
    ks_error err;
    enum { ITEMS = 30 };
    char id[16];
    for (int i = 0; i < ITEMS; i++) {
        snprintf(id, sizeof id, "i%d", i);
        assert_int_equal(define(id, NULL, &err), KS_OK);
    }
    int periods = ks_period_count(model);
    for (int i = 0; i < ITEMS; i++)
        for (int p = 0; p < periods; p += 8)
            assert_int_equal(ks_set(model, i, p, -1, &err), KS_OK);
    ks_model *scenario = NULL;
    assert_int_equal(ks_scenario_new(model, "s", &scenario, &err), KS_OK);
    /* every quarter of every item overridden: far more entries than a
     * table keeps apart without collisions */
    int quarters[40], count = 0;
    for (int p = 0; p < periods; p++)
        if (ks_period_kind_of(model, p) == KS_QUARTER)
            quarters[count++] = p;
    for (int i = 0; i < ITEMS; i++)
        for (int q = 0; q < count; q++)
            assert_int_equal(ks_set(scenario, i, quarters[q], i * 1000 + q,
                                    &err), KS_OK);
    /* cleared in a scattered order, and checked after every round */
    uint32_t state_bits = 12345;
    static unsigned char cleared[ITEMS][40];
    memset(cleared, 0, sizeof cleared);
    for (int round = 0; round < 4; round++) {
        for (int k = 0; k < ITEMS * count / 5; k++) {
            state_bits = state_bits * 1103515245u + 12345u;
            int i = (int)(state_bits >> 8) % ITEMS;
            int q = (int)(state_bits >> 20) % count;
            assert_int_equal(ks_clear(scenario, i, quarters[q], &err), KS_OK);
            cleared[i][q] = 1;
        }
        for (int i = 0; i < ITEMS; i++)
            for (int q = 0; q < count; q++) {
                ks_value value;
                assert_int_equal(ks_get(scenario, i, quarters[q], &value,
                                        &err), KS_OK);
                int first = ks_period_kind_of(model, quarters[q]) ==
                            KS_QUARTER && quarters[q] % 8 == 0;
                if (cleared[i][q]) {
                    assert_false(ks_is_input(scenario, i, quarters[q]) &&
                                 !first);
                    if (first)
                        assert_true(value.number == -1);
                    else
                        assert_int_equal(value.kind, KS_MISSING);
                } else {
                    assert_true(ks_is_input(scenario, i, quarters[q]));
                    assert_int_equal(value.provenance, KS_PROV_OVERRIDDEN);
                    assert_true(value.number == i * 1000 + q);
                }
            }
    }
    ks_model_free(scenario);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cycles_through_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_printed_figures_and_notes_out_of_range, setup, teardown),
        cmocka_unit_test(test_measure_names),
        cmocka_unit_test_setup_teardown(
            test_overrides_set_and_cleared_at_random, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
