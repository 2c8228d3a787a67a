/*
 * test_saved_scenarios.c -- scenarios saved in a model: reading them from
 * tests/data/scenarios (rows of values.csv naming low and high), a new
 * handle starting from a copy of them, saving a handle back, exporting a
 * model with every saved scenario and opening or importing the file again
 * (every cell of every scenario compared bit for bit), refused files
 * (a cell twice, a bad row after scenario rows) leaving the model as it
 * was, unknown names suggesting the nearest, and running out of memory at
 * every allocation of open, save, import, export and a new handle: always
 * KS_ENOMEM, no block left over, the model and its saved scenarios as they
 * were.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../support/dir_entries.h"
#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "kessan/kessan.h"

#define FIXTURE "tests/data/scenarios"
#define TINY "tests/data/tiny"

/* ---- the allocator that counts and fails (test_alloc.h) ----------------- */

static test_alloc counts;
static const ks_allocator counting = { .realloc_fn = test_alloc_realloc,
                                       .user_data = &counts };

/* ---- helpers ------------------------------------------------------------- */

static ks_model *scenario(ks_model *model, const char *name)
{
    ks_model *handle = NULL;
    ks_error err;
    if (ks_scenario_new(model, name, &handle, &err) != KS_OK)
        fail_msg("%s", err.message);
    return handle;
}

/* A number read from the fixture's values.csv as the engine reads it. */
static double figure(const char *text)
{
    double number;
    int missing, decimals;
    assert_int_equal(ks_parse_number(text, strlen(text), &number, &missing,
                                     &decimals), 0);
    return number;
}

/* A scratch model directory with the fixture's chart and settings. */
static const char *scratch_directory(const char *name)
{
    static char directory[512];
    snprintf(directory, sizeof directory, "%s/%s", KESSAN_TEST_TMP, name);
    mkdir(directory, 0755);
    char from[600], to[600];
    const char *files[] = { "items.csv", "settings.csv" };
    for (int i = 0; i < 2; i++) {
        snprintf(from, sizeof from, "%s/%s", FIXTURE, files[i]);
        snprintf(to, sizeof to, "%s/%s", directory, files[i]);
        copy_file(from, to);
    }
    return directory;
}

/* ---- comparing every cell ------------------------------------------------ */

typedef struct cell_state {
    ks_kind kind;
    uint64_t bits;
} cell_state;

/* Every cell of a handle, in period order. */
static cell_state *cells_of(ks_model *model, int *count)
{
    int items = ks_item_count(model), periods = ks_period_count(model);
    cell_state *cells = calloc((size_t)items * (size_t)periods,
                               sizeof *cells);
    assert_non_null(cells);
    *count = 0;
    for (int item = 0; item < items; item++)
        for (int i = 0; i < periods; i++) {
            ks_value value;
            ks_error err;
            if (ks_get(model, item, ks_period_at(model, i), &value, &err)
                != KS_OK)
                fail_msg("%s", err.message);
            cell_state *cell = &cells[(*count)++];
            cell->kind = value.kind;
            if (value.kind == KS_NUMBER)
                memcpy(&cell->bits, &value.number, sizeof cell->bits);
        }
    return cells;
}

static void assert_same_cells(ks_model *a, ks_model *b, const char *what)
{
    int count_a, count_b;
    cell_state *x = cells_of(a, &count_a), *y = cells_of(b, &count_b);
    assert_int_equal(count_a, count_b);
    int periods = ks_period_count(a);
    for (int i = 0; i < count_a; i++)
        if (x[i].kind != y[i].kind || x[i].bits != y[i].bits) {
            ks_item_info info;
            ks_item_get(a, i / periods, &info);
            char period[16];
            ks_period_id(a, ks_period_at(a, i % periods), period,
                         sizeof period);
            fail_msg("%s: %s@%s differs (kind %d/%d)", what, info.id, period,
                     x[i].kind, y[i].kind);
        }
    free(x);
    free(y);
}

/* Every saved scenario of `a` and `b`: the same names in the same order,
 * and every cell of each the same. */
static void assert_same_scenarios(ks_model *a, ks_model *b)
{
    assert_same_cells(a, b, "base");
    int count = ks_saved_scenario_count(a);
    assert_int_equal(ks_saved_scenario_count(b), count);
    for (int i = 0; i < count; i++) {
        const char *name = ks_saved_scenario_name(a, i);
        assert_string_equal(ks_saved_scenario_name(b, i), name);
        ks_model *x = scenario(a, name), *y = scenario(b, name);
        assert_same_cells(x, y, name);
        ks_model_free(x);
        ks_model_free(y);
    }
}

/* ---- reading saved scenarios --------------------------------------------- */

static void test_open_reads_saved(void **state)
{
    (void)state;
    ks_model *model = open_model(FIXTURE, NULL);
    assert_int_equal(ks_saved_scenario_count(model), 2);
    assert_string_equal(ks_saved_scenario_name(model, 0), "low");
    assert_string_equal(ks_saved_scenario_name(model, 1), "high");
    assert_null(ks_saved_scenario_name(model, 2));

    ks_model *low = scenario(model, "low");
    ks_value value = value_of(low, "rev.a@3Q02");
    assert_int_equal(value.kind, KS_NUMBER);
    assert_true(value.number == figure("150"));
    assert_int_equal(value.provenance, KS_PROV_OVERRIDDEN);
    assert_int_equal(value_of(low, "rev.b@4Q02").kind, KS_MISSING);
    /* the base keeps its reported figure and has no 4Q02 */
    value = value_of(model, "rev.a@3Q02");
    assert_true(value.number == figure("160"));
    assert_int_equal(value.provenance, KS_PROV_REPORTED);
    assert_int_equal(value_of(model, "rev.a@4Q02").kind, KS_MISSING);
    /* an override flows into the longer periods */
    ks_value low_fy = value_of(low, "rev.a@FY02");
    ks_value low_9m = value_of(low, "rev.a@9M02");
    assert_true(low_fy.number == low_9m.number + figure("155"));

    ks_model *high = scenario(model, "high");
    value = value_of(high, "op_income@1Q02");
    assert_true(value.number == figure("(12.5)"));
    /* a scenario never saved starts empty */
    ks_model *other = scenario(model, "other");
    assert_same_cells(model, other, "other");
    ks_model_free(other);
    ks_model_free(high);
    ks_model_free(low);
    ks_model_free(model);
}

static void test_handle_is_a_copy(void **state)
{
    (void)state;
    ks_model *model = open_model(FIXTURE, NULL);
    ks_model *low = scenario(model, "low");
    put(low, "rev.a@3Q02", 1.0);
    ks_model *again = scenario(model, "low");
    assert_true(value_of(again, "rev.a@3Q02").number == figure("150"));
    ks_model_free(again);
    ks_model_free(low);
    ks_model_free(model);
}

static void test_save(void **state)
{
    (void)state;
    ks_model *model = open_model(FIXTURE, NULL);
    ks_model *low = scenario(model, "low");
    ks_cell_ref cost = cell(model, "cost.total@4Q02");
    ks_error err;
    assert_int_equal(ks_clear(low, cost.item, cost.period, &err), KS_OK);
    put(low, "rev.b@3Q02", 0.1);
    assert_int_equal(ks_scenario_save(low, &err), KS_OK);
    ks_model *again = scenario(model, "low");
    assert_same_cells(low, again, "saved low");
    assert_int_equal(value_of(again, "cost.total@4Q02").kind, KS_MISSING);
    ks_model_free(again);

    ks_model *mid = scenario(model, "mid");
    put(mid, "rev.a@4Q02", 165);
    assert_int_equal(ks_scenario_save(mid, &err), KS_OK);
    assert_int_equal(ks_saved_scenario_count(model), 3);
    assert_string_equal(ks_saved_scenario_name(model, 2), "mid");

    assert_int_equal(ks_scenario_save(model, &err), KS_EMISUSE);
    ks_model *named_base = scenario(model, "base");
    assert_int_equal(ks_scenario_save(named_base, &err), KS_EINVAL);
    assert_int_equal(ks_saved_scenario_count(model), 3);
    ks_model_free(named_base);
    ks_model_free(mid);
    ks_model_free(low);
    ks_model_free(model);
}

static void test_lookup_suggests(void **state)
{
    (void)state;
    ks_model *model = open_model(FIXTURE, NULL);
    int index = -2;
    ks_error err;
    assert_int_equal(ks_saved_scenario_lookup(model, "high", &index, &err),
                     KS_OK);
    assert_int_equal(index, 1);
    assert_int_equal(ks_saved_scenario_lookup(model, "lo", &index, &err),
                     KS_EUNKNOWN);
    assert_int_equal(index, -1);
    assert_string_equal(err.message,
                        "no scenario 'lo' (did you mean 'low'?)");
    ks_model_free(model);

    model = open_model(TINY, NULL);
    assert_int_equal(ks_saved_scenario_count(model), 0);
    assert_int_equal(ks_saved_scenario_lookup(model, "low", &index, &err),
                     KS_EUNKNOWN);
    assert_non_null(strstr(err.message, "no saved scenarios"));
    ks_model_free(model);
}

/* ---- round trips --------------------------------------------------------- */

static void round_trip(int cells, const char *name)
{
    ks_model *model = open_model(FIXTURE, NULL);
    /* a saved value with every bit significant, and a negative zero */
    ks_model *low = scenario(model, "low");
    put(low, "rev.b@3Q02", 0.1 + 0.2);
    put(low, "bs.cash@4Q02", -0.0);
    ks_error err;
    assert_int_equal(ks_scenario_save(low, &err), KS_OK);
    ks_model_free(low);

    const char *directory = scratch_directory(name);
    char path[600];
    snprintf(path, sizeof path, "%s/values.csv", directory);
    ks_export_options options = { .with_scenario_column = 1, .cells = cells };
    if (ks_export_scenarios_csv(model, path, &options, &err) != KS_OK)
        fail_msg("%s", err.message);
    ks_model *reopened = open_model(directory, NULL);
    assert_same_scenarios(model, reopened);
    ks_model *fresh = NULL;

    /* importing the file into the chart alone gives the same again (the
     * inputs: every cell would set the model's computed cells, which the
     * import refuses unless it overrides; a saved scenario's override of
     * op_income, a formula's cell, is its own and taken as such) */
    char moved[620];
    snprintf(moved, sizeof moved, "%s/exported.txt", directory);
    assert_int_equal(rename(path, moved), 0);
    fresh = open_model(directory, NULL);
    assert_int_equal(ks_saved_scenario_count(fresh), 0);
    ks_status status = ks_import_values(fresh, moved, KS_PROV_REPORTED, &err);
    if (cells == KS_EXPORT_ALL) {
        assert_int_equal(status, KS_EINVAL);
        assert_non_null(strstr(err.message, " is computed (formula "));
        assert_int_equal(ks_saved_scenario_count(fresh), 0);
    } else {
        if (status != KS_OK)
            fail_msg("%s", err.message);
        assert_same_scenarios(model, fresh);
    }
    ks_model_free(fresh);
    ks_model_free(reopened);
    ks_model_free(model);
}

static void test_round_trip_every_cell(void **state)
{
    (void)state;
    round_trip(KS_EXPORT_ALL, "saved-every-cell");
}

static void test_round_trip_inputs(void **state)
{
    (void)state;
    round_trip(KS_EXPORT_INPUTS, "saved-inputs");
}

/* ---- refused files ------------------------------------------------------- */

static void test_cell_twice_refused(void **state)
{
    (void)state;
    const char *directory = scratch_directory("saved-twice");
    char path[600];
    snprintf(path, sizeof path, "%s/values.csv", directory);
    write_file(path, "item,period,value,scenario\n"
                     "rev.a,3Q02,1,low\n"
                     "rev.a,3Q02,2,\n"
                     "rev.a,3Q02,3,low\n");
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_open(directory, NULL, &model, &err), KS_EDUP);
    assert_null(model);
    assert_non_null(strstr(err.message, ":4:12: a second value for "
                                        "rev.a@3Q02 in scenario 'low' (the "
                                        "first is on line 2)"));
}

static void test_failed_import_changes_nothing(void **state)
{
    (void)state;
    ks_model *model = open_model(FIXTURE, NULL);
    ks_model *before = open_model(FIXTURE, NULL);
    char path[600];
    snprintf(path, sizeof path, "%s/saved-bad.csv", KESSAN_TEST_TMP);
    write_file(path, "scenario,item,period,value\n"
                     "low,rev.a,3Q02,1\n"
                     "mid,rev.a,4Q02,2\n"
                     ",rev.b,4Q02,3\n"
                     "high,rev.a,3Q02,abc\n");
    ks_error err;
    assert_int_equal(ks_import_values(model, path, KS_PROV_OVERRIDDEN, &err),
                     KS_EFORMAT);
    assert_non_null(strstr(err.message, ":5:17: expected a number"));
    assert_same_scenarios(before, model);

    write_file(path, "scenario,item,period,value\n"
                     "low,rev.a,3Q02,1\n"
                     "mid,rev.a,4Q02,2\n"
                     ",rev.b,4Q02,3\n");
    assert_int_equal(ks_import_values(model, path, KS_PROV_OVERRIDDEN, &err),
                     KS_OK);
    assert_int_equal(ks_saved_scenario_count(model), 3);
    ks_model *low = scenario(model, "low");
    assert_true(value_of(low, "rev.a@3Q02").number == 1.0);
    /* merged: low keeps what the file does not name */
    assert_true(value_of(low, "rev.a@4Q02").number == figure("155"));
    assert_true(value_of(model, "rev.b@4Q02").number == 3.0);
    ks_model_free(low);
    ks_model_free(before);
    ks_model_free(model);
}

/* ---- running out of memory ------------------------------------------------ */

/* Run `step` failing allocation n = 1, 2, ... until it succeeds, once
 * failing one allocation and once every one after it: KS_ENOMEM, the model
 * and its saved scenarios as `reference` each time, and no block left once
 * the model is freed (what a step keeps, such as recalculated values, is
 * the model's). */
typedef ks_status (*step_fn)(ks_model *model, ks_error *err);

static void run_failing(step_fn step)
{
    for (int for_good = 0; for_good < 2; for_good++) {
        for (long n = 1;; n++) {
            ks_model *model = open_model(FIXTURE, &counting);
            ks_model *reference = open_model(FIXTURE, NULL);
            test_alloc_arm(&counts, n, for_good);
            ks_error err;
            ks_status status = step(model, &err);
            test_alloc_arm(&counts, 0, 0);
            if (status == KS_OK) {
                ks_model_free(model);
                ks_model_free(reference);
                assert_int_equal(counts.live, 0);
                break;
            }
            if (status != KS_ENOMEM)
                fail_msg("allocation %ld: %s", n, err.message);
            assert_same_scenarios(reference, model);
            ks_model_free(model);
            ks_model_free(reference);
            assert_int_equal(counts.live, 0);
        }
    }
}

static ks_status step_save(ks_model *model, ks_error *err)
{
    ks_model *low = NULL;
    ks_status status = ks_scenario_new(model, "low", &low, err);
    int item, period;
    if (status == KS_OK)
        status = ks_cell_lookup(model, "rev.b@1Q02", &item, &period, err);
    if (status == KS_OK)
        status = ks_set(low, item, period, 7, err);
    if (status == KS_OK)
        status = ks_scenario_save(low, err);
    ks_model_free(low);
    return status;
}

static ks_status step_save_new(ks_model *model, ks_error *err)
{
    ks_model *mid = NULL;
    ks_status status = ks_scenario_new(model, "mid", &mid, err);
    if (status == KS_OK)
        status = ks_scenario_save(mid, err);
    ks_model_free(mid);
    return status;
}

static ks_status step_import(ks_model *model, ks_error *err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/saved-import.csv", KESSAN_TEST_TMP);
    return ks_import_values(model, path, KS_PROV_OVERRIDDEN, err);
}

static ks_status step_export(ks_model *model, ks_error *err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/saved-export.csv", KESSAN_TEST_TMP);
    ks_export_options options = {
        .with_scenario_column = 1,
        .cells = KS_EXPORT_ALL
    };
    return ks_export_scenarios_csv(model, path, &options, err);
}

static ks_status step_new_handle(ks_model *model, ks_error *err)
{
    ks_model *high = NULL;
    ks_status status = ks_scenario_new(model, "high", &high, err);
    ks_model_free(high);
    return status;
}

/* A model directory with the fixture's items and settings and a values
 * file of `count` saved scenarios, two cells each (s0, s1, ...). */
static void write_many_scenarios(const char *directory, int count)
{
    char path[700];
    assert_true(mkdir(directory, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/items.csv", directory);
    copy_file(FIXTURE "/items.csv", path);
    snprintf(path, sizeof path, "%s/settings.csv", directory);
    copy_file(FIXTURE "/settings.csv", path);
    snprintf(path, sizeof path, "%s/values.csv", directory);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fputs("item,period,value,scenario\nrev.a,1Q01,100,\n", out);
    for (int i = 0; i < count; i++)
        fprintf(out, "rev.a,1Q02,%d,s%d\nrev.b,2Q02,%d,s%d\n", i, i, i + 1,
                i);
    assert_int_equal(fclose(out), 0);
}

/* 20,000 saved scenarios open (in linear time: names are looked up in a
 * table; this took 4 s when each was searched for among all the others),
 * each with its own two cells, and a handle of the last one reads them. */
static void test_many_scenarios_open(void **state)
{
    (void)state;
    char directory[600];
    snprintf(directory, sizeof directory, "%s/many-scenarios",
             KESSAN_TEST_TMP);
    enum { COUNT = 20000 };
    write_many_scenarios(directory, COUNT);
    ks_model *model = open_model(directory, NULL);
    assert_int_equal(ks_saved_scenario_count(model), COUNT);
    for (int i = 0; i < COUNT; i += 997) {
        char name[32];
        snprintf(name, sizeof name, "s%d", i);
        assert_string_equal(ks_saved_scenario_name(model, i), name);
    }
    ks_model *last = scenario(model, "s19999");
    assert_true(value_of(last, "rev.a@1Q02").number == 19999);
    assert_true(value_of(last, "rev.b@2Q02").number == 20000);
    assert_true(value_of(last, "rev.a@1Q01").number == 100);
    ks_model_free(last);
    /* importing the same file again merges into the same 20,000 */
    char path[700];
    snprintf(path, sizeof path, "%s/values.csv", directory);
    ks_error err;
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_OK);
    assert_int_equal(ks_saved_scenario_count(model), COUNT);
    ks_model_free(model);
}

/* ---- interrupted imports ------------------------------------------------ */

/* The fixture opened with the counting allocator (armed to fail nothing) and
 * `poll` as its interrupt poll, which never fires; the open polls too. */
static ks_model *open_polled(ks_allocator *alloc, poll_count *poll)
{
    *poll = (poll_count){ 0, LONG_MAX };
    *alloc = test_allocator_polled(&counts, poll);
    test_alloc_arm(&counts, 0, 0);
    return open_model(FIXTURE, alloc);
}

/* An import (with_scenarios 1: ks_import_values; 0: ks_import_csv; 2:
 * ks_import_csv_buffer of the file's text) interrupted at each of its
 * polls, k = 1, 2, ...: KS_EINTERRUPTED, the model and its saved
 * scenarios as they were, nothing leaked. */
static long interrupt_import(const char *path, int with_scenarios)
{
    long interrupted = 0;
    for (long k = 1;; k++) {
        poll_count poll;
        ks_allocator alloc;
        ks_model *model = open_polled(&alloc, &poll);
        ks_model *reference = open_model(FIXTURE, NULL);
        long live = counts.live;
        poll.calls = 0; /* the open polled too */
        poll.fire_at = k;
        ks_error err;
        ks_status status;
        if (with_scenarios == 2) {
            char *text = read_file(path);
            status = ks_import_csv_buffer(model, "text", text, strlen(text),
                                          KS_PROV_OVERRIDDEN, &err);
            free(text);
        } else {
            status = with_scenarios
                         ? ks_import_values(model, path, KS_PROV_OVERRIDDEN,
                                            &err)
                         : ks_import_csv(model, path, KS_PROV_OVERRIDDEN,
                                         &err);
        }
        poll.fire_at = LONG_MAX;
        if (status != KS_OK)
            assert_int_equal(counts.live, live); /* nothing leaked */
        if (status == KS_OK) {
            if (poll.calls >= k)
                fail_msg("mode %d: a poll that fired (%ld of %ld) went "
                         "unheeded", with_scenarios, k, poll.calls);
            assert_true(value_of(model, "rev.a@3Q02").number == 4096);
            ks_model_free(model);
            ks_model_free(reference);
            assert_int_equal(counts.live, 0);
            return interrupted;
        }
        if (status != KS_EINTERRUPTED)
            fail_msg("k=%ld: %s", k, err.message);
        assert_true(poll.calls == k); /* stopped at the poll that fired */
        assert_non_null(strstr(err.message, "interrupted while "));
        assert_same_scenarios(reference, model);
        assert_true(value_of(model, "rev.a@3Q02").number
                    == value_of(reference, "rev.a@3Q02").number);
        assert_int_equal(value_of(model, "rev.a@3Q02").provenance,
                         KS_PROV_REPORTED);
        ks_model_free(model);
        ks_model_free(reference);
        assert_int_equal(counts.live, 0);
        interrupted++;
        assert_true(k < 10000);
    }
}

static void test_interrupted_import(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/saved-interrupt.csv", KESSAN_TEST_TMP);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fputs("item,period,value,scenario\nrev.a,3Q02,4096,\n", out);
    for (int i = 0; i < 3000; i++)
        fprintf(out, "rev.b,4Q02,%d,a-scenario-with-a-long-name-%d\n", i, i);
    assert_int_equal(fclose(out), 0);
    /* 170 KB: three reads, three polls of 1,024 new scenarios */
    assert_true(interrupt_import(path, 1) >= 5);
    /* without scenarios (ks_import_csv): a value padded to 150 KB */
    snprintf(path, sizeof path, "%s/values-interrupt.csv", KESSAN_TEST_TMP);
    out = fopen(path, "wb");
    assert_non_null(out);
    fputs("item,period,value\nrev.b,3Q02,1\nrev.a,3Q02,4096", out);
    for (int i = 0; i < 150000; i++)
        fputc(' ', out);
    fputs("\nrev.b,4Q02,2\n", out);
    assert_int_equal(fclose(out), 0);
    assert_true(interrupt_import(path, 0) >= 3);
    assert_true(interrupt_import(path, 2) >= 3);
}

/* An export with every saved scenario interrupted at each of its polls
 * (one per scenario): KS_EINTERRUPTED, the old file as it was, no
 * temporary file left, nothing leaked. */
static void test_interrupted_export(void **state)
{
    (void)state;
    char directory[600], path[700];
    snprintf(directory, sizeof directory, "%s/export-interrupt",
             KESSAN_TEST_TMP);
    assert_true(mkdir(directory, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/all.csv", directory);
    write_file(path, "old\n");
    long interrupted = 0;
    for (long k = 1;; k++) {
        poll_count poll;
        ks_allocator alloc;
        ks_model *model = open_polled(&alloc, &poll);
        poll.calls = 0;
        poll.fire_at = k;
        ks_error err;
        ks_status status = ks_export_scenarios_csv(model, path, NULL, &err);
        poll.fire_at = LONG_MAX;
        ks_model_free(model);
        assert_int_equal(counts.live, 0);
        assert_int_equal(entries_in(directory), 1);
        if (status == KS_OK) {
            assert_true(poll.calls < k);
            break;
        }
        if (status != KS_EINTERRUPTED)
            fail_msg("k=%ld: %s", k, err.message);
        assert_string_equal(err.message,
                            "interrupted while exporting saved scenarios");
        char *text = read_file(path);
        assert_string_equal(text, "old\n");
        free(text);
        interrupted++;
    }
    assert_int_equal(interrupted, 2); /* low and high */
}

static void test_enomem_open(void **state)
{
    (void)state;
    ks_model *reference = open_model(FIXTURE, NULL);
    for (int for_good = 0; for_good < 2; for_good++)
        for (long n = 1;; n++) {
            ks_model *model = NULL;
            ks_error err;
            test_alloc_arm(&counts, n, for_good);
            ks_status status = ks_model_open(FIXTURE, &counting, &model,
                                             &err);
            test_alloc_arm(&counts, 0, 0);
            if (status == KS_OK) {
                assert_same_scenarios(reference, model);
                ks_model_free(model);
                assert_int_equal(counts.live, 0);
                break;
            }
            assert_int_equal(status, KS_ENOMEM);
            assert_null(model);
            assert_int_equal(counts.live, 0);
        }
    ks_model_free(reference);
}

static void test_enomem_save(void **state)
{
    (void)state;
    run_failing(step_save);
    run_failing(step_save_new);
}

static void test_enomem_import(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/saved-import.csv", KESSAN_TEST_TMP);
    write_file(path, "item,period,value,scenario\n"
                     "rev.a,3Q02,1,low\n"
                     "rev.a,4Q02,2,mid\n"
                     "rev.b,4Q02,3,\n"
                     "rev.b,4Q02,4,mid\n");
    run_failing(step_import);
}

static void test_enomem_export(void **state)
{
    (void)state;
    run_failing(step_export);
}

static void test_enomem_new_handle(void **state)
{
    (void)state;
    run_failing(step_new_handle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_reads_saved),
        cmocka_unit_test(test_handle_is_a_copy),
        cmocka_unit_test(test_save),
        cmocka_unit_test(test_lookup_suggests),
        cmocka_unit_test(test_round_trip_every_cell),
        cmocka_unit_test(test_round_trip_inputs),
        cmocka_unit_test(test_cell_twice_refused),
        cmocka_unit_test(test_failed_import_changes_nothing),
        cmocka_unit_test(test_many_scenarios_open),
        cmocka_unit_test(test_interrupted_import),
        cmocka_unit_test(test_interrupted_export),
        cmocka_unit_test(test_enomem_open),
        cmocka_unit_test(test_enomem_save),
        cmocka_unit_test(test_enomem_import),
        cmocka_unit_test(test_enomem_export),
        cmocka_unit_test(test_enomem_new_handle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
