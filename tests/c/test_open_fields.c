/*
 * test_open_fields.c -- opening a model directory whose files are written
 * loosely or wrongly, field by field: headers with padded names or a
 * column twice, calendar settings that are not whole numbers or overflow,
 * printed figures of every form (percent with or without '%', in
 * parentheses, '-', padded, too long to be a number), labels left empty,
 * values spread over several values*.csv files read in the order of their
 * names (a figure given twice is refused in the later file), no directory
 * at all, and refusals with no place for their message.  Each refusal names the file, line and column, and
 * leaves no model.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/test_files.h"
#include "kessan/kessan.h"
#include "model/model.h"

static char directory[512];

static const char *const settings =
    "key,value\nfiscal_year_end_month,3\nfirst_year,2001\nlast_year,2002\n";
static const char *const items =
    "id,label,rule,formula\nrev.total,Total revenues,sum,\n"
    "cost.total,Total costs,sum,\nmargin,,formula,rev.total - cost.total\n";

static void write_into(const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    write_file(path, text);
}

static void remove_from(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    remove(path);
}

/* A good model in a fresh directory of the test's own. */
static int fresh(void **state)
{
    static int count;
    (void)state;
    snprintf(directory, sizeof directory, "%s/fields-%d", KESSAN_TEST_TMP,
             ++count);
    mkdir(directory, 0755);
    write_into("settings.csv", settings);
    write_into("items.csv", items);
    write_into("values.csv", "item,period,value\nrev.total,3Q02,5\n");
    return 0;
}

static int clean(void **state)
{
    (void)state;
    static const char *const names[] = { "settings.csv", "items.csv",
                                         "values.csv", "values_a.csv",
                                         "values_b.csv", "printed.csv" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        remove_from(names[i]);
    rmdir(directory);
    return 0;
}

static ks_model *open_ok(void)
{
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_open(directory, NULL, &model, &err) != KS_OK)
        fail_msg("open: %s", err.message);
    return model;
}

/* Refused with `status`, the message being "<directory>/<message>...". */
static void expect_refused(ks_status status, const char *message)
{
    ks_model *model = (ks_model *)&model;
    ks_error err;
    ks_status got = ks_model_open(directory, NULL, &model, &err);
    char want[800];
    snprintf(want, sizeof want, "%s/%s", directory, message);
    if (got != status || strncmp(err.message, want, strlen(want)) != 0)
        fail_msg("%s: %s\nwanted %s: %s", ks_status_name(got), err.message,
                 ks_status_name(status), want);
    assert_null(model);
}

static double number_at(ks_model *model, const char *name)
{
    int item, period;
    ks_error err;
    ks_value value;
    if (ks_cell_lookup(model, name, &item, &period, &err) != KS_OK ||
        ks_get(model, item, period, &value, &err) != KS_OK)
        fail_msg("%s: %s", name, err.message);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

/* ---- headers --------------------------------------------------------------- */

static void test_padded_header_names(void **state)
{
    (void)state;
    write_into("values.csv", " item ,\tperiod\t,value \nrev.total,3Q02,7\n");
    ks_model *model = open_ok();
    assert_true(number_at(model, "rev.total@3Q02") == 7);
    ks_model_free(model);
}

static void test_padded_names_in_every_header(void **state)
{
    (void)state;
    write_into("settings.csv", "\tkey , value\t\nfiscal_year_end_month,3\n"
                               "first_year,2001\nlast_year,2002\n");
    write_into("items.csv", " id ,\tlabel\t, rule ,formula \n"
                            "rev.total,Total,sum,\n");
    write_into("printed.csv", " item , period , measure , value \n"
                              "rev.total,2Q02,value,3\n");
    ks_model *model = open_ok();
    assert_int_equal(ks_item_count(model), 1);
    assert_int_equal(ks_printed_count(model), 2);
    ks_model_free(model);
}

/* Without a place for the message, a refusal is the same refusal. */
static void test_refused_with_no_message(void **state)
{
    (void)state;
    static const char *const broken[][2] = {
        { "items.csv", "id,label,id\n" },
        { "items.csv", "id,label\nrev.total,A\nrev.total,B\n" },
        { "printed.csv",
          "item,period,measure,value\nrev.total,2Q02,pct,x\n" },
        { "settings.csv", "key,value\nfirst_year,x\n" },
    };
    static const ks_status statuses[] = { KS_EFORMAT, KS_EDUP, KS_EFORMAT,
                                          KS_EFORMAT };
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        fresh(NULL);
        write_into(broken[i][0], broken[i][1]);
        ks_model *model = (ks_model *)&model;
        assert_int_equal(ks_model_open(directory, NULL, &model, NULL),
                         statuses[i]);
        assert_null(model);
        clean(NULL);
    }
}

static void test_a_column_twice(void **state)
{
    (void)state;
    write_into("items.csv", "id,label,id\n");
    expect_refused(KS_EFORMAT, "items.csv:1:10: second column 'id' (the "
                               "header is ");
}

/* ---- settings -------------------------------------------------------------- */

static void test_calendar_numbers(void **state)
{
    (void)state;
    write_into("settings.csv", "key,value\nfiscal_year_end_month,3\n"
                               "first_year,2001x\nlast_year,2002\n");
    expect_refused(KS_EFORMAT, "settings.csv:3:12: first_year must be a "
                               "whole number, got '2001x'");
    write_into("settings.csv", "key,value\nfiscal_year_end_month,3\n"
                               "first_year,2001\nlast_year,99999999999\n");
    expect_refused(KS_EFORMAT, "settings.csv:4:11: last_year must be a whole "
                               "number, got '99999999999'");
    write_into("settings.csv", "key,value\nfiscal_year_end_month,\n"
                               "first_year,2001\nlast_year,2002\n");
    expect_refused(KS_EFORMAT, "settings.csv:2:23: fiscal_year_end_month "
                               "must be a whole number, got ''");
    /* padding around a number is no error */
    write_into("settings.csv", "key,value\nfiscal_year_end_month, 3\t\n"
                               "first_year,2001 \nlast_year,2002\n");
    ks_model *model = open_ok();
    assert_int_equal(ks_model_calendar(model).fiscal_year_end_month, 3);
    assert_int_equal(ks_model_calendar(model).first_year, 2001);
    ks_model_free(model);
}

/* ---- items ------------------------------------------------------------------- */

static void test_an_empty_label_is_the_id(void **state)
{
    (void)state;
    ks_model *model = open_ok();
    ks_item_info info;
    assert_int_equal(ks_item_get(model, ks_item_find(model, "margin"), &info),
                     KS_OK);
    assert_string_equal(info.label, "margin");
    assert_string_equal(info.formula, "rev.total - cost.total");
    ks_model_free(model);
}

/* ---- printed figures ----------------------------------------------------------- */

static const ks_printed *printed(ks_model *model, const char *name,
                                 ks_measure measure)
{
    int item, period;
    ks_error err;
    if (ks_cell_lookup(model, name, &item, &period, &err) != KS_OK)
        fail_msg("%s: %s", name, err.message);
    const ks_printed *found = ks_printed_find(model, item, period, measure);
    if (!found)
        fail_msg("nothing printed for %s", name);
    return found;
}

static void test_printed_figures_of_every_form(void **state)
{
    (void)state;
    write_into("printed.csv",
               "item,period,measure,value\n"
               "rev.total,3Q02,pct,32.2\n"       /* a percent without '%' */
               "rev.total,2Q02,pct,32.2%\n"      /* ... and with it        */
               "rev.total,3Q02,yoy,(3.8)\n"      /* negative in parentheses */
               "rev.total,3Q02,qoq,-\n"          /* nothing printed        */
               "rev.total,1Q02,qoq,\"4.5 \"\n"   /* padded                 */
               "rev.total,2Q02,value,\"(1,234)\"\n"
               "cost.total,3Q02,usd,n.a\n");
    ks_model *model = open_ok();
    /* and values.csv's figure, kept as printed too */
    assert_int_equal(ks_printed_count(model), 8);
    const ks_printed *p = printed(model, "rev.total@3Q02", KS_MEASURE_PCT);
    assert_true(fabs(p->number - 0.322) < 1e-12);
    assert_true(p->is_percent);
    assert_int_equal(p->decimals, 1);
    assert_string_equal(p->text, "32.2");
    assert_non_null(strstr(p->source, "printed.csv:2"));
    p = printed(model, "rev.total@2Q02", KS_MEASURE_PCT);
    assert_true(fabs(p->number - 0.322) < 1e-12);
    p = printed(model, "rev.total@3Q02", KS_MEASURE_YOY);
    assert_true(fabs(p->number - -0.038) < 1e-12);
    assert_true(p->is_percent);
    p = printed(model, "rev.total@3Q02", KS_MEASURE_QOQ);
    assert_true(p->is_missing);
    p = printed(model, "rev.total@1Q02", KS_MEASURE_QOQ);
    assert_true(fabs(p->number - 0.045) < 1e-12);
    p = printed(model, "rev.total@2Q02", KS_MEASURE_VALUE);
    assert_true(p->number == -1234);
    assert_false(p->is_percent);
    assert_int_equal(p->decimals, 0);
    p = printed(model, "cost.total@3Q02", KS_MEASURE_USD);
    assert_true(p->is_missing);
    ks_model_free(model);
}

static void test_printed_figures_that_are_not_numbers(void **state)
{
    (void)state;
    write_into("printed.csv", "item,period,measure,value\n"
                              "rev.total,3Q02,pct,about 30\n");
    expect_refused(KS_EFORMAT, "printed.csv:2:20: expected a number like "
                               "1,234 or (566,520), got 'about 30'");
    char text[400];
    char digits[200];
    memset(digits, '1', sizeof digits - 1);
    digits[sizeof digits - 1] = '\0';
    snprintf(text, sizeof text, "item,period,measure,value\n"
                                "rev.total,3Q02,yoy,%s\n", digits);
    write_into("printed.csv", text);
    expect_refused(KS_EFORMAT, "printed.csv:2:20: expected a number like "
                               "1,234 or (566,520), got '1111111111");
    write_into("printed.csv", "item,period,measure,value\n"
                              "rev.total,2Q02,value,1\n"
                              "rev.total,2Q02,value,2\n");
    expect_refused(KS_EDUP, "printed.csv:3:22: a second printed value for "
                            "rev.total@2Q02");
    /* values.csv's figures are printed figures too */
    write_into("printed.csv", "item,period,measure,value\n"
                              "rev.total,3Q02,value,5\n");
    expect_refused(KS_EDUP, "printed.csv:2:22: a second printed value for "
                            "rev.total@3Q02");
}

/* ---- several values files -------------------------------------------------------- */

static void test_values_files_in_the_order_of_their_names(void **state)
{
    (void)state;
    /* written b first: the directory's order is not the reading order */
    write_into("values_b.csv", "item,period,value\ncost.total,3Q02,3\n");
    write_into("values_a.csv", "item,period,value\ncost.total,2Q02,2\n");
    ks_model *model = open_ok();
    assert_true(number_at(model, "cost.total@3Q02") == 3);
    assert_true(number_at(model, "cost.total@2Q02") == 2);
    assert_true(number_at(model, "margin@3Q02") == 2);
    ks_model_free(model);
    /* a figure given in two files: the later one, by name, is refused */
    write_into("values_a.csv", "item,period,value\ncost.total,3Q02,2\n");
    expect_refused(KS_EDUP, "values_b.csv:2:");
}

static void test_no_directory(void **state)
{
    (void)state;
    ks_model *model = (ks_model *)&model;
    ks_error err;
    assert_int_equal(ks_model_open(NULL, NULL, &model, &err), KS_EINVAL);
    assert_string_equal(err.message, "no model directory given");
    assert_null(model);
    model = (ks_model *)&model;
    assert_int_equal(ks_model_open("", NULL, &model, &err), KS_EINVAL);
    assert_null(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_padded_header_names, fresh,
                                        clean),
        cmocka_unit_test_setup_teardown(test_padded_names_in_every_header,
                                        fresh, clean),
        cmocka_unit_test(test_refused_with_no_message),
        cmocka_unit_test_setup_teardown(test_a_column_twice, fresh, clean),
        cmocka_unit_test_setup_teardown(test_calendar_numbers, fresh, clean),
        cmocka_unit_test_setup_teardown(test_an_empty_label_is_the_id, fresh,
                                        clean),
        cmocka_unit_test_setup_teardown(test_printed_figures_of_every_form,
                                        fresh, clean),
        cmocka_unit_test_setup_teardown(
            test_printed_figures_that_are_not_numbers, fresh, clean),
        cmocka_unit_test_setup_teardown(
            test_values_files_in_the_order_of_their_names, fresh, clean),
        cmocka_unit_test(test_no_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
