/*
 * test_missing_reason.c -- ks_missing_reason, what an analyst reads when
 * a cell is nil: the first missing inputs on the cell's path, through a
 * formula, a sum over quarters, a chain several deep, a quarter that
 * cannot be implied, a chain back through earlier periods, a scenario
 * that set an input missing, an input set missing explicitly; up to three
 * named and "and N more"; ks_missing_reason_beyond, silent when the
 * cell itself holds nothing; "" for a cell that is not missing; a short
 * buffer cut, terminated; every allocation failing in turn (ENOMEM,
 * nothing leaked).
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

static ks_model *model;
static test_alloc counts;
static ks_allocator alloc;

/* a reported 1Q02..3Q02 (4Q02 has no value), b in every quarter of FY02;
 * x = a + b, y = x * 2, z = y - 1 (a chain); c reported FY02 and 1Q02
 * only (2Q02..4Q02 cannot be implied); w = c * 3; cash_end = cash_begin
 * + flow, cash_begin = cash_end[-1] (0 reported for 1Q01), flow 1 in
 * every quarter but 2Q02 and 4Q02; many = a + d + e + f + g (none reported) */
static int setup(void **state)
{
    (void)state;
    memset(&counts, 0, sizeof counts);
    alloc = test_allocator(&counts);
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, &alloc);
    static const char *const inputs[] = { "a", "b", "c", "d", "e", "f", "g" };
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++)
        add_input(model, inputs[k], KS_RULE_SUM);
    define(model, "x", "a + b", KS_RULE_SUM);
    define(model, "y", "x * 2", KS_RULE_SUM);
    define(model, "z", "y - 1", KS_RULE_SUM);
    define(model, "w", "c * 3", KS_RULE_SUM);
    add_input(model, "flow", KS_RULE_SUM);
    add_input(model, "cash_end", KS_RULE_LAST); /* its formula below */
    define(model, "cash_begin", "cash_end[-1]", KS_RULE_LAST);
    define(model, "cash_end", "cash_begin + flow", KS_RULE_LAST);
    define(model, "many", "a + d + e + f + g", KS_RULE_SUM);
    static const char *const quarters[] = { "1Q02", "2Q02", "3Q02", "4Q02" };
    for (int k = 0; k < 4; k++) {
        char name[16];
        snprintf(name, sizeof name, "b@%s", quarters[k]);
        report(model, name, 10);
        if (k < 3) {
            snprintf(name, sizeof name, "a@%s", quarters[k]);
            report(model, name, k + 1);
        }
    }
    report(model, "cash_begin@1Q01", 0);
    for (int year = 1; year <= 2; year++)
        for (int k = 0; k < 4; k++) {
            if (year == 2 && (k == 1 || k == 3))
                continue;
            char name[16];
            snprintf(name, sizeof name, "flow@%dQ0%d", k + 1, year);
            report(model, name, 1);
        }
    report(model, "c@FY02", 100);
    report(model, "c@1Q02", 20);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
    return 0;
}

static const char *reason_in(ks_model *in, const char *name)
{
    static char buf[512];
    ks_cell_ref ref = cell(in, name);
    ks_error err;
    if (ks_missing_reason(in, ref.item, ref.period, buf, sizeof buf, &err) !=
        KS_OK)
        fail_msg("reason %s: %s", name, err.message);
    return buf;
}

static const char *reason(const char *name)
{
    return reason_in(model, name);
}

static void test_formula_names_its_missing_input(void **state)
{
    (void)state;
    assert_string_equal(reason("x@4Q02"), "missing: a@4Q02 has no value");
}

static void test_chain_several_deep(void **state)
{
    (void)state;
    assert_string_equal(reason("z@4Q02"), "missing: a@4Q02 has no value");
}

static void test_sum_over_quarters(void **state)
{
    (void)state;
    assert_string_equal(reason("a@FY02"), "missing: a@4Q02 has no value");
    assert_string_equal(reason("x@2H02"), "missing: a@4Q02 has no value");
    assert_string_equal(reason("z@FY02"), "missing: a@4Q02 has no value");
}

static void test_quarters_that_cannot_be_implied(void **state)
{
    (void)state;
    assert_string_equal(reason("w@4Q02"), "missing: c@4Q02 has no value");
    assert_string_equal(reason("c@2H02"),
                        "missing: c@3Q02 has no value, c@4Q02 has no value");
}

static void test_chain_back_through_earlier_periods(void **state)
{
    (void)state;
    assert_string_equal(reason("cash_end@4Q02"),
                        "missing: flow@2Q02 has no value, "
                        "flow@4Q02 has no value");
    assert_string_equal(reason("cash_end@2Q02"),
                        "missing: flow@2Q02 has no value");
}

static void test_three_named_and_the_rest_counted(void **state)
{
    (void)state;
    assert_string_equal(reason("many@4Q02"),
                        "missing: a@4Q02 has no value, d@4Q02 has no value, "
                        "e@4Q02 has no value and 2 more");
}

static void test_input_set_missing_says_so(void **state)
{
    (void)state;
    ks_cell_ref ref = cell(model, "b@2Q02");
    assert_int_equal(ks_set_missing(model, ref.item, ref.period, NULL), KS_OK);
    assert_string_equal(reason("b@2Q02"), "missing: b@2Q02 was set missing");
    assert_string_equal(reason("y@2Q02"), "missing: b@2Q02 was set missing");
    report(model, "b@2Q02", 10);
    assert_string_equal(reason("y@2Q02"), "");
}

static void test_scenario_override_set_missing(void **state)
{
    (void)state;
    ks_model *scenario = NULL;
    assert_int_equal(ks_scenario_new(model, "gap", &scenario, NULL), KS_OK);
    ks_cell_ref ref = cell(scenario, "b@3Q02");
    assert_int_equal(ks_set_missing(scenario, ref.item, ref.period, NULL),
                     KS_OK);
    assert_string_equal(reason_in(scenario, "z@3Q02"),
                        "missing: b@3Q02 was set missing");
    assert_string_equal(reason_in(scenario, "z@FY02"),
                        "missing: a@4Q02 has no value, "
                        "b@3Q02 was set missing");
    assert_string_equal(reason("z@3Q02"), "");
    ks_model_free(scenario);
}

/* what goal seek and tornado add after "x is missing": nothing when the
 * cell itself holds nothing, else the reason */
static void test_beyond_the_cell_itself(void **state)
{
    (void)state;
    char buf[256];
    ks_cell_ref a = cell(model, "a@4Q02"), x = cell(model, "x@4Q02");
    assert_int_equal(ks_missing_reason_beyond(model, a.item, a.period, buf,
                                              sizeof buf, NULL),
                     KS_OK);
    assert_string_equal(buf, "");
    assert_int_equal(ks_missing_reason_beyond(model, x.item, x.period, buf,
                                              sizeof buf, NULL),
                     KS_OK);
    assert_string_equal(buf, "missing: a@4Q02 has no value");
}

static void test_not_missing_is_empty(void **state)
{
    (void)state;
    assert_string_equal(reason("x@1Q02"), "");
}

static void test_short_buffer_is_cut_and_terminated(void **state)
{
    (void)state;
    char buf[12];
    ks_cell_ref ref = cell(model, "many@4Q02");
    assert_int_equal(
        ks_missing_reason(model, ref.item, ref.period, buf, sizeof buf, NULL),
        KS_OK);
    assert_string_equal(buf, "missing: a@");
}

static void test_every_failed_allocation(void **state)
{
    (void)state;
    static const char *const names[] = { "z@FY02", "many@4Q02",
                                         "cash_end@4Q02" };
    for (size_t c = 0; c < sizeof names / sizeof *names; c++) {
        char wanted[512];
        snprintf(wanted, sizeof wanted, "%s", reason(names[c]));
        ks_cell_ref ref = cell(model, names[c]);
        long live = counts.live;
        int completed = 0;
        for (long n = 1; n < 2000 && !completed; n++) {
            char buf[512];
            ks_error err;
            test_alloc_arm(&counts, n, 0);
            ks_status status = ks_missing_reason(model, ref.item, ref.period,
                                                 buf, sizeof buf, &err);
            int failed = counts.failed;
            test_alloc_disarm(&counts);
            if (!failed) {
                assert_int_equal(status, KS_OK);
                assert_string_equal(buf, wanted);
                completed = 1;
            } else if (status != KS_ENOMEM) {
                fail_msg("%s, allocation %ld: %s", names[c], n, err.message);
            }
            assert_int_equal(counts.live, live);
        }
        assert_true(completed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_names_its_missing_input),
        cmocka_unit_test(test_chain_several_deep),
        cmocka_unit_test(test_sum_over_quarters),
        cmocka_unit_test(test_quarters_that_cannot_be_implied),
        cmocka_unit_test(test_chain_back_through_earlier_periods),
        cmocka_unit_test(test_three_named_and_the_rest_counted),
        cmocka_unit_test(test_input_set_missing_says_so),
        cmocka_unit_test(test_scenario_override_set_missing),
        cmocka_unit_test(test_beyond_the_cell_itself),
        cmocka_unit_test(test_not_missing_is_empty),
        cmocka_unit_test(test_short_buffer_is_cut_and_terminated),
        cmocka_unit_test(test_every_failed_allocation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
