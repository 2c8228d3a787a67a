/*
 * test_csv.c -- the CSV reader (records with positions, every malformed
 * input refused with line:column, chunk boundaries that cannot matter) and
 * values import and export (errors, atomicity, bit-identical round trip,
 * allocation failure).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "kessan.h"
#include "csv_read.h"
#include "error.h"

/* ---- a counting allocator that fails on demand ------------------------- */

typedef struct fail_alloc {
    long calls;        /* allocations and growths so far                  */
    long fail_at;      /* 0: never fail; else fail call number fail_at    */
    int fail_for_good; /* and every call after it                         */
    long live;         /* blocks not yet freed                            */
} fail_alloc;

static void *fail_realloc(void *user_data, void *block, size_t size)
{
    fail_alloc *state = user_data;
    if (size == 0) {
        if (block) {
            state->live--;
            free(block);
        }
        return NULL;
    }
    state->calls++;
    if (state->fail_at
        && (state->calls == state->fail_at
            || (state->fail_for_good && state->calls > state->fail_at)))
        return NULL;
    void *grown = realloc(block, size);
    if (grown && !block)
        state->live++;
    return grown;
}

static ks_allocator counting(fail_alloc *state)
{
    memset(state, 0, sizeof *state);
    return (ks_allocator){ fail_realloc, state };
}

/* ---- records written out as text, to compare --------------------------- */

typedef struct text_buffer {
    char *data;
    size_t length, capacity;
} text_buffer;

static void append(text_buffer *out, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char piece[256];
    int n = vsnprintf(piece, sizeof piece, format, args);
    va_end(args);
    assert_true(n >= 0 && (size_t)n < sizeof piece);
    if (out->length + (size_t)n + 1 > out->capacity) {
        out->capacity = (out->length + (size_t)n + 1) * 2;
        out->data = realloc(out->data, out->capacity);
        assert_non_null(out->data);
    }
    memcpy(out->data + out->length, piece, (size_t)n + 1);
    out->length += (size_t)n;
}

static ks_status dump_record(void *user_data, const ks_csv_record *record,
                             ks_error *err)
{
    (void)err;
    text_buffer *out = user_data;
    append(out, "%d@%d:", record->number, record->line);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        assert_int_equal(strlen(field->text), field->length);
        append(out, "%s%d.%d", i ? "|" : "", field->line, field->column);
        if (field->is_null)
            append(out, "~");
        else if (field->length > 64)
            append(out, "[%zu bytes]", field->length);
        else
            append(out, "[%s]", field->text);
    }
    append(out, "\n");
    return KS_OK;
}

/* Read `input` in chunks of `chunk` bytes; the records, then any error. */
static char *read_chunked(const char *input, size_t size, size_t chunk)
{
    text_buffer out = { NULL, 0, 0 };
    append(&out, "");
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, NULL, "t.csv", dump_record, &out);
    ks_error err;
    ks_status status = KS_OK;
    for (size_t at = 0; at < size && status == KS_OK; at += chunk) {
        size_t piece = size - at < chunk ? size - at : chunk;
        status = ks_csv_reader_feed(&reader, input + at, piece, &err);
    }
    if (status == KS_OK)
        status = ks_csv_reader_finish(&reader, &err);
    if (status != KS_OK)
        append(&out, "error %s: %s", ks_status_name(status), err.message);
    ks_csv_reader_release(&reader);
    return out.data;
}

typedef struct reader_case {
    const char *name;
    const char *input;
    size_t size; /* 0: strlen(input) */
    const char *expected;
} reader_case;

#define CASE(name, input, expected) { name, input, 0, expected }

static const reader_case reader_cases[] = {
    CASE("empty file", "", ""),
    CASE("header only", "item,period,value\n",
         "1@1:1.1[item]|1.6[period]|1.13[value]\n"),
    CASE("no final newline", "a,b\nc,d",
         "1@1:1.1[a]|1.3[b]\n2@2:2.1[c]|2.3[d]\n"),
    CASE("CRLF", "a,b\r\nc,d\r\n",
         "1@1:1.1[a]|1.3[b]\n2@2:2.1[c]|2.3[d]\n"),
    CASE("lone CR", "a,b\rc,d\r",
         "1@1:1.1[a]|1.3[b]\n2@2:2.1[c]|2.3[d]\n"),
    CASE("blank lines skipped but counted", "a\n\n\r\n\nb\n\n",
         "1@1:1.1[a]\n2@5:5.1[b]\n"),
    CASE("BOM dropped", "\xEF\xBB\xBF" "a,b\n", "1@1:1.1[a]|1.3[b]\n"),
    CASE("empty fields", ",,\"\"\n",
         "1@1:1.1~|1.2~|1.3[]\n"),
    CASE("spaces kept", " a , b \n", "1@1:1.1[ a ]|1.5[ b ]\n"),
    CASE("quoted comma, quote and newline",
         "x,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",y\nz\n",
         "1@1:1.1[x]|1.3[a,b]|1.9[say \"hi\"]|1.22[two\nlines]|2.8[y]\n"
         "2@3:3.1[z]\n"),
    CASE("columns count characters", "\xE6\x97\xA5\xE6\x9C\xAC,x\n",
         "1@1:1.1[\xE6\x97\xA5\xE6\x9C\xAC]|1.4[x]\n"),
    CASE("quoted last field without newline", "a,\"b\"",
         "1@1:1.1[a]|1.3[b]\n"),
    CASE("stray quote in a field", "a,b\nc,d\"e\n",
         "1@1:1.1[a]|1.3[b]\n"
         "error EFORMAT: t.csv:2:4: stray quote (a field holding a quote "
         "must be quoted, with the quote doubled: \"a \"\"b\"\"\")"),
    CASE("text after a closing quote", "\"ab\"c,d\n",
         "error EFORMAT: t.csv:1:4: stray quote (a field holding a quote "
         "must be quoted, with the quote doubled: \"a \"\"b\"\"\")"),
    CASE("quote never closed", "a,b\nc,\"d,e\nf,g\n",
         "1@1:1.1[a]|1.3[b]\n"
         "error EFORMAT: t.csv:2:3: quote opened here is never closed"),
    CASE("truncated inside a quote", "a,\"bc",
         "error EFORMAT: t.csv:1:3: quote opened here is never closed"),
    CASE("invalid UTF-8 byte", "a,b\nc,d\xFF\n",
         "1@1:1.1[a]|1.3[b]\n"
         "error EFORMAT: t.csv:2:4: invalid UTF-8 (save the file as UTF-8)"),
    CASE("Latin-1 text", "caf\xE9,x\n",
         "error EFORMAT: t.csv:1:4: invalid UTF-8 (save the file as UTF-8)"),
    CASE("overlong encoding", "a\xC0\xAF\n",
         "error EFORMAT: t.csv:1:2: invalid UTF-8 (save the file as UTF-8)"),
    CASE("surrogate", "\xED\xA0\x80\n",
         "error EFORMAT: t.csv:1:1: invalid UTF-8 (save the file as UTF-8)"),
    CASE("truncated UTF-8 at the end", "ab\xE6\x97",
         "error EFORMAT: t.csv:1:3: invalid UTF-8 (save the file as UTF-8)"),
    CASE("lone continuation byte", "a\x80",
         "error EFORMAT: t.csv:1:2: invalid UTF-8 (save the file as UTF-8)"),
    CASE("half a BOM", "\xEF\xBB" "a\n",
         "error EFORMAT: t.csv:1:1: invalid UTF-8 (save the file as UTF-8)"),
    { "NUL byte", "a,b\nc\0d\n", 8,
      "1@1:1.1[a]|1.3[b]\n"
      "error EFORMAT: t.csv:2:2: NUL byte (is this a text file?)" },
};

static void test_reader_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof reader_cases / sizeof reader_cases[0]; i++) {
        const reader_case *c = &reader_cases[i];
        size_t size = c->size ? c->size : strlen(c->input);
        char *whole = read_chunked(c->input, size, size ? size : 1);
        if (strcmp(whole, c->expected) != 0)
            fail_msg("%s:\n got: %s\nwant: %s", c->name, whole, c->expected);
        free(whole);
    }
}

/* libcsv's own habit: every chunk size from 1 to the length. */
static void test_reader_chunk_sizes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof reader_cases / sizeof reader_cases[0]; i++) {
        const reader_case *c = &reader_cases[i];
        size_t size = c->size ? c->size : strlen(c->input);
        for (size_t chunk = 1; chunk <= size; chunk++) {
            char *got = read_chunked(c->input, size, chunk);
            if (strcmp(got, c->expected) != 0)
                fail_msg("%s at chunk %zu:\n got: %s\nwant: %s", c->name,
                         chunk, got, c->expected);
            free(got);
        }
    }
}

static void test_reader_megabyte_field(void **state)
{
    (void)state;
    size_t big = 1u << 20;
    char *input = malloc(big + 16);
    assert_non_null(input);
    memcpy(input, "a,\"", 3);
    memset(input + 3, 'x', big);
    memcpy(input + 3 + big, "\",b\n", 4);
    char *got = read_chunked(input, big + 7, 4096);
    char expected[128];
    snprintf(expected, sizeof expected, "1@1:1.1[a]|1.3[%zu bytes]|1.%zu[b]\n",
             big, big + 6);
    assert_string_equal(got, expected);
    free(got);
    /* the same field without its closing quote */
    got = read_chunked(input, big + 3, 65536);
    assert_string_equal(got, "error EFORMAT: t.csv:1:3: quote opened here "
                             "is never closed");
    free(got);
    free(input);
}

static ks_status stop_at_second(void *user_data, const ks_csv_record *record,
                                ks_error *err)
{
    int *seen = user_data;
    ++*seen;
    if (record->number == 2)
        return ks_error_at(err, KS_EUNKNOWN, record->line,
                           record->fields[0].column, "%s:%d:%d: no '%s'",
                           record->name, record->line,
                           record->fields[0].column, record->fields[0].text);
    return KS_OK;
}

static void test_reader_callback_stops(void **state)
{
    (void)state;
    int seen = 0;
    ks_error err;
    const char *input = "a\nb\nc\nd\n";
    ks_status status = ks_csv_read_buffer(NULL, "s.csv", input, strlen(input),
                                          stop_at_second, &seen, &err);
    assert_int_equal(status, KS_EUNKNOWN);
    assert_int_equal(seen, 2);
    assert_string_equal(err.message, "s.csv:2:1: no 'b'");
    assert_int_equal(err.line, 2);
}

static void test_reader_missing_file(void **state)
{
    (void)state;
    ks_error err;
    int seen = 0;
    ks_status status = ks_csv_read_file(NULL, "tests/data/csv/no-such.csv",
                                        NULL, stop_at_second, &seen, &err);
    assert_int_equal(status, KS_EIO);
    assert_non_null(strstr(err.message, "tests/data/csv/no-such.csv: "));
}

/* Every allocation failing in turn, once and for good: ENOMEM, no leak. */
static void test_reader_allocation_failure(void **state)
{
    (void)state;
    size_t size = 3000;
    char *input = malloc(size);
    assert_non_null(input);
    for (size_t i = 0; i < size; i++)
        input[i] = i % 50 == 49 ? '\n' : (i % 7 == 6 ? ',' : 'v');
    for (int for_good = 0; for_good <= 1; for_good++) {
        for (long n = 1;; n++) {
            fail_alloc counts;
            ks_allocator alloc = counting(&counts);
            counts.fail_at = n;
            counts.fail_for_good = for_good;
            text_buffer out = { NULL, 0, 0 };
            ks_error err;
            ks_status status = ks_csv_read_buffer(&alloc, "m.csv", input, size,
                                                  dump_record, &out, &err);
            free(out.data);
            assert_int_equal(counts.live, 0);
            if (status == KS_OK && counts.calls < n)
                break;
            if (status != KS_OK) {
                assert_int_equal(status, KS_ENOMEM);
                assert_string_equal(err.message,
                                    "m.csv: out of memory reading CSV");
            } else {
                /* libcsv halves its request and retries: one failure in
                 * its buffer can be absorbed. */
                assert_false(for_good);
            }
            assert_true(n < 1000);
        }
    }
    free(input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_cases),
        cmocka_unit_test(test_reader_chunk_sizes),
        cmocka_unit_test(test_reader_megabyte_field),
        cmocka_unit_test(test_reader_callback_stops),
        cmocka_unit_test(test_reader_missing_file),
        cmocka_unit_test(test_reader_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
