/*
 * test_check_explained.c -- how the tie-out audit reports a break: once
 * per cell, by the first check that finds it (the printed figure's, else
 * the first identity), a later check of the same cell named in its
 * message; explained by a note on the cell; and the quantity a note
 * implies (check.implies.<note id> = "name = expression"), computed on the
 * printed figures at each cell it explains, missing where it cannot be,
 * and refused, naming the setting, when it is written wrong.  Every
 * allocation of an audit with implications refused in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../support/check_report.h"
#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "kessan/check.h"
#include "kessan/kessan.h"
#include "model/model.h"

/* ---- a ledger: t = a + b in "is"; c has no values ------------------------ */

typedef struct ledger {
    ks_model *model;
    int a, b, t; /* c is named only in formulas */
    int q3, q2;
} ledger;

static void add(ks_model *model, const char *id, const char *parent,
                const char *formula)
{
    ks_item_info info = { id, id, NULL, "JPY thousands", "is", parent,
                          formula, KS_RULE_SUM };
    add_item_info(model, &info);
}

static ledger new_ledger(const ks_allocator *alloc)
{
    ledger l;
    l.model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, alloc);
    add(l.model, "a", "t", NULL);
    add(l.model, "b", "t", NULL);
    add(l.model, "c", NULL, NULL);
    add(l.model, "t", NULL, "a + b");
    l.a = ks_item_find(l.model, "a");
    l.b = ks_item_find(l.model, "b");
    l.t = ks_item_find(l.model, "t");
    l.q3 = period_of(l.model, "3Q02");
    l.q2 = period_of(l.model, "2Q02");
    put(l.model, "a@3Q02", 1000);
    put(l.model, "b@3Q02", 2000);
    put(l.model, "a@2Q02", 1100);
    put(l.model, "b@2Q02", 2000);
    return l;
}

/* A printed value figure, with the decimals its text has. */
static void print(ledger *l, int item, int period, double number,
                  const char *text)
{
    const char *point = strchr(text, '.');
    int decimals = point ? (int)strlen(point + 1) : 0;
    ks_printed printed = { item, period, KS_MEASURE_VALUE, number, 0,
                           decimals, 0, text, "test" };
    ks_error err;
    if (ks_printed_add(l->model, &printed, &err) != KS_OK)
        fail_msg("print %s: %s", text, err.message);
}

static void setting(ledger *l, const char *key, const char *value)
{
    set_setting(l->model, key, value);
}

static void note(ledger *l, const char *id, int item, int period)
{
    ks_error err;
    if (ks_note_add(l->model, id, item, period, "as printed", &err) != KS_OK)
        fail_msg("note %s: %s", id, err.message);
}

static ks_check_report *run(ledger *l)
{
    return audit_of(l->model);
}

/* The result of item@period by the figure's check (identity NULL) or by
 * the named identity; NULL when there is none. */
static const ks_check_result *result_of(const ks_check_report *report,
                                        int item, int period,
                                        const char *identity)
{
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        if (r->item == item && r->period == period &&
            strcmp(r->identity, identity ? identity : "") == 0)
            return r;
    }
    return NULL;
}

static void assert_says(const ks_check_result *r, const char *words)
{
    assert_non_null(r);
    if (!strstr(r->message, words))
        fail_msg("'%s' does not say '%s'", r->message, words);
}

/* ---- a cell's break, once ---------------------------------------------------- */

static void test_the_printed_figure_owns_its_cell(void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3100, "3,100");
    setting(&l, "check.identity.total", "t == a + b");
    setting(&l, "check.identity.again", "t == b + a");
    ks_check_report *report = run(&l);
    assert_int_equal(report->count, 1);
    assert_int_equal(report->breaks, 1);
    const ks_check_result *r = result_of(report, l.t, l.q3, NULL);
    assert_int_equal(r->status, KS_CHECK_BREAK);
    assert_int_equal(r->kind, KS_CHECK_TOTAL);
    assert_string_equal(r->message, "printed 3,100, engine 3000 (= a + b): "
                                    "does not tie; identity total breaks "
                                    "too; identity again breaks too");
    assert_null(result_of(report, l.t, l.q3, "total"));
    ks_check_free(report);
    ks_model_free(l.model);
}

static void test_the_first_identity_owns_a_cell_no_figure_checks(void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.a, l.q3, 1000, "1,000"); /* an input: not checked itself */
    print(&l, l.t, l.q3, 3100, "3,100");
    setting(&l, "check.identity.first", "a == t - b");
    setting(&l, "check.identity.second", "a + 0 == t - b");
    ks_check_report *report = run(&l);
    assert_int_equal(report->count, 2);
    assert_int_equal(report->breaks, 2); /* two cells: t, a */
    const ks_check_result *r = result_of(report, l.a, l.q3, "first");
    assert_int_equal(r->status, KS_CHECK_BREAK);
    assert_string_equal(r->message, "a == t - b: 1000 against 1100; identity "
                                    "second breaks too");
    assert_null(result_of(report, l.a, l.q3, "second"));
    assert_int_equal(result_of(report, l.t, l.q3, NULL)->status,
                     KS_CHECK_BREAK);
    ks_check_free(report);
    ks_model_free(l.model);
}

static void test_a_check_that_passes_is_reported_beside_a_break(void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3100, "3,100");
    setting(&l, "check.identity.plus", "t == a + b + 100");
    ks_check_report *report = run(&l);
    assert_int_equal(report->count, 2);
    assert_int_equal(report->breaks, 1);
    assert_int_equal(report->passed, 1);
    assert_int_equal(result_of(report, l.t, l.q3, "plus")->status,
                     KS_CHECK_PASS);
    assert_string_equal(result_of(report, l.t, l.q3, NULL)->message,
                        "printed 3,100, engine 3000 (= a + b): does not tie");
    ks_check_free(report);
    ks_model_free(l.model);
}

static void test_an_explained_cell_is_explained_once(void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3100, "3,100");
    setting(&l, "check.identity.total", "t == a + b");
    note(&l, "n1", l.t, l.q3);
    ks_check_report *report = run(&l);
    assert_int_equal(report->count, 1);
    assert_int_equal(report->explained, 1);
    assert_int_equal(report->breaks, 0);
    const ks_check_result *r = result_of(report, l.t, l.q3, NULL);
    assert_int_equal(r->status, KS_CHECK_EXPLAINED);
    assert_string_equal(r->note_id, "n1");
    assert_says(r, "identity total breaks too");
    assert_string_equal(r->implied, ""); /* the note implies nothing */
    assert_null(r->implied_formula);
    ks_check_free(report);
    ks_model_free(l.model);
}

/* ---- the quantity a note implies ----------------------------------------------- */

static void test_a_note_implies_a_quantity_at_each_cell(void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3100, "3,100");
    print(&l, l.t, l.q2, 3412.5, "3,412.5");
    note(&l, "n1", l.t, -1); /* every period of t */
    setting(&l, "check.implies.n1", "  gap =t - a - b ");
    ks_check_report *report = run(&l);
    assert_int_equal(report->explained, 2);
    const ks_check_result *r = result_of(report, l.t, l.q3, NULL);
    assert_int_equal(r->status, KS_CHECK_EXPLAINED);
    assert_string_equal(r->implied, "gap");
    assert_string_equal(r->implied_formula, "t - a - b ");
    assert_false(r->implied_missing);
    assert_true(r->implied_value == 100); /* on the printed 3,100 */
    assert_string_equal(r->message, "printed 3,100, engine 3000 (= a + b): "
                                    "does not tie; the note implies gap = "
                                    "t - a - b = 100");
    r = result_of(report, l.t, l.q2, NULL);
    assert_true(r->implied_value == 312.5);
    assert_says(r, "the note implies gap = t - a - b = 312.500");
    ks_check_free(report);
    ks_model_free(l.model);
}

static void test_an_implied_quantity_with_no_value(void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3100, "3,100");
    note(&l, "n1", l.t, l.q3);
    setting(&l, "check.implies.n1", "rest = t - c");
    ks_check_report *report = run(&l);
    const ks_check_result *r = result_of(report, l.t, l.q3, NULL);
    assert_int_equal(r->status, KS_CHECK_EXPLAINED); /* still explained */
    assert_string_equal(r->implied, "rest");
    assert_true(r->implied_missing);
    assert_says(r, "the note implies rest = t - c = n.a");
    ks_check_free(report);
    ks_model_free(l.model);
}

static void test_a_quantity_is_implied_only_where_its_note_explains(
    void **state)
{
    (void)state;
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3000, "3,000"); /* ties */
    print(&l, l.t, l.q2, 3200, "3,200"); /* breaks: another note */
    note(&l, "n1", l.t, l.q3);
    note(&l, "n2", l.t, l.q2);
    setting(&l, "check.implies.n1", "gap = t - a - b");
    ks_check_report *report = run(&l);
    const ks_check_result *r = result_of(report, l.t, l.q3, NULL);
    assert_int_equal(r->status, KS_CHECK_PASS);
    assert_string_equal(r->implied, "");
    r = result_of(report, l.t, l.q2, NULL);
    assert_string_equal(r->note_id, "n2");
    assert_string_equal(r->implied, "");
    assert_null(strstr(r->message, "implies"));
    ks_check_free(report);
    ks_model_free(l.model);
}

/* The error of an audit with check.implies.n1 = `value`. */
static void assert_refused(const char *value, ks_status expected,
                           const char *message)
{
    ledger l = new_ledger(NULL);
    print(&l, l.t, l.q3, 3100, "3,100");
    note(&l, "n1", l.t, -1);
    setting(&l, "check.implies.n1", value);
    ks_check_report *report = NULL;
    ks_error err;
    ks_status status = ks_check_run(l.model, &report, &err);
    if (status != expected || !strstr(err.message, message))
        fail_msg("'%s': %s (%s), expected '%s'", value, err.message,
                 ks_status_name(status), message);
    assert_null(report);
    ks_model_free(l.model);
}

static void test_implications_written_wrong(void **state)
{
    (void)state;
    const char *form = "settings: check.implies.n1: expected 'name = "
                       "expression'";
    assert_refused("t - a - b", KS_ESYNTAX, form);
    assert_refused("= t - a - b", KS_ESYNTAX, form);
    assert_refused("gap == t - a - b", KS_ESYNTAX, form);
    assert_refused("gap =  ", KS_ESYNTAX, form);
    assert_refused("the gap = t", KS_ESYNTAX, form);
    assert_refused("a_name_of_sixty_four_characters_is_one_too_long_for_the_"
                   "result_x = t",
                   KS_ESYNTAX, form);
    assert_refused("gap = t -", KS_ESYNTAX, "settings: check.implies.n1: ");
    assert_refused("gap = nosuch - a", KS_EUNKNOWN,
                   "settings: check.implies.n1: ");

    ledger l = new_ledger(NULL);
    note(&l, "model", -1, -1);
    setting(&l, "check.implies.nosuch", "gap = t");
    ks_check_report *report = NULL;
    ks_error err;
    assert_int_equal(ks_check_run(l.model, &report, &err), KS_EUNKNOWN);
    assert_string_equal(err.message, "settings: check.implies.nosuch: no "
                                     "such note in notes.csv");
    assert_null(report);
    ks_model_free(l.model);

    l = new_ledger(NULL);
    note(&l, "model", -1, -1);
    setting(&l, "check.implies.model", "gap = t");
    assert_int_equal(ks_check_run(l.model, &report, &err), KS_EINVAL);
    assert_string_equal(err.message, "settings: check.implies.model: the "
                                     "note is on no item, so it explains no "
                                     "break");
    ks_model_free(l.model);
}

/* ---- allocation failure ------------------------------------------------------------ */

static void test_every_failed_allocation(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ledger l = new_ledger(&alloc);
    print(&l, l.t, l.q3, 3100, "3,100");
    print(&l, l.t, l.q2, 3100, "3,100");
    note(&l, "n1", l.t, -1);
    note(&l, "n2", l.a, -1);
    setting(&l, "check.implies.n1", "gap = t - a - b");
    setting(&l, "check.implies.n2", "rest = a - c");
    setting(&l, "check.identity.total", "t == a + b");
    ks_value warm; /* recalculated first: the failures are the audit's */
    assert_int_equal(ks_get(l.model, l.t, l.q3, &warm, NULL), KS_OK);
    ks_check_report *report = audit_under_each_failure(l.model, &counts);
    assert_int_equal(report->count, 3);
    assert_int_equal(report->explained, 1);
    assert_true(report->results[0].implied_value == 100 ||
                report->results[1].implied_value == 100);
    ks_check_free(report);
    ks_model_free(l.model);
    assert_int_equal(counts.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_printed_figure_owns_its_cell),
        cmocka_unit_test(test_the_first_identity_owns_a_cell_no_figure_checks),
        cmocka_unit_test(test_a_check_that_passes_is_reported_beside_a_break),
        cmocka_unit_test(test_an_explained_cell_is_explained_once),
        cmocka_unit_test(test_a_note_implies_a_quantity_at_each_cell),
        cmocka_unit_test(test_an_implied_quantity_with_no_value),
        cmocka_unit_test(
            test_a_quantity_is_implied_only_where_its_note_explains),
        cmocka_unit_test(test_implications_written_wrong),
        cmocka_unit_test(test_every_failed_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
