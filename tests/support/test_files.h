/*
 * test_files.h -- the files the cmocka tests write and read back: a whole
 * file read into memory (read_file), a text written (write_file), a file
 * copied (copy_file).  A file that cannot be read or written fails the
 * test.
 */
#ifndef KS_TEST_FILES_H
#define KS_TEST_FILES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* The whole file, NUL-terminated, for the caller to free. */
static inline char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    size_t size = 0, capacity = 1 << 12;
    char *text = malloc(capacity);
    assert_non_null(text);
    size_t got;
    while ((got = fread(text + size, 1, capacity - size - 1, file)) > 0) {
        size += got;
        if (capacity - size < 2) {
            capacity *= 2;
            text = realloc(text, capacity);
            assert_non_null(text);
        }
    }
    text[size] = '\0';
    fclose(file);
    return text;
}

/* `path` made to hold `text`, whatever it held before. */
static inline void write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    assert_true(fputs(text, file) >= 0);
    assert_int_equal(fclose(file), 0);
}

static inline void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buffer[4096];
    size_t count;
    while ((count = fread(buffer, 1, sizeof buffer, in)) > 0)
        assert_int_equal(fwrite(buffer, 1, count, out), count);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

#endif
