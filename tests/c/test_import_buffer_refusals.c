/*
 * test_import_buffer_refusals.c -- values imported from memory and
 * exported to a stream, where what is handed is wrong: a provenance that
 * is no input's, no name for the buffer, a row for another scenario than
 * the handle's, an id longer than an id may be, a long-form header short
 * of a column, periods that are none, a cell given twice under two
 * spellings of its period; and exports with no model, stream or path.  A
 * refused import leaves every input as it was; an export writes a cell
 * that is missing or an error as an empty value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"

static ks_model *model, *high;
static int a, b, q3;

static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, NULL);
    add_input(model, "a", KS_RULE_SUM);
    define(model, "b", "a / 0", KS_RULE_SUM);
    a = item_of(model, "a");
    b = item_of(model, "b");
    q3 = period_of(model, "3Q02");
    put(model, "a@3Q02", 5);
    assert_int_equal(ks_scenario_new(model, "high", &high, NULL), KS_OK);
    put(high, "a@3Q02", 6);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(high);
    ks_model_free(model);
    return 0;
}

static double a_in(ks_model *handle)
{
    ks_value value;
    assert_int_equal(ks_get(handle, a, q3, &value, NULL), KS_OK);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

static void expect_refused(ks_model *handle, const char *name,
                           const char *text, ks_provenance provenance,
                           ks_status status, const char *message)
{
    ks_error err;
    ks_status got = ks_import_csv_buffer(handle, name, text, strlen(text),
                                         provenance, &err);
    if (got != status || strcmp(err.message, message) != 0)
        fail_msg("%s '%s'\nwanted %s '%s'", ks_status_name(got), err.message,
                 ks_status_name(status), message);
    assert_true(a_in(model) == 5);
    assert_true(a_in(high) == 6);
}

static void test_imports_refused(void **state)
{
    (void)state;
    const char *rows = "item,period,value\na,3Q02,9\n";
    expect_refused(model, "v.csv", rows, KS_PROV_COMPUTED, KS_EINVAL,
                   "v.csv: values are imported as reported or overridden "
                   "inputs");
    expect_refused(model, "v.csv", rows, KS_PROV_NONE, KS_EINVAL,
                   "v.csv: values are imported as reported or overridden "
                   "inputs");
    expect_refused(model, NULL, "item,period,value\nmargin,3Q02,9\n",
                   KS_PROV_REPORTED, KS_EUNKNOWN,
                   "(buffer):2:1: unknown item 'margin'");
    expect_refused(high, "v.csv", "item,period,value,scenario\n"
                                  "a,3Q02,9,high\n"
                                  "a,2Q02,9,low\n",
                   KS_PROV_OVERRIDDEN, KS_EINVAL,
                   "v.csv:3:10: a value for scenario 'low', but this is "
                   "'high'");
    char text[700];
    char id[300];
    memset(id, 'x', 256);
    id[256] = '\0';
    snprintf(text, sizeof text, "item,period,value\n%s,3Q02,1\n", id);
    expect_refused(model, "v.csv", text, KS_PROV_REPORTED, KS_EFORMAT,
                   "v.csv:2:1: id too long (at most 255 bytes)");
    expect_refused(model, "v.csv", "item,period,scenario\na,3Q02,high\n",
                   KS_PROV_REPORTED, KS_EFORMAT,
                   "v.csv:1: no 'value' column (the long form's header is "
                   "item,period,value)");
    expect_refused(model, "v.csv", "item,period,value\na,,1\n",
                   KS_PROV_REPORTED, KS_ESYNTAX,
                   "v.csv:2:3: bad period '' (expected an id like 3Q02, "
                   "1H02, 9M02 or FY02)");
    expect_refused(model, "v.csv", "item,period,value\na,FY2002xyz,1\n",
                   KS_PROV_REPORTED, KS_ESYNTAX,
                   "v.csv:2:3: bad period 'FY2002xyz' (expected an id like "
                   "3Q02, 1H02, 9M02 or FY02)");
    /* a cell twice, spelled two ways, the first time not the file's
     * first cell */
    expect_refused(model, "v.csv", "item,period,value\na,1Q02,1\n"
                                   "a,FY2002,2\na,2Q02,3\na,FY02,4\n",
                   KS_PROV_REPORTED, KS_EDUP,
                   "v.csv:5:8: a second value for a@FY02 (the first is on "
                   "line 3)");
    /* rows of the handle's own scenario, or of none, are taken */
    ks_error err;
    const char *own = "item,period,value,scenario\na,3Q02,7,high\n"
                      "a,2Q02,8,\n";
    assert_int_equal(ks_import_csv_buffer(high, "v.csv", own, strlen(own),
                                          KS_PROV_OVERRIDDEN, &err), KS_OK);
    assert_true(a_in(high) == 7);
    assert_true(a_in(model) == 5);
}

static void test_exports_refused_and_gaps(void **state)
{
    (void)state;
    ks_error err;
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(ks_export_csv_stream(NULL, out, NULL, &err), KS_EINVAL);
    assert_string_equal(err.message, "no model or stream to export");
    assert_int_equal(ks_export_csv_stream(model, NULL, NULL, &err),
                     KS_EINVAL);
    assert_string_equal(err.message, "no model or stream to export");
    assert_int_equal(ks_export_csv(model, "", NULL, &err), KS_EINVAL);
    assert_string_equal(err.message, "no path to export to");
    assert_int_equal(ks_export_csv(model, NULL, NULL, &err), KS_EINVAL);

    /* every cell: b is an error everywhere, a missing but at 3Q02 */
    ks_export_options options = {
        .with_scenario_column = 1,
        .cells = KS_EXPORT_ALL
    };
    assert_int_equal(ks_export_csv_stream(high, out, &options, &err), KS_OK);
    long size = ftell(out);
    assert_true(size > 0);
    rewind(out);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, out), (size_t)size);
    fclose(out);
    assert_memory_equal(text, "item,period,value,scenario\n", 27);
    assert_non_null(strstr(text, "\na,3Q02,6,high\n"));
    assert_non_null(strstr(text, "\na,2Q02,,high\n"));
    assert_non_null(strstr(text, "\nb,3Q02,,high\n"));
    /* 2 items x 16 periods and the header */
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 33);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_imports_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exports_refused_and_gaps, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
