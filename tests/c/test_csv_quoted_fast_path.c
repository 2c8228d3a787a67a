/*
 * test_csv_quoted_fast_path.c -- quoted fields on the CSV reader's fast
 * path (csv_read.c): lines whose quotes only enclose whole fields ("3,404,016",
 * "", "日本") are split without libcsv, and must come out as libcsv gives
 * them when the same bytes are fed one at a time (no line is then whole in
 * a chunk, so every row goes through libcsv).  Random rows mix simple
 * quoted fields with every near miss that must leave the fast path: a
 * quote after a space or inside a field, a doubled quote, a quote closed
 * by text, a quoted line break, a quote never closed, a NUL, bad UTF-8.
 * Every record's fields (text, length, nullness, line, column) and the
 * final status and error must be the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "io/csv_read.h"

/* What a read gave, flattened into bytes so that two reads compare with
 * memcmp: per field its line, column, nullness, length and text. */
typedef struct flat_log {
    unsigned char *bytes;
    size_t used, room;
} flat_log;

static void log_put(flat_log *log, const void *data, size_t size)
{
    if (log->used + size > log->room) {
        log->room = (log->used + size) * 2 + 256;
        log->bytes = realloc(log->bytes, log->room);
        assert_non_null(log->bytes);
    }
    memcpy(log->bytes + log->used, data, size);
    log->used += size;
}

static ks_status log_record(void *user_data, const ks_csv_record *record,
                            ks_error *err)
{
    (void)err;
    flat_log *log = user_data;
    int head[3] = { record->count, record->line, record->number };
    log_put(log, head, sizeof head);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        int where[3] = { field->line, field->column, field->is_null };
        log_put(log, where, sizeof where);
        log_put(log, &field->length, sizeof field->length);
        log_put(log, field->text, field->length);
    }
    return KS_OK;
}

/* Read `data` whole (step 0) or `step` bytes at a time. */
static flat_log read_with_step(const char *data, size_t size, size_t step)
{
    flat_log log = { NULL, 0, 0 };
    ks_csv_reader reader;
    ks_error err;
    ks_error_clear(&err);
    ks_csv_reader_init(&reader, NULL, "q.csv", log_record, &log);
    ks_status status = KS_OK;
    size_t chunk = step == 0 ? size : step;
    for (size_t at = 0; status == KS_OK && at < size; at += chunk)
        status = ks_csv_reader_feed(&reader, data + at,
                                    size - at < chunk ? size - at : chunk,
                                    &err);
    if (status == KS_OK)
        status = ks_csv_reader_finish(&reader, &err);
    ks_csv_reader_release(&reader);
    int tail[3] = { (int)status, err.line, err.column };
    log_put(&log, tail, sizeof tail);
    log_put(&log, err.message, strlen(err.message));
    return log;
}

static void expect_same_both_ways(const char *data, size_t size)
{
    flat_log whole = read_with_step(data, size, 0);
    flat_log bytewise = read_with_step(data, size, 1);
    if (whole.used != bytewise.used ||
        memcmp(whole.bytes, bytewise.bytes, whole.used) != 0) {
        fprintf(stderr, "input:");
        for (size_t i = 0; i < size; i++)
            fprintf(stderr, " %02x", (unsigned char)data[i]);
        fail_msg("\nthe fast path and libcsv disagree on the input above");
    }
    free(whole.bytes);
    free(bytewise.bytes);
}

static unsigned next_number(unsigned *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

static void test_random_quoted_rows(void **state)
{
    (void)state;
    /* fields: simple quoted ones first, then the near misses */
    static const char *const simple[] = {
        "\"3,404,016\"", "\"\"", "\"a b\"", "\"\xe6\x97\xa5\xe6\x9c\xac\"",
        "\"x;y\tz\"", "plain", "", "-12.5", "\xc3\xa9t\xc3\xa9", " ",
    };
    static const char *const misses[] = {
        " \"a\"", "a\"b", "\"a\"\"b\"", "\"a\"b", "\"a\nb\"", "\"a\rb\"",
        "\"open", "\"", "\"\xff\"", "\"\xe6\x97\"",
    };
    static const char *const ends[] = { "\n", "\r\n", "\r", "\n\n" };
    const size_t simple_count = sizeof simple / sizeof simple[0];
    const size_t miss_count = sizeof misses / sizeof misses[0];
    char data[8192];
    unsigned seed = 2003;
    for (int round = 0; round < 4000; round++) {
        size_t size = 0;
        int rows = 1 + (int)(next_number(&seed) % 12);
        int with_misses = next_number(&seed) % 4 == 0;
        char delimiter = ",;\t"[round % 3];
        for (int r = 0; r < rows; r++) {
            int fields = 1 + (int)(next_number(&seed) % 5);
            for (int f = 0; f < fields; f++) {
                const char *piece =
                    with_misses && next_number(&seed) % 6 == 0
                        ? misses[next_number(&seed) % miss_count]
                        : simple[next_number(&seed) % simple_count];
                size_t n = strlen(piece);
                if (size + n + 4 >= sizeof data)
                    break;
                if (f > 0)
                    data[size++] = delimiter;
                memcpy(data + size, piece, n);
                size += n;
            }
            const char *end = ends[next_number(&seed) % 4];
            int last_unended = r == rows - 1 && next_number(&seed) % 5 == 0;
            if (!last_unended && size + strlen(end) < sizeof data) {
                memcpy(data + size, end, strlen(end));
                size += strlen(end);
            }
        }
        expect_same_both_ways(data, size);
    }
}

static int log_holds(const flat_log *log, const char *text)
{
    size_t n = strlen(text);
    for (size_t at = 0; at + n <= log->used; at++)
        if (memcmp(log->bytes + at, text, n) == 0)
            return 1;
    return 0;
}

/* The rows of a values file as spreadsheets save it. */
static void test_values_file(void **state)
{
    (void)state;
    static const char file[] =
        "item,period,value\n"
        "rev.dedicated,3Q02,\"3,404,016\"\n"
        "rev.dedicated,3Q02,usd,\"28,665\"\r\n"
        "note,3Q02,\"\xe5\x96\xb6\xe6\xa5\xad, \xe5\x8f\x8e\xe7\x9b\x8a\"\n"
        "empty,3Q02,\"\",\n"
        "late,3Q02, \"1,000\"\n";
    expect_same_both_ways(file, sizeof file - 1);
    flat_log whole = read_with_step(file, sizeof file - 1, 0);
    /* the quoted field's text is between its quotes */
    assert_true(log_holds(&whole, "3,404,016"));
    assert_false(log_holds(&whole, "\"3,404,016\""));
    free(whole.bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_quoted_rows),
        cmocka_unit_test(test_values_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
