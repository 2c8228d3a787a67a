/*
 * test_csv_fast_path.c -- the CSV reader's two ways agree: whole clean
 * lines are split without libcsv (csv_read.c), everything else goes
 * through libcsv byte by byte.  Fed a byte at a time, no line is whole in
 * a chunk, so libcsv reads every row; fed whole, or in chunks of random
 * sizes, the clean lines take the fast path.  Over random files (commas,
 * tabs, semicolons, quotes, CR, LF, spaces, UTF-8, invalid bytes, NUL)
 * and hostile ones, every record -- its fields, their text, length,
 * nullness, line and column -- and every error, message and position,
 * must be the same each way, including an error raised by the callback
 * at some record.
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

/* A small generator of our own (rand_r is not C11). */
static int next_random(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (int)((*seed >> 16) & 0x7fff);
}

typedef struct transcript {
    char *text;
    size_t length, capacity;
    int stop_at;       /* the callback refuses this record (0: none)      */
} transcript;

static void append(transcript *t, const char *format, ...)
{
    char line[2048];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    assert_true(n >= 0 && (size_t)n < sizeof line);
    if (t->length + (size_t)n + 1 > t->capacity) {
        t->capacity = (t->length + (size_t)n + 1) * 2;
        t->text = realloc(t->text, t->capacity);
        assert_non_null(t->text);
    }
    memcpy(t->text + t->length, line, (size_t)n + 1);
    t->length += (size_t)n;
}

static ks_status on_record(void *user_data, const ks_csv_record *record,
                           ks_error *err)
{
    transcript *t = user_data;
    append(t, "record %d line %d delim %d fields %d:", record->number,
           record->line, record->delimiter, record->count);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *f = &record->fields[i];
        assert_int_equal(f->text[f->length], '\0');
        append(t, " [%d:%d %s %zu '", f->line, f->column,
               f->is_null ? "null" : "text", f->length);
        for (size_t k = 0; k < f->length; k++)
            append(t, "%02x", (unsigned char)f->text[k]);
        append(t, "']");
    }
    append(t, "\n");
    if (record->number == t->stop_at)
        return ks_csv_fail_field(err, KS_EINVAL, record,
                                 &record->fields[record->count - 1],
                                 "refused by the callback");
    return KS_OK;
}

/* Read `data` in chunks: 0 whole, 1 a byte at a time, else random sizes
 * up to `chunking`. */
static char *read_in(const char *data, size_t size, size_t chunking,
                     int stop_at, unsigned *seed)
{
    transcript t = { NULL, 0, 0, stop_at };
    append(&t, "");
    ks_csv_reader reader;
    ks_error err;
    ks_error_clear(&err);
    ks_csv_reader_init(&reader, NULL, "f.csv", on_record, &t);
    ks_status status = KS_OK;
    for (size_t at = 0; status == KS_OK && at < size;) {
        size_t n = chunking == 0 ? size - at
                   : chunking == 1 ? 1
                                   : 1 + (size_t)next_random(seed) % chunking;
        if (n > size - at)
            n = size - at;
        status = ks_csv_reader_feed(&reader, data + at, n, &err);
        at += n;
    }
    if (status == KS_OK)
        status = ks_csv_reader_finish(&reader, &err);
    ks_csv_reader_release(&reader);
    append(&t, "status %d at %d:%d: %s\n", (int)status, err.line, err.column,
           status == KS_OK ? "" : err.message);
    return t.text;
}

static void expect_agreement(const char *data, size_t size, unsigned seed)
{
    int stop_at = (int)(seed % 7); /* sometimes the callback refuses */
    unsigned chunk_seed = seed;
    char *whole = read_in(data, size, 0, stop_at, &chunk_seed);
    char *bytewise = read_in(data, size, 1, stop_at, &chunk_seed);
    char *chunked = read_in(data, size, 1 + seed % 97, stop_at, &chunk_seed);
    if (strcmp(whole, bytewise) != 0 || strcmp(whole, chunked) != 0) {
        fprintf(stderr, "input (%zu bytes):", size);
        for (size_t i = 0; i < size; i++)
            fprintf(stderr, " %02x", (unsigned char)data[i]);
        fail_msg("\nwhole:\n%s\nbyte by byte:\n%s\nchunked:\n%s", whole,
                 bytewise, chunked);
    }
    free(whole);
    free(bytewise);
    free(chunked);
}

static void test_random_files(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "bc", "12", "-3.5", " ", "  ", ",", ",", ",", ";", "\t", "\n",
        "\n", "\r\n", "\r", "\"", "\"\"", "\"x,y\"", "\xc3\xa9",
        "\xe6\x97\xa5\xe6\x9c\xac", "\xff", "\xe6\x97", "\0", "\xef\xbb\xbf"
    };
    size_t count = sizeof pieces / sizeof pieces[0];
    char data[4096];
    unsigned seed = 17;
    for (int round = 0; round < 3000; round++) {
        size_t size = 0;
        int length = 1 + next_random(&seed) % 120;
        /* most rounds clean (no quote, NUL, bad byte) */
        int clean = next_random(&seed) % 3 != 0;
        for (int i = 0; i < length; i++) {
            size_t k = (size_t)next_random(&seed) % count;
            if (clean && (k >= 15 && k != 18 && k != 19))
                k = (size_t)next_random(&seed) % 15;
            size_t n = k == 22 ? 1 : strlen(pieces[k]);
            if (size + n >= sizeof data)
                break;
            memcpy(data + size, pieces[k], n);
            size += n;
        }
        expect_agreement(data, size, (unsigned)round);
    }
}

static void test_hostile_files(void **state)
{
    (void)state;
    static const char *const files[] = {
        "", "\n", "\r\n\r\n", "\r\r\r", ",", ",,\n,,\n", "a,b,\n,,c\n",
        "item,period,value\nx,1Q02,1\r\ny,2Q02,2\rz,3Q02,3\n",
        "a\tb\n1\t2\n", "a;b\n1;2\n", "a;b\n1,5;2\n", "  a , b \n 1 ,2\n",
        "a,b\n1,2", "a,b\n\n\n1,2\n\r\n3,4\n",
        "\xef\xbb\xbf" "a,b\n1,2\n", "a,\xc3\xa9t\xc3\xa9,c\n\xe6\x97\xa5,2,3\n",
        "a,b\n\"1\",2\n3,4\n", "a,b\n1,2\"\n", "a,b\n1,\"2\n",
        "a,b\n1,\xff\n", "a,b\n1,\xe6\x97\n2,3\n", "a,b\n1,\xed\xa0\x80\n",
        "a\n1\n2\n3\n4\n5\n6\n7\n8\n9\n",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        for (unsigned seed = 0; seed < 7; seed++)
            expect_agreement(files[i], strlen(files[i]), seed);
    static const char nul[] = "a,b\n1,\0\n";
    expect_agreement(nul, sizeof nul - 1, 3);
}

/* A long clean file of many rows, well past one 64 KB chunk. */
static void test_long_clean_file(void **state)
{
    (void)state;
    size_t capacity = 1 << 20, size = 0;
    char *data = malloc(capacity);
    assert_non_null(data);
    size += (size_t)snprintf(data, capacity, "item,period,value\n");
    for (int i = 0; size + 64 < capacity; i++)
        size += (size_t)snprintf(data + size, capacity - size,
                                 "v.%d,%dQ%02d,%d%s", i / 40, 1 + i % 4,
                                 i % 40, i * 7919 % 100000,
                                 i % 5 == 0 ? "\r\n" : "\n");
    for (unsigned seed = 0; seed < 4; seed++)
        expect_agreement(data, size, seed * 7); /* no refusal */
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_files),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_long_clean_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
