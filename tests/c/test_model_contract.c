/*
 * test_model_contract.c -- what the model's public calls refuse and how
 * they say it: calendars out of range, ids that are not ids or too long,
 * items and formulas added to a scenario, formulas that name themselves,
 * cells out of range and cell names without '@', settings without a key;
 * the description of every fault a cell can begin; an error message that
 * a long prefix would overflow; the names of statuses and provenances;
 * and growing the calendar (ks_model_extend): values kept, new periods
 * computed, refused on a scenario or a shared model, unchanged when out
 * of memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/test_alloc.h"
#include "kessan/kessan.h"

static ks_model *new_model(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_new(&calendar, alloc, &model, &err) != KS_OK)
        fail_msg("new: %s", err.message);
    return model;
}

static ks_item_info item_info(const char *id)
{
    ks_item_info info = { id, id, NULL, "JPY", "is", NULL, NULL,
                          KS_RULE_SUM };
    return info;
}

static void add(ks_model *model, const char *id, const char *formula)
{
    ks_item_info info = item_info(id);
    info.formula = formula;
    ks_error err;
    if (ks_item_add(model, &info, NULL, &err) != KS_OK)
        fail_msg("add %s: %s", id, err.message);
}

static int at(ks_model *model, const char *period)
{
    int found = -1;
    ks_error err;
    if (ks_period_lookup(model, period, &found, &err) != KS_OK)
        fail_msg("%s: %s", period, err.message);
    return found;
}

static void put(ks_model *model, const char *id, const char *period,
                double number)
{
    ks_error err;
    if (ks_set(model, ks_item_find(model, id), at(model, period), number,
               &err) != KS_OK)
        fail_msg("set %s@%s: %s", id, period, err.message);
}

static ks_value get(ks_model *model, const char *id, const char *period)
{
    ks_value value;
    ks_error err;
    if (ks_get(model, ks_item_find(model, id), at(model, period), &value,
               &err) != KS_OK)
        fail_msg("get %s@%s: %s", id, period, err.message);
    return value;
}

/* `status` returned, and a message containing `words`. */
static void expect(ks_status got, const ks_error *err, ks_status status,
                   const char *words)
{
    if (got != status)
        fail_msg("%s instead of %s: %s", ks_status_name(got),
                 ks_status_name(status), err->message);
    if (!strstr(err->message, words))
        fail_msg("'%s' does not say '%s'", err->message, words);
}

/* ---- calendars ------------------------------------------------------------- */

static void expect_calendar_refused(int month, int first, int last,
                                    const char *words)
{
    ks_calendar calendar = { month, first, last };
    ks_model *model = (ks_model *)&calendar;
    ks_error err;
    expect(ks_model_new(&calendar, NULL, &model, &err), &err, KS_EINVAL,
           words);
    assert_null(model);
}

static void test_calendars_out_of_range(void **state)
{
    (void)state;
    ks_model *model = (ks_model *)&model;
    ks_error err;
    expect(ks_model_new(NULL, NULL, &model, &err), &err, KS_EINVAL,
           "no calendar given");
    assert_null(model);
    expect_calendar_refused(0, 2001, 2002, "fiscal year end month 0 is not "
                                           "1..12");
    expect_calendar_refused(13, 2001, 2002, "month 13 is not 1..12");
    expect_calendar_refused(3, 1899, 2002, "fiscal years 1899..2002 are not "
                                           "a range of years between 1900 "
                                           "and 2999");
    expect_calendar_refused(3, 2001, 3000, "fiscal years 2001..3000");
    expect_calendar_refused(3, 2002, 2001, "fiscal years 2002..2001");
    expect_calendar_refused(3, 1950, 2060, "span 111 years");
    /* the widest: 100 years, and the edges of the range */
    ks_calendar widest = { 12, 1900, 1999 };
    assert_int_equal(ks_model_new(&widest, NULL, &model, &err), KS_OK);
    assert_int_equal(ks_period_count(model), 100 * 8);
    ks_model_free(model);
    ks_calendar last = { 1, 2999, 2999 };
    assert_int_equal(ks_model_new(&last, NULL, &model, &err), KS_OK);
    ks_model_free(model);
}

/* ---- items and formulas ------------------------------------------------------ */

static void expect_id_refused(ks_model *model, const char *id,
                              ks_status status, const char *words)
{
    ks_item_info info = item_info(id);
    int count = ks_item_count(model);
    ks_error err;
    expect(ks_item_add(model, &info, NULL, &err), &err, status, words);
    assert_int_equal(ks_item_count(model), count);
}

static void test_ids_that_are_not_ids(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "rev.total", NULL);
    expect_id_refused(model, NULL, KS_EINVAL, "bad item id ''");
    expect_id_refused(model, "", KS_EINVAL, "bad item id ''");
    expect_id_refused(model, "Rev", KS_EINVAL, "bad item id 'Rev' (expected "
                                               "lowercase dotted words");
    expect_id_refused(model, "1q", KS_EINVAL, "bad item id '1q'");
    expect_id_refused(model, "rev..total", KS_EINVAL, "'rev..total'");
    expect_id_refused(model, "rev.", KS_EINVAL, "'rev.'");
    expect_id_refused(model, "rev-total", KS_EINVAL, "'rev-total'");
    expect_id_refused(model, "rev.total", KS_EDUP,
                      "item 'rev.total' already exists");
    char longest[KS_NAME_MAX + 2];
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    expect_id_refused(model, longest, KS_EINVAL,
                      "is too long (256 bytes; at most 255)");
    longest[KS_NAME_MAX] = '\0'; /* 255 bytes: taken */
    add(model, longest, NULL);
    assert_int_equal(ks_item_find(model, longest), 1);

    ks_error err;
    expect(ks_item_add(model, NULL, NULL, &err), &err, KS_EINVAL,
           "no item given");
    ks_item_info bad_rule = item_info("ratio");
    bad_rule.rule = (ks_rule)7;
    expect(ks_item_add(model, &bad_rule, NULL, &err), &err, KS_EINVAL,
           "item 'ratio': bad summary rule");
    assert_int_equal(ks_item_find(model, "ratio"), -1);

    int item = 99;
    expect(ks_item_lookup(model, NULL, &item, &err), &err, KS_EINVAL,
           "no item id given");
    assert_int_equal(item, 99);
    assert_int_equal(ks_item_find(model, NULL), -1);
    ks_item_info info;
    assert_int_equal(ks_item_get(model, -1, &info), KS_EINVAL);
    assert_int_equal(ks_item_get(model, 2, &info), KS_EINVAL);
    ks_model_free(model);
}

static void test_an_item_added_with_its_formula(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "a", NULL);
    add(model, "b", "a * 2");
    put(model, "a", "3Q02", 21);
    assert_true(get(model, "b", "3Q02").number == 42);
    ks_item_info info;
    assert_int_equal(ks_item_get(model, 1, &info), KS_OK);
    assert_string_equal(info.formula, "a * 2");
    /* a formula that does not compile: the item is there, without it */
    ks_item_info broken = item_info("c");
    broken.formula = "a +";
    ks_error err;
    expect(ks_item_add(model, &broken, NULL, &err), &err, KS_ESYNTAX,
           "formula of 'c'");
    ks_model_free(model);
}

static void test_formulas_that_name_themselves(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    ks_item_info info = item_info("cash");
    ks_error err;
    static const char *const cycles[] = { "cash + 1", "cash[1]",
                                          "cash@FY01", "cash[-4]@FY02" };
    for (size_t i = 0; i < sizeof cycles / sizeof *cycles; i++) {
        expect(ks_define(model, "cash", cycles[i], &info, &err), &err,
               KS_ECYCLE,
               "formula of 'cash' would make a cycle: cash -> cash");
        assert_int_equal(ks_item_find(model, "cash"), -1);
    }
    /* its own earlier value is a roll-forward, not a cycle */
    assert_int_equal(ks_define(model, "cash", "cash[-1] + 1", &info, &err),
                     KS_OK);
    ks_model_free(model);
}

static void test_scenarios_hold_no_items_or_formulas(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "a", NULL);
    ks_model *high = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "high", &high, &err), KS_OK);
    ks_item_info info = item_info("b");
    expect(ks_item_add(high, &info, NULL, &err), &err, KS_EMISUSE,
           "items belong to the base model, not to scenario 'high'");
    expect(ks_define(high, "a", "1", NULL, &err), &err, KS_EMISUSE,
           "formulas belong to the base model, not to scenario 'high'");
    assert_int_equal(ks_item_count(model), 1);
    ks_item_get(model, 0, &info);
    assert_null(info.formula);
    ks_model_free(high);
    ks_model_free(model);
}

/* ---- cells ---------------------------------------------------------------------- */

static void test_cells_out_of_range(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "a", NULL);
    ks_value value;
    ks_error err;
    expect(ks_get(model, -1, 0, &value, &err), &err, KS_EINVAL,
           "item index -1 out of range");
    expect(ks_get(model, 1, 0, &value, &err), &err, KS_EINVAL,
           "item index 1 out of range");
    expect(ks_get(model, 0, -1, &value, &err), &err, KS_ERANGE,
           "period index -1 out of range");
    expect(ks_get(model, 0, 16, &value, &err), &err, KS_ERANGE,
           "period index 16 out of range");
    expect(ks_set(model, 0, 16, 1, &err), &err, KS_ERANGE,
           "period index 16 out of range");
    assert_false(ks_is_input(model, -1, 0));
    assert_false(ks_is_input(model, 0, 16));
    assert_false(ks_is_input(model, 5, 0));

    int item = -7, period = -7;
    expect(ks_cell_lookup(model, "a", &item, &period, &err), &err,
           KS_ESYNTAX, "bad cell 'a' (expected id@PERIOD like "
                       "rev.total@3Q02)");
    expect(ks_cell_lookup(model, NULL, &item, &period, &err), &err,
           KS_ESYNTAX, "bad cell ''");
    expect(ks_cell_lookup(model, "b@3Q02", &item, &period, &err), &err,
           KS_EUNKNOWN, "unknown item 'b'");
    expect(ks_cell_lookup(model, "a@5Q02", &item, &period, &err), &err,
           KS_ESYNTAX, "5Q02");
    assert_int_equal(item, -7);
    assert_int_equal(period, -7);
    assert_int_equal(ks_cell_lookup(model, "a@FY02", &item, &period, &err),
                     KS_OK);
    assert_int_equal(item, 0);
    assert_int_equal(ks_period_kind_of(model, period), KS_YEAR);
    ks_model_free(model);
}

/* ---- the errors a cell can begin ---------------------------------------------------- */

static void expect_fault(ks_model *model, const char *id, const char *period,
                         const char *text)
{
    ks_value value = get(model, id, period);
    assert_int_equal(value.kind, KS_ERROR);
    if (strcmp(value.error, text) != 0)
        fail_msg("%s@%s: '%s', expected '%s'", id, period, value.error, text);
}

static void test_every_fault_is_described(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "a", NULL);
    add(model, "zero", NULL);
    add(model, "ratio", "a / zero");
    add(model, "root", "(0 - a) ^ 0.5");
    add(model, "huge", "a * 1e308");
    add(model, "before", "a[-1]");
    add(model, "after", "a[1]");
    add(model, "half", "a[-1]");
    put(model, "a", "1Q01", 4);
    put(model, "zero", "1Q01", 0);
    put(model, "a", "4Q02", 4);
    expect_fault(model, "ratio", "1Q01", "division by zero in ratio@1Q01");
    expect_fault(model, "root", "1Q01", "not a number in root@1Q01");
    expect_fault(model, "huge", "1Q01", "overflow in huge@1Q01");
    expect_fault(model, "before", "1Q01",
                 "offset before the first period in before@1Q01");
    expect_fault(model, "after", "4Q02",
                 "offset past the last period in after@4Q02");
    /* a year shifted by a quarter is no year */
    expect_fault(model, "half", "FY02",
                 "offset lands on no period of that length in half@FY02");
    /* an error read elsewhere keeps its origin */
    ks_define(model, "next", "ratio + 1", &(ks_item_info){ "next", "next",
              NULL, "JPY", "is", NULL, NULL, KS_RULE_SUM }, NULL);
    expect_fault(model, "next", "1Q01", "division by zero in ratio@1Q01");
    ks_model_free(model);
}

/* ---- messages ------------------------------------------------------------------- */

static void test_a_long_prefix_is_cut_at_the_message_size(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    char id[KS_NAME_MAX + 1];
    memset(id, 'q', KS_NAME_MAX);
    id[KS_NAME_MAX] = '\0';
    /* an unknown id in a long formula of a long id: the message would be
     * longer than it can be */
    char formula[700];
    memset(formula, 'z', sizeof formula - 1);
    formula[sizeof formula - 1] = '\0';
    ks_item_info info = item_info(id);
    ks_error err;
    assert_int_equal(ks_define(model, id, formula, &info, &err), KS_EUNKNOWN);
    assert_int_equal(strlen(err.message), KS_MESSAGE_MAX - 1);
    char start[300];
    snprintf(start, sizeof start, "formula of '%s': ", id);
    assert_memory_equal(err.message, start, strlen(start));
    assert_int_equal(ks_item_find(model, id), -1);
    ks_model_free(model);
}

static void test_names_of_statuses_and_provenances(void **state)
{
    (void)state;
    static const char *const names[] = {
        "OK",      "ENOMEM", "EINVAL",   "ESYNTAX", "EUNKNOWN",
        "ECYCLE",  "EDUP",   "EFORMAT",  "EIO",     "ERANGE",
        "EMISUSE", "ENOSOLVE", "ECHECK", "EINTERRUPTED"
    };
    for (int s = KS_OK; s <= KS_EINTERRUPTED; s++)
        assert_string_equal(ks_status_name((ks_status)s), names[s]);
    assert_string_equal(ks_status_name((ks_status)(KS_EINTERRUPTED + 1)),
                        "EUNKNOWNSTATUS");
    assert_string_equal(ks_status_name((ks_status)-1), "EUNKNOWNSTATUS");
    assert_string_equal(ks_provenance_name(KS_PROV_NONE), "none");
    assert_string_equal(ks_provenance_name(KS_PROV_REPORTED), "reported");
    assert_string_equal(ks_provenance_name(KS_PROV_COMPUTED), "computed");
    assert_string_equal(ks_provenance_name(KS_PROV_IMPLIED), "implied");
    assert_string_equal(ks_provenance_name(KS_PROV_OVERRIDDEN),
                        "overridden");
    assert_string_equal(ks_provenance_name((ks_provenance)42), "none");
}

/* ---- settings -------------------------------------------------------------------- */

static void test_settings_need_a_key_and_a_value(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = new_model(&alloc);
    ks_error err;
    expect(ks_setting_set(model, NULL, "x", &err), &err, KS_EINVAL,
           "a setting needs a key and value");
    expect(ks_setting_set(model, "", "x", &err), &err, KS_EINVAL,
           "a setting needs a key and value");
    expect(ks_setting_set(model, "name", NULL, &err), &err, KS_EINVAL,
           "a setting needs a key and value");
    assert_int_equal(ks_setting_count(model), 0);
    assert_null(ks_setting(model, NULL));
    const char *key = "untouched", *value = "untouched";
    assert_int_equal(ks_setting_at(model, 0, &key, &value), KS_EINVAL);
    assert_int_equal(ks_setting_at(model, -1, &key, &value), KS_EINVAL);
    assert_string_equal(key, "untouched");

    assert_int_equal(ks_setting_set(model, "name", "IIJ", &err), KS_OK);
    assert_int_equal(ks_setting_set(model, "name", "Internet Initiative",
                                    &err), KS_OK);
    assert_int_equal(ks_setting_count(model), 1);
    assert_string_equal(ks_setting(model, "name"), "Internet Initiative");

    /* out of memory at each step: the settings as they were */
    for (long n = 1;; n++) {
        test_alloc_arm(&counts, n, 0);
        ks_status status = ks_setting_set(model, "rate.USD", "120", &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        if (!failed) {
            assert_true(n > 2); /* the value, the key, and room for them */
            assert_int_equal(status, KS_OK);
            assert_string_equal(ks_setting(model, "rate.USD"), "120");
            break;
        }
        expect(status, &err, KS_ENOMEM, "out of memory setting 'rate.USD'");
        assert_int_equal(ks_setting_count(model), 1);
        assert_null(ks_setting(model, "rate.USD"));
    }
    test_alloc_arm(&counts, 1, 0);
    expect(ks_setting_set(model, "name", "x", &err), &err, KS_ENOMEM,
           "out of memory setting 'name'");
    test_alloc_disarm(&counts);
    assert_string_equal(ks_setting(model, "name"), "Internet Initiative");
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
}

/* ---- growing the calendar ----------------------------------------------------------- */

static void test_the_calendar_grows_and_keeps_values(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "a", NULL);
    add(model, "growth", "a - a[-4]");
    put(model, "a", "3Q02", 120);
    put(model, "a", "3Q01", 100);
    assert_true(get(model, "growth", "3Q02").number == 20);
    ks_error err;
    int period = 0;
    expect(ks_period_lookup(model, "3Q03", &period, &err), &err, KS_ERANGE,
           "3Q03");

    assert_int_equal(ks_model_extend(model, 2004, &err), KS_OK);
    assert_int_equal(ks_model_calendar(model).last_year, 2004);
    assert_int_equal(ks_period_count(model), 4 * 8);
    assert_true(get(model, "a", "3Q02").number == 120);
    assert_int_equal(get(model, "a", "3Q02").provenance, KS_PROV_OVERRIDDEN);
    assert_true(get(model, "growth", "3Q02").number == 20);
    assert_int_equal(get(model, "a", "3Q03").kind, KS_MISSING);
    put(model, "a", "3Q03", 150);
    assert_true(get(model, "growth", "3Q03").number == 30);
    put(model, "a", "1Q03", 10);
    put(model, "a", "2Q03", 10);
    put(model, "a", "4Q03", 10);
    assert_true(get(model, "a", "FY03").number == 180);
    /* a year already held: nothing to do */
    assert_int_equal(ks_model_extend(model, 2003, &err), KS_OK);
    assert_int_equal(ks_period_count(model), 4 * 8);
    /* beyond the calendar's range: refused, as a new model would be */
    expect(ks_model_extend(model, 3000, &err), &err, KS_EINVAL,
           "fiscal years 2001..3000");
    expect(ks_model_extend(model, 2101, &err), &err, KS_EINVAL,
           "span 101 years");
    assert_int_equal(ks_model_calendar(model).last_year, 2004);
    ks_model_free(model);
}

static void test_the_calendar_grows_only_alone(void **state)
{
    (void)state;
    ks_model *model = new_model(NULL);
    add(model, "a", NULL);
    ks_model *low = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "low", &low, &err), KS_OK);
    expect(ks_model_extend(low, 2005, &err), &err, KS_EMISUSE,
           "the calendar can only grow on a base model with no scenarios");
    expect(ks_model_extend(model, 2005, &err), &err, KS_EMISUSE,
           "with no scenarios");
    assert_int_equal(ks_period_count(model), 16);
    ks_model_free(low);
    assert_int_equal(ks_model_extend(model, 2005, &err), KS_OK);
    assert_int_equal(ks_period_count(model), 5 * 8);
    ks_model_free(model);
}

static void test_the_calendar_unchanged_when_out_of_memory(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = new_model(&alloc);
    add(model, "a", NULL);
    add(model, "b", "a * 2");
    put(model, "a", "1Q02", 5);
    int failures = 0;
    for (long n = 1; n < 50; n++) {
        test_alloc_arm(&counts, n, 0);
        ks_error err;
        ks_status status = ks_model_extend(model, 2003, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        if (!failed) {
            assert_int_equal(status, KS_OK);
            break;
        }
        failures++;
        expect(status, &err, KS_ENOMEM,
               "out of memory extending the calendar");
        assert_int_equal(ks_period_count(model), 16);
        assert_int_equal(ks_model_calendar(model).last_year, 2002);
        assert_true(get(model, "b", "1Q02").number == 10);
    }
    assert_true(failures > 0);
    assert_int_equal(ks_period_count(model), 24);
    assert_true(get(model, "b", "1Q02").number == 10);
    assert_true(get(model, "a", "1Q02").number == 5);
    assert_true(ks_is_input(model, 0, at(model, "1Q02")));
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendars_out_of_range),
        cmocka_unit_test(test_ids_that_are_not_ids),
        cmocka_unit_test(test_an_item_added_with_its_formula),
        cmocka_unit_test(test_formulas_that_name_themselves),
        cmocka_unit_test(test_scenarios_hold_no_items_or_formulas),
        cmocka_unit_test(test_cells_out_of_range),
        cmocka_unit_test(test_every_fault_is_described),
        cmocka_unit_test(test_a_long_prefix_is_cut_at_the_message_size),
        cmocka_unit_test(test_names_of_statuses_and_provenances),
        cmocka_unit_test(test_settings_need_a_key_and_a_value),
        cmocka_unit_test(test_the_calendar_grows_and_keeps_values),
        cmocka_unit_test(test_the_calendar_grows_only_alone),
        cmocka_unit_test(test_the_calendar_unchanged_when_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
