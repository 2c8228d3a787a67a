/*
 * test_datatable_scenarios.c -- data tables run on a scenario see what
 * the scenario sees: its overrides over base figures, the figures it set
 * missing, and the base's figures it reads through, and leave it as it
 * was; a table's cells that are missing or errors are exported as empty
 * fields; the row and column inputs may be one item in two periods;
 * overrides copied from a base are none.
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

static ks_model *model, *high;
static ks_cell_ref price, price_before, volume, fee, sales, doubled, ratio;

/* sales = price * volume + fee; doubled = price * 2 + price[-1];
 * ratio = fee / (price - 3).  The scenario "high" overrides price, sets
 * volume missing and reads fee (5) from the base. */
static int setup(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
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

static int teardown(void **state)
{
    (void)state;
    ks_model_free(high);
    ks_model_free(model);
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
        cmocka_unit_test_setup_teardown(test_a_table_on_a_scenario, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_item_in_two_periods, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_overrides_copied_from_a_base,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
