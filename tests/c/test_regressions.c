/*
 * test_regressions.c -- one small reproducer for each fault the fuzzers
 * and the bad-input corpus found in the core, kept so that it stays fixed.
 * Each test names the function and the input, and says whether the fix
 * has landed (FIXED) or not yet (OPEN: the test fails until it does); all
 * must pass under AddressSanitizer + UBSan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"

static const ks_calendar calendar = { 3, 2001, 2002 };

/*
 * FIXED -- core/model/calendar.c, ks_book_period_lookup: the year digits of a
 * period id were summed into an int before the id's width was checked, so
 * "1Q666666666666" overflowed (UBSan: signed integer overflow at
 * calendar.c:188).  Found by fuzz_csv with a values file naming that
 * period.  Expected: KS_ESYNTAX "bad period '1Q666666666666' ...".
 */
static void test_period_id_with_many_digits(void **state)
{
    (void)state;
    ks_model *model = empty_model(&calendar, NULL);
    int period = -1;
    ks_error err;
    assert_int_equal(ks_period_lookup(model, "1Q666666666666", &period, &err),
                     KS_ESYNTAX);
    assert_non_null(strstr(err.message, "bad period '1Q666666666666'"));
    assert_int_equal(ks_period_lookup(model, "FY99999999999999999999",
                                      &period, &err), KS_ESYNTAX);
    ks_model_free(model);
}

/*
 * FIXED -- core/io/model_open.c: an item whose display parent is not an item
 * of the chart is accepted (tests/data/bad/missing_parent: rev.a's parent
 * 'rev.gross').  PRODUCT.md gives every item "its parent for display";
 * a parent that does not exist is refused like an unknown id:
 * KS_EUNKNOWN "items.csv:2:47: parent of 'rev.a': unknown item ...".
 */
static void test_parent_must_exist(void **state)
{
    (void)state;
    ks_model *model = NULL;
    ks_error err;
    ks_status status = ks_model_open("tests/data/bad/missing_parent", NULL,
                                     &model, &err);
    ks_model_free(model);
    assert_int_equal(status, KS_EUNKNOWN);
    assert_non_null(strstr(err.message, "items.csv:2:"));
    assert_non_null(strstr(err.message, "'rev.gross'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_id_with_many_digits),
        cmocka_unit_test(test_parent_must_exist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
