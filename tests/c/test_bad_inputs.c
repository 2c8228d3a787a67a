/*
 * test_bad_inputs.c -- the corpus of broken model directories under
 * tests/data/bad/ (and two made here: a 10 MB field, an empty directory):
 * ks_model_open refuses each with the status and message the product
 * promises -- the file, line and column where, and what -- returns no
 * model, and leaks nothing.
 */
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

#include "../support/test_files.h"
#include "kessan/kessan.h"

#define BAD "tests/data/bad"

typedef struct bad_case {
    const char *directory; /* under tests/data/bad/                        */
    ks_status status;
    const char *where;     /* the message begins "<directory>/<where>"      */
    int line, column;      /* err.line and err.column (0: not given)        */
    const char *what;      /* found in the message after `where`           */
    int pending;           /* not refused yet: see test_regressions.c      */
} bad_case;

static const bad_case bad_cases[] = {
    { "truncated_items", KS_EFORMAT, "items.csv:4: ", 4, 0,
      "expected 8 fields as in the header, got 4", 0 },
    { "truncated_values", KS_EFORMAT, "values.csv:29: ", 29, 0,
      "expected 3 fields as in the header, got 2", 0 },
    { "unclosed_quote", KS_EFORMAT, "items.csv:3:7: ", 3, 7,
      "quote opened here is never closed", 0 },
    { "bad_number", KS_EFORMAT, "values.csv:14:12: ", 14, 12,
      "expected a number like 1,234 or (566,520), got '7.5.0'", 0 },
    { "unknown_period", KS_ERANGE, "values.csv:8:7: ", 8, 7,
      "period '3Q07' is outside the model's calendar (FY01..FY02)", 0 },
    { "formula_cycle", KS_ECYCLE, "items.csv:12: ", 0, 0,
      "cyc.c -> cyc.a -> cyc.b -> cyc.c", 0 },
    { "invalid_utf8", KS_EFORMAT, "items.csv:10:11: ", 10, 11,
      "invalid UTF-8", 0 },
    { "missing_parent", KS_EUNKNOWN, "items.csv:2:47: ", 2, 47,
      "parent of 'rev.a': unknown item 'rev.gross'", 0 },
};

/* Open, expect a failure, and check where and what. */
static void expect_refused(const char *directory, ks_status status,
                           const char *where, int line, int column,
                           const char *what)
{
    ks_model *model = (ks_model *)&model;
    ks_error err;
    memset(&err, 0, sizeof err);
    ks_status got = ks_model_open(directory, NULL, &model, &err);
    char prefix[600];
    if (where)
        snprintf(prefix, sizeof prefix, "%s/%s", directory, where);
    else
        snprintf(prefix, sizeof prefix, "%s", directory);
    if (got != status || strncmp(err.message, prefix, strlen(prefix)) != 0
        || !strstr(err.message + strlen(prefix), what))
        fail_msg("%s: got %s: %.300s\nwant %s: %s...%s", directory,
                 ks_status_name(got), err.message, ks_status_name(status),
                 prefix, what);
    assert_null(model);
    assert_int_equal(err.code, status);
    if (line)
        assert_int_equal(err.line, line);
    if (column)
        assert_int_equal(err.column, column);
}

static void test_bad_corpus(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        char directory[256];
        snprintf(directory, sizeof directory, "%s/%s", BAD, c->directory);
        if (c->pending) {
            ks_model *model = NULL;
            ks_error err;
            if (ks_model_open(directory, NULL, &model, &err) == KS_OK) {
                /* still opens: the regression test holds the promise */
                ks_model_free(model);
                continue;
            }
        }
        expect_refused(directory, c->status, c->where, c->line, c->column,
                       c->what);
    }
}

/* ---- made at test time -------------------------------------------------------- */

static const char *scratch(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/bad-%s", KESSAN_TEST_TMP, name);
    return path;
}

/* tests/data/tiny, with `file` ending in a row whose one field is
 * `size` bytes of `fill` (quoted) between `before` and `after`. */
static const char *make_huge_field(const char *name, const char *file,
                                   const char *before, char fill,
                                   size_t size, const char *after)
{
    const char *directory = scratch(name);
    mkdir(directory, 0755);
    static const char *const files[] = { "settings.csv", "items.csv",
                                         "values.csv" };
    char from[600], to[600];
    for (int i = 0; i < 3; i++) {
        snprintf(from, sizeof from, "tests/data/tiny/%s", files[i]);
        snprintf(to, sizeof to, "%s/%s", directory, files[i]);
        copy_file(from, to);
    }
    snprintf(to, sizeof to, "%s/%s", directory, file);
    FILE *out = fopen(to, "ab");
    assert_non_null(out);
    fputs(before, out);
    fputc('"', out);
    char block[4096];
    memset(block, fill, sizeof block);
    for (size_t done = 0; done < size; done += sizeof block)
        fwrite(block, 1, size - done < sizeof block ? size - done
                                                    : sizeof block, out);
    fputc('"', out);
    fputs(after, out);
    fclose(out);
    return directory;
}

enum { TEN_MB = 10 * 1024 * 1024 };

static void test_ten_megabyte_number(void **state)
{
    (void)state;
    const char *directory = make_huge_field("huge-number", "values.csv",
                                            "rev.a,4Q02,", '1', TEN_MB, "\n");
    expect_refused(directory, KS_EFORMAT, "values.csv:30:12: ", 30, 12,
                   "expected a number like 1,234 or (566,520), got '1111");
    /* the message stays within its buffer and says it was shortened */
    ks_model *model = NULL;
    ks_error err;
    ks_model_open(directory, NULL, &model, &err);
    assert_true(strlen(err.message) < 400);
}

static void test_ten_megabyte_label(void **state)
{
    (void)state;
    /* a long label is not an error: it is kept whole */
    const char *directory = make_huge_field(
        "huge-label", "items.csv", "rev.big,", 'L', TEN_MB,
        ",,JPY thousands,is,,sum,\n");
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_open(directory, NULL, &model, &err) != KS_OK)
        fail_msg("%s", err.message);
    ks_item_info info;
    assert_int_equal(ks_item_get(model, ks_item_find(model, "rev.big"), &info),
                     KS_OK);
    assert_int_equal(strlen(info.label), TEN_MB);
    ks_model_free(model);
}

static void test_empty_directory(void **state)
{
    (void)state;
    const char *directory = scratch("empty");
    mkdir(directory, 0755);
    expect_refused(directory, KS_EIO, NULL, 0, 0,
                   ": not a model directory (no items.csv)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_corpus),
        cmocka_unit_test(test_ten_megabyte_number),
        cmocka_unit_test(test_ten_megabyte_label),
        cmocka_unit_test(test_empty_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
