/*
 * csv_file.c -- a model's CSV files from disk (csv_file.h): a path is
 * checked with lstat and stat before it is opened, so that a directory,
 * a FIFO, a device or a socket is refused by name without being opened
 * (a FIFO would block the open, a device may act on it); it is then
 * opened without blocking and checked again with fstat (the same regular
 * file, not one swapped in between), and fed to the CSV reader a chunk
 * at a time, with an interrupt poll per chunk; a buffer in memory too.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/csv_file.h"
#include "io/xlsx_import.h"

#define CHUNK 65536

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a file";
}

static ks_status not_regular(const char *path, mode_t mode, ks_error *err)
{
    return ks_error_set(err, KS_EIO, "%s: not a regular file (%s)", path,
                        kind_of(mode));
}

static ks_status unreadable(const char *path, int error, ks_error *err)
{
    if (error == ELOOP)
        return ks_error_set(err, KS_EIO, "%s: not a regular file (a "
                            "symbolic link loop)", path);
    return ks_error_set(err, KS_EIO, "%s: %s", path, strerror(error));
}

/* stat, and lstat to tell a dangling link from nothing at all; *info is
 * what the path names.  *present 0: nothing there. */
static ks_status look(const char *path, struct stat *info, int *present,
                      ks_error *err)
{
    *present = 0;
    if (stat(path, info) == 0) {
        *present = 1;
        return S_ISREG(info->st_mode) ? KS_OK
                                      : not_regular(path, info->st_mode, err);
    }
    int error = errno;
    struct stat link;
    if (error == ENOENT && lstat(path, &link) == 0)
        return ks_error_set(err, KS_EIO, "%s: not a regular file (a "
                            "symbolic link to nothing)", path);
    if (error == ENOENT)
        return KS_OK;
    return unreadable(path, error, err);
}

ks_status ks_csv_file_present(const char *path, int *present, ks_error *err)
{
    struct stat info;
    return look(path, &info, present, err);
}

/* Open the regular file `info` describes, without blocking; the same
 * file (device and inode) as was looked at. */
static ks_status open_regular(const char *path, const struct stat *info,
                              int *fd, ks_error *err)
{
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0)
        return unreadable(path, errno, err);
    struct stat opened;
    ks_status status = KS_OK;
    if (fstat(*fd, &opened) != 0)
        status = unreadable(path, errno, err);
    else if (!S_ISREG(opened.st_mode))
        status = not_regular(path, opened.st_mode, err);
    else if (opened.st_dev != info->st_dev || opened.st_ino != info->st_ino)
        status = ks_error_set(err, KS_EIO, "%s: the file changed while it "
                              "was opened", path);
    if (status != KS_OK) {
        close(*fd);
        *fd = -1;
    }
    return status;
}

static ks_status interrupted(const ks_allocator *alloc, const char *path,
                             ks_error *err)
{
    if (!ks_interrupted(alloc))
        return KS_OK;
    return ks_error_set(err, KS_EINTERRUPTED, "interrupted while reading %s",
                        path);
}

static ks_status feed_all(ks_csv_reader *reader, const ks_allocator *alloc,
                          const char *path, int fd, ks_error *err)
{
    unsigned char chunk[CHUNK];
    for (;;) {
        ks_status status = interrupted(alloc, path, err);
        if (status != KS_OK)
            return status;
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return unreadable(path, errno, err);
        if (got == 0)
            return ks_csv_reader_finish(reader, err);
        status = ks_csv_reader_feed(reader, chunk, (size_t)got, err);
        if (status != KS_OK)
            return status;
    }
}

/* The regular file at `path`, checked and opened (fd for the caller to
 * close). */
static ks_status open_checked(const char *path, int *fd, ks_error *err)
{
    struct stat info;
    int present;
    ks_status status = look(path, &info, &present, err);
    if (status == KS_OK && !present)
        status = unreadable(path, ENOENT, err);
    if (status == KS_OK)
        status = open_regular(path, &info, fd, err);
    return status;
}

ks_status ks_csv_file_read(const ks_allocator *alloc, const char *path,
                           const char *name, ks_csv_record_fn on_record,
                           void *user_data, ks_error *err)
{
    int fd;
    ks_status status = open_checked(path, &fd, err);
    if (status != KS_OK)
        return status;
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, alloc, name ? name : path, on_record,
                       user_data);
    status = feed_all(&reader, alloc, path, fd, err);
    ks_csv_reader_release(&reader);
    close(fd);
    return status;
}

/* The first bytes of the regular file at `path`, opened as
 * ks_csv_file_read opens it. */
static ks_status read_head(const char *path, unsigned char *head,
                           size_t size, size_t *got, ks_error *err)
{
    int fd;
    *got = 0;
    ks_status status = open_checked(path, &fd, err);
    if (status != KS_OK)
        return status;
    ssize_t n;
    do
        n = read(fd, head, size);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        status = unreadable(path, errno, err);
    else
        *got = (size_t)n;
    close(fd);
    return status;
}

ks_status ks_values_file_read(const ks_allocator *alloc, const char *path,
                              const char *name, const char *sheet,
                              ks_csv_record_fn on_record, void *user_data,
                              ks_error *err)
{
    unsigned char head[8];
    size_t got = 0;
    ks_status status = read_head(path, head, sizeof head, &got, err);
    if (status != KS_OK)
        return status;
    switch (ks_values_kind_of(head, got)) {
    case KS_VALUES_WORKBOOK:
        return ks_xlsxin_read_records(alloc, path, name ? name : path, sheet,
                                    on_record, user_data, err);
    case KS_VALUES_ENCRYPTED:
        return ks_xlsxin_refuse_encrypted(name ? name : path, err);
    default:
        return ks_csv_file_read(alloc, path, name, on_record, user_data, err);
    }
}

ks_status ks_csv_buffer_read(const ks_allocator *alloc, const char *name,
                             const char *data, size_t size,
                             ks_csv_record_fn on_record, void *user_data,
                             ks_error *err)
{
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, alloc, name, on_record, user_data);
    ks_status status = KS_OK;
    for (size_t at = 0; status == KS_OK && at < size; at += CHUNK) {
        status = interrupted(alloc, name, err);
        if (status == KS_OK)
            status = ks_csv_reader_feed(&reader, data + at,
                                        size - at < CHUNK ? size - at : CHUNK,
                                        err);
    }
    if (status == KS_OK)
        status = ks_csv_reader_finish(&reader, err);
    ks_csv_reader_release(&reader);
    return status;
}
