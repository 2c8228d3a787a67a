/*
 * test_whatif_edges.c -- goal seek, data tables and tornadoes at their
 * edges.
 *
 * What they refuse, and how they say it: options out of range
 * (tolerances, the bracket, iterations, the wanted value), tables without
 * rows, columns or outputs or with one cell on both axes, tornadoes
 * without inputs or with a swing or range that is not a number, an output
 * that is missing or an error, a target that is missing or not finite at
 * a probe, overrides copied to a handle of another base, and exports with
 * no path.  After a refusal the handle is as it was.
 *
 * A goal seek that fails puts the varied cell back exactly as it was,
 * whatever it was: an override of the model's own figure, a figure set
 * missing, a scenario's override over a base figure, a scenario reading
 * its base's figure through (cleared again, not copied); one that
 * succeeds on a scenario leaves the base untouched.  The failure is the
 * target's staying on one side of the wanted value in the bracket, said
 * with the range it stays in.
 *
 * Data tables run on a scenario see what the scenario sees: its
 * overrides over base figures, the figures it set missing, and the base's
 * figures it reads through, and leave it as it was; a table's cells that
 * are missing or errors are exported as empty fields; the row and column
 * inputs may be one item in two periods; overrides copied from a base
 * are none.
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

#include "../support/model_cells.h"
#include "../support/test_files.h"
#include "kessan/kessan.h"
#include "kessan/whatif.h"

/* Each part's setup makes the model it needs. */
static ks_model *model, *high;
static ks_cell_ref price, price_before, volume, fee, sales, doubled, ratio,
    inverse, unset;

static ks_model *new_model(void)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *made = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &made, &err), KS_OK);
    return made;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(high);
    ks_model_free(model);
    high = model = NULL;
    return 0;
}

/* ---- refusals --------------------------------------------------------------- */

static int setup_refusals(void **state)
{
    (void)state;
    model = new_model();
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

/* ---- a goal seek puts its cell back ---------------------------------------- */

static int setup_goal_seek(void **state)
{
    (void)state;
    model = new_model();
    add_input(model, "price", KS_RULE_SUM);
    define(model, "sales", "price * 3", KS_RULE_SUM);
    price = cell(model, "price@3Q02");
    sales = cell(model, "sales@3Q02");
    put(model, "price@3Q02", 5);
    return 0;
}

static ks_value price_in(ks_model *handle)
{
    ks_value value;
    assert_int_equal(ks_get(handle, price.item, price.period, &value, NULL),
                     KS_OK);
    return value;
}

/* Seek sales = 1000 with price in [0, 10]: sales stays in [0, 30]. */
static void expect_unreachable(ks_model *handle)
{
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    options.has_bracket = 1;
    options.lo = 0;
    options.hi = 10;
    ks_goalseek_result result;
    ks_error err;
    assert_int_equal(ks_goalseek(handle, sales, 1000, price, &options,
                                 &result, &err), KS_ENOSOLVE);
    assert_string_equal(err.message,
                        "sales@3Q02 cannot reach 1000 by varying price@3Q02 "
                        "between 0 and 10: it stays between 0 and 30");
}

static void test_the_models_own_figure_back(void **state)
{
    (void)state;
    expect_unreachable(model);
    ks_value value = price_in(model);
    assert_true(value.number == 5);
    assert_int_equal(value.provenance, KS_PROV_OVERRIDDEN);
    /* a figure set missing is missing again */
    ks_error err;
    assert_int_equal(ks_set_missing(model, price.item, price.period, &err),
                     KS_OK);
    expect_unreachable(model);
    assert_int_equal(price_in(model).kind, KS_MISSING);
    assert_true(ks_is_input(model, price.item, price.period));
    /* no figure at all: none again */
    assert_int_equal(ks_clear(model, price.item, price.period, &err), KS_OK);
    expect_unreachable(model);
    assert_false(ks_is_input(model, price.item, price.period));
}

static void test_a_scenarios_figure_back(void **state)
{
    (void)state;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "high", &high, &err), KS_OK);
    /* reading the base's figure through: cleared again, not copied */
    expect_unreachable(high);
    assert_true(price_in(high).number == 5);
    assert_int_equal(ks_set(model, price.item, price.period, 6, &err), KS_OK);
    assert_true(price_in(high).number == 6);
    /* its own override over the base's figure: put back */
    assert_int_equal(ks_set(high, price.item, price.period, 8, &err), KS_OK);
    expect_unreachable(high);
    assert_true(price_in(high).number == 8);
    assert_true(price_in(model).number == 6);
    /* found on the scenario: the base untouched */
    ks_goalseek_result result;
    assert_int_equal(ks_goalseek(high, sales, 27, price, NULL, &result, &err),
                     KS_OK);
    assert_true(fabs(result.solution - 9) < 1e-6);
    assert_true(fabs(price_in(high).number - 9) < 1e-6);
    assert_true(price_in(model).number == 6);
}

/* ---- data tables on a scenario --------------------------------------------- */

static int setup_tables(void **state)
{
    (void)state;
    model = new_model();
    ks_error err;
    add_input(model, "price", KS_RULE_SUM);
    add_input(model, "volume", KS_RULE_SUM);
    add_input(model, "fee", KS_RULE_SUM);
    define(model, "sales", "price * volume + fee", KS_RULE_SUM);
    define(model, "doubled", "price * 2 + price[-1]", KS_RULE_SUM);
    define(model, "ratio", "fee / (price - 3)", KS_RULE_SUM);
    price = cell(model, "price@3Q02");
    price_before = cell(model, "price@2Q02");
    volume = cell(model, "volume@3Q02");
    fee = cell(model, "fee@3Q02");
    sales = cell(model, "sales@3Q02");
    doubled = cell(model, "doubled@3Q02");
    ratio = cell(model, "ratio@3Q02");
    put(model, "price@3Q02", 4);
    put(model, "price@2Q02", 1);
    put(model, "volume@3Q02", 10);
    put(model, "fee@3Q02", 5);
    assert_int_equal(ks_scenario_new(model, "high", &high, &err), KS_OK);
    put(high, "price@3Q02", 6);
    assert_int_equal(ks_set_missing(high, volume.item, volume.period, &err),
                     KS_OK);
    return 0;
}

static void test_a_table_on_a_scenario(void **state)
{
    (void)state;
    static const double prices[] = { 2, 3, 7 };
    ks_table_axis rows = { price, prices, 3 };
    ks_cell_ref outputs[3] = { sales, doubled, ratio };
    ks_grid *grid = NULL;
    ks_error err;
    assert_int_equal(ks_datatable(high, &rows, NULL, outputs, 3, &grid, &err),
                     KS_OK);
    for (int i = 0; i < 3; i++) {
        /* volume is missing in the scenario: so is sales */
        assert_int_equal(ks_grid_at(grid, 0, i, 0).kind, KS_MISSING);
        assert_int_equal(ks_grid_at(grid, 1, i, 0).kind, KS_NUMBER);
        assert_true(ks_grid_at(grid, 1, i, 0).number == prices[i] * 2 + 1);
    }
    /* fee read through from the base; price 3 divides by zero */
    assert_true(ks_grid_at(grid, 2, 0, 0).number == 5 / (2.0 - 3));
    assert_int_equal(ks_grid_at(grid, 2, 1, 0).kind, KS_ERROR);
    assert_true(ks_grid_at(grid, 2, 2, 0).number == 5 / (7.0 - 3));
    /* the scenario as it was */
    ks_value value;
    assert_int_equal(ks_get(high, price.item, price.period, &value, &err),
                     KS_OK);
    assert_true(value.number == 6);
    assert_int_equal(ks_get(high, volume.item, volume.period, &value, &err),
                     KS_OK);
    assert_int_equal(value.kind, KS_MISSING);
    assert_true(ks_is_input(high, volume.item, volume.period));

    /* exported: missing and error cells empty */
    char path[600];
    snprintf(path, sizeof path, "%s/table.csv", KESSAN_TEST_TMP);
    assert_int_equal(ks_grid_export_csv(grid, path, &err), KS_OK);
    char *text = read_file(path);
    assert_string_equal(text, "price@3Q02,sales@3Q02,doubled@3Q02,"
                              "ratio@3Q02\n"
                              "2,,5,-5\n"
                              "3,,7,\n"
                              "7,,15,1.25\n");
    free(text);
    remove(path);
    ks_grid_free(grid);
}

static void test_one_item_in_two_periods(void **state)
{
    (void)state;
    static const double now[] = { 1, 2 }, before[] = { 10, 20, 30 };
    ks_table_axis rows = { price, now, 2 };
    ks_table_axis cols = { price_before, before, 3 };
    ks_grid *grid = NULL;
    ks_error err;
    assert_int_equal(ks_datatable(model, &rows, &cols, &doubled, 1, &grid,
                                  &err), KS_OK);
    assert_int_equal(grid->row_count, 2);
    assert_int_equal(grid->col_count, 3);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            assert_true(ks_grid_at(grid, 0, i, j).number ==
                        now[i] * 2 + before[j]);
    char path[600];
    snprintf(path, sizeof path, "%s/two-way.csv", KESSAN_TEST_TMP);
    assert_int_equal(ks_grid_export_csv(grid, path, &err), KS_OK);
    char *text = read_file(path);
    assert_memory_equal(text, "price@3Q02,price@2Q02,doubled@3Q02\n"
                              "1,10,12\n1,20,22\n",
                        strlen("price@3Q02,price@2Q02,doubled@3Q02\n"
                               "1,10,12\n1,20,22\n"));
    free(text);
    remove(path);
    ks_grid_free(grid);
}

static void test_overrides_copied_from_a_base(void **state)
{
    (void)state;
    ks_model *low = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "low", &low, &err), KS_OK);
    /* the base differs from itself in nothing */
    assert_int_equal(ks_copy_overrides(model, low, &err), KS_OK);
    ks_value value;
    assert_int_equal(ks_get(low, price.item, price.period, &value, &err),
                     KS_OK);
    assert_true(value.number == 4);
    /* the scenario's overrides, its missing figure among them */
    assert_int_equal(ks_copy_overrides(high, low, &err), KS_OK);
    assert_int_equal(ks_get(low, price.item, price.period, &value, &err),
                     KS_OK);
    assert_true(value.number == 6);
    assert_int_equal(ks_get(low, volume.item, volume.period, &value, &err),
                     KS_OK);
    assert_int_equal(value.kind, KS_MISSING);
    assert_int_equal(ks_get(low, fee.item, fee.period, &value, &err), KS_OK);
    assert_true(value.number == 5);
    ks_model_free(low);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_goal_seek_options,
                                        setup_refusals, teardown),
        cmocka_unit_test_setup_teardown(
            test_goal_seek_targets_that_are_not_numbers, setup_refusals,
            teardown),
        cmocka_unit_test_setup_teardown(test_data_table_axes, setup_refusals,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cell_names_and_copies,
                                        setup_refusals, teardown),
        cmocka_unit_test_setup_teardown(test_tornado_inputs, setup_refusals,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_models_own_figure_back,
                                        setup_goal_seek, teardown),
        cmocka_unit_test_setup_teardown(test_a_scenarios_figure_back,
                                        setup_goal_seek, teardown),
        cmocka_unit_test_setup_teardown(test_a_table_on_a_scenario,
                                        setup_tables, teardown),
        cmocka_unit_test_setup_teardown(test_one_item_in_two_periods,
                                        setup_tables, teardown),
        cmocka_unit_test_setup_teardown(test_overrides_copied_from_a_base,
                                        setup_tables, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
