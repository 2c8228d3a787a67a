/*
 * test_formula.c -- the formula language: parsing and its error columns,
 * the scalar and block machines, explain, suggestions, and allocation
 * failures, over a small fake model (fake_formula_model.h).
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
#include "../support/test_alloc.h"

/* ---- the fake model (fake_formula_model.h) ------------------------------- */

static fake_world the_world;

static ks_eval_env env_at(int period)
{
    return fake_env_at(&the_world, period);
}

static int reset_world(void **state)
{
    (void)state;
    fake_world_fill(&the_world);
    return 0;
}

static ks_formula *compile_ok(const char *source)
{
    ks_formula *formula = NULL;
    ks_error err;
    ks_status status = ks_formula_compile(source, fake_names(), NULL, &formula,
                                          &err);
    if (status != KS_OK)
        fail_msg("'%s' did not compile: %s", source, err.message);
    assert_non_null(formula);
    return formula;
}

static double eval_at(const char *source, int period)
{
    ks_formula *formula = compile_ok(source);
    ks_eval_env env = env_at(period);
    double value = ks_formula_eval(formula, &env);
    ks_formula_free(formula, NULL);
    return value;
}

static double eval(const char *source) { return eval_at(source, 5); }

static double value_of(int item, int period)
{
    return the_world.values[item][period];
}

/* ---- arithmetic, comparisons, functions -------------------------------------- */

static void test_precedence_and_associativity(void **state)
{
    (void)state;
    assert_true(eval("2^3^2") == pow(2, pow(3, 2)));
    assert_true(eval("-2^2") == -pow(2, 2));
    assert_true(eval("1-2-3") == (1.0 - 2.0) - 3.0);
    assert_true(eval("8/4/2") == (8.0 / 4.0) / 2.0);
    assert_true(eval("1+2*3") == 1.0 + 2.0 * 3.0);
    assert_true(eval("(1+2)*3") == (1.0 + 2.0) * 3.0);
    assert_true(eval("2*-3") == 2.0 * -3.0);
    assert_true(eval("--3") == 3.0);
    assert_true(eval("2^-1") == pow(2, -1));
    assert_true(eval(" 1 +\t2\n") == 1.0 + 2.0);
    assert_true(eval("12.5") == 12.5);
    assert_true(eval("1e6") == 1e6);
    assert_true(eval("2.5E-3") == 2.5e-3);
    assert_true(eval(".5 + .5") == 0.5 + 0.5);
    double a = value_of(A, 5), b = value_of(B, 5), c = value_of(C, 5);
    assert_true(eval("a + b * c") == a + b * c);
    assert_true(eval("a - b - c") == (a - b) - c);
    assert_true(eval("a / b * c") == (a / b) * c);
    assert_true(eval("-a ^ 2") == -pow(a, 2));
    assert_true(eval("a ^ b ^ 0.5") == pow(a, pow(b, 0.5)));
    assert_true(eval("rev.total - expenses.total") ==
                value_of(REV, 5) - value_of(EXPENSES, 5));
}

static void test_comparisons(void **state)
{
    (void)state;
    assert_true(eval("1 < 2") == 1);
    assert_true(eval("2 < 1") == 0);
    assert_true(eval("2 <= 2") == 1);
    assert_true(eval("3 > 4") == 0);
    assert_true(eval("4 >= 4") == 1);
    assert_true(eval("a == a") == 1);
    assert_true(eval("a ~= a") == 0);
    assert_true(eval("a < b") == (value_of(A, 5) < value_of(B, 5)));
    assert_true(eval("1 + 1 == 2") == 1); /* additive binds tighter */
}

static void test_functions(void **state)
{
    (void)state;
    double a = value_of(A, 5), b = value_of(B, 5), c = value_of(C, 5);
    assert_true(eval("sum(a, b, c)") == a + b + c);
    assert_true(eval("sum(a)") == a);
    assert_true(eval("min(c, a, b)") == fmin(fmin(c, a), b));
    assert_true(eval("max(a, c, b)") == fmax(fmax(a, c), b));
    assert_true(eval("abs(a - b)") == fabs(a - b));
    assert_true(eval("round(2.5)") == 3);
    assert_true(eval("round(-2.5)") == -3);
    assert_true(eval("round(1234.5678, 2)") == round(123456.78) / 100);
    assert_true(eval("round(1250, -2)") == 1300);
    assert_true(eval("round(-1250, -2)") == -1300);
    assert_true(eval("round(a / 3, 1)") == round(a / 3 * 10) / 10);
    assert_true(eval("if(1, a, b)") == a);
    assert_true(eval("if(0, a, b)") == b);
    assert_true(eval("if(a > b, a, b)") == (a > b ? a : b));
    assert_true(eval("if(a < b, a, b)") == (a < b ? a : b));
}

/* ---- missing, errors, faults ---------------------------------------------- */

static void test_missing_and_error_propagation(void **state)
{
    (void)state;
    the_world.values[A][5] = ks_box_missing();
    the_world.values[C][5] = ks_box_error(7);
    the_world.values[X][5] = ks_box_error(8);
    double b = value_of(B, 5);
    assert_true(ks_is_missing(eval("a + 1")));
    assert_true(ks_is_missing(eval("-a")));
    assert_true(ks_is_missing(eval("abs(a)")));
    assert_true(ks_is_missing(eval("a < 1")));
    assert_true(ks_is_missing(eval("if(a, 1, 2)")));
    assert_true(eval("sum(a, b)") == b);
    assert_true(eval("sum(b, a)") == b);
    assert_true(ks_is_missing(eval("sum(a)")));
    assert_true(ks_is_missing(eval("sum(a, a)")));
    assert_true(eval("min(a, b)") == b);
    assert_true(eval("max(b, a)") == b);
    /* an error wins over missing, and the leftmost error wins */
    assert_int_equal(ks_error_origin(eval("a + c")), 7);
    assert_int_equal(ks_error_origin(eval("c + x")), 7);
    assert_int_equal(ks_error_origin(eval("x * c")), 8);
    assert_int_equal(ks_error_origin(eval("-c")), 7);
    assert_int_equal(ks_error_origin(eval("sum(a, b, x)")), 8);
    assert_int_equal(ks_error_origin(eval("round(b, c)")), 7);
    assert_int_equal(ks_error_origin(eval("if(c, 1, 2)")), 7);
    assert_int_equal(ks_error_origin(eval("c < 1")), 7);
    assert_true(ks_is_error(eval("c / 0")));
    assert_int_equal(the_world.fail_count, 0); /* none of these began here */
}

static void test_if_does_not_propagate_the_other_branch(void **state)
{
    (void)state;
    the_world.values[B][5] = 0;
    the_world.values[C][5] = ks_box_error(7);
    assert_true(eval("if(b == 0, 0, a / b)") == 0);
    assert_true(eval("if(b ~= 0, a / b, a)") == value_of(A, 5));
    assert_true(eval("if(1 < 2, a, c)") == value_of(A, 5));
    assert_true(eval("if(b, c, a)") == value_of(A, 5));
    assert_int_equal(the_world.fail_count, 0);
}

static void test_division_by_zero_begins_an_error(void **state)
{
    (void)state;
    the_world.values[B][5] = 0;
    double value = eval("a / b");
    assert_true(ks_is_error(value));
    assert_int_equal(the_world.fail_count, 1);
    assert_int_equal(the_world.last_fault, KS_FAULT_DIV_ZERO);
    assert_string_equal(the_world.last_detail, "a / b");
    assert_int_equal(ks_error_origin(value), 1000 + the_world.fail_count);
    value = eval("1 + (a / b) * 2");
    assert_true(ks_is_error(value));
    assert_int_equal(ks_error_origin(value), 1000 + the_world.fail_count);
    assert_string_equal(the_world.last_detail, "a / b");
    assert_true(ks_is_error(eval("1 / 0")));
    assert_int_equal(the_world.last_fault, KS_FAULT_DIV_ZERO);
    assert_true(ks_is_error(eval("0 / 0")));
    assert_int_equal(the_world.last_fault, KS_FAULT_DIV_ZERO);
}

static void test_not_a_number_begins_an_error(void **state)
{
    (void)state;
    the_world.values[X][5] = INFINITY;
    assert_true(ks_is_error(eval("(0 - 8) ^ 0.5")));
    assert_int_equal(the_world.last_fault, KS_FAULT_INVALID);
    assert_string_equal(the_world.last_detail, "(0 - 8) ^ 0.5");
    int before = the_world.fail_count;
    assert_true(ks_is_error(eval("x - x")));
    assert_int_equal(the_world.fail_count, before + 1);
    assert_int_equal(the_world.last_fault, KS_FAULT_INVALID);
    assert_true(ks_is_error(eval("sum(x, -x)")));
    assert_true(ks_is_error(eval("x * 0")));
    /* an infinity is an overflow, whether an operation makes it or an
     * operand brings it */
    assert_true(ks_is_error(eval("x + 1")));
    assert_int_equal(the_world.last_fault, KS_FAULT_OVERFLOW);
    assert_true(ks_is_error(eval("1e300 * a * 1e300")));
    assert_int_equal(the_world.last_fault, KS_FAULT_OVERFLOW);
    assert_true(ks_is_error(eval("sum(1e308, 1e308)")));
    assert_int_equal(the_world.last_fault, KS_FAULT_OVERFLOW);
    assert_true(ks_is_error(eval("10 ^ 400")));
    assert_int_equal(the_world.last_fault, KS_FAULT_OVERFLOW);
    assert_true(ks_is_error(eval("1 / 1e-310")));
    assert_int_equal(the_world.last_fault, KS_FAULT_OVERFLOW);
    assert_true(ks_is_error(eval("-1e308 - 1e308")));
    assert_int_equal(the_world.last_fault, KS_FAULT_OVERFLOW);
    assert_true(ks_is_error(eval("a * 1e308 * 10 - 1e308 < 0")));
}

/* ---- references ------------------------------------------------------------ */

static void test_offsets_and_absolute_periods(void **state)
{
    (void)state;
    assert_true(eval_at("rev.total[-4]", 4) == value_of(REV, 0));
    assert_true(eval_at("rev.total / rev.total[-4] - 1", 7) ==
                value_of(REV, 7) / value_of(REV, 3) - 1);
    assert_true(eval_at("a[0]", 3) == value_of(A, 3));
    assert_true(eval_at("a[+1]", 3) == value_of(A, 4));
    assert_true(eval_at("a[1]", 3) == value_of(A, 4));
    assert_true(eval_at("a [ - 2 ]", 3) == value_of(A, 1));
    assert_true(eval_at("a@FY01", 2) == value_of(A, FY01));
    assert_true(eval_at("rev.total@FY02 / rev.total@FY01 - 1", 0) ==
                value_of(REV, FY02) / value_of(REV, FY01) - 1);
    assert_true(eval_at("a[-4]", FY02) == value_of(A, FY01));
    assert_true(eval_at("a[-4]@FY02", 0) == value_of(A, FY01));
    assert_true(eval_at("a @ 3Q02 - a@1Q01", 0) == value_of(A, 6) - value_of(A, 0));
    assert_true(eval_at("b[-2]@3Q02", FY01) == value_of(B, 4));

    double value = eval_at("rev.total[-4]", 2);
    assert_true(ks_is_error(value));
    assert_int_equal(the_world.last_fault, KS_FAULT_BEFORE_FIRST);
    assert_string_equal(the_world.last_detail, "rev.total[-4]");
    assert_true(ks_is_error(eval_at("a[1]", 7)));
    assert_int_equal(the_world.last_fault, KS_FAULT_AFTER_LAST);
    assert_string_equal(the_world.last_detail, "a[+1]");
    assert_true(ks_is_error(eval_at("a[-1]", FY02)));
    assert_int_equal(the_world.last_fault, KS_FAULT_NOT_PERIOD);
    assert_true(ks_is_error(eval_at("a[-4]@FY01", 3)));
    assert_string_equal(the_world.last_detail, "a[-4]@FY01");
    assert_int_equal(the_world.fail_count, 4);
}

static void test_distinct_references_in_first_use_order(void **state)
{
    (void)state;
    ks_formula *formula =
        compile_ok("a + b[-1] + a[0] + b[-1] + a@FY02 + a + a@FY02 + b[-1]@FY02");
    assert_string_equal(ks_formula_source(formula),
                        "a + b[-1] + a[0] + b[-1] + a@FY02 + a + a@FY02 + b[-1]@FY02");
    assert_int_equal(ks_formula_ref_count(formula), 4);
    const ks_formula_ref *ref = ks_formula_ref_at(formula, 0);
    assert_int_equal(ref->item, A);
    assert_int_equal(ref->kind, KS_REF_RELATIVE);
    assert_int_equal(ref->offset, 0);
    assert_int_equal(ref->period, -1);
    ref = ks_formula_ref_at(formula, 1);
    assert_int_equal(ref->item, B);
    assert_int_equal(ref->offset, -1);
    ref = ks_formula_ref_at(formula, 2);
    assert_int_equal(ref->item, A);
    assert_int_equal(ref->kind, KS_REF_ABSOLUTE);
    assert_int_equal(ref->period, FY02);
    ref = ks_formula_ref_at(formula, 3);
    assert_int_equal(ref->item, B);
    assert_int_equal(ref->kind, KS_REF_ABSOLUTE);
    assert_int_equal(ref->offset, -1);
    assert_null(ks_formula_ref_at(formula, 4));
    ks_formula_free(formula, NULL);
}

/* ---- errors when compiling ----------------------------------------------- */

typedef struct bad_formula {
    const char *source;
    ks_status status;
    int column;
    const char *message;
} bad_formula;

static const bad_formula bad_formulas[] = {
    { "a +", KS_ESYNTAX, 4,
      "column 4: expected a number, id, function or '(' (got end of formula)" },
    { "(a", KS_ESYNTAX, 3, "column 3: expected ')' (got end of formula)" },
    { "a b", KS_ESYNTAX, 3,
      "column 3: expected an operator or end of formula (got 'b')" },
    { "round(a,", KS_ESYNTAX, 9,
      "column 9: expected a number, id, function or '(' (got end of formula)" },
    { "sum()", KS_ESYNTAX, 1,
      "column 1: expected 1 or more arguments for 'sum' (got 0)" },
    { "a[-x]", KS_ESYNTAX, 4,
      "column 4: expected an integer offset in quarters (got 'x')" },
    { "a@", KS_ESYNTAX, 3,
      "column 3: expected a period id after '@' (got end of formula)" },
    { "1..2", KS_ESYNTAX, 1, "column 1: expected a number (got '1..2')" },
    { "a * 1e999", KS_ESYNTAX, 5,
      "column 5: expected a number of at most 1.8e308 in size (got '1e999')" },
    { "@", KS_ESYNTAX, 1,
      "column 1: expected a number, id, function or '(' (got '@')" },
    { "a[-1", KS_ESYNTAX, 5,
      "column 5: expected ']' after the offset (got end of formula)" },
    { "a + $", KS_ESYNTAX, 5,
      "column 5: expected a number, id, function or '(' (got '$')" },
    { "", KS_ESYNTAX, 1,
      "column 1: expected a number, id, function or '(' (got end of formula)" },
    { "round(a, 1, 2)", KS_ESYNTAX, 1,
      "column 1: expected 1 or 2 arguments for 'round' (got 3)" },
    { "if(a, b)", KS_ESYNTAX, 1,
      "column 1: expected 3 arguments for 'if' (got 2)" },
    { "abs(a, b)", KS_ESYNTAX, 1,
      "column 1: expected 1 argument for 'abs' (got 2)" },
    { "1 < 2 < 3", KS_ESYNTAX, 7,
      "column 7: expected end of formula (comparisons do not chain) (got '<')" },
    { "a[-1.5]", KS_ESYNTAX, 4,
      "column 4: expected an integer offset in quarters (got '1.5')" },
    { "sum(a,)", KS_ESYNTAX, 7,
      "column 7: expected a number, id, function or '(' (got ')')" },
    { "round(a b)", KS_ESYNTAX, 9,
      "column 9: expected ',' or ')' in the arguments of 'round' (got 'b')" },
    { "12abc", KS_ESYNTAX, 1, "column 1: expected a number (got '12abc')" },
    { "a = b", KS_ESYNTAX, 3,
      "column 3: expected an operator or end of formula (got '=')" },
    { "a[-1] @ ", KS_ESYNTAX, 9,
      "column 9: expected a period id after '@' (got end of formula)" },
    { "rev.totl + 1", KS_EUNKNOWN, 1,
      "column 1: unknown item 'rev.totl' (did you mean 'rev.total'?)" },
    { "1 + Rev.total", KS_EUNKNOWN, 5,
      "column 5: unknown item 'Rev.total' (did you mean 'rev.total'?)" },
    { "1 + qqqqqqqq", KS_EUNKNOWN, 5, "column 5: unknown item 'qqqqqqqq'" },
    { "a@FY99", KS_EUNKNOWN, 3, "column 3: unknown period 'FY99'" },
    { "a + b@ 3Q09", KS_EUNKNOWN, 8, "column 8: unknown period '3Q09'" },
    { "a@FY01[-1]", KS_ESYNTAX, 7,
      "column 7: expected an operator or end of formula (got '[')" },
    { "a[-99999]", KS_ESYNTAX, 4,
      "column 4: expected an offset of at most 4000 quarters (got '99999')" },
    { "summ(a)", KS_EUNKNOWN, 1,
      "column 1: unknown function 'summ' (did you mean 'sum'?)" },
    { "2 * rond(a)", KS_EUNKNOWN, 5,
      "column 5: unknown function 'rond' (did you mean 'round'?)" },
};

static void test_errors_name_the_column(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_formulas / sizeof bad_formulas[0]; i++) {
        const bad_formula *bad = &bad_formulas[i];
        ks_formula *formula = (ks_formula *)&the_world; /* must become NULL */
        ks_error err;
        ks_status status = ks_formula_compile(bad->source, fake_names(), NULL,
                                              &formula, &err);
        if (status != bad->status || err.column != bad->column ||
            strcmp(err.message, bad->message) != 0)
            fail_msg("'%s': got %s column %d \"%s\"", bad->source,
                     ks_status_name(status), err.column, err.message);
        assert_null(formula);
    }
}

static char *repeat(const char *prefix, int count, const char *middle,
                    const char *suffix)
{
    size_t length = strlen(prefix) * (size_t)count + strlen(middle) +
                    strlen(suffix) * (size_t)count + 1;
    char *text = malloc(length);
    assert_non_null(text);
    text[0] = '\0';
    for (int i = 0; i < count; i++)
        strcat(text, prefix);
    strcat(text, middle);
    for (int i = 0; i < count; i++)
        strcat(text, suffix);
    return text;
}

static void expect_refused(const char *source, ks_status expected_status)
{
    ks_formula *formula = NULL;
    ks_error err;
    assert_int_equal(ks_formula_compile(source, fake_names(), NULL, &formula,
                                        &err),
                     expected_status);
    assert_null(formula);
    assert_true(err.column > 0);
}

static void test_deep_nesting_is_refused_cleanly(void **state)
{
    (void)state;
    char *parens = repeat("(", 10000, "1", ")");
    expect_refused(parens, KS_ESYNTAX);
    free(parens);
    char *minus = repeat("-", 10000, "1", "");
    expect_refused(minus, KS_ESYNTAX);
    free(minus);
    char *calls = repeat("abs(", 5000, "a", ")");
    expect_refused(calls, KS_ESYNTAX);
    free(calls);
    char *powers = repeat("a^", 3000, "a", "");
    expect_refused(powers, KS_ESYNTAX);
    free(powers);
    char *longest = repeat("1+", 2100, "1", "");
    expect_refused(longest, KS_ESYNTAX); /* longer than the length limit */
    free(longest);

    /* within the limits: 150 levels, a deep stack, evaluated right */
    char *nested = repeat("a+(", 150, "a", ")");
    ks_formula *formula = compile_ok(nested);
    ks_eval_env env = env_at(5);
    assert_true(ks_formula_eval(formula, &env) == 151 * value_of(A, 5));
    ks_formula_free(formula, NULL);
    free(nested);
    char *folded = repeat("(", 190, "2", ")");
    assert_true(eval(folded) == 2);
    free(folded);
}

/* ---- block evaluation agrees with scalar evaluation -------------------------- */

static uint64_t random_state = 88172645463325252u;

static double random_unit(void) { return fake_random_unit(&random_state); }

static double random_input(void)
{
    double pick = random_unit();
    if (pick < 0.08)
        return ks_box_missing();
    if (pick < 0.14)
        return 0;
    if (pick < 0.18)
        return ks_box_error(5);
    if (pick < 0.22)
        return 1;
    return round((random_unit() * 200 - 100) * 100) / 100;
}

static void check_block_matches_scalar(fake_lanes *blocks, const char *source,
                                       int period, int lanes)
{
    ks_formula *formula = compile_ok(source);
    fake_lane_check check = fake_check_lanes(formula, blocks, period, lanes);
    ks_formula_free(formula, NULL);
    if (check.lane < 0)
        return;
    if (memcmp(&check.by_block, &check.by_lanes, sizeof check.by_block) != 0)
        fail_msg("'%s' lane %d: load_block %.17g, load_lanes %.17g", source,
                 check.lane, check.by_block, check.by_lanes);
    fail_msg("'%s' lane %d: block %.17g, scalar %.17g", source, check.lane,
             check.by_block, check.scalar);
}

static void test_block_agrees_with_scalar(void **state)
{
    (void)state;
    static fake_lanes blocks = { .world = &the_world };
    for (int i = 0; i < VARYING; i++)
        for (int p = 0; p < PERIODS; p++)
            for (int lane = 0; lane < KS_BLOCK_LANES_MAX; lane++)
                blocks.lanes[i][p][lane] = random_input();
    static const char *const formulas[] = {
        "a + b + c", "x[-1] * (1 + g)", "a / b", "a - b * c ^ 2",
        "sum(a, b, c)", "min(a, b) + max(b, c, x)", "if(a > b, a - b, c / b)",
        "round(a * 100, 1) + round(b, -1)", "-a ^ 2", "abs(a - b) < c",
        "a@FY01 + b[-1] + rev.total", "a[-4] / b", "(a == b) + (a ~= c)",
        "if(a, b, c) * 2", "sum(a) + 1", "x ^ 0.5", "a <= b",
        "a+(b+(c+(x+(g+(a+(b+(c+(x+(g+(a/b))))))))))",
        "if(a > 0, if(b > 0, a / b, a * b), if(c > 0, c, 0 - c))",
        "1 + 2 * 3", "0 < a", "2 >= b - c", "min(3, a) - max(b, 1)",
        "max(a, 1e308) * 10", "a / (b - b)", "(a > b) * (b <= c)",
        "a - b + c - x + g", "a + b + rev.total + c", "a + b - c + x - g + a - b",
        "a - b - 1e308 - c", "(a + b + c) * (x - g - a)", "a + b + x[-1] - c",
    };
    static const int lane_counts[] = { 1, 7, 300, KS_BLOCK_LANES_MAX };
    for (size_t f = 0; f < sizeof formulas / sizeof formulas[0]; f++)
        for (size_t l = 0; l < sizeof lane_counts / sizeof lane_counts[0]; l++)
            check_block_matches_scalar(&blocks, formulas[f], 5, lane_counts[l]);
    /* lanes that are all numbers take the vectorized paths: the same */
    static fake_lanes clean = { .world = &the_world };
    for (int i = 0; i < VARYING; i++)
        for (int p = 0; p < PERIODS; p++)
            for (int lane = 0; lane < KS_BLOCK_LANES_MAX; lane++)
                clean.lanes[i][p][lane] = 1 + fabs(random_unit() * 200 - 100);
    for (size_t f = 0; f < sizeof formulas / sizeof formulas[0]; f++)
        for (size_t l = 0; l < sizeof lane_counts / sizeof lane_counts[0]; l++)
            check_block_matches_scalar(&clean, formulas[f], 5, lane_counts[l]);
    check_block_matches_scalar(&blocks, "a[-4] + x[-1]", 1, 64);
    check_block_matches_scalar(&blocks, "a[-4] + x[-1]", FY02, 64);

    char *deep = repeat("a+(", 60, "b", ")");
    check_block_matches_scalar(&blocks, deep, 5, KS_BLOCK_LANES_MAX);
    free(deep);
}

/* ---- explain ------------------------------------------------------------- */

static ks_explain_node *explain_ok(const char *source, int period)
{
    ks_formula *formula = compile_ok(source);
    ks_eval_env env = env_at(period);
    ks_explain_node *root = NULL;
    ks_error err;
    ks_status status = ks_formula_explain(formula, &env, fake_to_value, NULL,
                                          &root, &err);
    if (status != KS_OK)
        fail_msg("explain '%s': %s", source, err.message);
    ks_formula_free(formula, NULL);
    return root;
}

static void assert_node(const ks_explain_node *node, const char *text,
                        int child_count, int item, int period)
{
    assert_non_null(node);
    assert_string_equal(node->text, text);
    assert_int_equal(node->child_count, child_count);
    assert_int_equal(node->item, item);
    assert_int_equal(node->period, period);
}

static void test_explain_tree_and_values(void **state)
{
    (void)state;
    double a = value_of(A, 6), b = value_of(B, 5);
    ks_explain_node *root = explain_ok("a + b[-1] * 2.50", 6);
    assert_node(root, "+", 2, -1, -1);
    assert_int_equal(root->value.kind, KS_NUMBER);
    assert_true(root->value.number == a + b * 2.5);
    assert_node(root->children[0], "a@3Q02", 0, A, 6);
    assert_true(root->children[0]->value.number == a);
    const ks_explain_node *product = root->children[1];
    assert_node(product, "*", 2, -1, -1);
    assert_true(product->value.number == b * 2.5);
    assert_node(product->children[0], "b@2Q02", 0, B, 5);
    assert_true(product->children[0]->value.number == b);
    assert_node(product->children[1], "2.50", 0, -1, -1);
    assert_true(product->children[1]->value.number == 2.5);
    ks_explain_node_free(NULL, root);

    root = explain_ok("-sum(a@FY01, round(b, 1))", 6);
    assert_node(root, "-", 1, -1, -1);
    assert_node(root->children[0], "sum", 2, -1, -1);
    assert_node(root->children[0]->children[0], "a@FY01", 0, A, FY01);
    assert_node(root->children[0]->children[1], "round", 2, -1, -1);
    assert_true(root->value.number ==
                -(value_of(A, FY01) + round(value_of(B, 6) * 10) / 10));
    ks_explain_node_free(NULL, root);
}

static void test_explain_if_and_faults(void **state)
{
    (void)state;
    the_world.values[B][4] = 0;
    ks_explain_node *root = explain_ok("if(b == 0, 0, a / b)", 4);
    assert_node(root, "if", 3, -1, -1);
    assert_true(root->value.kind == KS_NUMBER && root->value.number == 0);
    assert_node(root->children[0], "==", 2, -1, -1);
    assert_true(root->children[0]->value.number == 1);
    assert_node(root->children[2], "/", 2, -1, -1);
    assert_int_equal(root->children[2]->value.kind, KS_MISSING);
    assert_node(root->children[2]->children[0], "a@1Q02", 0, A, 4);
    assert_int_equal(the_world.fail_count, 0);
    ks_explain_node_free(NULL, root);

    root = explain_ok("a[-4] + 1", 2);
    assert_node(root, "+", 2, -1, -1);
    assert_int_equal(root->value.kind, KS_ERROR);
    assert_node(root->children[0], "a[-4]", 0, A, -1);
    assert_int_equal(root->children[0]->value.kind, KS_ERROR);
    assert_int_equal(the_world.fail_count, 1);
    assert_int_equal(the_world.last_fault, KS_FAULT_BEFORE_FIRST);
    ks_explain_node_free(NULL, root);

    root = explain_ok("a / b", 4);
    assert_int_equal(root->value.kind, KS_ERROR);
    assert_int_equal(the_world.last_fault, KS_FAULT_DIV_ZERO);
    ks_explain_node_free(NULL, root);
}

/* ---- allocation ---------------------------------------------------------- */

static const char *const allocation_formula =
    "sum(rev.total[-4], a@FY02, b) / round(c, 2) + if(a > b, x, -g) * "
    "max(1, 2, 3) + op_income - abs(expenses.total)";

static void test_compile_survives_every_failed_allocation(void **state)
{
    (void)state;
    for (int sticky = 0; sticky <= 1; sticky++) {
        int failures = 0;
        for (int n = 1;; n++) {
            test_alloc counter = { .fail_at = n, .fail_for_good = sticky };
            ks_allocator alloc = test_allocator(&counter);
            ks_formula *formula = NULL;
            ks_error err;
            ks_status status = ks_formula_compile(allocation_formula,
                                                  fake_names(), &alloc,
                                                  &formula, &err);
            if (status == KS_OK) {
                assert_true(counter.calls < n);
                ks_formula_free(formula, &alloc);
                assert_int_equal(counter.live, 0);
                break;
            }
            failures++;
            assert_int_equal(status, KS_ENOMEM);
            assert_int_equal(err.code, KS_ENOMEM);
            assert_null(formula);
            assert_int_equal(counter.live, 0);
        }
        assert_true(failures >= 5);
    }
}

static void test_explain_survives_every_failed_allocation(void **state)
{
    (void)state;
    ks_formula *formula = compile_ok(allocation_formula);
    ks_eval_env env = env_at(6);
    int failures = 0;
    for (int n = 1;; n++) {
        test_alloc counter = { .fail_at = n };
        ks_allocator alloc = test_allocator(&counter);
        ks_explain_node *root = NULL;
        ks_error err;
        ks_status status = ks_formula_explain(formula, &env, fake_to_value,
                                              &alloc, &root, &err);
        if (status == KS_OK) {
            assert_non_null(root);
            ks_explain_node_free(&alloc, root);
            assert_int_equal(counter.live, 0);
            break;
        }
        failures++;
        assert_int_equal(status, KS_ENOMEM);
        assert_null(root);
        assert_int_equal(counter.live, 0);
    }
    assert_true(failures >= 10);
    ks_formula_free(formula, NULL);
}

static void test_eval_does_not_allocate(void **state)
{
    (void)state;
    test_alloc counter = { 0 };
    ks_allocator alloc = test_allocator(&counter);
    ks_formula *formula = NULL;
    assert_int_equal(ks_formula_compile(allocation_formula, fake_names(),
                                        &alloc, &formula, NULL),
                     KS_OK);
    long calls = counter.calls;
    long live = counter.live;
    ks_eval_env env = env_at(6);
    for (int i = 0; i < 100; i++)
        (void)ks_formula_eval(formula, &env);
    static fake_lanes blocks = { .world = &the_world };
    ks_block_env block_env = { &blocks, fake_load_block, fake_shift, 6, NULL };
    static double out[KS_BLOCK_LANES_MAX];
    ks_formula_eval_block(formula, &block_env, out, KS_BLOCK_LANES_MAX);
    assert_int_equal(counter.calls, calls);
    assert_int_equal(counter.live, live);
    ks_formula_free(formula, &alloc);
    assert_int_equal(counter.live, 0);
}

/* ---- bytecode listing, suggestions ------------------------------------------ */

static void test_disassembly_and_constant_folding(void **state)
{
    (void)state;
    char listing[2048];
    ks_formula *formula = compile_ok("a / b + 1");
    assert_int_equal(ks_formula_disassemble(formula, listing, sizeof listing),
                     KS_OK);
    assert_non_null(strstr(listing, "LOAD"));
    assert_non_null(strstr(listing, "DIV"));
    assert_non_null(strstr(listing, "; a / b\n"));
    assert_non_null(strstr(listing, "RETURN"));
    char tiny[16];
    assert_int_equal(ks_formula_disassemble(formula, tiny, sizeof tiny),
                     KS_EINVAL);
    assert_true(strlen(tiny) < sizeof tiny);
    ks_formula_free(formula, NULL);

    formula = compile_ok("1 + 2 * 3 ^ 2 - round(2.5) + if(1 < 2, 4, a)");
    assert_int_equal(ks_formula_disassemble(formula, listing, sizeof listing),
                     KS_OK);
    assert_null(strstr(listing, "ADD"));
    assert_null(strstr(listing, "LOAD"));
    assert_null(strstr(listing, "IF_TEST"));
    ks_eval_env env = env_at(5);
    assert_true(ks_formula_eval(formula, &env) ==
                1 + 2 * pow(3, 2) - round(2.5) + 4);
    ks_formula_free(formula, NULL);

    formula = compile_ok("1 / 0"); /* not folded: the fault belongs to a cell */
    assert_int_equal(ks_formula_disassemble(formula, listing, sizeof listing),
                     KS_OK);
    assert_non_null(strstr(listing, "DIV"));
    ks_formula_free(formula, NULL);
}

static void test_edit_distance_and_suggest(void **state)
{
    (void)state;
    assert_int_equal(ks_edit_distance("kitten", 6, "sitting", 7, 10), 3);
    assert_int_equal(ks_edit_distance("kitten", 6, "sitting", 7, 1), 2);
    assert_int_equal(ks_edit_distance("", 0, "abc", 3, 5), 3);
    assert_int_equal(ks_edit_distance("same", 4, "same", 4, 0), 0);
    assert_int_equal(ks_edit_distance("abcdefgh", 8, "a", 1, 3), 4);
    assert_string_equal(ks_suggest("rev.totl", 8, fake_item_ids, ITEMS),
                        "rev.total");
    assert_string_equal(ks_suggest("op_incme", 8, fake_item_ids, ITEMS),
                        "op_income");
    assert_null(ks_suggest("zzzzzzzz", 8, fake_item_ids, ITEMS));
    assert_null(ks_suggest("anything", 8, fake_item_ids, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_precedence_and_associativity, reset_world),
        cmocka_unit_test_setup(test_comparisons, reset_world),
        cmocka_unit_test_setup(test_functions, reset_world),
        cmocka_unit_test_setup(test_missing_and_error_propagation, reset_world),
        cmocka_unit_test_setup(test_if_does_not_propagate_the_other_branch,
                               reset_world),
        cmocka_unit_test_setup(test_division_by_zero_begins_an_error,
                               reset_world),
        cmocka_unit_test_setup(test_not_a_number_begins_an_error, reset_world),
        cmocka_unit_test_setup(test_offsets_and_absolute_periods, reset_world),
        cmocka_unit_test_setup(test_distinct_references_in_first_use_order,
                               reset_world),
        cmocka_unit_test_setup(test_errors_name_the_column, reset_world),
        cmocka_unit_test_setup(test_deep_nesting_is_refused_cleanly,
                               reset_world),
        cmocka_unit_test_setup(test_block_agrees_with_scalar, reset_world),
        cmocka_unit_test_setup(test_explain_tree_and_values, reset_world),
        cmocka_unit_test_setup(test_explain_if_and_faults, reset_world),
        cmocka_unit_test_setup(test_compile_survives_every_failed_allocation,
                               reset_world),
        cmocka_unit_test_setup(test_explain_survives_every_failed_allocation,
                               reset_world),
        cmocka_unit_test_setup(test_eval_does_not_allocate, reset_world),
        cmocka_unit_test_setup(test_disassembly_and_constant_folding,
                               reset_world),
        cmocka_unit_test_setup(test_edit_distance_and_suggest, reset_world),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
