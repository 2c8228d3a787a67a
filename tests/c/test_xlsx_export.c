/*
 * test_xlsx_export.c -- the workbook export (kessan/workbook.h) when
 * things go wrong: every allocation failing in turn, and an interrupt at
 * every poll, give ENOMEM or EINTERRUPTED, leak nothing and leave no
 * file (neither the target nor a temporary) in the directory, also where
 * the package is written twice (comments found as the sheets are); a
 * directory, a missing directory and an empty path are refused naming the
 * path; a table of one's own goes through.  The numbers a workbook
 * holds read back as the same doubles: the printer's text for a million
 * doubles of every kind, and awkward inputs exported and imported back
 * bit for bit, those beyond Excel's range too, each of which, and none
 * within it, the report notes.  A sheet named with 31 CJK characters (93
 * bytes) or 15 past U+FFFF is named whole in the report.  What the workbook holds is checked through LibreOffice
 * (tests/py/test_xlsx_export*.py).
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <math.h>
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
#include "io/xlsx_export.h"
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

/* a subnormal, which Excel reads as 0: noted in the report */
static const ks_xlsx_table_cell table_cells[] = {
    { "name", 0 }, { "value", 0 }, { "a", 0 }, { NULL, 1.5 },
    { "b", 0 },    { NULL, 5e-324 },
};
static const ks_xlsx_table table = { "Mine", 3, 2, table_cells };
static const ks_xlsx_options with_table = { &table, 1 };

static int exists(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0;
}

/* An item of `statement` whose formula nests deeper than Excel's 64:
 * each of its cells is written as a value with a comment, which the
 * export finds only as it writes the sheet, and so writes the package a
 * second time. */
static void define_too_deep_on(ks_model *model, const char *statement)
{
    enum { DEPTH = KS_XLSX_NESTING_MAX + 6 };
    char formula[5 * DEPTH + 8] = "";
    for (int k = 0; k < DEPTH; k++)
        strcat(formula, "abs(");
    strcat(formula, "rev.a");
    for (int k = 0; k < DEPTH; k++)
        strcat(formula, ")");
    ks_item_info info = { .label = "Deep", .statement = statement,
                          .rule = KS_RULE_FORMULA };
    ks_error err;
    if (ks_define(model, "deep", formula, &info, &err) != KS_OK)
        fail_msg("%s", err.message);
}

static void define_too_deep(ks_model *model)
{
    define_too_deep_on(model, "kpi");
}

/* The report's entries of each kind: formulas written as values, and
 * numbers beyond Excel. */
static void count_notes(const ks_xlsx_report *report, size_t *as_values,
                        size_t *beyond)
{
    *as_values = *beyond = 0;
    for (size_t k = 0; k < report->unexpressed_count; k++)
        ++*(report->unexpressed[k].beyond_excel ? beyond : as_values);
}

static void every_failed_allocation(int with_comments)
{
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(SCENARIOS, &alloc, &model, &err), KS_OK);
    if (with_comments)
        define_too_deep(model);
    /* once whole first: the model computes and keeps its cells */
    ks_xlsx_report whole;
    assert_int_equal(ks_export_xlsx_with(model, target, &with_table, &whole,
                                         &err), KS_OK);
    size_t as_values, beyond;
    count_notes(&whole, &as_values, &beyond);
    assert_int_equal(as_values > 0, with_comments);
    assert_int_equal(beyond, 1); /* the table's subnormal */
    ks_xlsx_report_release(&whole);
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

static void test_every_failed_allocation(void **state)
{
    (void)state;
    every_failed_allocation(0);
}

/* The same where the package is written twice (comments found). */
static void test_every_failed_allocation_twice(void **state)
{
    (void)state;
    every_failed_allocation(1);
}

static void every_interrupt(int with_comments)
{
    test_alloc counts = { 0 };
    poll_count poll = { 0, 0 };
    ks_allocator alloc = test_allocator_polled(&counts, &poll);
    ks_model *model = NULL;
    ks_error err;
    poll.fire_at = 1L << 40;
    assert_int_equal(ks_model_open(SCENARIOS, &alloc, &model, &err), KS_OK);
    if (with_comments)
        define_too_deep(model);
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

static void test_every_interrupt(void **state)
{
    (void)state;
    every_interrupt(0);
}

static void test_every_interrupt_twice(void **state)
{
    (void)state;
    every_interrupt(1);
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

/* ---- sheet names as long as Excel takes them ----------------------------- */

/* A statement named with 40 characters of three bytes (CJK) or of four
 * (past U+FFFF, two UTF-16 units each): its sheet is named with as many
 * as make Excel's 31 units, and the report names that sheet whole for a
 * cell written as its value there. */
static void test_long_sheet_name_in_report(void **state)
{
    (void)state;
    static const struct { const char *character; size_t kept; } cases[] = {
        { "\xe8\xa1\xa8", 31 },     /* 表: 31 of them, 93 bytes    */
        { "\xf0\x9f\x98\x80", 15 }, /* 😀: 15 of them, 30 units    */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char statement[40 * 4 + 1] = "";
        for (int k = 0; k < 40; k++)
            strcat(statement, cases[c].character);
        size_t bytes = cases[c].kept * strlen(cases[c].character);
        ks_model *model = NULL;
        ks_error err;
        assert_int_equal(ks_model_open(SCENARIOS, NULL, &model, &err),
                         KS_OK);
        define_too_deep_on(model, statement);
        ks_xlsx_report report;
        if (ks_export_xlsx_with(model, target, NULL, &report, &err) != KS_OK)
            fail_msg("%s", err.message);
        size_t on_statement = 0;
        for (size_t k = 0; k < report.unexpressed_count; k++) {
            const char *sheet = report.unexpressed[k].sheet;
            if (strncmp(sheet, "Scenario ", 9) == 0)
                continue; /* the saved scenarios' sheets: every item */
            assert_int_equal(strlen(sheet), bytes);
            assert_memory_equal(sheet, statement, bytes);
            on_statement++;
        }
        assert_true(on_statement > 0);
        ks_xlsx_report_release(&report);
        unlink(target);
        ks_model_free(model);
    }
}

/* ---- numbers beyond Excel ------------------------------------------------ */

typedef struct edge_number {
    double number;
    const char *beyond; /* words of the reason, or NULL: within Excel's */
} edge_number;

/* The report's entry for `cell` on the Inputs sheet, or NULL. */
static const ks_xlsx_unexpressed *inputs_note(const ks_xlsx_report *report,
                                              const char *cell)
{
    for (size_t k = 0; k < report->unexpressed_count; k++)
        if (strcmp(report->unexpressed[k].sheet, "Inputs") == 0 &&
            strcmp(report->unexpressed[k].cell, cell) == 0)
            return &report->unexpressed[k];
    return NULL;
}

static void assert_same_inputs(ks_model *model, ks_model *back)
{
    for (int i = 0; i < ks_item_count(model); i++)
        for (int p = 0; p < ks_period_count(model); p++) {
            if (!ks_is_input(model, i, p))
                continue;
            ks_value x, y;
            assert_int_equal(ks_get(model, i, p, &x, NULL), KS_OK);
            assert_int_equal(ks_get(back, i, p, &y, NULL), KS_OK);
            assert_int_equal(x.kind, y.kind);
            if (x.kind == KS_NUMBER)
                assert_memory_equal(&x.number, &y.number, sizeof x.number);
        }
}

/* The workbook at `target`, imported into a fresh copy of the model
 * (its Inputs sheet, as overrides), gives every input of `model` bit for
 * bit. */
static void assert_imports_back(ks_model *model)
{
    ks_model *back = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(SCENARIOS, NULL, &back, &err), KS_OK);
    ks_import_options options = { .provenance = KS_PROV_OVERRIDDEN,
                                  .override = 1, .sheet = "Inputs" };
    if (ks_import_values_with(back, target, &options, &err) != KS_OK)
        fail_msg("%s", err.message);
    assert_same_inputs(model, back);
    ks_model_free(back);
}

/* Inputs at and past each end of Excel's range: each one past it noted
 * (Inputs sheet, its cell, its number, why), none within it; every one
 * written exactly, so that the workbook imports back bit for bit. */
static void test_numbers_beyond_excel(void **state)
{
    (void)state;
    const char *tiny = "as 0", *huge = "9.99999999999999e307";
    const edge_number edges[] = {
        { 5e-324, tiny },
        { -5e-324, tiny },
        { 0x0.fffffffffffffp-1022, tiny }, /* the largest subnormal */
        { -1e-310, tiny },
        { nextafter(DBL_MIN, 0), tiny },
        { DBL_MIN, NULL },
        { -DBL_MIN, NULL },
        { 1e-300, NULL },
        { 0.0, NULL },
        { 1.0 / 3, NULL },
        { 9e307, NULL },
        { KS_XLSX_TYPED_MAX, NULL },
        { -KS_XLSX_TYPED_MAX, NULL },
        { nextafter(KS_XLSX_TYPED_MAX, INFINITY), huge },
        { nextafter(-KS_XLSX_TYPED_MAX, -INFINITY), huge },
        { 1e308, huge },
        { -1.5e308, huge },
        { 1.7e308, huge },
        { DBL_MAX, huge },
        { -DBL_MAX, huge },
    };
    enum { EDGES = sizeof edges / sizeof edges[0] };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(SCENARIOS, NULL, &model, &err), KS_OK);
    char cells[EDGES][KS_NAME_MAX + 16];
    int set = 0;
    for (int i = 0; i < ks_item_count(model) && set < EDGES; i++)
        for (int p = 0; p < ks_period_count(model) && set < EDGES; p++) {
            if (!ks_is_input(model, i, p))
                continue;
            assert_int_equal(ks_set(model, i, p, edges[set].number, &err),
                             KS_OK);
            ks_item_info info;
            ks_item_get(model, i, &info);
            char period[16];
            snprintf(cells[set], sizeof cells[set], "%s@%s", info.id,
                     ks_period_id(model, p, period, sizeof period));
            set++;
        }
    assert_int_equal(set, EDGES);
    ks_xlsx_report report;
    if (ks_export_xlsx_with(model, target, NULL, &report, &err) != KS_OK)
        fail_msg("%s", err.message);
    int noted = 0;
    for (int k = 0; k < EDGES; k++) {
        const ks_xlsx_unexpressed *note = inputs_note(&report, cells[k]);
        if (!edges[k].beyond) {
            if (note)
                fail_msg("%s (%.17g) noted: %s", cells[k], edges[k].number,
                         note->reason);
            continue;
        }
        if (!note)
            fail_msg("%s (%.17g) not noted", cells[k], edges[k].number);
        assert_true(note->beyond_excel);
        assert_memory_equal(&note->number, &edges[k].number,
                            sizeof note->number);
        assert_non_null(strstr(note->reason, edges[k].beyond));
        assert_true(note->address[0] >= 'B' && note->address[0] <= 'Z');
        noted++;
    }
    for (size_t k = 0; k < report.unexpressed_count; k++)
        if (strcmp(report.unexpressed[k].sheet, "Inputs") == 0)
            noted--;
    assert_int_equal(noted, 0); /* nothing else noted on Inputs */
    ks_xlsx_report_release(&report);
    assert_imports_back(model);
    unlink(target);
    ks_model_free(model);
}

/* ---- numbers read back as written -------------------------------------- */

static const char *value_text(ks_xlsx_text *text, double number)
{
    text->length = 0;
    ks_xlsx_put_value(text, number);
    assert_false(text->failed);
    return text->data;
}

static void assert_reads_back(ks_xlsx_text *text, double number)
{
    const char *written = value_text(text, number);
    double back = strtod(written, NULL);
    if (back != number || (back == 0 && number == 0 && written[0] == '-'))
        fail_msg("%.17g written as %s reads back as %.17g", number, written,
                 back);
}

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void test_values_read_back(void **state)
{
    (void)state;
    ks_xlsx_text text;
    ks_xlsx_text_init(&text, NULL);
    /* short where a short decimal is the number */
    static const struct { double number; const char *text; } shortest[] = {
        { 0, "0" },           { 1, "1" },         { -7, "-7" },
        { 0.1, "0.1" },       { -0.05, "-0.05" }, { 1234.5, "1234.5" },
        { 1e-7, "0.0000001" }, { 2810, "2810" },  { 0.3, "0.3" },
        { 123456789.125, "123456789.125" },
        { 9007199254740991.0, "9007199254740991" },
    };
    for (size_t k = 0; k < sizeof shortest / sizeof shortest[0]; k++)
        assert_string_equal(value_text(&text, shortest[k].number),
                            shortest[k].text);
    /* exact whatever the number */
    static const double awkward[] = {
        1.0 / 3, 2.0 / 3, 0.1 + 0.2, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, -1.7976931348623157e308, 9007199254740993.0,
        18014398509481988.0, 1e22, 1e23, 123456.78901234567, 4.35e-5,
        -987654321.0987654, 1e15 + 0.5, 0.000123456789012345678,
    };
    for (size_t k = 0; k < sizeof awkward / sizeof awkward[0]; k++)
        assert_reads_back(&text, awkward[k]);
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (int k = 0; k < 1000000; k++) {
        uint64_t bits = next_random(&seed);
        double number;
        if (k % 2) { /* any bits: every exponent */
            memcpy(&number, &bits, sizeof number);
            if (number != number || number - number != 0)
                continue;
        } else { /* figures: a few decimals, scaled */
            number = (double)(int64_t)(bits % 2000000000000u - 1000000000000)
                     / (double)(1u << (bits >> 60));
        }
        assert_reads_back(&text, number);
    }
    ks_xlsx_text_release(&text);
}

/* Inputs set to doubles no short decimal holds come back bit for bit
 * from the exported workbook's Inputs sheet. */
static void test_awkward_inputs_round_trip(void **state)
{
    (void)state;
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(SCENARIOS, NULL, &model, &err), KS_OK);
    static const double awkward[] = { 1.0 / 3, 0.1 + 0.2, -2.0 / 7, 1e-300,
                                      123456789.01234567, 4.35e-5 };
    int set = 0;
    for (int i = 0; i < ks_item_count(model) && set < 6; i++)
        for (int p = 0; p < ks_period_count(model) && set < 6; p++)
            if (ks_is_input(model, i, p)) {
                assert_int_equal(ks_set(model, i, p, awkward[set], &err),
                                 KS_OK);
                set++;
            }
    assert_int_equal(set, 6);
    if (ks_export_xlsx(model, target, NULL, &err) != KS_OK)
        fail_msg("%s", err.message);
    assert_imports_back(model);
    unlink(target);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_read_back),
        cmocka_unit_test(test_awkward_inputs_round_trip),
        cmocka_unit_test(test_numbers_beyond_excel),
        cmocka_unit_test(test_long_sheet_name_in_report),
        cmocka_unit_test(test_every_failed_allocation),
        cmocka_unit_test(test_every_failed_allocation_twice),
        cmocka_unit_test(test_every_interrupt),
        cmocka_unit_test(test_every_interrupt_twice),
        cmocka_unit_test(test_bad_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
