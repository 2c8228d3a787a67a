/*
 * check_report.h -- the tie-out audit of a test's model (kessan/check.h):
 * its report, which the test must free with ks_check_free; the test
 * fails naming the error when the audit is refused.  Header only.
 */
#ifndef TEST_CHECK_REPORT_H
#define TEST_CHECK_REPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "../support/test_alloc.h"
#include "kessan/check.h"
#include "kessan/kessan.h"

static inline ks_check_report *audit_of(ks_model *model)
{
    ks_check_report *report = NULL;
    ks_error err;
    if (ks_check_run(model, &report, &err) != KS_OK)
        fail_msg("check: %s", err.message);
    assert_non_null(report);
    return report;
}

/* The audit of a model allocating through `counts`, run with allocation
 * 1, 2, ... refused in turn until a run completes with none refused: each
 * refused run must fail with KS_ENOMEM saying "out of memory", leave no
 * report and leak nothing.  Returns the completed run's report.  Bring
 * the model up to date first, so that the allocations are the audit's. */
static inline ks_check_report *audit_under_each_failure(ks_model *model,
                                                        test_alloc *counts)
{
    long live = counts->live;
    for (long n = 1; n < 100000; n++) {
        test_alloc_arm(counts, n, 0);
        ks_check_report *report = NULL;
        ks_error err;
        ks_status status = ks_check_run(model, &report, &err);
        int failed = counts->failed;
        test_alloc_disarm(counts);
        if (!failed) {
            assert_int_equal(status, KS_OK);
            return report;
        }
        if (status != KS_ENOMEM)
            fail_msg("allocation %ld: %s (%s)", n, err.message,
                     ks_status_name(status));
        assert_null(report);
        assert_non_null(strstr(err.message, "out of memory"));
        assert_int_equal(counts->live, live);
    }
    fail_msg("the audit never completed");
    return NULL;
}

#endif
