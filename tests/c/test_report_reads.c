/*
 * test_report_reads.c -- the tie-out audit and a statement's layout read
 * many cells of a model that may need recalculating first.  When that
 * recalculation fails (out of memory at any allocation), the report
 * fails with it: never an audit that says KS_OK with a false break ("the
 * engine has no value"), never a statement that says KS_OK and shows a
 * computed figure as "-".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/test_alloc.h"
#include "kessan/check.h"
#include "kessan/kessan.h"
#include "kessan/layout.h"
#include "model/model.h"

enum { PARTS = 3 };

/* a, b, c and t = a + b + c, then an item added after the formula (so
 * that the next read rebuilds the graph), a, b, c set at 3Q02 and t
 * printed there as 3,000 */
static ks_model *build(const ks_allocator *alloc, int *period)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, alloc, &model, &err), KS_OK);
    static const char *const parts[PARTS] = { "a", "b", "c" };
    for (int i = 0; i < PARTS; i++) {
        ks_item_info info = { parts[i], parts[i], NULL, "JPY thousands",
                              "is", "t", NULL, KS_RULE_SUM };
        assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_OK);
    }
    int total;
    ks_item_info sum = { "t", "t", NULL, "JPY thousands", "is", NULL,
                         "a + b + c", KS_RULE_SUM };
    assert_int_equal(ks_item_add(model, &sum, &total, &err), KS_OK);
    ks_item_info later = { "d", "d", NULL, "JPY thousands", "bs", NULL,
                           NULL, KS_RULE_SUM };
    assert_int_equal(ks_item_add(model, &later, NULL, &err), KS_OK);
    assert_int_equal(ks_period_lookup(model, "3Q02", period, &err), KS_OK);
    for (int i = 0; i < PARTS; i++)
        assert_int_equal(ks_set(model, i, *period, 1000, &err), KS_OK);
    ks_printed printed = { total, *period, KS_MEASURE_VALUE, 3000, 0, 0, 0,
                           "3,000", "printed.csv:2" };
    assert_int_equal(ks_printed_add(model, &printed, &err), KS_OK);
    return model;
}

static void test_audit_fails_with_its_recalculation(void **state)
{
    (void)state;
    int refused = 0;
    for (long n = 1; n < 400; n++) {
        test_alloc counts = { 0 };
        ks_allocator alloc = test_allocator(&counts);
        int period;
        ks_model *model = build(&alloc, &period);
        test_alloc_arm(&counts, n, 0);
        ks_check_report *report = NULL;
        ks_error err;
        ks_status status = ks_check_run(model, &report, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        if (status == KS_OK) {
            /* whatever failed was recovered from: the figure ties */
            assert_int_equal(report->breaks, 0);
            assert_int_equal(report->passed, 1);
            ks_check_free(report);
        } else {
            assert_true(failed);
            assert_int_equal(status, KS_ENOMEM);
            assert_null(report);
            refused++;
        }
        ks_model_free(model);
        assert_int_equal(counts.live, 0);
        if (!failed)
            break; /* n passed the audit's last allocation */
    }
    assert_true(refused > 0);
}

static void test_layout_fails_with_its_recalculation(void **state)
{
    (void)state;
    int refused = 0;
    for (long n = 1; n < 400; n++) {
        test_alloc counts = { 0 };
        ks_allocator alloc = test_allocator(&counts);
        int period;
        ks_model *model = build(&alloc, &period);
        test_alloc_arm(&counts, n, 0);
        ks_layout_options options = { "is", &period, 1, 0, NULL, NULL,
                                      KS_LAYOUT_CSV };
        ks_layout_text text;
        ks_layout_text_init(&text, NULL);
        ks_error err;
        ks_status status = ks_layout_render(model, &options, &text, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        if (status == KS_OK) {
            /* t's figure is there, never "-" */
            const char *row = strstr(text.data, "\nt,0,t,3000");
            if (!row || (row[11] != '\r' && row[11] != '\n'))
                fail_msg("allocation %ld refused, t not shown:\n%s", n,
                         text.data);
        } else {
            if (!failed)
                fail_msg("refused with no allocation refused: %s",
                         err.message);
            assert_true(failed);
            assert_int_equal(status, KS_ENOMEM);
            refused++;
        }
        ks_layout_text_release(&text);
        ks_model_free(model);
        assert_int_equal(counts.live, 0);
        if (!failed)
            break;
    }
    assert_true(refused > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_fails_with_its_recalculation),
        cmocka_unit_test(test_layout_fails_with_its_recalculation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
