/*
 * test_json_text.c -- JSON as kessan writes it (text.h's ks_text_json_string
 * and ks_text_json_number, json.h's export): random byte strings escaped
 * and decoded back by an independent decoder written here (valid UTF-8
 * comes back as it was, an invalid byte as U+FFFD, no raw control
 * character, quote or backslash left, U+2028/9 escaped); numbers that read
 * back bit for bit and null for what is no number; and the export of
 * data/iij with its saved scenario under every allocation refused in
 * turn: the old file untouched, nothing leaked, and once complete the
 * same bytes as an export that never failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "kessan/json.h"
#include "kessan/text.h"

typedef struct buffer {
    char data[1 << 16];
    size_t length;
} buffer;

static int buffer_write(void *context, const char *bytes, size_t size)
{
    buffer *b = context;
    if (b->length + size >= sizeof b->data)
        return -1;
    memcpy(b->data + b->length, bytes, size);
    b->length += size;
    b->data[b->length] = '\0';
    return 0;
}

/* Appends the UTF-8 of a code point. */
static size_t put_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A JSON string literal decoded as RFC 8259 says (no surrogate pairs are
 * written, so none are read); returns its length, -1 when not valid. */
static long decode_json_string(const char *json, char *out)
{
    size_t at = 0, length = 0;
    if (json[at++] != '"')
        return -1;
    for (;;) {
        unsigned char c = (unsigned char)json[at++];
        if (c == '"')
            break;
        if (c < 0x20)
            return -1; /* a raw control character */
        if (c != '\\') {
            out[length++] = (char)c;
            continue;
        }
        char e = json[at++];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char plain[] = "\"\\/\b\f\n\r\t";
            out[length++] = plain[simple - "\"\\/bfnrt"];
        } else if (e == 'u') {
            unsigned cp;
            if (sscanf(json + at, "%4x", &cp) != 1)
                return -1;
            at += 4;
            length += put_utf8(cp, out + length);
        } else
            return -1;
    }
    return json[at] == '\0' ? (long)length : -1;
}

/* What the escaper must give back: the input with each invalid byte
 * U+FFFD. */
static size_t expected_text(const char *in, size_t size, char *out)
{
    size_t length = 0;
    for (size_t at = 0; at < size;) {
        uint32_t cp;
        size_t n = ks_utf8_decode(in + at, size - at, &cp);
        if (n == 0) {
            length += put_utf8(0xFFFD, out + length);
            at++;
        } else {
            memcpy(out + length, in + at, n);
            length += n;
            at += n;
        }
    }
    return length;
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void strings_decode_back(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "\x7f",
        "日本語", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xf0\x9f\x93\x88", "a",
        "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97", "\x80", " "
    };
    uint64_t seed = 13;
    static buffer b;
    static char text[4096], expected[16384], decoded[16384];
    for (int round = 0; round < 20000; round++) {
        size_t size = 0;
        int count = (int)(next_random(&seed) % 12);
        for (int i = 0; i < count; i++) {
            if (next_random(&seed) % 3 == 0) {
                char byte = (char)(1 + next_random(&seed) % 255);
                text[size++] = byte;
            } else {
                const char *piece = pieces[next_random(&seed) %
                                           (sizeof pieces / sizeof pieces[0])];
                memcpy(text + size, piece, strlen(piece));
                size += strlen(piece);
            }
        }
        text[size] = '\0';
        b.length = 0;
        b.data[0] = '\0';
        ks_text_sink sink = ks_text_sink_of(buffer_write, &b);
        ks_text_json_string(&sink, text);
        assert_false(sink.failed);
        assert_null(strstr(b.data, "\xe2\x80\xa8"));
        assert_null(strstr(b.data, "\xe2\x80\xa9"));
        long length = decode_json_string(b.data, decoded);
        if (length < 0)
            fail_msg("not a JSON string: %s", b.data);
        size_t want = expected_text(text, size, expected);
        assert_int_equal((size_t)length, want);
        assert_memory_equal(decoded, expected, want);
    }
    b.length = 0;
    ks_text_sink sink = ks_text_sink_of(buffer_write, &b);
    ks_text_json_string(&sink, NULL);
    assert_string_equal(b.data, "null");
}

static void numbers_read_back(void **state)
{
    (void)state;
    static buffer b;
    uint64_t seed = 5;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_random(&seed);
        double value;
        memcpy(&value, &bits, sizeof value);
        b.length = 0;
        ks_text_sink sink = ks_text_sink_of(buffer_write, &b);
        ks_text_json_number(&sink, value);
        if (!isfinite(value)) {
            assert_string_equal(b.data, "null");
            continue;
        }
        /* JSON's grammar: no leading '+', no "inf" or "nan" */
        assert_true(b.data[0] == '-' || (b.data[0] >= '0' && b.data[0] <= '9'));
        double back = ks_strtod_c(b.data, NULL);
        assert_memory_equal(&back, &value, sizeof value);
    }
}

/* ---- the export under every allocation refused ------------------------------- */

static char export_path[] = "/tmp/kessan-json-XXXXXX";

static void export_under_failures(void **state)
{
    (void)state;
    int fd = mkstemp(export_path);
    assert_true(fd >= 0);
    close(fd);
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = open_model(KESSAN_SOURCE_DIR "/tests/data/scenarios",
                                 &alloc);
    ks_export_options options = { .with_scenario_column = 1,
                                  .cells = KS_EXPORT_ALL };
    ks_error err;
    assert_int_equal(ks_export_json(model, export_path, &options, &err), KS_OK);
    char *reference = read_file(export_path);
    assert_non_null(strstr(reference, "\"scenario\": \"low\""));
    int completed = 0;
    long refused = 0;
    for (long n = 1; n < 5000 && !completed; n++) {
        write_file(export_path, "not replaced\n");
        long live = counts.live;
        test_alloc_arm(&counts, n, 0);
        ks_status status = ks_export_json(model, export_path, &options, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        assert_int_equal(counts.live, live);
        char *text = read_file(export_path);
        if (!failed) {
            assert_int_equal(status, KS_OK);
            assert_string_equal(text, reference);
            completed = 1;
        } else {
            if (status != KS_ENOMEM)
                fail_msg("allocation %ld: %s", n, err.message);
            assert_string_equal(text, "not replaced\n");
            refused++;
        }
        free(text);
    }
    assert_true(completed);
    assert_true(refused > 0);
    free(reference);
    ks_model_free(model);
    unlink(export_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings_decode_back),
        cmocka_unit_test(numbers_read_back),
        cmocka_unit_test(export_under_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
