/*
 * test_csv_spreadsheet.c -- values CSVs as spreadsheet users and Japanese
 * releases write them: "△1,234" and "▲1,234" as negatives, currency signs
 * ("¥", "￥", "$") before the digits, "#N/A" as missing; and what is
 * refused, each with its file:line:column and a reason: a spreadsheet
 * error value such as "#DIV/0!" (an input holds a number or is missing,
 * never an error), a number too large for a double ("1e400") or so small
 * it would read as 0 ("1e-400"), a currency sign in the wrong place.
 * Headers in any case, with named columns of the user's own (a label, a
 * comment) skipped, but a near miss of a real one ("valeu") or a column
 * with no name refused.  Tab- and semicolon-separated files, told by
 * their first line, whether read whole or byte by byte, with the same
 * file:line:column messages (and, with semicolons, a comma in a number
 * refused: it may be a decimal comma).  English or Japanese labels in
 * the item column, an ambiguous one refused naming the items.  A refused
 * import leaves the model as it was.
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
#include "io/csv_read.h"
#include "io/number.h"
#include "kessan/kessan.h"

static char path[600];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "%s/spreadsheet.csv", KESSAN_TEST_TMP);
    return 0;
}

typedef struct number_case {
    const char *text;
    double number;
    int decimals;
} number_case;

static void test_accepted_numbers(void **state)
{
    (void)state;
    static const number_case cases[] = {
        { "\xe2\x96\xb3" "1,234", -1234.0, 0 },           /* △1,234 */
        { "\xe2\x96\xb2" "1,234", -1234.0, 0 },           /* ▲1,234 */
        { "\xe2\x96\xb3" "0.5%", -0.005, 1 },             /* △0.5% */
        { "\xc2\xa5" "1,234", 1234.0, 0 },                /* ¥1,234 */
        { "\xef\xbf\xa5" "1,234", 1234.0, 0 },            /* ￥1,234 */
        { "$1.5", 1.5, 1 },
        { "-$1.5", -1.5, 1 },
        { "+$2", 2.0, 0 },
        { "(\xc2\xa5" "566,520)", -566520.0, 0 },         /* (¥566,520) */
        { "($2,209.2)", -2209.2, 1 },
        { "\xe2\x96\xb3\xef\xbf\xa5" "1,234", -1234.0, 0 }, /* △￥1,234 */
        { " \xe2\x96\xb2$7 ", -7.0, 0 },                  /* ▲$7 */
        { "1e-320", 1e-320, 0 },   /* subnormal, but not 0 */
        { "0e-400", 0.0, 0 },      /* zero written as zero */
        { "1e308", 1e308, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double number = -999.0;
        int missing = -1, decimals = -1;
        int rc = ks_parse_number(cases[i].text, strlen(cases[i].text),
                                 &number, &missing, &decimals);
        if (rc != 0 || number != cases[i].number || missing != 0
            || decimals != cases[i].decimals)
            fail_msg("'%s': rc %d number %.17g missing %d decimals %d",
                     cases[i].text, rc, number, missing, decimals);
    }
}

static void test_na_is_missing(void **state)
{
    (void)state;
    static const char *const markers[] = { "#N/A", "#n/a", " #N/A " };
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        double number = 1.0;
        int missing = 0;
        if (ks_parse_number(markers[i], strlen(markers[i]), &number, &missing,
                            NULL) != 0 || !missing)
            fail_msg("'%s' should be missing", markers[i]);
    }
}

/* Refused by ks_parse_number; `reason` is what ks_number_refusal says
 * (NULL: only "not a number"). */
typedef struct refusal_case {
    const char *text;
    const char *reason;
} refusal_case;

static void test_refused_numbers(void **state)
{
    (void)state;
    static const char *const error_value =
        "is a spreadsheet error value, which an input cannot hold "
        "(write the number, or - for missing)";
    static const refusal_case cases[] = {
        { "#DIV/0!", NULL }, /* reason checked below: set at run time */
        { "#VALUE!", NULL },
        { "#REF!", NULL },
        { "1e400", "is too large for a double" },
        { "-1e400", "is too large for a double" },
        { "1e-400", "is too small for a double: it would read as 0" },
        { "(1e-400)", "is too small for a double: it would read as 0" },
        { "0.0001e-330", "is too small for a double: it would read as 0" },
        { "\xc2\xa5-100", NULL },              /* ¥-100: sign first */
        { "100\xc2\xa5", NULL },               /* 100¥: sign before */
        { "$$1", NULL },
        { "\xe2\x96\xb3-1", NULL },            /* △-1: two signs */
        { "(\xe2\x96\xb3" "1)", NULL },        /* (△1): two signs */
        { "\xe2\x96\xb3", NULL },              /* △ alone */
        { "$", NULL },
        { "\xe2\x96\xb4" "1", NULL },          /* ▴1: not a minus */
        { "\xe2\x96", NULL },                  /* △ cut short */
        { "#N/A!", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = cases[i].text;
        double number;
        int missing;
        if (ks_parse_number(text, strlen(text), &number, &missing, NULL)
            != -1)
            fail_msg("'%s' should be refused (got %.17g)", text, number);
        const char *want = i < 3 ? error_value : cases[i].reason;
        const char *got = ks_number_refusal(text, strlen(text));
        if ((want == NULL) != (got == NULL)
            || (want && strcmp(want, got) != 0))
            fail_msg("'%s': reason '%s', wanted '%s'", text,
                     got ? got : "(none)", want ? want : "(none)");
    }
    assert_null(ks_number_refusal("12", 2));
    assert_null(ks_number_refusal("", 0));
    assert_null(ks_number_refusal(NULL, 0));
}

static ks_model *new_model(void)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    const char *const ids[] = { "a", "b", "c", "d", "e", "f" };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        add_input(model, ids[i], KS_RULE_SUM);
    return model;
}

static void test_import_japanese_and_spreadsheet_forms(void **state)
{
    (void)state;
    ks_model *model = new_model();
    ks_error err;
    const char *file =
        KESSAN_SOURCE_DIR "/tests/data/csv/spreadsheet_numbers.csv";
    assert_int_equal(ks_import_values(model, file, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_true(number_of(model, "a@3Q02") == -1234.0);
    assert_true(number_of(model, "b@3Q02") == -566520.0);
    assert_true(number_of(model, "c@3Q02") == 10000.0);
    assert_true(number_of(model, "d@3Q02") == 1.5);
    assert_true(number_of(model, "e@3Q02") == -2209.0);
    assert_int_equal(value_of(model, "f@3Q02").kind, KS_MISSING);
    int item = item_of(model, "f"), period = period_of(model, "3Q02");
    assert_true(ks_is_input(model, item, period));
    ks_model_free(model);
}

/* `text` imported into a model whose a@3Q02 is 1: refused with the
 * message "<path>:<where>", and a@3Q02 still 1, b@3Q02 still no input. */
static void expect_refused(const char *text, const char *where)
{
    ks_model *model = new_model();
    put(model, "a@3Q02", 1.0);
    write_file(path, text);
    ks_error err;
    ks_status got = ks_import_values(model, path, KS_PROV_REPORTED, &err);
    char want[900];
    snprintf(want, sizeof want, "%s:%s", path, where);
    if (got != KS_EFORMAT || strcmp(err.message, want) != 0)
        fail_msg("%s: '%s'\nwanted EFORMAT: '%s'", ks_status_name(got),
                 err.message, want);
    assert_true(number_of(model, "a@3Q02") == 1.0);
    assert_false(ks_is_input(model, item_of(model, "b"),
                             period_of(model, "3Q02")));
    ks_model_free(model);
}

static void test_import_refusals(void **state)
{
    (void)state;
    expect_refused("item,period,value\nb,3Q02,5\na,3Q02,#DIV/0!\n",
                   "3:8: '#DIV/0!' is a spreadsheet error value, which an "
                   "input cannot hold (write the number, or - for "
                   "missing)");
    expect_refused("item,period,value\nb,3Q02,5\na,3Q02,1e-400\n",
                   "3:8: '1e-400' is too small for a double: it would read "
                   "as 0");
    expect_refused("item,period,value\nb,3Q02,5\na,3Q02,1e400\n",
                   "3:8: '1e400' is too large for a double");
    /* Columns count characters: "△" is one. */
    expect_refused("item,period,value\n"
                   "b,3Q02,\xe2\x96\xb3" "5\n"
                   "a,3Q02,\xc2\xa5-5\n",
                   "3:8: expected a number like 1,234 or (566,520), got "
                   "'\xc2\xa5-5'");
    /* Wide form: the same reasons at the cell's column. */
    expect_refused("item,3Q02\nb,5\na,#VALUE!\n",
                   "3:3: '#VALUE!' is a spreadsheet error value, which an "
                   "input cannot hold (write the number, or - for "
                   "missing)");
}

static void test_headers_in_any_case_with_columns_of_ones_own(void **state)
{
    (void)state;
    ks_model *model = new_model();
    write_file(path, "Label,Item,PERIOD,Value,comment\n"
                     "Revenue,a,3Q02,\"\xe2\x96\xb3" "5\",from the release\n"
                     "\xe5\xa3\xb2\xe4\xb8\x8a,b,3Q02,7,\n");
    ks_error err;
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_true(number_of(model, "a@3Q02") == -5.0);
    assert_true(number_of(model, "b@3Q02") == 7.0);
    ks_model_free(model);
}

static void test_header_refusals(void **state)
{
    (void)state;
    expect_refused("item,period,valeu\nb,3Q02,5\n",
                   "1:13: unknown column 'valeu' (did you mean 'value'?)");
    expect_refused("Item,Period,Value,Items\nb,3Q02,5,x\n",
                   "1:19: unknown column 'Items' (did you mean 'item'?)");
    expect_refused("item,period,value,\nb,3Q02,5,x\n",
                   "1:19: a column with no name (expected item, period, "
                   "value, optionally scenario, and named columns of your "
                   "own)");
    expect_refused("item,Period,period,value\n",
                   "1:13: second column 'period' (expected item, period, "
                   "value and optionally scenario)");
}

/* The same file read as one buffer and fed byte by byte: same records. */
static ks_status count_fields(void *user_data, const ks_csv_record *record,
                              ks_error *err)
{
    (void)err;
    char *seen = user_data;
    size_t at = strlen(seen);
    snprintf(seen + at, 512 - at, "%d:%c:%d;", record->line,
             record->delimiter == '\t' ? 't' : record->delimiter,
             record->count);
    return KS_OK;
}

static void expect_delimiter(const char *text, const char *want)
{
    char whole[512] = "", bytewise[512] = "";
    ks_error err;
    assert_int_equal(ks_csv_read_buffer(NULL, "d.csv", text, strlen(text),
                                        count_fields, whole, &err),
                     KS_OK);
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, NULL, "d.csv", count_fields, bytewise);
    for (size_t i = 0; text[i]; i++)
        assert_int_equal(ks_csv_reader_feed(&reader, text + i, 1, &err),
                         KS_OK);
    assert_int_equal(ks_csv_reader_finish(&reader, &err), KS_OK);
    ks_csv_reader_release(&reader);
    assert_string_equal(whole, want);
    assert_string_equal(bytewise, want);
}

static void test_delimiter_detected(void **state)
{
    (void)state;
    expect_delimiter("a,b\tc;d\n1,2\t3;4\n", "1:,:2;2:,:2;");
    expect_delimiter("a\tb;c\n1\t2;3\n", "1:t:2;2:t:2;");
    expect_delimiter("a;b;c\n1;2;3", "1:;:3;2:;:3;");
    expect_delimiter("\xef\xbb\xbf" "a;b\r\n1;2\r\n", "1:;:2;2:;:2;");
    expect_delimiter("\"a,b\";c\n1;2\n", "1:;:2;2:;:2;");
    expect_delimiter("abc\n1;2\n", "1:,:1;2:,:1;");
    expect_delimiter("a\tb", "1:t:2;");
}

static void test_import_tab_and_semicolon_files(void **state)
{
    (void)state;
    ks_model *model = new_model();
    write_file(path, "Item\tPeriod\tValue\n"
                     "a\t3Q02\t1,234\n"
                     "b\t3Q02\t\xe2\x96\xb3" "5\n");
    ks_error err;
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_true(number_of(model, "a@3Q02") == 1234.0);
    assert_true(number_of(model, "b@3Q02") == -5.0);
    write_file(path, "item;3Q02;4Q02\nc;1234.5;(7)\n");
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_true(number_of(model, "c@3Q02") == 1234.5);
    assert_true(number_of(model, "c@4Q02") == -7.0);
    ks_model_free(model);
}

static void test_delimited_refusals(void **state)
{
    (void)state;
    expect_refused("item\tperiod\tvalue\nb\t3Q02\t5\na\t3Q02\t#DIV/0!\n",
                   "3:8: '#DIV/0!' is a spreadsheet error value, which an "
                   "input cannot hold (write the number, or - for "
                   "missing)");
    expect_refused("item;period;value\nb;3Q02;5\na;3Q02;1,5\n",
                   "3:8: a comma in a number of a file separated by "
                   "semicolons may be a decimal comma: write the number "
                   "with no thousands separator and a decimal point");
    expect_refused("item\tperiod\tvalue\nb\t3Q02\t5\t6\n",
                   "2: expected 3 fields as in the header, got 4");
}

#define URIAGEDAKA "\xe5\xa3\xb2\xe4\xb8\x8a\xe9\xab\x98" /* 売上高 */

static ks_model *labelled_model(void)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    static const ks_item_info items[] = {
        { "rev.total", "Total revenues", URIAGEDAKA, "JPY thousands", "is",
          NULL, NULL, KS_RULE_SUM },
        { "cost.a", "Cost", NULL, "JPY thousands", "is", NULL, NULL,
          KS_RULE_SUM },
        { "cost.b", "Cost", NULL, "JPY thousands", "is", NULL, NULL,
          KS_RULE_SUM },
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        add_item_info(model, &items[i]);
    return model;
}

static void test_labels_as_items(void **state)
{
    (void)state;
    ks_model *model = labelled_model();
    write_file(path, "item,period,value\n"
                     "Total revenues,3Q02,10\n"
                     URIAGEDAKA ",4Q02,\"\xe2\x96\xb3" "3\"\n"
                     "cost.a,3Q02,1\n");
    ks_error err;
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_true(number_of(model, "rev.total@3Q02") == 10.0);
    assert_true(number_of(model, "rev.total@4Q02") == -3.0);
    assert_true(number_of(model, "cost.a@3Q02") == 1.0);
    write_file(path, "item,period,value\nrev.total,1Q02,1\nCost,3Q02,2\n");
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_EINVAL);
    char want[900];
    snprintf(want, sizeof want, "%s:3:1: 'Cost' is the label of 2 items "
             "(cost.a, cost.b): write the id", path);
    assert_string_equal(err.message, want);
    write_file(path, "item,period,value\nrev.totl,1Q02,1\n");
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_EUNKNOWN);
    snprintf(want, sizeof want, "%s:2:1: unknown item 'rev.totl' (did you "
             "mean 'rev.total'?)", path);
    assert_string_equal(err.message, want);
    assert_false(ks_is_input(model, item_of(model, "rev.total"),
                             period_of(model, "1Q02")));
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted_numbers),
        cmocka_unit_test(test_na_is_missing),
        cmocka_unit_test(test_refused_numbers),
        cmocka_unit_test(test_import_japanese_and_spreadsheet_forms),
        cmocka_unit_test(test_import_refusals),
        cmocka_unit_test(test_headers_in_any_case_with_columns_of_ones_own),
        cmocka_unit_test(test_header_refusals),
        cmocka_unit_test(test_delimiter_detected),
        cmocka_unit_test(test_import_tab_and_semicolon_files),
        cmocka_unit_test(test_delimited_refusals),
        cmocka_unit_test(test_labels_as_items),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
