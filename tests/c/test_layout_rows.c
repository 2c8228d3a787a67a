/*
 * test_layout_rows.c -- the rows and columns a statement is laid out
 * with, where the model is odd: an unknown statement (the error names the
 * ones there are, cut short when there are many), items indented by a
 * chain of parents or by a parent that is no item, Japanese labels left
 * empty, money in millions, a third currency in a model that names none,
 * USD for money that is not yen, and period indexes that are no periods.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kessan/kessan.h"
#include "kessan/layout.h"

static ks_model *model;
static int q3;

static void add(const char *id, const char *label_ja, const char *unit,
                const char *statement, const char *parent)
{
    ks_item_info info = { id, id, label_ja, unit, statement, parent, NULL,
                          KS_RULE_SUM };
    ks_error err;
    if (ks_item_add(model, &info, NULL, &err) != KS_OK)
        fail_msg("add %s: %s", id, err.message);
}

static void set(const char *id, double number)
{
    ks_error err;
    if (ks_set(model, ks_item_find(model, id), q3, number, &err) != KS_OK)
        fail_msg("set %s: %s", id, err.message);
}

static int setup(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    assert_int_equal(ks_period_lookup(model, "3Q02", &q3, &err), KS_OK);
    add("top", "上", "JPY millions", "is", NULL);
    add("mid", "", "JPY millions", "is", "top");
    add("low", NULL, "JPY millions", "is", "mid");
    add("stray", NULL, "JPY millions", "is", "nowhere");
    set("top", 1234.6);
    set("mid", 10);
    set("low", 5);
    set("stray", 7);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static ks_status render(ks_layout_options *options, ks_layout_text *text,
                        ks_error *err)
{
    ks_layout_text_init(text, NULL);
    return ks_layout_render(model, options, text, err);
}

static void test_rows_by_their_parents(void **state)
{
    (void)state;
    ks_layout_options options = { "is", &q3, 1, 0, NULL, "ja",
                                  KS_LAYOUT_TEXT };
    ks_layout_text text;
    ks_error err;
    assert_int_equal(render(&options, &text, &err), KS_OK);
    /* money in millions is shown whole; a chain of parents indents two
     * levels; a parent that is no item, none; an empty Japanese label is
     * the English one */
    assert_string_equal(text.data, "is\n"
                                   "          3Q02\n"
                                   "上       1,235\n"
                                   "  mid       10\n"
                                   "    low      5\n"
                                   "stray        7\n");
    ks_layout_text_release(&text);
}

static void test_unknown_statements(void **state)
{
    (void)state;
    ks_layout_options options = { "bs", NULL, 0, 0, NULL, NULL,
                                  KS_LAYOUT_TEXT };
    ks_layout_text text;
    ks_error err;
    assert_int_equal(render(&options, &text, &err), KS_EUNKNOWN);
    assert_string_equal(err.message,
                        "show: unknown statement 'bs' (the model has is)");
    assert_int_equal(text.length, 0);
    ks_layout_text_release(&text);
    /* many statements: the list is cut, whole names only */
    char id[32], statement[32];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "s%d", i);
        snprintf(statement, sizeof statement, "statement_number_%02d", i);
        add(id, NULL, "JPY", statement, NULL);
    }
    assert_int_equal(render(&options, &text, &err), KS_EUNKNOWN);
    const char *start = "show: unknown statement 'bs' (the model has is, "
                        "statement_number_00, statement_number_01, ";
    assert_memory_equal(err.message, start, strlen(start));
    assert_null(strstr(err.message, "statement_number_19"));
    size_t length = strlen(err.message);
    assert_true(length < 200);
    assert_string_equal(err.message + length - 1, ")");
    assert_true(err.message[length - 2] >= '0' &&
                err.message[length - 2] <= '9');
    ks_layout_text_release(&text);
}

static void test_currencies_the_model_does_not_name(void **state)
{
    (void)state;
    ks_layout_options options = { "is", &q3, 1, 0, "EUR", NULL,
                                  KS_LAYOUT_TEXT };
    ks_layout_text text;
    ks_error err;
    assert_int_equal(render(&options, &text, &err), KS_EINVAL);
    assert_string_equal(err.message,
                        "show: currency 'EUR': only the model's (?) or USD");
    ks_layout_text_release(&text);
    /* USD for money whose unit is not yen: the rate applies to yen only,
     * and the title says USD at the rate */
    assert_int_equal(ks_setting_set(model, "rate.USD", "100", &err), KS_OK);
    assert_int_equal(ks_setting_set(model, "unit_money", "EUR millions",
                                    &err), KS_OK);
    options.currency = "USD";
    assert_int_equal(render(&options, &text, &err), KS_OK);
    assert_string_equal(text.data, "is (USD at 100 per USD)\n"
                                   "         3Q02\n"
                                   "top        12\n"
                                   "  mid       0\n"
                                   "    low     0\n"
                                   "stray       0\n");
    ks_layout_text_release(&text);
}

static void test_period_indexes_that_are_no_periods(void **state)
{
    (void)state;
    int periods[3] = { -1, q3, 999 };
    ks_layout_options options = { "is", periods, 3,
                                  KS_LAYOUT_YOY | KS_LAYOUT_QOQ, NULL, NULL,
                                  KS_LAYOUT_CSV };
    ks_layout_text text;
    ks_error err;
    assert_int_equal(render(&options, &text, &err), KS_OK);
    /* each is a column of its own, named "?", with nothing in it */
    assert_memory_equal(text.data, "item,level,label,?,3Q02,?\n",
                        strlen("item,level,label,?,3Q02,?\n"));
    assert_non_null(strstr(text.data, "\nlow,2,low,,5,\n"));
    ks_layout_text_release(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_by_their_parents, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_statements, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_currencies_the_model_does_not_name, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_period_indexes_that_are_no_periods, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
