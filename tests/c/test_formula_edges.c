/*
 * test_formula_edges.c -- the formula language at its edges, over the
 * fake model of fake_formula_model.h.
 *
 * The block machine against the scalar machine, operation by operation:
 * every binary operation with its operands in each shape the block
 * machine tells apart (lanes and lanes, lanes and a constant, a constant
 * and lanes, two constants that are loads), over lanes that are all
 * finite numbers (the vectorized loops) and lanes that mix missing
 * values, errors, zeros and huge figures (the lane-by-lane redo); chains
 * of + and - of every length, cut by a constant or not returned at once;
 * selects of constants; a formula deep enough to need passes of fewer
 * than eight lanes.  Each lane must be what the scalar machine gives for
 * that lane's inputs (a number, or NaN for anything else), and loading
 * through load_block or load_lanes must not matter.  Also the scalar
 * semantics that only odd inputs reach: a cell holding "no input" reads
 * as missing, round() at extreme digits.
 *
 * The compiler on what it is handed: no source or no names, every kind
 * of white space, numbers written every way and ways that are not
 * numbers, an operator that is half of one, unknown functions with and
 * without a near name, long tokens cut in messages; constant folding
 * shown by the listing, a listing into a buffer too small; reference
 * lookups out of range; and a formula using every construct compiled
 * while each of its allocations fails in turn.
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
static fake_lanes mixed = { .world = &the_world };
static fake_lanes finite = { .world = &the_world };

/* Lane values without a random stream: each item steps through the kinds
 * of value that are not ordinary figures at a stride of its own, so that
 * every pair of kinds meets in some lane; the other lanes are ordinary
 * figures with cents. */
static double mixed_value(int index, int period, int lane)
{
    unsigned k = (unsigned)(lane * (2 * index + 3) + period * 7 + index * 11);
    switch (k % 25) {
    case 0: return ks_box_missing();
    case 5: return 0;
    case 10: return ks_box_error(5);
    case 15: return 1e308;
    case 20: return -1;
    default: return (double)((int)((k * 7919u) % 20001u) - 10000) / 100;
    }
}

/* Positive figures from 1 to 51, all finite. */
static double finite_value(int index, int period, int lane)
{
    unsigned k = (unsigned)(lane * 31 + index * 17 + period * 5);
    return 1 + (double)((k * 7919u) % 5000u) / 100;
}

static int reset_world(void **state)
{
    (void)state;
    fake_world_fill(&the_world);
    return 0;
}

static int fill_lanes(void **state)
{
    (void)state;
    for (int i = 0; i < VARYING; i++)
        for (int p = 0; p < PERIODS; p++)
            for (int lane = 0; lane < KS_BLOCK_LANES_MAX; lane++) {
                mixed.lanes[i][p][lane] = mixed_value(i, p, lane);
                finite.lanes[i][p][lane] = finite_value(i, p, lane);
            }
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

/* Every lane of `source` by both loaders, against the scalar machine on
 * that lane's inputs; returns how many lanes were not numbers. */
static double eval(const char *source)
{
    ks_formula *formula = compile_ok(source);
    ks_eval_env env = fake_env_at(&the_world, 5);
    double value = ks_formula_eval(formula, &env);
    ks_formula_free(formula, NULL);
    return value;
}

static int check_lanes(fake_lanes *blocks, const char *source, int lanes)
{
    ks_formula *formula = compile_ok(source);
    const int period = 5;
    ks_block_env by_block = { blocks, fake_load_block, fake_shift, period,
                              NULL };
    ks_block_env by_lanes = { blocks, NULL, fake_shift, period,
                              fake_load_lanes };
    static double out[KS_BLOCK_LANES_MAX], out_lanes[KS_BLOCK_LANES_MAX];
    ks_formula_eval_block(formula, &by_block, out, lanes);
    ks_formula_eval_block(formula, &by_lanes, out_lanes, lanes);
    ks_eval_env env = fake_env_at(&the_world, period);
    int gaps = 0;
    for (int lane = 0; lane < lanes; lane++) {
        if (memcmp(&out[lane], &out_lanes[lane], sizeof out[lane]) != 0)
            fail_msg("'%s' lane %d: load_block %.17g, load_lanes %.17g",
                     source, lane, out[lane], out_lanes[lane]);
        fake_world_take_lane(&the_world, blocks, lane);
        double scalar = ks_formula_eval(formula, &env);
        if (ks_is_number(scalar) ? out[lane] != scalar : !isnan(out[lane]))
            fail_msg("'%s' lane %d: block %.17g, scalar %.17g", source, lane,
                     out[lane], scalar);
        gaps += isnan(out[lane]) != 0;
    }
    ks_formula_free(formula, NULL);
    return gaps;
}

/* each operation as what goes before, between and after its operands */
static const char *const binary_forms[][3] = {
    { "", " + ", "" }, { "", " - ", "" }, { "", " * ", "" },
    { "", " / ", "" }, { "", " ^ ", "" }, { "", " < ", "" },
    { "", " <= ", "" }, { "", " > ", "" }, { "", " >= ", "" },
    { "", " == ", "" }, { "", " ~= ", "" }, { "sum(", ", ", ")" },
    { "min(", ", ", ")" }, { "max(", ", ", ")" }, { "round(", ", ", ")" },
};

/* the operand shapes: lanes with lanes, with a constant number, with a
 * constant cell (a load that is the same in every lane), and the
 * mirrors; two constant cells */
static const char *const operand_pairs[][2] = {
    { "a", "b" }, { "a", "2" }, { "3", "b" }, { "a", "rev.total" },
    { "rev.total", "b" }, { "rev.total", "expenses.total" },
    { "c", "c" },
};

static void check_every_shape(fake_lanes *blocks, int lanes)
{
    char source[64];
    for (size_t f = 0; f < sizeof binary_forms / sizeof *binary_forms; f++)
        for (size_t s = 0; s < sizeof operand_pairs / sizeof *operand_pairs;
             s++) {
            snprintf(source, sizeof source, "%s%s%s%s%s", binary_forms[f][0],
                     operand_pairs[s][0], binary_forms[f][1],
                     operand_pairs[s][1], binary_forms[f][2]);
            check_lanes(blocks, source, lanes);
            /* not returned at once: the result goes to a stack buffer */
            char wrapped[80];
            snprintf(wrapped, sizeof wrapped, "(%s) + x", source);
            check_lanes(blocks, wrapped, lanes);
        }
}

static void test_every_operation_and_shape_on_finite_lanes(void **state)
{
    (void)state;
    check_every_shape(&finite, KS_BLOCK_LANES_MAX);
    check_every_shape(&finite, 13);
    /* finite inputs give numbers in every lane of a plain operation */
    assert_int_equal(check_lanes(&finite, "a * b - c", KS_BLOCK_LANES_MAX), 0);
}

static void test_every_operation_and_shape_on_mixed_lanes(void **state)
{
    (void)state;
    check_every_shape(&mixed, KS_BLOCK_LANES_MAX);
    check_every_shape(&mixed, 13);
    /* the mixed inputs do reach the slow path: some lanes are gaps */
    assert_true(check_lanes(&mixed, "a / b", KS_BLOCK_LANES_MAX) > 0);
    assert_true(check_lanes(&mixed, "a * b", KS_BLOCK_LANES_MAX) > 0);
}

static void test_unary_operations(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "-a", "abs(a)", "-(a + 1)", "abs(a - b)", "-rev.total + a",
        "abs(rev.total) * a", "-(-a)", "abs(-a)",
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        check_lanes(&finite, forms[i], KS_BLOCK_LANES_MAX);
        check_lanes(&mixed, forms[i], KS_BLOCK_LANES_MAX);
    }
}

static void test_chains_of_every_length(void **state)
{
    (void)state;
    static const char *const chains[] = {
        "a + b - c",                     /* three                        */
        "a - b + c - x",                 /* four                         */
        "a + b + c - x + g",             /* five                         */
        "a - b - c - x - g - a",         /* six, the longest             */
        "a + b - c + x - g + a - b + c", /* longer: a chain and a rest   */
        "(a + b - c) * 2",               /* not returned at once         */
        "(a - b + c - x) / g",
        "a + b - rev.total + c",         /* a constant cuts the chain    */
        "a - b + rev.total - c",         /* ... after a subtraction      */
        "a + b - 7 + c - x",             /* a number cuts it too         */
        "a + b + c[-1] - x@FY01",        /* shifted and absolute loads   */
        "a + b + c[-8] - x",             /* a load before the first      */
    };
    for (size_t i = 0; i < sizeof chains / sizeof *chains; i++) {
        check_lanes(&finite, chains[i], KS_BLOCK_LANES_MAX);
        check_lanes(&mixed, chains[i], KS_BLOCK_LANES_MAX);
        check_lanes(&mixed, chains[i], 9);
    }
    /* a load before the first period is an error in every lane */
    assert_int_equal(check_lanes(&finite, "a + b + c[-8] - x", 40), 40);
}

static void test_selects(void **state)
{
    (void)state;
    static const char *const selects[] = {
        "if(rev.total > 1, rev.total, expenses.total)", /* all constant   */
        "if(rev.total < 1, 2, 3)",
        "if(a > b, 1, 2)",
        "if(a, b, c)",
        "if(rev.total, a, 5)",
        "if(a > 0, a / b, rev.total) - 1",
    };
    for (size_t i = 0; i < sizeof selects / sizeof *selects; i++) {
        check_lanes(&finite, selects[i], KS_BLOCK_LANES_MAX);
        check_lanes(&mixed, selects[i], KS_BLOCK_LANES_MAX);
    }
    /* a constant condition that is missing, or an error, passes on */
    the_world.values[REV][5] = ks_box_missing();
    assert_int_equal(check_lanes(&finite, "if(rev.total, a, b)", 16), 16);
    assert_int_equal(check_lanes(&finite, "if(rev.total, 1, 2)", 16), 16);
    the_world.values[REV][5] = ks_box_error(9);
    assert_int_equal(check_lanes(&finite, "if(rev.total, 1, 2)", 16), 16);
}

/* A formula that keeps more than 512 values at once on the stack runs in
 * passes of fewer than eight lanes: every lane is still right. */
static void test_a_deep_stack_runs_in_short_passes(void **state)
{
    (void)state;
    size_t levels = 190, at = 0;
    char *source = malloc(levels * 16 + 8);
    assert_non_null(source);
    for (size_t i = 0; i < levels; i++)
        at += (size_t)sprintf(source + at, "a<b+c*if(a,b,");
    at += (size_t)sprintf(source + at, "x");
    for (size_t i = 0; i < levels; i++)
        source[at++] = ')';
    source[at] = '\0';
    check_lanes(&finite, source, KS_BLOCK_LANES_MAX);
    check_lanes(&mixed, source, 37);
    free(source);
}

static void test_no_input_reads_as_missing(void **state)
{
    (void)state;
    the_world.values[A][5] = ks_box_none();
    ks_formula *formula = compile_ok("a + 1");
    ks_eval_env env = fake_env_at(&the_world, 5);
    assert_true(ks_is_missing(ks_formula_eval(formula, &env)));
    ks_formula_free(formula, NULL);
    formula = compile_ok("sum(a, b)");
    assert_true(ks_formula_eval(formula, &env) == the_world.values[B][5]);
    ks_formula_free(formula, NULL);
    assert_int_equal(the_world.fail_count, 0);
}

static void test_round_at_extreme_digits(void **state)
{
    (void)state;
    the_world.values[A][5] = 1234.5678;
    the_world.values[B][5] = -1234.5678;
    the_world.values[C][5] = 1e300;
    /* more digits than a double has: the figure itself */
    assert_true(eval("round(a, 400)") == 1234.5678);
    /* a scale that overflows: the figure itself, not an error */
    assert_true(eval("round(c, 10)") == 1e300);
    /* fewer than -308 digits: zero, with the figure's sign */
    double positive = eval("round(a, -400)");
    double negative = eval("round(b, -400)");
    assert_true(positive == 0 && !signbit(positive));
    assert_true(negative == 0 && signbit(negative));
    /* digits are truncated toward zero */
    assert_true(eval("round(a, 1.9)") == 1234.6);
    assert_true(eval("round(a, -1.9)") == 1230);
    assert_int_equal(the_world.fail_count, 0);
}

/* ---- the compiler ------------------------------------------------------- */

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
        cmocka_unit_test_setup(test_every_operation_and_shape_on_finite_lanes,
                               reset_world),
        cmocka_unit_test_setup(test_every_operation_and_shape_on_mixed_lanes,
                               reset_world),
        cmocka_unit_test_setup(test_unary_operations, reset_world),
        cmocka_unit_test_setup(test_chains_of_every_length, reset_world),
        cmocka_unit_test_setup(test_selects, reset_world),
        cmocka_unit_test_setup(test_a_deep_stack_runs_in_short_passes,
                               reset_world),
        cmocka_unit_test_setup(test_no_input_reads_as_missing, reset_world),
        cmocka_unit_test_setup(test_round_at_extreme_digits, reset_world),
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
    return cmocka_run_group_tests(tests, fill_lanes, NULL);
}
