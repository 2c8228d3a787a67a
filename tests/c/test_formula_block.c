/*
 * test_formula_block.c -- the block machine against the scalar machine,
 * operation by operation: every binary operation with its operands in
 * each shape the block machine tells apart (lanes and lanes, lanes and a
 * constant, a constant and lanes, two constants that are loads), over
 * lanes that are all finite numbers (the vectorized loops) and lanes that
 * mix missing values, errors, zeros and huge figures (the lane-by-lane
 * redo); chains of + and - of every length, cut by a constant or not
 * returned at once; selects of constants; a formula deep enough to need
 * passes of fewer than eight lanes.  Each lane must be what the scalar
 * machine gives for that lane's inputs (a number, or NaN for anything
 * else), and loading through load_block or load_lanes must not matter.
 * Also the scalar semantics that only odd inputs reach: a cell holding
 * "no input" reads as missing, round() at extreme digits.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/fake_formula_model.h"

static fake_world the_world;
static fake_lanes mixed = { .world = &the_world };
static fake_lanes finite = { .world = &the_world };
static uint64_t random_state = 0x9E3779B97F4A7C15u;

static double random_unit(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return (double)(random_state >> 11) / 9007199254740992.0;
}

/* Mostly ordinary figures, with every kind of value that is not one. */
static double random_mixed(void)
{
    double pick = random_unit();
    if (pick < 0.06)
        return ks_box_missing();
    if (pick < 0.12)
        return 0;
    if (pick < 0.16)
        return ks_box_error(5);
    if (pick < 0.20)
        return 1e308;
    if (pick < 0.24)
        return -1;
    return round((random_unit() * 200 - 100) * 100) / 100;
}

static int reset_world(void **state)
{
    (void)state;
    memset(&the_world, 0, sizeof the_world);
    for (int item = 0; item < ITEMS; item++)
        for (int period = 0; period < PERIODS; period++)
            the_world.values[item][period] = 10.0 * (item + 1) + period;
    return 0;
}

static int fill_lanes(void **state)
{
    (void)state;
    for (int i = 0; i < VARYING; i++)
        for (int p = 0; p < PERIODS; p++)
            for (int lane = 0; lane < KS_BLOCK_LANES_MAX; lane++) {
                mixed.lanes[i][p][lane] = random_mixed();
                finite.lanes[i][p][lane] = 1 + fabs(random_unit() * 50);
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

static double eval_scalar(const char *source)
{
    ks_formula *formula = compile_ok(source);
    ks_eval_env env = fake_env_at(&the_world, 5);
    double value = ks_formula_eval(formula, &env);
    ks_formula_free(formula, NULL);
    return value;
}

static void test_round_at_extreme_digits(void **state)
{
    (void)state;
    the_world.values[A][5] = 1234.5678;
    the_world.values[B][5] = -1234.5678;
    the_world.values[C][5] = 1e300;
    /* more digits than a double has: the figure itself */
    assert_true(eval_scalar("round(a, 400)") == 1234.5678);
    /* a scale that overflows: the figure itself, not an error */
    assert_true(eval_scalar("round(c, 10)") == 1e300);
    /* fewer than -308 digits: zero, with the figure's sign */
    double positive = eval_scalar("round(a, -400)");
    double negative = eval_scalar("round(b, -400)");
    assert_true(positive == 0 && !signbit(positive));
    assert_true(negative == 0 && signbit(negative));
    /* digits are truncated toward zero */
    assert_true(eval_scalar("round(a, 1.9)") == 1234.6);
    assert_true(eval_scalar("round(a, -1.9)") == 1230);
    assert_int_equal(the_world.fail_count, 0);
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
    };
    return cmocka_run_group_tests(tests, fill_lanes, NULL);
}
