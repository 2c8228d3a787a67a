/*
 * test_whatif.c -- what-if analysis: goal seek against closed-form roots
 * (linear, quadratic), its failures (no sign change, iterations run out, an
 * error value at a probe) and the restored input; data tables against
 * direct recomputation, the handle left untouched, CSV export of a grid;
 * tornado values and ranking; allocation failure in each.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"

#include "kessan/kessan.h"
#include "kessan/whatif.h"
#include "model/model.h"

/* ---- models ------------------------------------------------------------------ */

/* x (an input), and y, q, r, inv of it; a, b, c and out for tables. */
static ks_model *build(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = empty_model(&calendar, alloc);
    add_input(model, "x", KS_RULE_SUM);
    define(model, "y", "3 * x - 12", KS_RULE_SUM); /* root 4 */
    define(model, "q", "x * x - 2", KS_RULE_SUM); /* roots +-sqrt(2) */
    define(model, "r", "x * x + 1", KS_RULE_SUM); /* never 0 */
    define(model, "inv", "1 / x - 0.5", KS_RULE_SUM); /* root 2, error at 0 */
    add_input(model, "a", KS_RULE_SUM);
    add_input(model, "b", KS_RULE_SUM);
    add_input(model, "c", KS_RULE_SUM);
    define(model, "out", "a * b - a / b + 10 * c", KS_RULE_SUM);
    define(model, "out2", "a + b", KS_RULE_SUM);
    report(model, "x@4Q02", 1);
    report(model, "a@4Q02", 3);
    report(model, "b@4Q02", 2);
    report(model, "c@4Q02", 1);
    return model;
}

static ks_status seek(ks_model *model, const char *target, double value,
                      const char *vary, const ks_goalseek_options *options,
                      ks_goalseek_result *result, ks_error *err)
{
    return ks_goalseek(model, cell(model, target), value, cell(model, vary),
                       options, result, err);
}

/* ---- goal seek --------------------------------------------------------------- */

/* Goal seek's defaults, with the answer bracketed in [lo, hi]. */
static ks_goalseek_options bracketed(double lo, double hi)
{
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    options.has_bracket = 1;
    options.lo = lo;
    options.hi = hi;
    return options;
}

static void test_goalseek_linear(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_goalseek_result result;
    ks_error err;
    assert_int_equal(seek(model, "y@4Q02", 0, "x@4Q02", NULL, &result, &err),
                     KS_OK);
    assert_true(fabs(result.solution - 4) < 1e-6);
    assert_true(fabs(result.residual) < 1e-5);
    assert_true(result.iterations >= 1 && result.iterations < 10);
    /* the cell is left at the solution, as an override */
    assert_true(number_of(model, "x@4Q02") == result.solution);
    assert_int_equal(value_of(model, "x@4Q02").provenance, KS_PROV_OVERRIDDEN);
    assert_true(fabs(number_of(model, "y@4Q02")) < 1e-5);
    /* another wanted value: 3x - 12 = 30 at x = 14 */
    assert_int_equal(seek(model, "y@4Q02", 30, "x@4Q02", NULL, &result, &err),
                     KS_OK);
    assert_true(fabs(result.solution - 14) < 1e-6);
    ks_model_free(model);
}

static void test_goalseek_quadratic(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_goalseek_result result;
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    options.tol = 1e-12;
    ks_error err;
    /* from x = 1 the search finds the positive root */
    assert_int_equal(seek(model, "q@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_OK);
    assert_true(fabs(result.solution - sqrt(2)) < 1e-10);
    /* a given bracket around the negative root */
    options.has_bracket = 1;
    options.lo = -5;
    options.hi = 0;
    assert_int_equal(seek(model, "q@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_OK);
    assert_true(fabs(result.solution + sqrt(2)) < 1e-10);
    /* from no input at all (missing counts as 0): the search goes +-2^k */
    ks_cell_ref x = cell(model, "x@4Q02");
    assert_int_equal(ks_clear(model, x.item, x.period, &err), KS_OK);
    assert_int_equal(seek(model, "y@4Q02", 0, "x@4Q02", NULL, &result, &err),
                     KS_OK);
    assert_true(fabs(result.solution - 4) < 1e-6);
    ks_model_free(model);
}

static void test_goalseek_no_sign_change(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_goalseek_result result;
    ks_error err;
    assert_int_equal(seek(model, "r@4Q02", 0, "x@4Q02", NULL, &result, &err),
                     KS_ENOSOLVE);
    assert_non_null(strstr(err.message, "r@4Q02 cannot reach 0 by varying "
                                        "x@4Q02 between"));
    assert_non_null(strstr(err.message, "it stays between"));
    /* restored: the reported 1, still reported */
    assert_true(number_of(model, "x@4Q02") == 1);
    assert_int_equal(value_of(model, "x@4Q02").provenance, KS_PROV_REPORTED);
    /* a given bracket without a sign change names it */
    ks_goalseek_options options = bracketed(5, 10);
    assert_int_equal(seek(model, "y@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_ENOSOLVE);
    assert_non_null(strstr(err.message, "between 5 and 10: it stays between "
                                        "3 and 18"));
    /* a cell with no input is left with none */
    ks_cell_ref x = cell(model, "x@4Q02");
    assert_int_equal(ks_clear(model, x.item, x.period, &err), KS_OK);
    assert_int_equal(seek(model, "r@4Q02", 0, "x@4Q02", NULL, &result, &err),
                     KS_ENOSOLVE);
    assert_false(ks_is_input(model, x.item, x.period));
    ks_model_free(model);
}

static void test_goalseek_max_iter(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_goalseek_result result;
    ks_goalseek_options options = bracketed(0, 1000);
    options.max_iter = 3;
    options.tol = 1e-12;
    ks_error err;
    assert_int_equal(seek(model, "q@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_ENOSOLVE);
    assert_non_null(strstr(err.message, "q@4Q02 did not reach 0 within 3 "
                                        "iterations varying x@4Q02: best"));
    assert_non_null(strstr(err.message, "residual"));
    assert_true(number_of(model, "x@4Q02") == 1);
    /* bad options are refused before anything runs */
    options.max_iter = 0;
    assert_int_equal(seek(model, "q@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_EINVAL);
    ks_model_free(model);
}

static void test_goalseek_error_at_probe(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_goalseek_result result;
    ks_goalseek_options options = bracketed(0, 10);
    ks_error err;
    assert_int_equal(seek(model, "inv@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_ENOSOLVE);
    assert_non_null(strstr(err.message, "inv@4Q02 is an error (division by "
                                        "zero in inv@4Q02) when x@4Q02 is 0"));
    assert_true(number_of(model, "x@4Q02") == 1);
    /* a bracket across the pole at 0 but not the root: no answer */
    options.lo = -1;
    options.hi = 1.3;
    assert_int_equal(seek(model, "inv@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_ENOSOLVE);
    /* the bracket closes on 0, where the target overflows (or divides by
     * zero): an error value, never an answer */
    if (!strstr(err.message, "inv@4Q02 is an error (") ||
        !strstr(err.message, " in inv@4Q02) when x@4Q02 is "))
        fail_msg("%s", err.message);
    assert_true(number_of(model, "x@4Q02") == 1);
    /* without the zero in the bracket it solves: 1/x = 0.5 at 2 */
    options.lo = 0.5;
    options.hi = 10;
    assert_int_equal(seek(model, "inv@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_OK);
    assert_true(fabs(result.solution - 2) < 1e-6);
    ks_model_free(model);
}

/* Targets with a jump, a pole, a flat stretch and a steep slope. */
static ks_model *build_jumps(void)
{
    ks_model *model = build(NULL);
    define(model, "step", "if(x > 150, 1, -1)", KS_RULE_SUM);
    define(model, "rnd", "round(x)", KS_RULE_SUM);
    define(model, "pole", "1 / (x * x - 22500.5)", KS_RULE_SUM); /* never 1/0 */
    define(model, "flat", "0 * x + 5", KS_RULE_SUM);
    define(model, "steep", "1e12 * (x - 150.123456789)", KS_RULE_SUM);
    return model;
}

/* A seek that must fail with KS_ENOSOLVE naming a jump near `where`, the
 * varied cell put back (the reported 1). */
static void assert_jump(ks_model *model, const char *target, double value,
                        const ks_goalseek_options *options, const char *where)
{
    ks_goalseek_result result = { -7, -7, -7, -7 };
    ks_error err;
    assert_int_equal(seek(model, target, value, "x@4Q02", options, &result,
                          &err),
                     KS_ENOSOLVE);
    if (!strstr(err.message, where) ||
        !strstr(err.message, "it jumps there from"))
        fail_msg("%s: %s", target, err.message);
    assert_true(result.solution == -7); /* nothing returned */
    assert_true(number_of(model, "x@4Q02") == 1);
    assert_int_equal(value_of(model, "x@4Q02").provenance, KS_PROV_REPORTED);
}

static void test_goalseek_never_returns_a_jump(void **state)
{
    (void)state;
    ks_model *model = build_jumps();
    /* a step: the bracket closes on 150, off by 1 there */
    ks_goalseek_options options = bracketed(149.99, 150.01);
    assert_jump(model, "step@4Q02", 0, &options, "no root: at x@4Q02 = 150");
    ks_error err;
    ks_goalseek_result result;
    assert_int_equal(seek(model, "step@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_ENOSOLVE);
    assert_non_null(strstr(err.message, "step@4Q02 is off by "));
    assert_non_null(strstr(err.message, "(tolerance 1e-09; bracket "
                                        "[149.99, 150.01]); it jumps there "
                                        "from -1 to 1"));
    /* the same searched from the reported 1 */
    assert_jump(model, "step@4Q02", 0, NULL, "no root: at x@4Q02 = 150");
    /* round() jumps from 150 to 151 at 150.5 */
    options = bracketed(100, 200);
    assert_jump(model, "rnd@4Q02", 150.5, &options,
                "no root: at x@4Q02 = 150.5");
    assert_jump(model, "rnd@4Q02", 150.25, &options, "it jumps there from "
                "150 to 151");
    /* a pole: the sign changes across 150, where no value is near 0 */
    options = bracketed(140.3, 170.1);
    assert_jump(model, "pole@4Q02", 0, &options,
                "no root: at x@4Q02 = 150.0016667");
    /* a wider tolerance given accepts the step's residual of 1 */
    options = bracketed(149.99, 150.01);
    options.residual_tol = 1.5;
    assert_int_equal(seek(model, "step@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_OK);
    assert_true(fabs(result.residual) == 1 && result.residual_tol == 1.5);
    assert_true(fabs(result.solution - 150) < 1e-6);
    /* and a bad one is refused */
    options.residual_tol = -1;
    assert_int_equal(seek(model, "step@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_EINVAL);
    assert_non_null(strstr(err.message, "residual_tol"));
    options.residual_tol = NAN;
    assert_int_equal(seek(model, "step@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_EINVAL);
    ks_model_free(model);
}

static void test_goalseek_flat_and_smooth(void **state)
{
    (void)state;
    ks_model *model = build_jumps();
    ks_goalseek_result result;
    ks_error err;
    /* flat at 5: 7 cannot be reached, 5 is reached anywhere */
    assert_int_equal(seek(model, "flat@4Q02", 7, "x@4Q02", NULL, &result,
                          &err),
                     KS_ENOSOLVE);
    assert_non_null(strstr(err.message, "flat@4Q02 cannot reach 7"));
    assert_true(number_of(model, "x@4Q02") == 1);
    assert_int_equal(seek(model, "flat@4Q02", 5, "x@4Q02", NULL, &result,
                          &err),
                     KS_OK);
    assert_true(result.residual == 0);
    /* smooth roots: the residual is within the tolerance, which is 1e-9
     * of the target's scale */
    ks_goalseek_options options = bracketed(0, 10);
    assert_int_equal(seek(model, "y@4Q02", 0, "x@4Q02", &options, &result,
                          &err),
                     KS_OK);
    assert_true(fabs(result.solution - 4) < 1e-6);
    assert_true(result.residual_tol == 1e-9 * 18); /* |3*10 - 12| */
    assert_true(fabs(result.residual) <= result.residual_tol);
    assert_true(fabs(number_of(model, "y@4Q02")) <= result.residual_tol);
    /* steep: the x tolerance alone would leave it 1e5 off; bisection goes
     * on until it is within 1e-9 of the scale (1.5e13 at the ends) */
    options = bracketed(140, 160);
    options.tol = 1e-6;
    assert_int_equal(seek(model, "steep@4Q02", 0, "x@4Q02", &options,
                          &result, &err),
                     KS_OK);
    assert_true(fabs(result.solution - 150.123456789) < 1e-9);
    assert_true(fabs(result.residual) <= result.residual_tol);
    assert_true(result.residual_tol > 1e4 && result.residual_tol < 2e4);
    assert_true(number_of(model, "x@4Q02") == result.solution);
    ks_model_free(model);
}

static void test_goalseek_scenario(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_model *scenario = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "s", &scenario, &err), KS_OK);
    ks_goalseek_result result;
    assert_int_equal(seek(scenario, "y@4Q02", 3, "x@4Q02", NULL, &result,
                          &err),
                     KS_OK);
    assert_true(fabs(result.solution - 5) < 1e-6);
    assert_true(number_of(scenario, "x@4Q02") == result.solution);
    assert_true(number_of(model, "x@4Q02") == 1); /* the base is untouched */
    /* a failure in the scenario puts back its base's reported input */
    ks_model *other = NULL;
    assert_int_equal(ks_scenario_new(model, "t", &other, &err), KS_OK);
    assert_int_equal(seek(other, "r@4Q02", 0, "x@4Q02", NULL, &result, &err),
                     KS_ENOSOLVE);
    assert_int_equal(value_of(other, "x@4Q02").provenance, KS_PROV_REPORTED);
    assert_true(number_of(other, "x@4Q02") == 1);
    ks_model_free(other);
    ks_model_free(scenario);
    ks_model_free(model);
}

/* ---- data tables ---------------------------------------------------------------- */

static const double row_values[] = { 1, 2.5, -4, 0 };
static const double col_values[] = { 2, 0, 0.5 };

/* out at (a, b) by setting them on a scenario of the handle directly */
static ks_value direct(ks_model *handle, double a, double b,
                       const char *output)
{
    ks_model *check = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(handle, "check", &check, &err), KS_OK);
    assert_int_equal(ks_copy_overrides(handle, check, &err), KS_OK);
    put(check, "a@4Q02", a);
    put(check, "b@4Q02", b);
    ks_value value = value_of(check, output);
    ks_model_free(check);
    return value;
}

static void test_datatable_two_way(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_model *scenario = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "s", &scenario, &err), KS_OK);
    put(scenario, "c@4Q02", 7);   /* an override the table must carry     */
    put(scenario, "a@4Q02", 11);  /* and one it varies                    */
    double out_before = number_of(scenario, "out@4Q02");
    ks_table_axis rows = { cell(model, "a@4Q02"), row_values, 4 };
    ks_table_axis cols = { cell(model, "b@4Q02"), col_values, 3 };
    ks_cell_ref outputs[2] = { cell(model, "out@4Q02"),
                               cell(model, "out2@4Q02") };
    ks_grid *grid = NULL;
    assert_int_equal(ks_datatable(scenario, &rows, &cols, outputs, 2, &grid,
                                  &err),
                     KS_OK);
    assert_int_equal(grid->row_count, 4);
    assert_int_equal(grid->col_count, 3);
    assert_string_equal(grid->row_name, "a@4Q02");
    assert_string_equal(grid->col_name, "b@4Q02");
    assert_string_equal(grid->output_names[1], "out2@4Q02");
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 2; k++) {
                ks_value expected = direct(scenario, row_values[i],
                                           col_values[j],
                                           k ? "out2@4Q02" : "out@4Q02");
                ks_point got = ks_grid_at(grid, k, i, j);
                assert_int_equal(got.kind, expected.kind);
                if (expected.kind == KS_NUMBER)
                    assert_true(got.number == expected.number);
            }
    /* b = 0 divides by zero: an error point, not a number */
    assert_int_equal(ks_grid_at(grid, 0, 0, 1).kind, KS_ERROR);
    /* the handle is untouched: same inputs, same values */
    assert_true(number_of(scenario, "a@4Q02") == 11);
    assert_true(number_of(scenario, "b@4Q02") == 2);
    assert_int_equal(value_of(scenario, "b@4Q02").provenance,
                     KS_PROV_REPORTED);
    assert_true(number_of(scenario, "out@4Q02") == out_before);
    assert_true(number_of(model, "a@4Q02") == 3);
    ks_grid_free(grid);
    ks_model_free(scenario);
    ks_model_free(model);
}

static void test_datatable_one_way(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_table_axis rows = { cell(model, "x@4Q02"), row_values, 4 };
    ks_cell_ref output = cell(model, "y@4Q02");
    ks_grid *grid = NULL;
    ks_error err;
    assert_int_equal(ks_datatable(model, &rows, NULL, &output, 1, &grid, &err),
                     KS_OK);
    assert_int_equal(grid->col_count, 1);
    assert_false(grid->has_cols);
    assert_null(grid->col_name);
    for (int i = 0; i < 4; i++) {
        put(model, "x@4Q02", row_values[i]);
        assert_true(ks_grid_at(grid, 0, i, 0).number ==
                    number_of(model, "y@4Q02"));
    }
    ks_grid_free(grid);
    /* a saved scenario that happens to be called "datatable" changes
     * nothing: the table works on a blank private copy */
    ks_model *saved = NULL;
    assert_int_equal(ks_scenario_new(model, "datatable", &saved, &err), KS_OK);
    int a_item = ks_item_find(model, "y"), a_period = -1;
    assert_int_equal(ks_period_lookup(model, "4Q02", &a_period, &err), KS_OK);
    assert_int_equal(ks_set(saved, a_item, a_period, 1e9, &err), KS_OK);
    assert_int_equal(ks_scenario_save(saved, &err), KS_OK);
    ks_model_free(saved);
    assert_int_equal(ks_datatable(model, &rows, NULL, &output, 1, &grid, &err),
                     KS_OK);
    for (int i = 0; i < 4; i++) {
        put(model, "x@4Q02", row_values[i]);
        assert_true(ks_grid_at(grid, 0, i, 0).number ==
                    number_of(model, "y@4Q02"));
    }
    ks_grid_free(grid);
    /* the same cell on both sides is refused */
    ks_table_axis cols = rows;
    assert_int_equal(ks_datatable(model, &rows, &cols, &output, 1, &grid,
                                  &err),
                     KS_EINVAL);
    assert_non_null(strstr(err.message, "x@4Q02 is both the row and the "
                                        "column input"));
    assert_null(grid);
    ks_model_free(model);
}

static void test_grid_export(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_table_axis rows = { cell(model, "a@4Q02"), row_values, 2 };
    ks_table_axis cols = { cell(model, "b@4Q02"), col_values, 2 };
    ks_cell_ref output = cell(model, "out@4Q02");
    ks_grid *grid = NULL;
    ks_error err;
    assert_int_equal(ks_datatable(model, &rows, &cols, &output, 1, &grid,
                                  &err),
                     KS_OK);
    const char *path = KESSAN_TEST_TMP "/whatif_grid.csv";
    assert_int_equal(ks_grid_export_csv(grid, path, &err), KS_OK);
    char *text = read_file(path);
    char expected[512];
    snprintf(expected, sizeof expected,
             "a@4Q02,b@4Q02,out@4Q02\n"
             "1,2,%.17g\n1,0,\n2.5,2,%.17g\n2.5,0,\n",
             ks_grid_at(grid, 0, 0, 0).number,
             ks_grid_at(grid, 0, 1, 0).number);
    assert_string_equal(text, expected);
    free(text);
    /* a directory that does not exist: EIO naming the path, nothing left */
    const char *bad = KESSAN_TEST_TMP "/no-such-dir/grid.csv";
    assert_int_equal(ks_grid_export_csv(grid, bad, &err), KS_EIO);
    assert_non_null(strstr(err.message, bad));
    remove(path);
    ks_grid_free(grid);
    ks_model_free(model);
}

/* ---- tornado ------------------------------------------------------------------- */

static void test_tornado(void **state)
{
    (void)state;
    ks_model *model = build(NULL);
    ks_model *scenario = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "s", &scenario, &err), KS_OK);
    put(scenario, "c@4Q02", 5);
    ks_tornado_input inputs[3] = {
        { cell(model, "a@4Q02"), 0, 0, 0 },
        { cell(model, "b@4Q02"), 0, 0, 0 },
        { cell(model, "c@4Q02"), 1, 4, 6 },
    };
    ks_tornado *tornado = NULL;
    double before = number_of(scenario, "out@4Q02");
    assert_int_equal(ks_tornado_run(scenario, cell(model, "out@4Q02"), inputs,
                                    3, 0.1, &tornado, &err),
                     KS_OK);
    assert_true(tornado->base_output == before);
    assert_int_equal(tornado->count, 3);
    for (int i = 0; i < 3; i++) {
        const ks_tornado_bar *bar = &tornado->bars[i];
        if (i > 0)
            assert_true(tornado->bars[i - 1].spread >= bar->spread);
        /* each end against a direct recomputation */
        for (int end = 0; end < 2; end++) {
            ks_model *check = NULL;
            assert_int_equal(ks_scenario_new(scenario, "check", &check, &err),
                             KS_OK);
            assert_int_equal(ks_copy_overrides(scenario, check, &err), KS_OK);
            assert_int_equal(ks_set(check, bar->input.item, bar->input.period,
                                    end ? bar->high : bar->low, &err),
                             KS_OK);
            assert_true(number_of(check, "out@4Q02") ==
                        (end ? bar->out_high : bar->out_low));
            ks_model_free(check);
        }
        assert_true(bar->spread == fabs(bar->out_high - bar->out_low));
    }
    /* c swings 4..6 (spread 20), a 2.7..3.3, b 1.8..2.2 */
    assert_int_equal(tornado->bars[0].input.item, inputs[2].cell.item);
    assert_true(tornado->bars[0].low == 4 && tornado->bars[0].high == 6);
    ks_tornado_bar *a_bar = tornado->bars[1].input.item == inputs[0].cell.item
                                ? &tornado->bars[1]
                                : &tornado->bars[2];
    assert_true(a_bar->low == 3 * 0.9 && a_bar->high == 3 * 1.1);
    assert_true(number_of(scenario, "c@4Q02") == 5);
    assert_true(number_of(scenario, "out@4Q02") == before);
    ks_tornado_free(tornado);
    /* a missing input cannot swing */
    ks_tornado_input missing = { cell(model, "a@4Q01"), 0, 0, 0 };
    assert_int_equal(ks_tornado_run(scenario, cell(model, "out@4Q02"),
                                    &missing, 1, 0.1, &tornado, &err),
                     KS_EINVAL);
    assert_non_null(strstr(err.message, "input a@4Q01 is missing"));
    ks_model_free(scenario);
    ks_model_free(model);
}

/* ---- allocation failure ------------------------------------------------------------ */


/* Run one tool on a scenario with the allocator armed to fail; failures
 * stop before the checks (which read cells). */
static ks_status run_tools(ks_model *model, int step, test_alloc *f)
{
    ks_model *scenario = NULL;
    ks_error err;
    ks_status status = ks_scenario_new(model, "s", &scenario, &err);
    if (status != KS_OK)
        return status;
    ks_goalseek_result result;
    ks_grid *grid = NULL;
    ks_tornado *tornado = NULL;
    ks_table_axis rows = { cell(model, "a@4Q02"), row_values, 2 };
    ks_table_axis cols = { cell(model, "b@4Q02"), col_values, 2 };
    ks_cell_ref output = cell(model, "out@4Q02");
    ks_tornado_input inputs[2] = { { cell(model, "a@4Q02"), 0, 0, 0 },
                                   { cell(model, "b@4Q02"), 0, 0, 0 } };
    switch (step) {
    case 0:
        status = seek(scenario, "y@4Q02", 0, "x@4Q02", NULL, &result, &err);
        test_alloc_disarm(f);
        if (status != KS_OK) /* restored: the base's reported 1 */
            assert_true(number_of(scenario, "x@4Q02") == 1);
        break;
    case 1:
        status = ks_set(scenario, cell(model, "c@4Q02").item,
                        cell(model, "c@4Q02").period, 2, &err);
        if (status == KS_OK)
            status = ks_datatable(scenario, &rows, &cols, &output, 1, &grid,
                                  &err);
        if (status == KS_OK)
            status = ks_grid_export_csv(grid, KESSAN_TEST_TMP
                                        "/whatif_alloc.csv", &err);
        break;
    default:
        status = ks_tornado_run(scenario, output, inputs, 2, 0.1, &tornado,
                                &err);
        break;
    }
    if (status != KS_OK)
        assert_int_equal(err.code, KS_ENOMEM);
    else if (step > 0)
        assert_true(grid != NULL || tornado != NULL);
    ks_grid_free(grid);
    ks_tornado_free(tornado);
    ks_model_free(scenario);
    return status;
}

static void test_allocation_failure(void **state)
{
    (void)state;
    for (int step = 0; step < 3; step++)
        for (int persistent = 0; persistent < 2; persistent++)
            for (long n = 1;; n++) {
                test_alloc f = { 0 };
                ks_allocator alloc = test_allocator(&f);
                ks_model *model = build(&alloc);
                /* settle the base first: its recalculation is not ours */
                number_of(model, "out@4Q02");
                long live = f.live;
                test_alloc_arm(&f, n, persistent);
                ks_status status = run_tools(model, step, &f);
                int failed = f.failed;
                assert_int_equal(f.live, live); /* nothing leaked */
                test_alloc_disarm(&f);
                ks_model_free(model);
                assert_int_equal(f.live, 0);
                if (status == KS_OK && !failed)
                    break;
                if (status == KS_OK)
                    continue; /* the failure was absorbed */
                assert_int_equal(status, KS_ENOMEM);
                assert_true(n <= 10000);
            }
    remove(KESSAN_TEST_TMP "/whatif_alloc.csv");
}

/* ---- interrupted -------------------------------------------------------------------- */

/* What a tool must leave as it was: the cells it varies and reads. */
typedef struct snapshot {
    ks_value values[6];
    int inputs[6];
} snapshot;

static const char *const watched[6] = {
    "x@4Q02", "a@4Q02", "b@4Q02", "c@4Q02", "y@4Q02", "out@4Q02"
};

static snapshot take(ks_model *model)
{
    snapshot shot;
    memset(&shot, 0, sizeof shot);
    for (int i = 0; i < 6; i++) {
        ks_cell_ref ref = cell(model, watched[i]);
        shot.values[i] = value_of(model, watched[i]);
        shot.inputs[i] = ks_is_input(model, ref.item, ref.period);
    }
    return shot;
}

static void assert_same(const snapshot *a, const snapshot *b)
{
    for (int i = 0; i < 6; i++) {
        if (a->values[i].kind != b->values[i].kind ||
            a->values[i].number != b->values[i].number ||
            a->values[i].provenance != b->values[i].provenance ||
            a->inputs[i] != b->inputs[i])
            fail_msg("%s changed: %g -> %g", watched[i], a->values[i].number,
                     b->values[i].number);
    }
}

static const char *const tool_words[3] = {
    "interrupted while seeking a goal",
    "interrupted while computing a data table",
    "interrupted while running a tornado"
};

/* One tool on a scenario with its poll firing at call k. */
static ks_status interrupt_tool(ks_model *model, int tool, poll_count *poll,
                                long k)
{
    ks_model *scenario = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "s", &scenario, &err), KS_OK);
    put(scenario, "c@4Q02", 2);
    put(scenario, "x@4Q02", 7);
    snapshot before = take(scenario);
    double columns[40];
    for (int j = 0; j < 40; j++)
        columns[j] = j * 0.25;
    ks_table_axis rows = { cell(model, "a@4Q02"), row_values, 3 };
    ks_table_axis cols = { cell(model, "b@4Q02"), columns, 40 };
    ks_cell_ref outputs[2] = { cell(model, "out@4Q02"),
                               cell(model, "out2@4Q02") };
    ks_tornado_input inputs[3] = { { cell(model, "a@4Q02"), 0, 0, 0 },
                                   { cell(model, "b@4Q02"), 0, 0, 0 },
                                   { cell(model, "c@4Q02"), 1, 1, 3 } };
    ks_goalseek_result result = { -7, -7, -7, -7 };
    ks_grid *grid = (ks_grid *)&grid;
    ks_tornado *tornado = (ks_tornado *)&tornado;
    ks_status status;
    poll->calls = 0;
    poll->fire_at = k;
    if (tool == 0)
        status = seek(scenario, "y@4Q02", 0, "x@4Q02", NULL, &result, &err);
    else if (tool == 1)
        status = ks_datatable(scenario, &rows, &cols, outputs, 2, &grid,
                              &err);
    else
        status = ks_tornado_run(scenario, outputs[0], inputs, 3, 0.1,
                                &tornado, &err);
    poll->fire_at = LONG_MAX;
    if (status == KS_OK) {
        assert_true(poll->calls < k);
        if (tool == 1)
            ks_grid_free(grid);
        if (tool == 2)
            ks_tornado_free(tornado);
    } else {
        if (status != KS_EINTERRUPTED || strcmp(err.message, tool_words[tool]))
            fail_msg("tool %d, k=%ld: %s: %s", tool, k,
                     ks_status_name(status), err.message);
        assert_true(poll->calls == k); /* stopped at the poll that fired */
        assert_true(result.solution == -7);
        if (tool == 1)
            assert_null(grid);
        if (tool == 2)
            assert_null(tornado);
        snapshot after = take(scenario);
        assert_same(&before, &after);
    }
    ks_model_free(scenario);
    return status;
}

/* Each tool interrupted at its k-th poll, k = 1, 2, ... until it polls
 * fewer times: KS_EINTERRUPTED at once, the scenario as it was (the
 * varied cell put back), nothing leaked. */
static void test_interrupted(void **state)
{
    (void)state;
    /* goal seek polls per evaluation, tables per row and every 16 points
     * of a row (3 rows of 40: 9 polls), tornado per input */
    static const long at_least[3] = { 5, 9, 3 };
    for (int tool = 0; tool < 3; tool++) {
        long interrupted = 0;
        for (long k = 1;; k++) {
            test_alloc f = { 0 };
            poll_count poll = { 0, LONG_MAX };
            ks_allocator alloc = test_allocator_polled(&f, &poll);
            ks_model *model = build(&alloc);
            number_of(model, "out@4Q02");
            long live = f.live;
            ks_status status = interrupt_tool(model, tool, &poll, k);
            assert_int_equal(f.live, live); /* nothing leaked */
            ks_model_free(model);
            assert_int_equal(f.live, 0);
            if (status == KS_OK)
                break;
            interrupted++;
            assert_true(k < 10000);
        }
        if (interrupted < at_least[tool])
            fail_msg("tool %d polled only %ld times", tool, interrupted);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goalseek_linear),
        cmocka_unit_test(test_goalseek_quadratic),
        cmocka_unit_test(test_goalseek_no_sign_change),
        cmocka_unit_test(test_goalseek_max_iter),
        cmocka_unit_test(test_goalseek_error_at_probe),
        cmocka_unit_test(test_goalseek_never_returns_a_jump),
        cmocka_unit_test(test_goalseek_flat_and_smooth),
        cmocka_unit_test(test_goalseek_scenario),
        cmocka_unit_test(test_datatable_two_way),
        cmocka_unit_test(test_datatable_one_way),
        cmocka_unit_test(test_grid_export),
        cmocka_unit_test(test_tornado),
        cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_interrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
