/*
 * zip_sink.h -- a libzip source that libzip writes an archive into: a
 * file descriptor kessan opened (io/atomic_file.h's temporary), written
 * from its start, so that the archive is written once, where kessan
 * wants it, and libzip makes no file of its own (internal).
 *
 * The archive is opened on it with zip_open_from_source(ZIP_CREATE |
 * ZIP_TRUNCATE): the sink says there is no archive yet, so libzip starts
 * a new one and writes it whole when closed (BEGIN_WRITE, WRITE,
 * SEEK_WRITE back to each entry's local header, COMMIT_WRITE).  Nothing
 * is synced or renamed here: the file's owner commits it.  A write that
 * is rolled back (a producer's error, a full disk) leaves the file empty.
 *
 *     ks_zip_sink sink;
 *     zip_source_t *source = ks_zip_sink_source(&sink, &zip, fd, &error);
 *     zip_t *archive = zip->open_from_source(source, ZIP_CREATE
 *                                            | ZIP_TRUNCATE, &error);
 *     ... zip->close(archive) ...
 */
#ifndef KS_ZIP_SINK_H
#define KS_ZIP_SINK_H

#include "io/zip_library.h"

/* Contiguous bytes gathered before a write call (libzip hands over its
 * deflate output 8 KB at a time). */
#define KS_ZIP_SINK_BUFFER 65536

typedef struct ks_zip_sink {
    const ks_zip_library *zip;
    int fd;                      /* written from offset 0 on               */
    zip_uint64_t at;             /* where libzip writes next               */
    zip_uint64_t length;         /* the archive's bytes so far             */
    zip_uint64_t pending_at;     /* where the gathered bytes go            */
    size_t pending;              /* bytes gathered, not yet written        */
    zip_error_t error;           /* what this source tells libzip          */
    unsigned char buffer[KS_ZIP_SINK_BUFFER];
} ks_zip_sink;

/* A source over `fd` (regular, seekable, opened for writing); the sink
 * must live until libzip frees the source.  NULL (error set) when libzip
 * cannot make one. */
zip_source_t *ks_zip_sink_source(ks_zip_sink *sink, const ks_zip_library *zip,
                                 int fd, zip_error_t *error);

#endif
