/*
 * test_number.c -- ks_parse_number: numbers as the release prints them,
 * missing markers, and everything else refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "kessan/kessan.h"

typedef struct number_case {
    const char *text;
    double number;
    int decimals;
} number_case;

static int parse(const char *text, double *number, int *missing,
                 int *decimals)
{
    return ks_parse_number(text, strlen(text), number, missing, decimals);
}

static void test_printed_numbers(void **state)
{
    (void)state;
    /* Figures as the 3Q FY2002 release prints them. */
    static const number_case cases[] = {
        { "3,404,016", 3404016.0, 0 },
        { "(566,520)", -566520.0, 0 },
        { "(2,209.2)", -2209.2, 1 },
        { "32.2%", 0.322, 1 },
        { "(3.8%)", -0.038, 1 },
        { "120.0%", 1.2, 1 },
        { "(50.40)", -50.40, 2 },
        { "0", 0.0, 0 },
        { "-1.5", -1.5, 1 },
        { "+7", 7.0, 0 },
        { "1e6", 1e6, 0 },
        { "2.5E-3", 2.5e-3, 1 },
        { "118.75", 118.75, 2 },
        { "  1,234  ", 1234.0, 0 },
        { "\t42\t", 42.0, 0 },
        { "1234567", 1234567.0, 0 },
        { ".5", 0.5, 1 },
        { "123", 123.0, 0 },
        { "0.1", 0.1, 1 },
        { "1e-300", 1e-300, 0 },
        { "123456789012345678", 123456789012345678.0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double number = -999.0;
        int missing = -1, decimals = -1;
        int rc = parse(cases[i].text, &number, &missing, &decimals);
        if (rc != 0 || number != cases[i].number || missing != 0
            || decimals != cases[i].decimals)
            fail_msg("'%s': rc %d number %.17g missing %d decimals %d",
                     cases[i].text, rc, number, missing, decimals);
    }
}

static void test_percent_is_correctly_rounded(void **state)
{
    (void)state;
    /* 32.2 / 100 in binary is not the double nearest 0.322: the parser
     * must not divide. */
    double number;
    int missing, decimals;
    assert_int_equal(parse("32.2%", &number, &missing, &decimals), 0);
    assert_true(number == 0.322);
    assert_int_equal(parse("7.4%", &number, &missing, &decimals), 0);
    assert_true(number == 0.074);
}

static void test_negative_zero(void **state)
{
    (void)state;
    double number;
    int missing, decimals;
    assert_int_equal(parse("-0", &number, &missing, &decimals), 0);
    assert_true(number == 0.0 && signbit(number));
    assert_int_equal(parse("0", &number, &missing, &decimals), 0);
    assert_false(signbit(number));
}

static void test_missing_markers(void **state)
{
    (void)state;
    static const char *const markers[] = {
        "", "-", "n.a", "n.a.", "n/a", "N/A", "N.A.", "  -  ", "   ", "\t"
    };
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        double number = 1.0;
        int missing = 0, decimals = -1;
        if (parse(markers[i], &number, &missing, &decimals) != 0 || !missing)
            fail_msg("'%s' should be missing", markers[i]);
        assert_int_equal(decimals, 0);
    }
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "abc", "1,23", "1,2345", "12345,678", ",123", "1,", "1,,234",
        "1.2.3", "1..2", "--1", "(-1)", "(1", "1)", "()", "(", ")", "1e",
        "1e+", "e5", "%", "1%%", "inf", "nan", "-inf", "0x10", "1 234",
        "1.", "+", "-%", "(1,234)%", "1e999", "1e-999", "1.5k", "¥-100",
        "1,234.5.6",
        "- 1", "1_000"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double number;
        int missing, decimals;
        if (parse(bad[i], &number, &missing, &decimals) != -1)
            fail_msg("'%s' should be refused (got %.17g)", bad[i], number);
    }
}

static void test_length_is_honoured(void **state)
{
    (void)state;
    /* Only the first `length` bytes are the number. */
    double number;
    int missing, decimals;
    assert_int_equal(ks_parse_number("12345", 2, &number, &missing,
                                     &decimals), 0);
    assert_true(number == 12.0);
    assert_int_equal(ks_parse_number("1,234x", 5, &number, &missing, NULL),
                     0);
    assert_true(number == 1234.0);
    assert_int_equal(ks_parse_number(NULL, 0, &number, &missing, NULL), 0);
    assert_true(missing);
}

static void test_too_long(void **state)
{
    (void)state;
    char text[1000];
    memset(text, '1', sizeof text);
    double number;
    int missing;
    assert_int_equal(ks_parse_number(text, sizeof text, &number, &missing,
                                     NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printed_numbers),
        cmocka_unit_test(test_percent_is_correctly_rounded),
        cmocka_unit_test(test_negative_zero),
        cmocka_unit_test(test_missing_markers),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_length_is_honoured),
        cmocka_unit_test(test_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
