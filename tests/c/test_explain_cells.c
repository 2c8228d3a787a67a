/*
 * test_explain_cells.c -- ks_explain for every way a cell gets its value:
 * a half, nine months or year that is the summary of its quarters (one
 * child per quarter), the same period falling back to the formula when a
 * quarter is missing, a ratio's formula in every period, a quarter
 * implied from the year's reported figures (its children: those figures),
 * a reported figure (a leaf); formula trees with a condition that is not
 * a number, a one-argument sum, a call of more than eight arguments and
 * references shifted before the first period; an error's description kept
 * in the tree after the model describes another; and every allocation
 * failing in turn (ENOMEM, no tree, nothing leaked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "kessan/kessan.h"

static ks_model *model;
static test_alloc counts;
static ks_allocator alloc;

/* a in every quarter of FY02 (1..4); x = a * 2, summed; r = a / 4, a
 * ratio; y = a * 10 with 4Q02 missing from a's quarters of FY01; imp
 * reported for FY02 and three quarters (4Q02 implied); z = a / zero */
static int setup(void **state)
{
    (void)state;
    memset(&counts, 0, sizeof counts);
    alloc = test_allocator(&counts);
    model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, &alloc);
    add_input(model, "a", KS_RULE_SUM);
    add_input(model, "zero", KS_RULE_SUM);
    add_input(model, "imp", KS_RULE_SUM);
    define(model, "x", "a * 2", KS_RULE_SUM);
    define(model, "r", "a / 4", KS_RULE_FORMULA);
    define(model, "z", "a / zero", KS_RULE_SUM);
    define(model, "wide", "sum(a, a, a, a, a, a, a, a, a, a[-1])",
           KS_RULE_SUM);
    define(model, "pick", "if(zero, 1, sum(a)) + a[-4]", KS_RULE_SUM);
    static const char *const quarters[] = { "1Q02", "2Q02", "3Q02", "4Q02" };
    for (int q = 0; q < 4; q++) {
        char name[16];
        snprintf(name, sizeof name, "a@%s", quarters[q]);
        report(model, name, q + 1);
    }
    report(model, "a@1Q01", 10);
    report(model, "zero@1Q02", 0);
    report(model, "imp@FY02", 100);
    report(model, "imp@1Q02", 20);
    report(model, "imp@2Q02", 30);
    report(model, "imp@3Q02", 40);
    ks_value warm; /* recalculated: the allocations failed are explain's */
    assert_int_equal(ks_get(model, 0, 0, &warm, NULL), KS_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
    return 0;
}

static ks_explain_node *explain(const char *id, const char *at)
{
    ks_explain_node *root = NULL;
    ks_error err;
    if (ks_explain(model, item_of(model, id), period_of(model, at), &root,
                   &err) != KS_OK)
        fail_msg("explain %s@%s: %s", id, at, err.message);
    assert_non_null(root);
    return root;
}

static void expect_node(const ks_explain_node *node, const char *text,
                        int child_count)
{
    assert_non_null(node);
    if (strcmp(node->text, text) != 0)
        fail_msg("node '%s', expected '%s'", node->text, text);
    assert_int_equal(node->child_count, child_count);
}

static void expect_number(const ks_explain_node *node, double number)
{
    assert_int_equal(node->value.kind, KS_NUMBER);
    if (node->value.number != number)
        fail_msg("%s is %.17g, expected %.17g", node->text,
                 node->value.number, number);
}

/* ---- summaries ------------------------------------------------------------------ */

static void test_a_summary_explained_by_its_quarters(void **state)
{
    (void)state;
    ks_explain_node *root = explain("x", "FY02");
    expect_node(root, "x@FY02", 4);
    expect_number(root, 20);
    assert_int_equal(root->value.provenance, KS_PROV_COMPUTED);
    static const char *const quarters[] = { "x@1Q02", "x@2Q02", "x@3Q02",
                                            "x@4Q02" };
    for (int q = 0; q < 4; q++) {
        expect_node(root->children[q], quarters[q], 0);
        expect_number(root->children[q], 2 * (q + 1));
        assert_int_equal(root->children[q]->period,
                         period_of(model, quarters[q] + 2));
    }
    ks_explain_free(model, root);

    root = explain("x", "2H02");
    expect_node(root, "x@2H02", 2);
    expect_node(root->children[0], "x@3Q02", 0);
    expect_node(root->children[1], "x@4Q02", 0);
    expect_number(root, 14);
    ks_explain_free(model, root);

    root = explain("x", "9M02");
    expect_node(root, "x@9M02", 3);
    expect_number(root, 12);
    ks_explain_free(model, root);
}

static void test_a_summary_short_of_a_quarter_uses_the_formula(void **state)
{
    (void)state;
    /* FY01 has only 1Q01: the formula in the year itself, a's FY01 being
     * missing too */
    ks_explain_node *root = explain("x", "FY01");
    expect_node(root, "x@FY01", 1);
    expect_node(root->children[0], "*", 2);
    expect_node(root->children[0]->children[0], "a@FY01", 0);
    expect_node(root->children[0]->children[1], "2", 0);
    assert_int_equal(root->value.kind, KS_MISSING);
    ks_explain_free(model, root);
    /* a ratio is its formula in every period */
    root = explain("r", "FY02");
    expect_node(root, "r@FY02", 1);
    expect_node(root->children[0], "/", 2);
    expect_node(root->children[0]->children[0], "a@FY02", 0);
    expect_number(root, 10 / 4.0);
    ks_explain_free(model, root);
}

static void test_implied_and_reported_cells(void **state)
{
    (void)state;
    ks_explain_node *root = explain("imp", "4Q02");
    assert_int_equal(root->value.provenance, KS_PROV_IMPLIED);
    expect_number(root, 10);
    expect_node(root, "imp@4Q02", 4);
    expect_node(root->children[0], "imp@1Q02", 0);
    expect_node(root->children[1], "imp@2Q02", 0);
    expect_node(root->children[2], "imp@3Q02", 0);
    expect_node(root->children[3], "imp@FY02", 0);
    expect_number(root->children[3], 100);
    assert_int_equal(root->children[3]->value.provenance, KS_PROV_REPORTED);
    ks_explain_free(model, root);

    root = explain("a", "3Q02");
    expect_node(root, "a@3Q02", 0);
    assert_int_equal(root->value.provenance, KS_PROV_REPORTED);
    ks_explain_free(model, root);
    /* nothing at all: a leaf too */
    root = explain("zero", "3Q01");
    expect_node(root, "zero@3Q01", 0);
    assert_int_equal(root->value.kind, KS_MISSING);
    ks_explain_free(model, root);
}

/* ---- formula trees -------------------------------------------------------------- */

static void test_formula_trees_of_every_shape(void **state)
{
    (void)state;
    /* more than eight arguments, and a reference shifted */
    ks_explain_node *root = explain("wide", "2Q02");
    ks_explain_node *call = root->children[0];
    expect_node(call, "sum", 10);
    expect_number(call, 9 * 2 + 1);
    expect_node(call->children[9], "a@1Q02", 0);
    assert_int_equal(call->children[9]->period, period_of(model, "1Q02"));
    ks_explain_free(model, root);
    /* shifted before the first period: an error node with no cell */
    root = explain("wide", "1Q01");
    call = root->children[0];
    expect_node(call->children[9], "a[-1]", 0);
    assert_int_equal(call->children[9]->period, -1);
    assert_int_equal(call->children[9]->value.kind, KS_ERROR);
    assert_int_equal(root->value.kind, KS_ERROR);
    ks_explain_free(model, root);
    /* a condition that is zero takes the other branch, sum(a) is a */
    root = explain("pick", "1Q02");
    expect_number(root, 1 + 10);
    ks_explain_node *plus = root->children[0];
    expect_node(plus, "+", 2);
    expect_node(plus->children[0], "if", 3);
    expect_number(plus->children[0], 1);
    expect_node(plus->children[0]->children[2], "sum", 1);
    expect_number(plus->children[0]->children[2], 1);
    expect_node(plus->children[1], "a@1Q01", 0);
    ks_explain_free(model, root);
    /* a condition that is missing passes on */
    root = explain("pick", "3Q02");
    assert_int_equal(root->value.kind, KS_MISSING);
    assert_int_equal(root->children[0]->children[0]->value.kind, KS_MISSING);
    ks_explain_free(model, root);
}

static void test_an_error_keeps_its_description(void **state)
{
    (void)state;
    ks_explain_node *root = explain("z", "1Q02");
    assert_int_equal(root->value.kind, KS_ERROR);
    assert_string_equal(root->value.error, "division by zero in z@1Q02");
    /* the model describes another error into its buffer: the tree's
     * description stays */
    ks_value other;
    assert_int_equal(ks_get(model, ks_item_find(model, "wide"),
                            period_of(model, "1Q01"), &other, NULL), KS_OK);
    assert_int_equal(other.kind, KS_ERROR);
    assert_string_equal(root->value.error, "division by zero in z@1Q02");
    assert_string_equal(root->children[0]->value.error,
                        "division by zero in z@1Q02");
    ks_explain_free(model, root);
}

static void test_cells_out_of_range(void **state)
{
    (void)state;
    ks_explain_node *root = (ks_explain_node *)&root;
    ks_error err;
    assert_int_equal(ks_explain(model, 99, 0, &root, &err), KS_EINVAL);
    assert_string_equal(err.message, "item index 99 out of range");
    assert_null(root);
    assert_int_equal(ks_explain(model, 0, -1, &root, &err), KS_ERANGE);
    assert_null(root);
}

/* ---- out of memory ----------------------------------------------------------------- */

static void test_every_failed_allocation(void **state)
{
    (void)state;
    static const char *const cells[][2] = {
        { "x", "FY02" }, { "imp", "4Q02" }, { "wide", "2Q02" },
        { "z", "1Q02" }, { "pick", "1Q02" },
    };
    for (size_t c = 0; c < sizeof cells / sizeof *cells; c++) {
        int item = ks_item_find(model, cells[c][0]);
        int at = period_of(model, cells[c][1]);
        long live = counts.live;
        int completed = 0;
        for (long n = 1; n < 500 && !completed; n++) {
            ks_explain_node *root = (ks_explain_node *)&root;
            ks_error err;
            test_alloc_arm(&counts, n, 0);
            ks_status status = ks_explain(model, item, at, &root, &err);
            int failed = counts.failed;
            test_alloc_disarm(&counts);
            if (!failed) {
                assert_int_equal(status, KS_OK);
                ks_explain_free(model, root);
                completed = 1;
            } else {
                if (status != KS_ENOMEM)
                    fail_msg("%s@%s, allocation %ld: %s", cells[c][0],
                             cells[c][1], n, err.message);
                assert_non_null(strstr(err.message, "out of memory"));
                assert_null(root);
            }
            assert_int_equal(counts.live, live);
        }
        assert_true(completed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_a_summary_explained_by_its_quarters, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_summary_short_of_a_quarter_uses_the_formula, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_implied_and_reported_cells,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_formula_trees_of_every_shape,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_error_keeps_its_description,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cells_out_of_range, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_every_failed_allocation, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
