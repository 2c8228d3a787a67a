/*
 * test_open.c -- ks_model_open: a model directory read whole (settings,
 * items with formulas referring to later items, values*.csv as inputs and
 * printed figures, printed.csv, notes.csv), every failure naming the file,
 * line and what, allocation failure freeing everything, each file the
 * open reads being a directory, a FIFO, a device, a symbolic link loop or
 * a link to nothing (an error naming it, never a skip or a hang), and an
 * interrupt at every poll (KS_EINTERRUPTED, nothing left allocated).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
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

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "kessan/kessan.h"
#include "model/model.h"

#define FIXTURE "tests/data/csv/model"

/* The cell's value and whether it is an input. */
static ks_value get(ks_model *model, const char *at, int *is_input)
{
    ks_value value = value_of(model, at);
    if (is_input) {
        ks_cell_ref ref = cell(model, at);
        *is_input = ks_is_input(model, ref.item, ref.period);
    }
    return value;
}

static const ks_printed *printed(ks_model *model, const char *at,
                                 ks_measure measure)
{
    ks_cell_ref ref = cell(model, at);
    return ks_printed_find(model, ref.item, ref.period, measure);
}

static void test_open_fixture(void **state)
{
    (void)state;
    ks_model *model = open_model(FIXTURE, NULL);
    assert_int_equal(ks_item_count(model), 4);
    ks_item_info info;
    assert_int_equal(ks_item_get(model, 1, &info), KS_OK);
    assert_string_equal(info.id, "op_income");
    assert_string_equal(info.label, "Operating income (loss)");
    assert_string_equal(info.label_ja, "営業利益(損失)");
    assert_string_equal(info.formula, "rev.total - cost.total");
    assert_int_equal(ks_item_get(model, 3, &info), KS_OK);
    assert_int_equal(info.rule, KS_RULE_FORMULA);

    ks_calendar calendar = ks_model_calendar(model);
    assert_int_equal(calendar.fiscal_year_end_month, 3);
    assert_int_equal(calendar.first_year, 2001);
    assert_int_equal(calendar.last_year, 2002);
    assert_string_equal(ks_setting(model, "rate.USD"), "118.75");
    assert_string_equal(ks_setting(model, "name"), "Example Co.");
    assert_string_equal(ks_setting(model, "note.op_margin"),
                        "a ratio, never summed");

    int input = 0;
    ks_value value = get(model, "rev.total@3Q02", &input);
    assert_true(input && value.number == 10563578.0);
    assert_int_equal(value.provenance, KS_PROV_REPORTED);
    /* a value for a formula item is only a printed figure */
    value = get(model, "op_income@3Q02", &input);
    assert_false(input);
    assert_int_equal(value.provenance, KS_PROV_COMPUTED);
    assert_true(value.number == 10563578.0 - 11130098.0);
    const ks_printed *figure = printed(model, "op_income@3Q02",
                                       KS_MEASURE_VALUE);
    assert_non_null(figure);
    assert_true(figure->number == -566520.0);
    assert_string_equal(figure->text, "(566,520)");
    assert_string_equal(figure->source, "values.csv:4");
    /* "-" is a reported missing value */
    value = get(model, "cost.total@2Q02", &input);
    assert_true(input && value.kind == KS_MISSING);
    figure = printed(model, "cost.total@2Q02", KS_MEASURE_VALUE);
    assert_true(figure && figure->is_missing);
    /* values2.csv, wide form with CRLF; its empty cell is nothing */
    value = get(model, "rev.total@2Q02", &input);
    assert_true(input && value.number == 10563578.0);
    assert_string_equal(printed(model, "rev.total@2Q02",
                                KS_MEASURE_VALUE)->source, "values2.csv:2");
    get(model, "rev.total@1Q02", &input);
    assert_false(input);
    assert_null(printed(model, "rev.total@1Q02", KS_MEASURE_VALUE));

    /* printed.csv: a % column is a percentage with or without "%" */
    figure = printed(model, "op_income@3Q02", KS_MEASURE_PCT);
    assert_true(figure && figure->number == -0.054 && figure->is_percent);
    assert_int_equal(figure->decimals, 1);
    assert_string_equal(figure->text, "(5.4)");
    assert_string_equal(figure->source, "printed.csv:2");
    figure = printed(model, "rev.total@3Q02", KS_MEASURE_USD);
    assert_true(figure && figure->number == 88957.0 && !figure->is_percent);
    figure = printed(model, "op_margin@3Q02", KS_MEASURE_VALUE);
    assert_true(figure && figure->number == -0.054 && figure->is_percent);

    assert_int_equal(ks_note_count(model), 2);
    const ks_note *note = ks_note_at(model, 1);
    assert_string_equal(note->id, "n2");
    assert_int_equal(note->item, 1);
    assert_string_equal(note->text, "Up-front network costs.");
    assert_int_equal(ks_note_at(model, 0)->item, -1);
    assert_int_equal(ks_note_at(model, 0)->period, -1);
    ks_model_free(model);
}

static void test_open_release(void **state)
{
    (void)state;
    ks_model *model = open_model("data/iij", NULL);
    /* Total revenues, three months ended Dec. 31, 2002, as printed */
    assert_true(get(model, "rev.total@3Q02", NULL).number == 10563578.0);
    assert_true(ks_printed_count(model) > 0);
    ks_model_free(model);
}

/* ---- broken directories, made in the build tree ------------------------- */

static const char *scratch(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/open-%s", KESSAN_TEST_TMP, name);
    return path;
}

static void write_into(const char *directory, const char *name,
                       const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    write_file(path, text);
}

static void remove_file(const char *directory, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    remove(path);
}

static const char *const good_settings =
    "key,value\nfiscal_year_end_month,3\nfirst_year,2001\nlast_year,2002\n";
static const char *const good_items =
    "id,label,rule,formula\nrev.total,Total revenues,sum,\n"
    "op_income,Operating income,sum,rev.total - cost.total\n"
    "cost.total,Total costs,,\n";

typedef struct open_case {
    const char *file;     /* the file to write over the good model       */
    const char *text;
    ks_status status;
    const char *message;  /* expected after "<dir>/"                     */
} open_case;

static const open_case open_cases[] = {
    { "settings.csv", "key,value\nfiscal_year_end_month,3\nlast_year,2002\n",
      KS_EFORMAT, "settings.csv: no 'first_year' (the calendar needs "
      "fiscal_year_end_month, first_year and last_year)" },
    { "settings.csv", "key,value\nfiscal_year_end_month,March\n"
      "first_year,2001\nlast_year,2002\n", KS_EFORMAT,
      "settings.csv:2:23: fiscal_year_end_month must be a whole number, got "
      "'March'" },
    { "settings.csv", "key,value\nfirst_year,2001\nfirst_year,2002\n",
      KS_EDUP, "settings.csv:3:1: key 'first_year' again (first on line 2)" },
    { "settings.csv", "key,value,x\n", KS_EFORMAT,
      "settings.csv:1:11: unknown column 'x'" },
    { "items.csv", "id,label,rule,formula\nrev.total,Revenue,sum,\n"
      "op_income,Op,sum,rev.total - cost.totl\ncost.total,Costs,,\n",
      KS_EUNKNOWN, "items.csv:3: formula of 'op_income': column 13: "
      "unknown item 'cost.totl'" },
    { "items.csv", "id,label,rule,formula\nrev.total,Revenue,sum,\n"
      "op_income,Op,sum,rev.total - * 2\n", KS_ESYNTAX,
      "items.csv:3: formula of 'op_income': column 13: expected" },
    { "items.csv", "id,label,rule,formula\nrev.total,Revenue,sum,cyc.b\n"
      "cyc.b,B,sum,rev.total\n", KS_ECYCLE,
      "items.csv:3: formula of 'cyc.b' would make a cycle: " },
    { "items.csv", "id,label,rule\nrev.total,Revenue,flow\n", KS_EFORMAT,
      "items.csv:2:19: rule must be sum, last or formula, got 'flow'" },
    { "items.csv", "id,label\nrev.total,Revenue\nrev.total,Again\n", KS_EDUP,
      "items.csv:3:1: item 'rev.total' already exists" },
    { "items.csv", "id,label,colour\n", KS_EFORMAT,
      "items.csv:1:10: unknown column 'colour'" },
    { "items.csv", "", KS_EFORMAT, "items.csv: empty file" },
    { "values.csv", "item,period,value\nrev.totl,3Q02,1\n", KS_EUNKNOWN,
      "values.csv:2:1: unknown item 'rev.totl' (did you mean 'rev.total'?)" },
    { "values.csv", "item,period,value\nrev.total,3Q02,1x\n", KS_EFORMAT,
      "values.csv:2:16: expected a number like 1,234 or (566,520), got "
      "'1x'" },
    { "values.csv", "item,period,value\nrev.total,3Q02,\"1\n", KS_EFORMAT,
      "values.csv:2:16: quote opened here is never closed" },
    { "values9.csv", "item,3Q02\nrev.total,5\n", KS_EDUP,
      "values9.csv:2:11: " },
    { "printed.csv", "item,period,measure,value\nrev.total,3Q02,ytd,1\n",
      KS_EFORMAT, "printed.csv:2:16: measure must be value, pct, yoy, qoq or "
      "usd, got 'ytd'" },
    { "printed.csv", "item,period,value\n", KS_EFORMAT,
      "printed.csv:1: no 'measure' column" },
    { "notes.csv", "id,item,period,text\nn1,rev.totl,,x\n", KS_EUNKNOWN,
      "notes.csv:2:4: unknown item 'rev.totl' (did you mean 'rev.total'?)" },
    { "notes.csv", "id,item,period,text\nn1,,\n", KS_EFORMAT,
      "notes.csv:2: expected 4 fields as in the header, got 3" },
};

static void make_good(const char *directory)
{
    mkdir(directory, 0755);
    write_into(directory, "settings.csv", good_settings);
    write_into(directory, "items.csv", good_items);
    write_into(directory, "values.csv",
               "item,period,value\nrev.total,3Q02,5\n");
    remove_file(directory, "values9.csv");
    remove_file(directory, "printed.csv");
    remove_file(directory, "notes.csv");
}

static void test_open_errors(void **state)
{
    (void)state;
    const char *directory = scratch("bad");
    for (size_t i = 0; i < sizeof open_cases / sizeof open_cases[0]; i++) {
        const open_case *c = &open_cases[i];
        make_good(directory);
        ks_model *check = open_model(directory, NULL);
        ks_model_free(check);
        write_into(directory, c->file, c->text);
        ks_model *model = (ks_model *)&model;
        ks_error err;
        ks_status status = ks_model_open(directory, NULL, &model, &err);
        char want[700];
        snprintf(want, sizeof want, "%s/%s", directory, c->message);
        if (status != c->status || strncmp(err.message, want, strlen(want)))
            fail_msg("case %zu: %s: %s\nwant %s: %s", i,
                     ks_status_name(status), err.message,
                     ks_status_name(c->status), want);
        assert_null(model);
    }
}

static void test_open_not_a_model(void **state)
{
    (void)state;
    ks_model *model = (ks_model *)&model;
    ks_error err;
    assert_int_equal(ks_model_open("tests/data/csv/no-such-model", NULL,
                                   &model, &err), KS_EIO);
    assert_string_equal(err.message, "tests/data/csv/no-such-model: not a "
                                     "model directory (no items.csv)");
    assert_null(model);
    const char *empty = scratch("empty");
    mkdir(empty, 0755);
    assert_int_equal(ks_model_open(empty, NULL, &model, &err), KS_EIO);
    assert_non_null(strstr(err.message, "not a model directory"));
    /* items.csv alone: settings.csv is required too */
    const char *no_settings = scratch("no-settings");
    mkdir(no_settings, 0755);
    remove_file(no_settings, "settings.csv");
    write_into(no_settings, "items.csv", good_items);
    assert_int_equal(ks_model_open(no_settings, NULL, &model, &err), KS_EIO);
    assert_non_null(strstr(err.message, "settings.csv: "));
    /* the two required files alone make a model */
    write_into(no_settings, "settings.csv", good_settings);
    model = open_model(no_settings, NULL);
    assert_int_equal(ks_item_count(model), 3);
    ks_model_free(model);
}

/* Fail allocation n = 1, 2, ... (once, then for good) until open works. */
static void test_open_allocation_failure(void **state)
{
    (void)state;
    for (int for_good = 0; for_good <= 1; for_good++) {
        long failures = 0;
        for (long n = 1;; n++) {
            test_alloc counts = { .fail_at = n, .fail_for_good = for_good };
            ks_allocator alloc = test_allocator(&counts);
            ks_model *model = (ks_model *)&model;
            ks_error err;
            ks_status status = ks_model_open(FIXTURE, &alloc, &model, &err);
            if (status == KS_OK) {
                assert_non_null(model);
                ks_model_free(model);
                assert_int_equal(counts.live, 0);
                if (counts.calls < n)
                    break;
                continue;
            }
            failures++;
            if (status != KS_ENOMEM)
                fail_msg("n=%ld: %s: %s", n, ks_status_name(status),
                         err.message);
            assert_null(model);
            assert_int_equal(counts.live, 0);
            assert_true(n < 100000);
        }
        assert_true(failures > 0);
    }
}

/* ---- files that are not regular files ---------------------------------- */

typedef enum odd_kind { ODD_DIRECTORY, ODD_FIFO, ODD_DEVICE, ODD_LOOP,
                        ODD_DANGLING, ODD_KINDS } odd_kind;

static const char *const odd_what[ODD_KINDS] = {
    "not a regular file (a directory)", "not a regular file (a FIFO)",
    "not a regular file (a character device)",
    "not a regular file (a symbolic link loop)",
    "not a regular file (a symbolic link to nothing)"
};

/* Put something other than a regular file at directory/name. */
static void make_odd(const char *directory, const char *name, odd_kind kind)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    remove(path);
    int made = -1;
    switch (kind) {
    case ODD_DIRECTORY: made = mkdir(path, 0755); break;
    case ODD_FIFO:      made = mkfifo(path, 0644); break;
    case ODD_DEVICE:    made = symlink("/dev/null", path); break;
    case ODD_LOOP:      made = symlink(name, path); break; /* itself */
    case ODD_DANGLING:  made = symlink("no-such-file.csv", path); break;
    default: break;
    }
    if (made != 0)
        fail_msg("%s: %s", path, strerror(errno));
}

static void remove_odd(const char *directory, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    if (remove(path) != 0 && errno != ENOENT)
        fail_msg("%s: %s", path, strerror(errno));
}

/* Each file the open reads, as each kind of non-regular file: an error
 * naming the file and what it is (a FIFO with no writer must not block:
 * ctest's timeout would catch a hang); a symbolic link to a regular file
 * is read. */
static void test_open_not_regular(void **state)
{
    (void)state;
    static const char *const files[] = {
        "values.csv", "values2.csv", "items.csv", "settings.csv",
        "printed.csv", "notes.csv"
    };
    const char *directory = scratch("odd");
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
        for (int kind = 0; kind < ODD_KINDS; kind++) {
            make_good(directory);
            remove_odd(directory, "values2.csv");
            make_odd(directory, files[f], (odd_kind)kind);
            ks_model *model = (ks_model *)&model;
            ks_error err;
            ks_status status = ks_model_open(directory, NULL, &model, &err);
            char want[700];
            snprintf(want, sizeof want, "%s/%s: %s", directory, files[f],
                     odd_what[kind]);
            if (status != KS_EIO || strcmp(err.message, want) != 0)
                fail_msg("%s as kind %d: %s: %s\nwant %s", files[f], kind,
                         ks_status_name(status), err.message, want);
            assert_null(model);
            remove_odd(directory, files[f]);
        }
    /* a symbolic link to a regular file is followed */
    make_good(directory);
    char target[600], link[600];
    snprintf(target, sizeof target, "%s/real-values.csv", directory);
    snprintf(link, sizeof link, "%s/values.csv", directory);
    assert_int_equal(rename(link, target), 0);
    assert_int_equal(symlink("real-values.csv", link), 0);
    ks_model *model = open_model(directory, NULL);
    assert_true(get(model, "rev.total@3Q02", NULL).number == 5);
    ks_model_free(model);
    remove_odd(directory, "values.csv");
    remove_odd(directory, "real-values.csv");
}

/* ---- interrupted -------------------------------------------------------- */

/* Interrupt open at its k-th poll, k = 1, 2, ... until it polls fewer
 * times than that: KS_EINTERRUPTED, no model, nothing left allocated. */
static long interrupt_each_poll(const char *directory)
{
    long interrupted = 0;
    for (long k = 1;; k++) {
        test_alloc counts = { 0 };
        poll_count poll = { 0, k };
        ks_allocator alloc = test_allocator_polled(&counts, &poll);
        ks_model *model = (ks_model *)&model;
        ks_error err;
        ks_status status = ks_model_open(directory, &alloc, &model, &err);
        if (status == KS_OK) {
            assert_true(poll.calls < k);
            ks_model_free(model);
            assert_int_equal(counts.live, 0);
            return interrupted;
        }
        if (status != KS_EINTERRUPTED)
            fail_msg("k=%ld: %s: %s", k, ks_status_name(status), err.message);
        assert_true(poll.calls == k); /* stopped at the poll that fired */
        assert_non_null(strstr(err.message, "interrupted while "));
        assert_null(model);
        assert_int_equal(counts.live, 0);
        interrupted++;
        assert_true(k < 100000);
    }
}

static void test_open_interrupted(void **state)
{
    (void)state;
    /* the fixture: a poll per file read and between the stages */
    assert_true(interrupt_each_poll(FIXTURE) >= 6);
    /* 3,000 saved scenarios in 260 KB of values: polls per 64 KB read
     * and per 1,024 scenarios saved */
    const char *directory = scratch("interrupt");
    make_good(directory);
    char path[600];
    snprintf(path, sizeof path, "%s/values.csv", directory);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fputs("item,period,value,scenario\n", out);
    for (int i = 0; i < 3000; i++)
        fprintf(out, "cost.total,3Q02,%d,scenario-number-%d\n"
                     "rev.total,2Q02,%d,scenario-number-%d\n", i, i, i, i);
    assert_int_equal(fclose(out), 0);
    assert_true(interrupt_each_poll(directory) >= 9);
    ks_model *model = open_model(directory, NULL);
    assert_int_equal(ks_saved_scenario_count(model), 3000);
    ks_model_free(model);
    /* 600 formulas: a poll every 256 compiled */
    const char *many = scratch("interrupt-formulas");
    make_good(many);
    snprintf(path, sizeof path, "%s/items.csv", many);
    out = fopen(path, "wb");
    assert_non_null(out);
    fputs("id,label,rule,formula\nrev.total,Total revenues,sum,\n", out);
    for (int i = 0; i < 600; i++)
        fprintf(out, "f%d,F,formula,rev.total * %d\n", i, i);
    assert_int_equal(fclose(out), 0);
    write_into(many, "values.csv", "item,period,value\n");
    assert_true(interrupt_each_poll(many) >= 7);
    model = open_model(many, NULL);
    assert_int_equal(ks_item_count(model), 601);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_fixture),
        cmocka_unit_test(test_open_release),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_open_not_a_model),
        cmocka_unit_test(test_open_allocation_failure),
        cmocka_unit_test(test_open_not_regular),
        cmocka_unit_test(test_open_interrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
