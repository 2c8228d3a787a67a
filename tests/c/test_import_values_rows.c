/*
 * test_import_values_rows.c -- importing a values file with a scenario
 * column (ks_import_values) when it is written wrong: a provenance that
 * is not an input's, a header with an unknown column, a column twice or
 * one missing, a row with too few fields, a scenario name too long, a
 * value that is not a number (long ones cut with "..."), a cell given
 * twice in one scenario (the second occurrence earliest in the file is
 * the one named); each refused with the file, line and column, and the
 * model, its inputs and its saved scenarios exactly as they were.  Also
 * exporting saved scenarios to no path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_files.h"
#include "kessan/kessan.h"

static char path[600];

static ks_model *new_model(void)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    add_input(model, "a", KS_RULE_SUM);
    add_input(model, "b", KS_RULE_SUM);
    write_file(path, "item,period,value,scenario\n"
                     "a,3Q02,1,\n"
                     "a,3Q02,2,high\n");
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    return model;
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "%s/rows.csv", KESSAN_TEST_TMP);
    return 0;
}

static double input_of(ks_model *model, const char *cell)
{
    int item, period;
    ks_value value;
    ks_error err;
    assert_int_equal(ks_cell_lookup(model, cell, &item, &period, &err), KS_OK);
    assert_int_equal(ks_get(model, item, period, &value, &err), KS_OK);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

/* The model as new_model() made it: a@3Q02 = 1, and "high" with a@3Q02 = 2. */
static void expect_unchanged(ks_model *model)
{
    assert_true(input_of(model, "a@3Q02") == 1);
    assert_int_equal(ks_saved_scenario_count(model), 1);
    assert_string_equal(ks_saved_scenario_name(model, 0), "high");
    ks_model *high = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "high", &high, &err), KS_OK);
    assert_true(input_of(high, "a@3Q02") == 2);
    int item, period;
    assert_int_equal(ks_cell_lookup(model, "b@3Q02", &item, &period, &err),
                     KS_OK);
    assert_false(ks_is_input(high, item, period));
    assert_false(ks_is_input(model, item, period));
    ks_model_free(high);
}

/* `text` written to the file and imported: refused with `status` and a
 * message "<path>:<where>". */
static void expect_refused(const char *text, ks_status status,
                           const char *where)
{
    ks_model *model = new_model();
    write_file(path, text);
    ks_error err;
    ks_status got = ks_import_values(model, path, KS_PROV_OVERRIDDEN, &err);
    char want[900];
    snprintf(want, sizeof want, "%s:%s", path, where);
    if (got != status || strcmp(err.message, want) != 0)
        fail_msg("%s: '%s'\nwanted %s: '%s'", ks_status_name(got),
                 err.message, ks_status_name(status), want);
    expect_unchanged(model);
    ks_model_free(model);
}

static void test_headers(void **state)
{
    (void)state;
    /* a column of one's own ("colour") is skipped; a near miss of one of
     * the long form's is refused */
    expect_refused("item,period,value,scenario,valeu\n", KS_EFORMAT,
                   "1:28: unknown column 'valeu' (did you mean 'value'?)");
    expect_refused("item,period,value,scenario, scenario\n", KS_EFORMAT,
                   "1:28: second column 'scenario' (expected item, period, "
                   "value and scenario once each)");
    expect_refused("item,value,scenario\nb,3,high\n", KS_EFORMAT,
                   "1: no 'period' column (the long form's header is "
                   "item,period,value)");
}

static void test_rows(void **state)
{
    (void)state;
    expect_refused("item,period,value,scenario\nb,3Q02,5,high\nb,3Q02,6\n",
                   KS_EFORMAT, "3: expected 4 fields as in the header, got 3");
    char text[700], name[300];
    memset(name, 'n', 256);
    name[256] = '\0';
    snprintf(text, sizeof text, "item,period,value,scenario\nb,3Q02,5,%s\n",
             name);
    expect_refused(text, KS_EFORMAT,
                   "2:10: scenario name too long (at most 255 bytes)");
    expect_refused("item,period,value,scenario\nb,3Q02,five,high\n",
                   KS_EFORMAT, "2:8: expected a number like 1,234 or "
                               "(566,520), got 'five'");
    expect_refused("item,period,value,scenario\n"
                   "b,3Q02,0123456789012345678901234567890123456789x,high\n",
                   KS_EFORMAT, "2:8: expected a number like 1,234 or "
                               "(566,520), got '0123456789012345678901234567"
                               "890123456789...'");
}

static void test_a_cell_twice_in_one_scenario(void **state)
{
    (void)state;
    expect_refused("item,period,value,scenario\n"
                   "b,3Q02,5,high\n"
                   "b,2Q02,5,high\n"
                   "b,3Q02,6,low\n"
                   "b,3Q02,7,high\n",
                   KS_EDUP, "5:8: a second value for b@3Q02 in scenario "
                            "'high' (the first is on line 2)");
    /* two pairs: the second occurrence earliest in the file is named */
    expect_refused("item,period,value,scenario\n"
                   "b,1Q02,1,\n"
                   "b,2Q02,1,low\n"
                   "b,2Q02,2,low\n"
                   "b,1Q02,2,\n",
                   KS_EDUP, "4:8: a second value for b@2Q02 in scenario "
                            "'low' (the first is on line 3)");
    expect_refused("item,period,value,scenario\n"
                   "b,2Q02,1,\n"
                   "b,2Q02,2,base\n",
                   KS_EDUP, "3:8: a second value for b@2Q02 in scenario "
                            "'base' (the first is on line 2)");
}

static void test_provenance_of_an_input(void **state)
{
    (void)state;
    ks_model *model = new_model();
    write_file(path, "item,period,value,scenario\nb,3Q02,5,high\n");
    ks_error err;
    char want[700];
    snprintf(want, sizeof want, "%s: values are imported as reported or "
                                "overridden inputs", path);
    static const ks_provenance refused[] = { KS_PROV_NONE, KS_PROV_COMPUTED,
                                             KS_PROV_IMPLIED };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ks_import_values(model, path, refused[i], &err),
                         KS_EINVAL);
        assert_string_equal(err.message, want);
    }
    expect_unchanged(model);
    /* the same file as an override: merged into "high" */
    assert_int_equal(ks_import_values(model, path, KS_PROV_OVERRIDDEN, &err),
                     KS_OK);
    ks_model *high = NULL;
    assert_int_equal(ks_scenario_new(model, "high", &high, &err), KS_OK);
    assert_true(input_of(high, "b@3Q02") == 5);
    assert_true(input_of(high, "a@3Q02") == 2);
    ks_model_free(high);
    ks_model_free(model);
}

static void test_exporting_scenarios_to_no_path(void **state)
{
    (void)state;
    ks_model *model = new_model();
    ks_error err;
    assert_int_equal(ks_export_scenarios_csv(model, "", NULL, &err),
                     KS_EINVAL);
    assert_string_equal(err.message, "no path to export to");
    assert_int_equal(ks_export_scenarios_csv(model, NULL, NULL, &err),
                     KS_EINVAL);
    assert_string_equal(err.message, "no path to export to");
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_headers, setup),
        cmocka_unit_test_setup(test_rows, setup),
        cmocka_unit_test_setup(test_a_cell_twice_in_one_scenario, setup),
        cmocka_unit_test_setup(test_provenance_of_an_input, setup),
        cmocka_unit_test_setup(test_exporting_scenarios_to_no_path, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
