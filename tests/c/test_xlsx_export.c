/*
 * test_xlsx_export.c -- the workbook export (kessan/workbook.h) when
 * things go wrong: every allocation failing in turn, and an interrupt at
 * every poll, give ENOMEM or EINTERRUPTED, leak nothing and leave no
 * file (neither the target nor a temporary) in the directory; a
 * directory, a missing directory and an empty path are refused naming the
 * path; a table of one's own goes through.  What the workbook holds is
 * checked through LibreOffice (tests/py/test_xlsx_export*.py).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/dir_entries.h"
#include "../support/test_alloc.h"
#include "kessan/kessan.h"
#include "kessan/workbook.h"

#define SCENARIOS "tests/data/scenarios"

static char directory[64];
static char target[128];

static int setup(void **state)
{
    (void)state;
    snprintf(directory, sizeof directory, "/tmp/kessan-xlsx-test-XXXXXX");
    if (!mkdtemp(directory))
        return -1;
    snprintf(target, sizeof target, "%s/book.xlsx", directory);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(target);
    rmdir(directory);
    return 0;
}

static const ks_xlsx_table_cell table_cells[] = {
    { "name", 0 }, { "value", 0 }, { "a", 0 }, { NULL, 1.5 },
};
static const ks_xlsx_table table = { "Mine", 2, 2, table_cells };
static const ks_xlsx_options with_table = { &table, 1 };

static int exists(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0;
}

static void test_every_failed_allocation(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(SCENARIOS, &alloc, &model, &err), KS_OK);
    /* once whole first: the model computes and keeps its cells */
    assert_int_equal(ks_export_xlsx(model, target, NULL, &err), KS_OK);
    unlink(target);
    long live = counts.live;
    int completed = 0;
    long n;
    for (n = 1; n < 100000 && !completed; n++) {
        ks_xlsx_report report;
        test_alloc_arm(&counts, n, n % 2);
        ks_status status = ks_export_xlsx_with(model, target, &with_table,
                                               &report, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        ks_xlsx_report_release(&report);
        if (!failed) {
            assert_int_equal(status, KS_OK);
            assert_int_equal(report.sheets, 7);
            assert_true(exists(target));
            completed = 1;
            continue;
        }
        if (status != KS_ENOMEM)
            fail_msg("allocation %ld: %s", n, err.message);
        assert_int_equal(entries_in(directory), 0);
        if (counts.live != live)
            fail_msg("allocation %ld failed: %ld blocks leaked", n,
                     counts.live - live);
    }
    assert_true(completed);
    print_message("%ld allocations failed in turn\n", n - 1);
    unlink(target);
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
}

static void test_every_interrupt(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    poll_count poll = { 0, 0 };
    ks_allocator alloc = test_allocator_polled(&counts, &poll);
    ks_model *model = NULL;
    ks_error err;
    poll.fire_at = 1L << 40;
    assert_int_equal(ks_model_open(SCENARIOS, &alloc, &model, &err), KS_OK);
    int completed = 0;
    for (long k = 1; k < 10000 && !completed; k++) {
        poll.calls = 0;
        poll.fire_at = k;
        ks_status status = ks_export_xlsx_with(model, target, NULL, NULL,
                                               &err);
        if (status == KS_OK) {
            completed = 1;
            continue;
        }
        assert_int_equal(status, KS_EINTERRUPTED);
        assert_int_equal(entries_in(directory), 0);
    }
    assert_true(completed);
    unlink(target);
    poll.fire_at = 1L << 40;
    ks_model_free(model);
    assert_int_equal(counts.live, 0);
}

static void test_bad_paths(void **state)
{
    (void)state;
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(SCENARIOS, NULL, &model, &err), KS_OK);
    assert_int_equal(ks_export_xlsx(model, directory, NULL, &err), KS_EIO);
    assert_non_null(strstr(err.message, directory));
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such/dir/book.xlsx", directory);
    assert_int_not_equal(ks_export_xlsx(model, missing, NULL, &err), KS_OK);
    assert_non_null(strstr(err.message, "no/such/dir"));
    assert_int_equal(ks_export_xlsx(model, "", NULL, &err), KS_EINVAL);
    assert_int_equal(entries_in(directory), 0);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_failed_allocation),
        cmocka_unit_test(test_every_interrupt),
        cmocka_unit_test(test_bad_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
