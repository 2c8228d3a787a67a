/*
 * test_number_format.c -- the two ways kessan prints a number (text.h):
 * the data formatter's text reads back as the same double, bit for bit,
 * over random bit patterns, subnormals, -0 and the largest doubles, and is
 * the shortest of 15, 16 and 17 digits that does; the display formatter's
 * text, read back as a release is read (ks_parse_number: grouping,
 * parentheses, percent), is the number to the precision it shows, with
 * the unit's style (a ratio a percentage, a scaled amount whole).
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kessan/kessan.h"
#include "kessan/text.h"

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double from_bits(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The data text of `value` reads back bit for bit, and no fewer of the
 * formatter's digits (15, 16) would. */
static void assert_round_trip(double value)
{
    char text[KS_DATA_NUMBER_MAX];
    int length = ks_format_data(text, sizeof text, value);
    assert_true(length > 0);
    assert_int_equal((size_t)length, strlen(text));
    char *end;
    double back = ks_strtod_c(text, &end);
    assert_int_equal(*end, '\0');
    if (memcmp(&back, &value, sizeof value) != 0)
        fail_msg("%.17g wrote '%s', read back %.17g", value, text, back);
    assert_null(strchr(text, ','));
    for (int digits = 15; digits < 17; digits++) {
        char shorter[40];
        snprintf(shorter, sizeof shorter, "%.*g", digits, value);
        double other = ks_strtod_c(shorter, NULL);
        if (memcmp(&other, &value, sizeof value) == 0) {
            assert_true(strlen(text) <= strlen(shorter));
            break;
        }
    }
}

static void data_random_bit_patterns(void **state)
{
    (void)state;
    uint64_t seed = 20261207;
    for (int i = 0; i < 200000; i++) {
        double value = from_bits(next_random(&seed));
        if (isfinite(value))
            assert_round_trip(value);
    }
}

/* Figures as a release has them: money to the yen, ratios, cents. */
static void data_figures_like_a_release(void **state)
{
    (void)state;
    uint64_t seed = 7;
    for (int i = 0; i < 100000; i++) {
        double whole = (double)(next_random(&seed) % 100000000000ull);
        double cents = (double)(next_random(&seed) % 100) / 100.0;
        double value = whole / 1000.0 + cents;
        assert_round_trip(value);
        assert_round_trip(-value / 7.0);
        assert_round_trip(whole / (whole + 13.0));
    }
}

static void data_edges(void **state)
{
    (void)state;
    const double edges[] = {
        0.0, -0.0, DBL_MIN, -DBL_MIN, DBL_MAX, -DBL_MAX, DBL_EPSILON,
        4.9406564584124654e-324, -4.9406564584124654e-324,
        2.2250738585072009e-308, 1e-310, 1e308, 1e300, 1e21, 1e22,
        9007199254740993.0, 9007199254740992.0, 0.1, 0.2, 0.3, 1.0 / 3.0,
        5727799.1000000006, -0.0536, 123456789012345678.0
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        assert_round_trip(edges[i]);
    char text[KS_DATA_NUMBER_MAX];
    /* the shortest text: export wrote 5727799.1000000006 for 5727799.1 */
    ks_format_data(text, sizeof text, 5727799.1);
    assert_string_equal(text, "5727799.1");
    ks_format_data(text, sizeof text, -0.0536);
    assert_string_equal(text, "-0.0536");
    ks_format_data(text, sizeof text, -0.0);
    assert_string_equal(text, "-0");
    /* not a number: nothing */
    assert_int_equal(ks_format_data(text, sizeof text, NAN), 0);
    assert_string_equal(text, "");
    assert_int_equal(ks_format_data(text, sizeof text, -INFINITY), 0);
    /* too small a buffer: -1, never a cut number */
    assert_int_equal(ks_format_data(text, 4, 0.1234), -1);
    assert_int_equal(ks_format_data(text, 0, 1), -1);
}

/* ---- the display formatter --------------------------------------------- */

static char shown[64];

static const char *display(double value, int decimals, ks_percent_form percent)
{
    ks_number_style style = { decimals, percent, 0 };
    assert_true(ks_format_display(shown, sizeof shown, value, &style) > 0);
    return shown;
}

/* Read back as a release is read, the shown text is the number to within
 * half its last shown digit. */
static void display_reads_back(void **state)
{
    (void)state;
    uint64_t seed = 99;
    for (int i = 0; i < 50000; i++) {
        int decimals = (int)(next_random(&seed) % 5);
        double magnitude = pow(10.0, (double)(next_random(&seed) % 16) - 3);
        double value = ((double)(next_random(&seed) % 2000001) - 1e6) / 1e6 *
                       magnitude;
        int percent = next_random(&seed) % 3 == 0;
        const char *text = display(value, decimals,
                                   percent ? KS_PERCENT_SIGN : KS_PERCENT_NONE);
        double back;
        int missing, shown_decimals;
        if (ks_parse_number(text, strlen(text), &back, &missing,
                            &shown_decimals) != 0 || missing)
            fail_msg("'%s' (of %.17g) does not read back", text, value);
        double unit = pow(10.0, -decimals) * (percent ? 0.01 : 1.0);
        if (fabs(back - value) > unit * 0.5000001 + fabs(value) * 1e-12)
            fail_msg("%.17g shown '%s' reads %.17g", value, text, back);
        if (value < 0 && back != 0)
            assert_int_equal(text[0], '(');
        assert_null(strchr(text, '-'));
    }
}

static void display_release_style(void **state)
{
    (void)state;
    assert_string_equal(display(-1234567.4, 0, KS_PERCENT_NONE), "(1,234,567)");
    assert_string_equal(display(10743123.43, 2, KS_PERCENT_NONE),
                        "10,743,123.43");
    assert_string_equal(display(-0.0536, 1, KS_PERCENT_SIGN), "(5.4%)");
    assert_string_equal(display(0.322, 1, KS_PERCENT_BARE), "32.2");
    /* zero after rounding is not negative */
    assert_string_equal(display(-0.004, 2, KS_PERCENT_NONE), "0.00");
    assert_string_equal(display(-0.0, 0, KS_PERCENT_NONE), "0");
    assert_string_equal(display(NAN, 2, KS_PERCENT_NONE), "-");
    /* 7.35 as binary is 7.3499999...: shown as the release prints it */
    assert_string_equal(display(7.35, 1, KS_PERCENT_NONE), "7.4");
    assert_string_equal(display(-1e300, 0, KS_PERCENT_NONE), "(1e+300)");
    ks_number_style minus = { 0, KS_PERCENT_NONE, 1 };
    ks_format_display(shown, sizeof shown, -1234.0, &minus);
    assert_string_equal(shown, "-1,234");
    /* automatic precision: what compare, data tables and tostring print */
    assert_string_equal(display(10743123.43, KS_DECIMALS_AUTO,
                                KS_PERCENT_NONE), "10,743,123.43");
    assert_string_equal(display(7770080.0, KS_DECIMALS_AUTO,
                                KS_PERCENT_NONE), "7,770,080");
    assert_string_equal(display(12.5, KS_DECIMALS_AUTO, KS_PERCENT_NONE),
                        "12.5");
    assert_string_equal(display(-0.0331032, KS_DECIMALS_AUTO,
                                KS_PERCENT_NONE), "(0.0331032)");
    assert_string_equal(display(1e-9, KS_DECIMALS_AUTO, KS_PERCENT_NONE),
                        "1e-09");
    /* a buffer too small: -1 */
    ks_number_style style = { 2, KS_PERCENT_NONE, 0 };
    assert_int_equal(ks_format_display(shown, 5, 123456.0, &style), -1);
}

static void display_style_of_a_unit(void **state)
{
    (void)state;
    ks_number_style ratio = ks_number_style_for_unit("ratio", -1);
    assert_int_equal(ratio.percent, KS_PERCENT_SIGN);
    assert_int_equal(ratio.decimals, 1);
    ks_format_display(shown, sizeof shown, -0.0331032, &ratio);
    assert_string_equal(shown, "(3.3%)");
    ks_number_style scaled = ks_number_style_for_unit("JPY thousands", -1);
    ks_format_display(shown, sizeof shown, 5727799.1, &scaled);
    assert_string_equal(shown, "5,727,799");
    ks_number_style printed = ks_number_style_for_unit("JPY thousands", 2);
    ks_format_display(shown, sizeof shown, 5727799.1, &printed);
    assert_string_equal(shown, "5,727,799.10");
    ks_number_style none = ks_number_style_for_unit(NULL, -1);
    assert_int_equal(none.decimals, KS_DECIMALS_AUTO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_random_bit_patterns),
        cmocka_unit_test(data_figures_like_a_release),
        cmocka_unit_test(data_edges),
        cmocka_unit_test(display_reads_back),
        cmocka_unit_test(display_release_style),
        cmocka_unit_test(display_style_of_a_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
