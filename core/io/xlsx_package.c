/*
 * xlsx_package.c -- a workbook's zip package written through libzip
 * (xlsx_package.h): each part a libzip source function that asks its
 * producer for the next piece whenever libzip reads past what it has,
 * deflated at the level its part was added with.  libzip writes the
 * archive through a sink (io/zip_sink.h) straight into the caller's
 * atomic temporary, or, for a FIFO or a device, into an unnamed scratch
 * file copied out when the package is closed; libzip itself makes no
 * file.
 *
 * A part added `ahead` is produced on a thread of its own while libzip
 * deflates what it produced before: two buffers, the producer filling
 * one while libzip reads the other, swapped under a mutex.  The producer
 * is the only thread that touches the model and allocates while the
 * part is written (libzip deflates with its own malloc); it is joined
 * when the part ends, before any later part is produced.
 */
#define _GNU_SOURCE /* O_TMPFILE (Linux); without it, a file unlinked */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_package.h"

/* What one piece handed over holds at least (the producer's last may
 * hold less). */
#define PIECE_BYTES 65536
/* The size a part produced ahead tells libzip: under the 4 GB where a
 * zip entry needs the Zip64 form, with room for deflate's growth. */
#define KS_XLSX_PART_MAX 4000000000u

struct ks_xlsx_part {
    ks_xlsx_package *package;
    ks_xlsx_part_fill fill;
    void *context;
    ks_xlsx_text buffer;   /* produced, not yet read from `at` on         */
    size_t at;
    int done;
    int whole;             /* produced whole (its size told to libzip)    */
    zip_error_t error;     /* what this source tells libzip went wrong    */
    /* produced ahead, on a thread */
    int ahead;             /* asked for                                   */
    int running;           /* the thread started and is not joined        */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    ks_xlsx_text work;     /* the producer's piece as it grows            */
    ks_xlsx_text ready;    /* a piece handed over, when has_ready         */
    int has_ready, ready_done, stop;
    ks_status ready_status;
    ks_error ready_error;
};

/* ---- the source --------------------------------------------------------- */

static zip_int64_t part_failed(ks_xlsx_part *part, ks_status status,
                               const ks_error *err)
{
    ks_xlsx_package *package = part->package;
    if (package->failed == KS_OK) {
        package->failed = status;
        package->failure = *err;
    }
    package->zip.error_set(&part->error,
                           status == KS_ENOMEM ? ZIP_ER_MEMORY
                                               : ZIP_ER_INTERNAL,
                           0);
    return -1;
}

/* ---- producing ahead ---------------------------------------------------- */

static void *produce_ahead(void *context)
{
    ks_xlsx_part *part = context;
    int done = 0;
    ks_status status = KS_OK;
    ks_error err;
    memset(&err, 0, sizeof err);
    while (status == KS_OK && !done) {
        while (status == KS_OK && !done && part->work.length < PIECE_BYTES) {
            status = part->fill(part->context, &part->work, &done, &err);
            if (status == KS_OK && part->work.failed)
                status = ks_error_set(&err, KS_ENOMEM,
                                      "out of memory writing a workbook");
        }
        pthread_mutex_lock(&part->lock);
        while (part->has_ready && !part->stop)
            pthread_cond_wait(&part->changed, &part->lock);
        int stop = part->stop;
        if (!stop) {
            ks_xlsx_text spare = part->ready;
            part->ready = part->work;
            part->work = spare;
            part->work.length = 0;
            part->has_ready = 1;
            part->ready_done = done || status != KS_OK;
            part->ready_status = status;
            part->ready_error = err;
            pthread_cond_signal(&part->changed);
        }
        pthread_mutex_unlock(&part->lock);
        if (stop)
            break;
    }
    return NULL;
}

static void stop_ahead(ks_xlsx_part *part)
{
    if (!part->running)
        return;
    pthread_mutex_lock(&part->lock);
    part->stop = 1;
    pthread_cond_signal(&part->changed);
    pthread_mutex_unlock(&part->lock);
    pthread_join(part->thread, NULL);
    pthread_cond_destroy(&part->changed);
    pthread_mutex_destroy(&part->lock);
    part->running = 0;
}

static void start_ahead(ks_xlsx_part *part)
{
    part->stop = part->has_ready = part->ready_done = 0;
    part->ready_status = KS_OK;
    if (pthread_mutex_init(&part->lock, NULL) != 0)
        return;
    if (pthread_cond_init(&part->changed, NULL) != 0) {
        pthread_mutex_destroy(&part->lock);
        return;
    }
    if (pthread_create(&part->thread, NULL, produce_ahead, part) != 0) {
        pthread_cond_destroy(&part->changed);
        pthread_mutex_destroy(&part->lock);
        return; /* produced in turn with the reads instead */
    }
    part->running = 1;
}

/* The buffer read so far exchanged for the next piece handed over. */
static zip_int64_t take_piece(ks_xlsx_part *part)
{
    pthread_mutex_lock(&part->lock);
    while (!part->has_ready)
        pthread_cond_wait(&part->changed, &part->lock);
    ks_xlsx_text spare = part->buffer;
    part->buffer = part->ready;
    part->ready = spare;
    part->ready.length = 0;
    part->at = 0;
    part->has_ready = 0;
    part->done = part->ready_done;
    ks_status status = part->ready_status;
    ks_error err = part->ready_error;
    pthread_cond_signal(&part->changed);
    pthread_mutex_unlock(&part->lock);
    if (part->done)
        stop_ahead(part);
    return status == KS_OK ? 0 : part_failed(part, status, &err);
}

static zip_int64_t read_ahead(ks_xlsx_part *part, char *data, size_t wanted)
{
    size_t n = 0;
    while (n < wanted) {
        if (part->at == part->buffer.length) {
            if (part->done)
                break;
            if (take_piece(part) < 0)
                return -1;
            continue;
        }
        size_t available = part->buffer.length - part->at;
        size_t take = available < wanted - n ? available : wanted - n;
        memcpy((char *)data + n, part->buffer.data + part->at, take);
        part->at += take;
        n += take;
    }
    return (zip_int64_t)n;
}

/* ---- producing in turn -------------------------------------------------- */

/* Produce until `wanted` bytes are ready or the part is whole. */
static zip_int64_t part_read(ks_xlsx_part *part, char *data, size_t wanted)
{
    if (part->running)
        return read_ahead(part, data, wanted);
    ks_xlsx_text *buffer = &part->buffer;
    if (part->at > 0 && buffer->length - part->at < wanted) {
        memmove(buffer->data, buffer->data + part->at,
                buffer->length - part->at);
        buffer->length -= part->at;
        part->at = 0;
    }
    while (!part->done && buffer->length - part->at < wanted) {
        ks_error err;
        memset(&err, 0, sizeof err);
        ks_status status = part->fill(part->context, buffer, &part->done,
                                      &err);
        if (status == KS_OK && buffer->failed)
            status = ks_error_set(&err, KS_ENOMEM,
                                  "out of memory writing a workbook");
        if (status != KS_OK)
            return part_failed(part, status, &err);
    }
    if (!data)
        return 0; /* produced whole, to be read later */
    size_t available = buffer->length - part->at;
    size_t n = available < wanted ? available : wanted;
    if (n > 0)
        memcpy(data, buffer->data + part->at, n);
    part->at += n;
    if (part->at == buffer->length)
        part->at = buffer->length = 0;
    return (zip_int64_t)n;
}

/* libzip writes a part's local header before its data, in the Zip64
 * form (which some readers of workbooks refuse) when it is not told the
 * size.  A part produced in turn is produced whole here, and its size
 * told.  A part produced ahead is told it is under 4 GB: libzip takes
 * the size told only to choose the header's form and writes the sizes it
 * counted; a part that grows past that fails the package (libzip finds
 * the header's form wrong) rather than be written in the other form. */
static zip_int64_t part_stat(ks_xlsx_part *part, zip_stat_t *stat)
{
    part->package->zip.stat_init(stat);
    stat->valid |= ZIP_STAT_SIZE;
    if (part->ahead) {
        stat->size = KS_XLSX_PART_MAX;
        return sizeof *stat;
    }
    if (!part->whole) {
        part->at = part->buffer.length = 0;
        part->done = 0;
        if (part_read(part, NULL, SIZE_MAX) < 0)
            return -1;
        part->whole = 1;
    }
    stat->size = part->buffer.length;
    return sizeof *stat;
}

static zip_int64_t part_source(void *userdata, void *data, zip_uint64_t length,
                               zip_source_cmd_t command)
{
    ks_xlsx_part *part = userdata;
    ks_zip_library *zip = &part->package->zip;
    switch (command) {
    case ZIP_SOURCE_OPEN:
        part->at = 0;
        if (part->whole)
            return 0; /* produced whole when libzip asked its size */
        part->buffer.length = 0;
        part->done = 0;
        stop_ahead(part); /* opened again: the earlier producer ends */
        if (part->ahead)
            start_ahead(part);
        return 0;
    case ZIP_SOURCE_READ:
        return part_read(part, data, (size_t)length);
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        stop_ahead(part);
        return 0;
    case ZIP_SOURCE_STAT:
        if (length < sizeof(zip_stat_t))
            return -1;
        return part_stat(part, data);
    case ZIP_SOURCE_ERROR:
        return zip->error_to_data(&part->error, data, length);
    case ZIP_SOURCE_SUPPORTS:
        return zip->source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
        zip->error_set(&part->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* ---- the package -------------------------------------------------------- */

static ks_status zip_failure(ks_xlsx_package *package, const char *what,
                             ks_error *err)
{
    zip_error_t *error = package->zip.get_error(package->archive);
    if (package->zip.error_code_zip(error) == ZIP_ER_MEMORY)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing %s",
                            package->path);
    return ks_error_set(err, KS_EIO, "%s: %s: %s", package->path, what,
                        package->zip.error_strerror(error));
}

/* The scratch file of a package for a file written in place: unnamed
 * in TMPDIR (or /tmp) where the system has O_TMPFILE, else named and
 * unlinked at once; -1 with errno set. */
static int open_scratch(void)
{
    const char *tmp = getenv("TMPDIR");
    const char *directory = tmp && tmp[0] ? tmp : "/tmp";
#ifdef O_TMPFILE
    int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR
                    && errno != EINVAL))
        return fd;
#endif
    char name[4096];
    if (snprintf(name, sizeof name, "%s/kessan-xlsx.tmp.XXXXXX", directory)
        >= (int)sizeof name) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int named = mkostemp(name, O_CLOEXEC);
    if (named >= 0)
        unlink(name);
    return named;
}

static ks_status open_failure(ks_xlsx_package *package, zip_error_t *error,
                              ks_error *err)
{
    ks_status status;
    if (package->zip.error_code_zip(error) == ZIP_ER_MEMORY)
        status = ks_error_set(err, KS_ENOMEM, "out of memory writing %s",
                              package->path);
    else
        status = ks_error_set(err, KS_EIO, "%s: cannot write a workbook: %s",
                              package->path,
                              package->zip.error_strerror(error));
    package->zip.error_fini(error);
    return status;
}

ks_status ks_xlsx_package_open(ks_xlsx_package *package,
                               const ks_allocator *alloc,
                               ks_atomic_file *file, time_t written,
                               ks_error *err)
{
    memset(package, 0, sizeof *package);
    package->alloc = alloc;
    package->path = file->path;
    package->written = written;
    package->file = file;
    package->scratch = -1;
    if (!file->out)
        return ks_error_set(err, KS_EINVAL, "%s: not open", file->path);
    ks_status status = ks_zip_library_open(&package->zip, err);
    if (status != KS_OK)
        return status;
    package->sink = ks_mem_alloc(alloc, sizeof *package->sink);
    if (!package->sink)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing %s",
                            file->path);
    int fd = fileno(file->out);
    if (file->directory < 0) {
        fd = package->scratch = open_scratch();
        if (fd < 0)
            return ks_io_failure(file->path, "cannot make a temporary file",
                                 err);
    }
    zip_error_t error;
    memset(&error, 0, sizeof error); /* zip_error_init's */
    zip_source_t *source = ks_zip_sink_source(package->sink, &package->zip,
                                              fd, &error);
    if (!source)
        return open_failure(package, &error, err);
    package->archive = package->zip.open_from_source(
        source, ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (package->archive)
        return KS_OK;
    package->zip.source_free(source);
    return open_failure(package, &error, err);
}

ks_status ks_xlsx_package_add(ks_xlsx_package *package, const char *name,
                              ks_xlsx_part_fill fill, void *context,
                              int level, int ahead, ks_error *err)
{
    ks_xlsx_part *part = ks_mem_calloc(package->alloc, 1, sizeof *part);
    if (!part || ks_mem_grow(package->alloc, (void **)&package->parts,
                             &package->part_capacity, package->part_count + 1,
                             sizeof *package->parts) != 0) {
        ks_mem_free(package->alloc, part);
        return ks_error_set(err, KS_ENOMEM, "out of memory writing %s",
                            package->path);
    }
    package->parts[package->part_count++] = part;
    part->package = package;
    part->fill = fill;
    part->context = context;
    part->ahead = ahead;
    ks_xlsx_text_init(&part->buffer, package->alloc);
    ks_xlsx_text_init(&part->work, package->alloc);
    ks_xlsx_text_init(&part->ready, package->alloc);
    zip_source_t *source = package->zip.source_function(
        package->archive, part_source, part);
    if (!source)
        return zip_failure(package, name, err);
    zip_int64_t index = package->zip.file_add(package->archive, name, source,
                                              ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        package->zip.source_free(source);
        return zip_failure(package, name, err);
    }
    if (package->zip.set_file_compression(package->archive,
                                          (zip_uint64_t)index, ZIP_CM_DEFLATE,
                                          (zip_uint32_t)level) != 0 ||
        package->zip.file_set_mtime(package->archive, (zip_uint64_t)index,
                                    package->written, 0) != 0)
        return zip_failure(package, name, err);
    return KS_OK;
}

/* The scratch file's package copied out to the file written in place. */
static ks_status copy_scratch(ks_xlsx_package *package, ks_error *err)
{
    FILE *out = package->file->out;
    char buffer[65536];
    off_t at = 0;
    for (;;) {
        ssize_t got = pread(package->scratch, buffer, sizeof buffer, at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return ks_io_failure(package->path, "cannot read the package "
                                 "back from its temporary file", err);
        if (got == 0)
            return KS_OK;
        if (fwrite(buffer, 1, (size_t)got, out) != (size_t)got)
            return ks_io_failure(package->path, "cannot write", err);
        at += got;
    }
}

ks_status ks_xlsx_package_close(ks_xlsx_package *package, ks_error *err)
{
    if (package->zip.close(package->archive) == 0) {
        package->archive = NULL;
        return package->scratch >= 0 ? copy_scratch(package, err) : KS_OK;
    }
    if (package->failed != KS_OK) {
        *err = package->failure;
        return package->failed;
    }
    return zip_failure(package, "cannot write the workbook", err);
}

void ks_xlsx_package_end(ks_xlsx_package *package)
{
    if (package->archive)
        package->zip.discard(package->archive);
    package->archive = NULL;
    for (size_t k = 0; k < package->part_count; k++) {
        stop_ahead(package->parts[k]);
        ks_xlsx_text_release(&package->parts[k]->buffer);
        ks_xlsx_text_release(&package->parts[k]->work);
        ks_xlsx_text_release(&package->parts[k]->ready);
        ks_mem_free(package->alloc, package->parts[k]);
    }
    ks_mem_free(package->alloc, package->parts);
    package->parts = NULL;
    package->part_count = package->part_capacity = 0;
    ks_mem_free(package->alloc, package->sink);
    package->sink = NULL;
    if (package->scratch >= 0)
        close(package->scratch);
    package->scratch = -1;
    ks_zip_library_close(&package->zip);
}
