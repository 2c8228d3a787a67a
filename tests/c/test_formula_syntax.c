/*
 * test_formula_syntax.c -- the formula compiler on what it is handed:
 * no source or no names, every kind of white space, numbers written every
 * way and ways that are not numbers (an exponent without digits, a second
 * point, more digits than a number holds), an operator that is half of
 * one, unknown functions with and without a near name, long tokens cut in
 * messages; constant folding of unary operations and round() shown by the
 * listing, and a listing into a buffer too small; reference lookups out of
 * range; and a formula using every construct compiled while each of its
 * allocations fails in turn.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/fake_formula_model.h"
#include "../support/test_alloc.h"

static fake_world the_world;

static int reset_world(void **state)
{
    (void)state;
    memset(&the_world, 0, sizeof the_world);
    for (int item = 0; item < ITEMS; item++)
        for (int period = 0; period < PERIODS; period++)
            the_world.values[item][period] = item + 1;
    return 0;
}

static ks_formula *compile_ok(const char *source)
{
    ks_formula *formula = NULL;
    ks_error err;
    if (ks_formula_compile(source, fake_names(), NULL, &formula, &err) != KS_OK)
        fail_msg("'%s' did not compile: %s", source, err.message);
    return formula;
}

static double eval(const char *source)
{
    ks_formula *formula = compile_ok(source);
    ks_eval_env env = fake_env_at(&the_world, 5);
    double value = ks_formula_eval(formula, &env);
    ks_formula_free(formula, NULL);
    return value;
}

/* Refused with `status` at `column`, the message being `message`. */
static void expect_refused(const char *source, ks_status status, int column,
                           const char *message)
{
    ks_formula *formula = (ks_formula *)&formula;
    ks_error err;
    ks_status got = ks_formula_compile(source, fake_names(), NULL, &formula,
                                       &err);
    if (got != status || err.column != column ||
        strcmp(err.message, message) != 0)
        fail_msg("'%s': %s at %d '%s'\nwanted %s at %d '%s'", source,
                 ks_status_name(got), err.column, err.message,
                 ks_status_name(status), column, message);
    assert_null(formula);
}

/* ---- what compile is handed --------------------------------------------------- */

static void test_no_source_or_no_names(void **state)
{
    (void)state;
    ks_formula *formula = (ks_formula *)&formula;
    ks_error err;
    assert_int_equal(ks_formula_compile(NULL, fake_names(), NULL, &formula,
                                        &err), KS_EINVAL);
    assert_null(formula);
    assert_non_null(strstr(err.message, "ks_formula_compile: source, names"));
    assert_int_equal(ks_formula_compile("1", NULL, NULL, &formula, &err),
                     KS_EINVAL);
    ks_formula_names partial = *fake_names();
    partial.find_period = NULL;
    assert_int_equal(ks_formula_compile("1", &partial, NULL, &formula, &err),
                     KS_EINVAL);
    partial = *fake_names();
    partial.find_item = NULL;
    assert_int_equal(ks_formula_compile("1", &partial, NULL, &formula, &err),
                     KS_EINVAL);
    assert_int_equal(ks_formula_compile("1", fake_names(), NULL, NULL, &err),
                     KS_EINVAL);
    /* no nearest_item: an unknown item is named without a suggestion */
    partial = *fake_names();
    partial.nearest_item = NULL;
    formula = NULL;
    assert_int_equal(ks_formula_compile("rev.totl", &partial, NULL, &formula,
                                        &err), KS_EUNKNOWN);
    assert_null(strstr(err.message, "did you mean"));
    assert_non_null(strstr(err.message, "unknown item 'rev.totl'"));
}

static void test_white_space_of_every_kind(void **state)
{
    (void)state;
    assert_true(eval("\f1\v+\r2\n*\t3 ") == 7);
}

static void test_numbers_written_every_way(void **state)
{
    (void)state;
    assert_true(eval("1E3") == 1000);
    assert_true(eval("1e+3") == 1000);
    assert_true(eval("2.5e-1") == 0.25);
    assert_true(eval(".5e1") == 5);
    assert_true(eval("3.") == 3);
    assert_true(eval("1e3-1") == 999); /* the minus is no exponent sign */
    assert_true(eval("a-1") == the_world.values[A][5] - 1);
    char digits[100];
    memset(digits, '9', 63);
    digits[63] = '\0'; /* the longest number text */
    assert_true(eval(digits) == strtod(digits, NULL));
}

static void test_numbers_that_are_not(void **state)
{
    (void)state;
    expect_refused("1e", KS_ESYNTAX, 1,
                   "column 1: expected a number (got '1e')");
    expect_refused("2 + 1e+", KS_ESYNTAX, 5,
                   "column 5: expected a number (got '1e+')");
    expect_refused("1.2.3", KS_ESYNTAX, 1,
                   "column 1: expected a number (got '1.2.3')");
    char digits[100];
    memset(digits, '1', 64);
    digits[64] = '\0';
    expect_refused(digits, KS_ESYNTAX, 1,
                   "column 1: expected a number (got "
                   "'11111111111111111111111111111111...')");
}

static void test_operators_and_functions_that_are_not(void **state)
{
    (void)state;
    expect_refused("a ~ b", KS_ESYNTAX, 3,
                   "column 3: expected an operator or end of formula (got "
                   "'~')");
    expect_refused("summ(a)", KS_EUNKNOWN, 1,
                   "column 1: unknown function 'summ' (did you mean "
                   "'sum'?)");
    expect_refused("frobnicate(a)", KS_EUNKNOWN, 1,
                   "column 1: unknown function 'frobnicate' (known: sum, "
                   "min, max, abs, round, if)");
    expect_refused("a b_very_long_name_that_goes_on_and_on", KS_ESYNTAX, 3,
                   "column 3: expected an operator or end of formula (got "
                   "'b_very_long_name_that_goes_on_an...')");
}

/* ---- folding and listings ---------------------------------------------------- */

/* The listing's instruction lines (without the two header lines). */
static void listing_of(const char *source, char *buf, size_t size)
{
    ks_formula *formula = compile_ok(source);
    char all[2048];
    assert_int_equal(ks_formula_disassemble(formula, all, sizeof all), KS_OK);
    const char *body = strchr(strchr(all, '\n') + 1, '\n') + 1;
    snprintf(buf, size, "%s", body);
    ks_formula_free(formula, NULL);
}

static void test_constants_are_folded(void **state)
{
    (void)state;
    char listing[1024];
    static const char *const constant[] = { "-(2)", "abs(-4)", "-(-(3))",
                                            "round(2.567, 1)", "round(2.5)",
                                            "if(1, 2, a)", "if(0, a, 5)" };
    static const double values[] = { -2, 4, 3, 2.6, 3, 2, 5 };
    for (size_t i = 0; i < sizeof constant / sizeof *constant; i++) {
        listing_of(constant[i], listing, sizeof listing);
        if (strstr(listing, "LOAD") || strstr(listing, "NEG") ||
            strstr(listing, "ABS") || strstr(listing, "ROUND") ||
            !strstr(listing, "CONST") || !strstr(listing, "RETURN"))
            fail_msg("'%s' not folded:\n%s", constant[i], listing);
        assert_true(eval(constant[i]) == values[i]);
    }
    /* a cell's value is not a constant */
    listing_of("round(a)", listing, sizeof listing);
    assert_non_null(strstr(listing, "ROUND"));
    listing_of("-a", listing, sizeof listing);
    assert_non_null(strstr(listing, "NEG"));
    assert_non_null(strstr(listing, "; a"));
}

static void test_a_listing_too_long_for_its_buffer(void **state)
{
    (void)state;
    ks_formula *formula = compile_ok("if(a > b, a[-1] / 2, b@FY01 * 3)");
    char whole[2048], small[40];
    assert_int_equal(ks_formula_disassemble(formula, whole, sizeof whole),
                     KS_OK);
    assert_non_null(strstr(whole, "IF_TEST"));
    assert_non_null(strstr(whole, "; to "));
    assert_non_null(strstr(whole, "; b@FY01"));
    assert_int_equal(ks_formula_disassemble(formula, small, sizeof small),
                     KS_EINVAL);
    /* what fits is the listing's start, terminated */
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, whole, sizeof small - 1);
    assert_int_equal(ks_formula_disassemble(formula, small, 0), KS_EINVAL);
    assert_int_equal(ks_formula_disassemble(NULL, small, sizeof small),
                     KS_EINVAL);
    assert_int_equal(ks_formula_disassemble(formula, NULL, 10), KS_EINVAL);
    /* references by index */
    /* a, b, a[-1] and b@FY01 */
    assert_int_equal(ks_formula_ref_count(formula), 4);
    assert_null(ks_formula_ref_at(formula, -1));
    assert_null(ks_formula_ref_at(formula, 4));
    assert_int_equal(ks_formula_ref_at(formula, 2)->offset, -1);
    assert_int_equal(ks_formula_ref_at(formula, 3)->kind, KS_REF_ABSOLUTE);
    ks_formula_free(formula, NULL);
}

/* ---- out of memory -------------------------------------------------------------- */

static void test_every_construct_under_failed_allocations(void **state)
{
    (void)state;
    const char *source = "if(a > 1, round(b, 2), -abs(c)) + sum(a, b[-1], x) "
                         "- round(3.14159, 2) * min(g, 2) / max(a@FY01, 1) "
                         "^ -(2)";
    ks_formula *reference = compile_ok(source);
    ks_eval_env env = fake_env_at(&the_world, 5);
    double expected = ks_formula_eval(reference, &env);
    ks_formula_free(reference, NULL);
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    int completed = 0;
    for (long n = 1; n < 1000 && !completed; n++) {
        ks_formula *formula = (ks_formula *)&formula;
        ks_error err;
        test_alloc_arm(&counts, n, 0);
        ks_status status = ks_formula_compile(source, fake_names(), &alloc,
                                              &formula, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        if (!failed) {
            assert_int_equal(status, KS_OK);
            assert_true(ks_formula_eval(formula, &env) == expected);
            ks_formula_free(formula, &alloc);
            completed = 1;
        } else {
            if (status != KS_ENOMEM)
                fail_msg("allocation %ld: %s", n, err.message);
            assert_non_null(strstr(err.message, "out of memory"));
            assert_null(formula);
        }
        assert_int_equal(counts.live, 0);
    }
    assert_true(completed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_no_source_or_no_names, reset_world),
        cmocka_unit_test_setup(test_white_space_of_every_kind, reset_world),
        cmocka_unit_test_setup(test_numbers_written_every_way, reset_world),
        cmocka_unit_test_setup(test_numbers_that_are_not, reset_world),
        cmocka_unit_test_setup(test_operators_and_functions_that_are_not,
                               reset_world),
        cmocka_unit_test_setup(test_constants_are_folded, reset_world),
        cmocka_unit_test_setup(test_a_listing_too_long_for_its_buffer,
                               reset_world),
        cmocka_unit_test_setup(test_every_construct_under_failed_allocations,
                               reset_world),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
