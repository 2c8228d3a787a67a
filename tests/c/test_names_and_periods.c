/*
 * test_names_and_periods.c -- looking things up by name or index where
 * the name or index is not one: period ids malformed, in lower case, with
 * four-digit years or outside the calendar; period indexes out of range
 * for ids, shifts and the time order; saved scenarios looked up with no
 * name, a near name, a far one (listing the saved names, cut to what the
 * message holds) or in a model with none; scenario handles with no name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"

static ks_model *model;

static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, NULL);
    add_input(model, "a", KS_RULE_SUM);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static void expect_period_refused(const char *id, ks_status status,
                                  const char *message)
{
    int period = -7;
    ks_error err;
    ks_status got = ks_period_lookup(model, id, &period, &err);
    if (got != status || strcmp(err.message, message) != 0)
        fail_msg("'%s': %s '%s'\nwanted %s '%s'", id ? id : "(null)",
                 ks_status_name(got), err.message, ks_status_name(status),
                 message);
    assert_int_equal(period, -7);
}

/* ---- periods --------------------------------------------------------------- */

static void test_period_ids(void **state)
{
    (void)state;
    int period = -1;
    ks_error err;
    char buf[16];
    assert_int_equal(ks_period_lookup(model, "3q02", &period, &err), KS_OK);
    assert_string_equal(ks_period_id(model, period, buf, sizeof buf), "3Q02");
    assert_int_equal(ks_period_lookup(model, "fy2001", &period, &err), KS_OK);
    assert_string_equal(ks_period_id(model, period, buf, sizeof buf), "FY01");
    assert_int_equal(ks_period_year(model, period), 2001);
    assert_int_equal(ks_period_quarter(model, period), 4);

    expect_period_refused(NULL, KS_ESYNTAX, "bad period '' (expected an id "
                                            "like 3Q02, 1H02, 9M02 or FY02)");
    expect_period_refused("", KS_ESYNTAX, "bad period '' (expected an id "
                                          "like 3Q02, 1H02, 9M02 or FY02)");
    expect_period_refused("3Q2", KS_ESYNTAX, "bad period '3Q2' (expected an "
                                             "id like 3Q02, 1H02, 9M02 or "
                                             "FY02)");
    expect_period_refused("3Q002", KS_ESYNTAX, "bad period '3Q002' (expected "
                                               "an id like 3Q02, 1H02, 9M02 "
                                               "or FY02)");
    expect_period_refused("3Q0a", KS_ESYNTAX, "bad period '3Q0a' (expected "
                                              "an id like 3Q02, 1H02, 9M02 "
                                              "or FY02)");
    expect_period_refused("5Q02", KS_ESYNTAX, "bad period '5Q02' (expected "
                                              "an id like 3Q02, 1H02, 9M02 "
                                              "or FY02)");
    expect_period_refused("FY1999", KS_ERANGE, "period 'FY1999' is outside "
                                               "the model's calendar "
                                               "(FY01..FY02)");
    expect_period_refused("9M03", KS_ERANGE, "period '9M03' is outside the "
                                             "model's calendar (FY01..FY02)");
}

static void test_period_indexes_out_of_range(void **state)
{
    (void)state;
    int count = ks_period_count(model);
    assert_int_equal(count, 16);
    char buf[16] = "unchanged";
    assert_string_equal(ks_period_id(model, -1, buf, sizeof buf), "?");
    assert_string_equal(ks_period_id(model, count, buf, sizeof buf), "?");
    assert_string_equal(ks_period_id(model, 0, NULL, 8), "");
    strcpy(buf, "unchanged");
    assert_string_equal(ks_period_id(model, 0, buf, 0), "");
    assert_string_equal(buf, "unchanged");
    /* an id cut to the buffer */
    assert_string_equal(ks_period_id(model, 0, buf, 3), "1Q");
    assert_int_equal(ks_period_at(model, -1), -1);
    assert_int_equal(ks_period_at(model, count), -1);
    assert_int_equal(ks_period_shift(model, -1, 1), -1);
    assert_int_equal(ks_period_shift(model, count, -1), -1);
    /* the first quarter shifted back, the last forward: none */
    assert_int_equal(ks_period_shift(model, 0, -1), -1);
    int last = -1;
    ks_error err;
    assert_int_equal(ks_period_lookup(model, "4Q02", &last, &err), KS_OK);
    assert_int_equal(ks_period_shift(model, last, 1), -1);
    int year_before = -1;
    assert_int_equal(ks_period_lookup(model, "4Q01", &year_before, &err),
                     KS_OK);
    assert_int_equal(ks_period_shift(model, last, -4), year_before);
}

/* ---- saved scenarios ------------------------------------------------------------ */

static void save(const char *name, double number)
{
    ks_model *scenario = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, name, &scenario, &err), KS_OK);
    assert_int_equal(ks_set(scenario, 0, 0, number, &err), KS_OK);
    assert_int_equal(ks_scenario_save(scenario, &err), KS_OK);
    ks_model_free(scenario);
}

static void expect_lookup(const char *name, ks_status status,
                          const char *message)
{
    int index = 5;
    ks_error err;
    ks_status got = ks_saved_scenario_lookup(model, name, &index, &err);
    if (got != status || strcmp(err.message, message) != 0)
        fail_msg("'%s': %s '%s'\nwanted %s '%s'", name ? name : "(null)",
                 ks_status_name(got), err.message, ks_status_name(status),
                 message);
    assert_int_equal(index, -1);
}

static void test_saved_scenarios_by_name(void **state)
{
    (void)state;
    expect_lookup("high", KS_EUNKNOWN,
                  "no scenario 'high' (the model has no saved scenarios)");
    expect_lookup(NULL, KS_EINVAL, "no scenario name given");
    save("high", 1);
    save("low", 2);
    expect_lookup("hihg", KS_EUNKNOWN,
                  "no scenario 'hihg' (did you mean 'high'?)");
    expect_lookup("downside", KS_EUNKNOWN,
                  "no scenario 'downside' (saved: high, low)");
    int index = -1;
    ks_error err;
    assert_int_equal(ks_saved_scenario_lookup(model, "low", &index, &err),
                     KS_OK);
    assert_int_equal(index, 1);
    assert_null(ks_saved_scenario_name(model, -1));
    assert_null(ks_saved_scenario_name(model, 2));
    assert_string_equal(ks_saved_scenario_name(model, 0), "high");
}

static void test_a_long_list_of_saved_names_is_cut(void **state)
{
    (void)state;
    char name[80];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "scenario-%02d-with-a-rather-long-name-"
                                    "that-goes-on", i);
        save(name, i);
    }
    int index = 0;
    ks_error err;
    assert_int_equal(ks_saved_scenario_lookup(model, "q", &index, &err),
                     KS_EUNKNOWN);
    const char *start = "no scenario 'q' (saved: scenario-00-with-a-rather-"
                        "long-name-that-goes-on, scenario-01-";
    assert_memory_equal(err.message, start, strlen(start));
    /* the list is cut at its 255 bytes, then the message is closed */
    const char *list = err.message + strlen("no scenario 'q' (saved: ");
    assert_int_equal(strlen(list), 255 + strlen(")"));
    assert_string_equal(err.message + strlen(err.message) - 1, ")");
}

static void test_scenarios_need_a_name(void **state)
{
    (void)state;
    ks_model *scenario = (ks_model *)&scenario;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, NULL, &scenario, &err),
                     KS_EINVAL);
    assert_string_equal(err.message, "a scenario needs a name");
    assert_null(scenario);
    scenario = (ks_model *)&scenario;
    assert_int_equal(ks_scenario_new(model, "", &scenario, &err), KS_EINVAL);
    assert_string_equal(err.message, "a scenario needs a name");
    assert_null(scenario);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_period_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_period_indexes_out_of_range,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_saved_scenarios_by_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_long_list_of_saved_names_is_cut,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_scenarios_need_a_name, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
