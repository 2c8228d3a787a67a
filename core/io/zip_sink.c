/*
 * zip_sink.c -- the libzip source an archive is written into
 * (zip_sink.h): the write commands over a descriptor, libzip's small
 * writes gathered into one write call per 64 KB of contiguous bytes, and
 * the read side refused (the archive is never read back).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/zip_sink.h"

static zip_int64_t sink_failed(ks_zip_sink *sink, int code, int system)
{
    sink->zip->error_set(&sink->error, code, system);
    return -1;
}

/* ---- writing -------------------------------------------------------------- */

static int write_at(int fd, const unsigned char *data, size_t size,
                    zip_uint64_t offset)
{
    while (size > 0) {
        ssize_t wrote = pwrite(fd, data, size, (off_t)offset);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote < 0)
            return -1;
        if (wrote == 0) {
            errno = ENOSPC;
            return -1;
        }
        data += wrote;
        size -= (size_t)wrote;
        offset += (zip_uint64_t)wrote;
    }
    return 0;
}

/* The gathered bytes written where they go. */
static int flush_pending(ks_zip_sink *sink)
{
    if (sink->pending == 0)
        return 0;
    size_t pending = sink->pending;
    sink->pending = 0;
    if (write_at(sink->fd, sink->buffer, pending, sink->pending_at) != 0)
        return (int)sink_failed(sink, ZIP_ER_WRITE, errno);
    return 0;
}

static zip_int64_t sink_write(ks_zip_sink *sink, const void *data,
                              zip_uint64_t length)
{
    if (sink->pending > 0
        && (sink->pending_at + sink->pending != sink->at
            || sink->pending + length > sizeof sink->buffer)
        && flush_pending(sink) != 0)
        return -1;
    if (length >= sizeof sink->buffer) {
        if (write_at(sink->fd, data, (size_t)length, sink->at) != 0)
            return sink_failed(sink, ZIP_ER_WRITE, errno);
    } else {
        if (sink->pending == 0)
            sink->pending_at = sink->at;
        memcpy(sink->buffer + sink->pending, data, (size_t)length);
        sink->pending += (size_t)length;
    }
    sink->at += length;
    if (sink->at > sink->length)
        sink->length = sink->at;
    return (zip_int64_t)length;
}

static zip_int64_t sink_seek(ks_zip_sink *sink, const void *data,
                             zip_uint64_t length)
{
    zip_source_args_seek_t args;
    if (length < sizeof args)
        return sink_failed(sink, ZIP_ER_INVAL, 0);
    memcpy(&args, data, sizeof args);
    zip_int64_t base = 0;
    if (args.whence == SEEK_CUR)
        base = (zip_int64_t)sink->at;
    else if (args.whence == SEEK_END)
        base = (zip_int64_t)sink->length;
    else if (args.whence != SEEK_SET)
        return sink_failed(sink, ZIP_ER_INVAL, 0);
    if ((args.offset < 0 && base + args.offset < 0)
        || (args.offset > 0 && base > ZIP_INT64_MAX - args.offset))
        return sink_failed(sink, ZIP_ER_INVAL, 0);
    sink->at = (zip_uint64_t)(base + args.offset);
    return 0;
}

/* A write begun again (a pass thrown away) or abandoned: the file
 * emptied, its space given back at once. */
static zip_int64_t sink_empty(ks_zip_sink *sink)
{
    sink->at = sink->length = 0;
    sink->pending = 0;
    if (ftruncate(sink->fd, 0) != 0)
        return sink_failed(sink, ZIP_ER_WRITE, errno);
    return 0;
}

/* ---- the source ----------------------------------------------------------- */

static zip_int64_t sink_source(void *userdata, void *data, zip_uint64_t length,
                               zip_source_cmd_t command)
{
    ks_zip_sink *sink = userdata;
    switch (command) {
    case ZIP_SOURCE_STAT:
        /* no archive there yet: libzip starts a new one */
        return sink_failed(sink, ZIP_ER_READ, ENOENT);
    case ZIP_SOURCE_BEGIN_WRITE:
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE:
        return sink_empty(sink);
    case ZIP_SOURCE_WRITE:
        return sink_write(sink, data, length);
    case ZIP_SOURCE_SEEK_WRITE:
        return sink_seek(sink, data, length);
    case ZIP_SOURCE_TELL_WRITE:
        return (zip_int64_t)sink->at;
    case ZIP_SOURCE_COMMIT_WRITE:
        return flush_pending(sink);
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_ERROR:
        return sink->zip->error_to_data(&sink->error, data, length);
    case ZIP_SOURCE_SUPPORTS:
        /* the read commands too: libzip opens for writing only a source
         * that has them all */
        return sink->zip->source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
            ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_STAT,
            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_BEGIN_WRITE,
            ZIP_SOURCE_WRITE, ZIP_SOURCE_COMMIT_WRITE,
            ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_SEEK_WRITE,
            ZIP_SOURCE_TELL_WRITE, ZIP_SOURCE_REMOVE, -1);
    default: /* OPEN, READ, SEEK, TELL: the archive is never read */
        return sink_failed(sink, ZIP_ER_OPNOTSUPP, 0);
    }
}

zip_source_t *ks_zip_sink_source(ks_zip_sink *sink, const ks_zip_library *zip,
                                 int fd, zip_error_t *error)
{
    memset(sink, 0, offsetof(ks_zip_sink, buffer));
    sink->zip = zip;
    sink->fd = fd;
    return zip->source_function_create(sink_source, sink, error);
}
