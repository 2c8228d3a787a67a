/*
 * test_whatif_refusals.c -- what goal seek, data tables and tornadoes
 * refuse, and how they say it: options out of range (tolerances, the
 * bracket, iterations, the wanted value), tables without rows, columns or
 * outputs or with one cell on both axes, tornadoes without inputs or with
 * a swing or range that is not a number, an output that is missing or an
 * error, a target that is missing or not finite at a probe, overrides
 * copied to a handle of another base, and exports with no path.  After a
 * refusal the handle is as it was.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"
#include "kessan/whatif.h"

static ks_model *model;
static ks_cell_ref price, volume, sales, inverse, unset;

/* sales = price * volume; inverse = 1 / (price - 10); unset has nothing */
static int setup(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    add_input(model, "price", KS_RULE_SUM);
    add_input(model, "volume", KS_RULE_SUM);
    add_input(model, "unset", KS_RULE_SUM);
    define(model, "sales", "price * volume", KS_RULE_SUM);
    define(model, "inverse", "1 / (price - 10)", KS_RULE_SUM);
    price = cell(model, "price@3Q02");
    volume = cell(model, "volume@3Q02");
    sales = cell(model, "sales@3Q02");
    inverse = cell(model, "inverse@3Q02");
    unset = cell(model, "unset@3Q02");
    put(model, "price@3Q02", 10);
    put(model, "volume@3Q02", 5);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static void expect(ks_status got, const ks_error *err, ks_status status,
                   const char *message)
{
    if (got != status || strcmp(err->message, message) != 0)
        fail_msg("%s: '%s'\nwanted %s: '%s'", ks_status_name(got),
                 err->message, ks_status_name(status), message);
}

/* ---- goal seek ---------------------------------------------------------------- */

static void expect_seek_refused(const ks_goalseek_options *options,
                                double value, ks_status status,
                                const char *message)
{
    ks_goalseek_result result = { -1, -1, -1, -1 };
    ks_error err;
    expect(ks_goalseek(model, sales, value, price, options, &result, &err),
           &err, status, message);
    assert_true(number_of(model, "price@3Q02") == 10);
    assert_true(ks_is_input(model, price.item, price.period));
}

static void test_goal_seek_options(void **state)
{
    (void)state;
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    options.tol = 0;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: tol must be a positive number, not 0");
    options.tol = NAN;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: tol must be a positive number, not nan");
    ks_goalseek_defaults(&options);
    options.residual_tol = -1;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: residual_tol must be 0 (automatic) or a "
                        "positive number, not -1");
    options.residual_tol = INFINITY;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: residual_tol must be 0 (automatic) or a "
                        "positive number, not inf");
    ks_goalseek_defaults(&options);
    options.max_iter = 0;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: max_iter must be at least 1, not 0");
    ks_goalseek_defaults(&options);
    options.has_bracket = 1;
    options.lo = 5;
    options.hi = 5;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: the bracket needs lo < hi, both finite "
                        "(got 5 and 5)");
    options.lo = -INFINITY;
    expect_seek_refused(&options, 60, KS_EINVAL,
                        "goal seek: the bracket needs lo < hi, both finite "
                        "(got -inf and 5)");
    expect_seek_refused(NULL, NAN, KS_EINVAL,
                        "goal seek: the wanted value must be a finite number");
    expect_seek_refused(NULL, INFINITY, KS_EINVAL,
                        "goal seek: the wanted value must be a finite number");
}

static void test_goal_seek_targets_that_are_not_numbers(void **state)
{
    (void)state;
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    options.has_bracket = 1;
    options.lo = 0;
    options.hi = 20;
    ks_goalseek_result result;
    ks_error err;
    /* a target that is missing whatever the input */
    expect(ks_goalseek(model, unset, 3, price, &options, &result, &err), &err,
           KS_ENOSOLVE, "unset@3Q02 is missing when price@3Q02 is 0");
    /* a target that is an error at the probe */
    options.lo = 10;
    options.hi = 30;
    expect(ks_goalseek(model, inverse, 3, price, &options, &result, &err),
           &err, KS_ENOSOLVE,
           "inverse@3Q02 is an error (division by zero in inverse@3Q02) "
           "when price@3Q02 is 10");
    assert_true(number_of(model, "price@3Q02") == 10);
    /* with no bracket, the search starts from the varied cell's value, or
     * from 0 when it has none: sales = price * volume, volume varied */
    ks_error clear;
    assert_int_equal(ks_set_missing(model, volume.item, volume.period, &clear),
                     KS_OK);
    ks_goalseek_defaults(&options);
    assert_int_equal(ks_goalseek(model, sales, 70, volume, &options, &result,
                                 &err), KS_OK);
    assert_true(fabs(result.solution - 7) < 1e-6);
    assert_true(fabs(number_of(model, "sales@3Q02") - 70) <=
                result.residual_tol);
}

/* ---- data tables --------------------------------------------------------------- */

static void expect_table_refused(const ks_table_axis *rows,
                                 const ks_table_axis *cols,
                                 const ks_cell_ref *outputs, int count,
                                 const char *message)
{
    ks_grid *grid = (ks_grid *)&grid;
    ks_error err;
    expect(ks_datatable(model, rows, cols, outputs, count, &grid, &err), &err,
           KS_EINVAL, message);
    assert_null(grid);
}

static void test_data_table_axes(void **state)
{
    (void)state;
    static const double values[] = { 1, 2, 3 };
    ks_table_axis rows = { price, values, 3 };
    ks_table_axis cols = { volume, values, 3 };
    ks_table_axis empty = { price, values, 0 };
    ks_table_axis valueless = { volume, NULL, 2 };
    expect_table_refused(NULL, NULL, &sales, 1, "data table: no row values");
    expect_table_refused(&empty, NULL, &sales, 1, "data table: no row values");
    expect_table_refused(&rows, &valueless, &sales, 1,
                         "data table: no column values");
    expect_table_refused(&rows, &cols, &sales, 0,
                         "data table: no output cell");
    ks_table_axis same = { price, values, 3 };
    expect_table_refused(&rows, &same, &sales, 1,
                         "data table: price@3Q02 is both the row and the "
                         "column input");
    /* a table that is made leaves the handle as it was */
    ks_grid *grid = NULL;
    ks_error err;
    ks_cell_ref outputs[2] = { sales, inverse };
    assert_int_equal(ks_datatable(model, &rows, &cols, outputs, 2, &grid,
                                  &err), KS_OK);
    assert_true(ks_grid_at(grid, 0, 2, 1).number == 3 * 2);
    assert_int_equal(ks_grid_at(grid, 1, 0, 0).kind, KS_NUMBER);
    assert_true(ks_grid_at(grid, 1, 0, 0).number == 1 / (1.0 - 10));
    assert_true(number_of(model, "price@3Q02") == 10);
    assert_int_equal(ks_grid_export_csv(grid, "", &err), KS_EINVAL);
    assert_string_equal(err.message, "no path to export the table to");
    assert_int_equal(ks_grid_export_csv(grid, NULL, &err), KS_EINVAL);
    ks_grid_free(grid);
}

static void test_cell_names_and_copies(void **state)
{
    (void)state;
    char name[32];
    assert_string_equal(ks_cell_name(model, (ks_cell_ref){ 99, 0 }, name,
                                     sizeof name), "cell(99,0)");
    assert_string_equal(ks_cell_name(model, (ks_cell_ref){ 0, -1 }, name,
                                     sizeof name), "cell(0,-1)");
    assert_string_equal(ks_cell_name(model, price, name, sizeof name),
                        "price@3Q02");
    /* overrides go only to a scenario of the same base */
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *other = NULL, *stranger = NULL, *mine = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &other, &err), KS_OK);
    assert_int_equal(ks_scenario_new(other, "stranger", &stranger, &err),
                     KS_OK);
    assert_int_equal(ks_scenario_new(model, "mine", &mine, &err), KS_OK);
    expect(ks_copy_overrides(mine, stranger, &err), &err, KS_EMISUSE,
           "copying overrides: 'stranger' is not a scenario of the base of "
           "'mine'");
    expect(ks_copy_overrides(mine, model, &err), &err, KS_EMISUSE,
           "copying overrides: 'base' is not a scenario of the base of "
           "'mine'");
    ks_model_free(mine);
    ks_model_free(stranger);
    ks_model_free(other);
}

/* ---- tornadoes ------------------------------------------------------------------- */

static void expect_tornado_refused(ks_cell_ref output,
                                   const ks_tornado_input *inputs, int count,
                                   double swing, const char *message)
{
    ks_tornado *tornado = (ks_tornado *)&tornado;
    ks_error err;
    expect(ks_tornado_run(model, output, inputs, count, swing, &tornado, &err),
           &err, KS_EINVAL, message);
    assert_null(tornado);
    assert_true(number_of(model, "price@3Q02") == 10);
}

static void test_tornado_inputs(void **state)
{
    (void)state;
    ks_tornado_input inputs[2] = { { price, 0, 0, 0 },
                                   { volume, 1, 4, 6 } };
    expect_tornado_refused(sales, NULL, 2, 0.1, "tornado: no inputs");
    expect_tornado_refused(sales, inputs, 0, 0.1, "tornado: no inputs");
    expect_tornado_refused(sales, inputs, 2, -0.1,
                           "tornado: swing must be a non-negative number, "
                           "not -0.1");
    expect_tornado_refused(sales, inputs, 2, NAN,
                           "tornado: swing must be a non-negative number, "
                           "not nan");
    inputs[1].high = INFINITY;
    expect_tornado_refused(sales, inputs, 2, 0.1,
                           "tornado: input 2: low and high must be finite "
                           "numbers");
    inputs[1].high = 6;
    expect_tornado_refused(unset, inputs, 2, 0.1,
                           "tornado: output unset@3Q02 is missing");
    expect_tornado_refused(inverse, inputs, 2, 0.1,
                           "tornado: output inverse@3Q02 is division by zero "
                           "in inverse@3Q02");
    ks_tornado_input nothing[1] = { { unset, 0, 0, 0 } };
    expect_tornado_refused(sales, nothing, 1, 0.1,
                           "tornado: input unset@3Q02 is missing");
    /* and one that runs: volume 4..6 moves sales by 20, price +-10% by 10 */
    ks_tornado *tornado = NULL;
    ks_error err;
    assert_int_equal(ks_tornado_run(model, sales, inputs, 2, 0.1, &tornado,
                                    &err), KS_OK);
    assert_int_equal(tornado->count, 2);
    assert_true(tornado->base_output == 50);
    assert_int_equal(tornado->bars[0].input.item, volume.item);
    assert_true(tornado->bars[0].spread == 20);
    assert_true(fabs(tornado->bars[1].spread - 10) < 1e-9);
    ks_tornado_free(tornado);
    assert_true(number_of(model, "price@3Q02") == 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_goal_seek_options, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_goal_seek_targets_that_are_not_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_table_axes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cell_names_and_copies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tornado_inputs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
