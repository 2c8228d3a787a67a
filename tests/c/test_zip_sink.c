/*
 * test_zip_sink.c -- the libzip source an archive is written into
 * (core/io/zip_sink.h): an archive written through it into a file that
 * held more bytes before reads back entry for entry, the file exactly
 * the archive's length, and no other file made beside it (libzip's own
 * temporary is what the sink replaces); entries larger than the sink's
 * buffer and smaller ones, stored and deflated; a descriptor that
 * refuses writes makes the close fail with libzip's write error and the
 * errno, and an entry failing part way makes the close fail and leaves
 * the file empty (the write rolled back).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
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
#include "io/zip_sink.h"

static char directory[256];
static char path[320];

static int setup(void **state)
{
    (void)state;
    snprintf(directory, sizeof directory, "%s/sink-XXXXXX", KESSAN_TEST_TMP);
    if (!mkdtemp(directory))
        return -1;
    snprintf(path, sizeof path, "%s/archive.zip", directory);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(directory);
    return 0;
}

typedef struct entry {
    const char *name;
    size_t size;
    int deflated;
} entry;

/* Bytes no deflate shrinks much, so that a deflated entry is large. */
static void fill_bytes(unsigned char *data, size_t size, uint32_t seed)
{
    for (size_t k = 0; k < size; k++) {
        seed = seed * 1664525u + 1013904223u;
        data[k] = (unsigned char)(seed >> 24);
    }
}

static const entry entries[] = {
    { "small.txt", 100, 1 },
    { "larger-than-the-buffer.bin", 3 * KS_ZIP_SINK_BUFFER + 17, 1 },
    { "stored.bin", 2 * KS_ZIP_SINK_BUFFER, 0 },
    { "empty", 0, 1 },
};
#define ENTRY_COUNT (sizeof entries / sizeof entries[0])

/* An archive of `entries` on a sink over the file at `path`, opened
 * with `flags`. */
typedef struct fixture {
    ks_zip_library zip;
    int fd;
    ks_zip_sink *sink;
    zip_t *archive;
    unsigned char *data[ENTRY_COUNT];
} fixture;

static void add_entries(fixture *f)
{
    for (size_t k = 0; k < ENTRY_COUNT; k++) {
        f->data[k] = malloc(entries[k].size + 1);
        assert_non_null(f->data[k]);
        fill_bytes(f->data[k], entries[k].size, (uint32_t)k + 1);
        zip_source_t *source = f->zip.source_buffer(
            f->archive, f->data[k], entries[k].size, 0);
        assert_non_null(source);
        zip_int64_t index = f->zip.file_add(f->archive, entries[k].name,
                                            source, ZIP_FL_ENC_UTF_8);
        assert_true(index >= 0);
        assert_int_equal(f->zip.set_file_compression(
                             f->archive, (zip_uint64_t)index,
                             entries[k].deflated ? ZIP_CM_DEFLATE
                                                 : ZIP_CM_STORE, 1), 0);
    }
}

static void start(fixture *f, int flags, const void *before, size_t size)
{
    ks_error err;
    assert_int_equal(ks_zip_library_open(&f->zip, &err), KS_OK);
    f->fd = open(path, flags | O_CREAT, 0600);
    assert_true(f->fd >= 0);
    if (size > 0)
        assert_int_equal(write(f->fd, before, size), (ssize_t)size);
    f->sink = malloc(sizeof *f->sink);
    assert_non_null(f->sink);
    zip_error_t error;
    memset(&error, 0, sizeof error);
    zip_source_t *source = ks_zip_sink_source(f->sink, &f->zip, f->fd,
                                              &error);
    assert_non_null(source);
    f->archive = f->zip.open_from_source(source, ZIP_CREATE | ZIP_TRUNCATE,
                                         &error);
    if (!f->archive)
        fail_msg("zip_open_from_source: %s", f->zip.error_strerror(&error));
    add_entries(f);
}

static off_t file_size(const fixture *f)
{
    struct stat info;
    assert_int_equal(fstat(f->fd, &info), 0);
    return info.st_size;
}

/* Everything freed, and no file but the one at `path` made. */
static void finish(fixture *f)
{
    if (f->archive)
        f->zip.discard(f->archive);
    close(f->fd);
    for (size_t k = 0; k < ENTRY_COUNT; k++)
        free(f->data[k]);
    free(f->sink);
    ks_zip_library_close(&f->zip);
    assert_int_equal(entries_in(directory), 1);
}

static void test_written_and_read_back(void **state)
{
    (void)state;
    fixture f;
    /* the file held more before: the archive replaces it, no tail kept */
    static unsigned char before[8 * KS_ZIP_SINK_BUFFER];
    memset(before, 'x', sizeof before);
    start(&f, O_WRONLY | O_TRUNC, before, sizeof before);
    if (f.zip.close(f.archive) != 0)
        fail_msg("zip_close: %s", f.zip.strerror(f.archive));
    f.archive = NULL;
    assert_int_equal((zip_uint64_t)file_size(&f), f.sink->length);
    assert_true(file_size(&f) < (off_t)sizeof before);
    int code = 0;
    zip_t *back = f.zip.open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!back)
        fail_msg("the archive does not read back (libzip error %d)", code);
    for (size_t k = 0; k < ENTRY_COUNT; k++) {
        zip_int64_t index = f.zip.name_locate(back, entries[k].name, 0);
        assert_true(index >= 0);
        zip_file_t *file = f.zip.fopen_index(back, (zip_uint64_t)index, 0);
        assert_non_null(file);
        unsigned char *read = malloc(entries[k].size + 1);
        assert_non_null(read);
        assert_int_equal(f.zip.fread(file, read, entries[k].size + 1),
                         (zip_int64_t)entries[k].size);
        assert_memory_equal(read, f.data[k], entries[k].size);
        f.zip.fclose(file);
        free(read);
    }
    f.zip.discard(back);
    finish(&f);
}

/* A descriptor open for reading only: libzip's write error, with the
 * errno (EBADF or EINVAL), as the write begins (the file emptied first). */
static void test_write_refused(void **state)
{
    (void)state;
    fixture f;
    start(&f, O_RDONLY, NULL, 0);
    assert_int_not_equal(f.zip.close(f.archive), 0);
    zip_error_t *error = f.zip.get_error(f.archive);
    assert_true(f.zip.error_code_zip(error) == ZIP_ER_WRITE);
    assert_true(f.zip.error_code_system(error) == EBADF
                || f.zip.error_code_system(error) == EINVAL);
    assert_int_equal(file_size(&f), 0);
    finish(&f);
}

/* An entry's source that gives `left` bytes, then fails. */
typedef struct failing {
    ks_zip_library *zip;
    size_t left;
    zip_error_t error;
} failing;

static zip_int64_t failing_source(void *userdata, void *data,
                                  zip_uint64_t length, zip_source_cmd_t command)
{
    failing *source = userdata;
    switch (command) {
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_STAT:
        source->zip->stat_init(data);
        return sizeof(zip_stat_t);
    case ZIP_SOURCE_READ:
        if (source->left == 0) {
            source->zip->error_set(&source->error, ZIP_ER_INTERNAL, 0);
            return -1;
        }
        if (length > source->left)
            length = source->left;
        fill_bytes(data, (size_t)length, (uint32_t)source->left);
        source->left -= (size_t)length;
        return (zip_int64_t)length;
    case ZIP_SOURCE_ERROR:
        return source->zip->error_to_data(&source->error, data, length);
    case ZIP_SOURCE_SUPPORTS:
        return source->zip->source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
        return -1;
    }
}

/* An entry that fails after the others and part of itself are written:
 * the close fails, and the rolled-back write leaves the file empty. */
static void test_rolled_back(void **state)
{
    (void)state;
    fixture f;
    start(&f, O_WRONLY | O_TRUNC, NULL, 0);
    failing broken = { &f.zip, 4 * KS_ZIP_SINK_BUFFER, { 0, 0, NULL } };
    zip_source_t *source = f.zip.source_function(f.archive, failing_source,
                                                 &broken);
    assert_non_null(source);
    assert_true(f.zip.file_add(f.archive, "broken", source, 0) >= 0);
    assert_int_not_equal(f.zip.close(f.archive), 0);
    assert_int_equal(broken.left, 0); /* it gave its bytes, then failed */
    assert_int_equal(file_size(&f), 0);
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_written_and_read_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rolled_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
