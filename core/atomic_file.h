/*
 * atomic_file.h -- writing a file so that it is there whole or not at all
 * (internal): written as "path.tmp.XXXXXX" beside its destination with the
 * old file's mode (or 0644), flushed and synced, then renamed over the
 * path.  On any failure the temporary file is removed and the old file is
 * untouched.
 *
 *     ks_atomic_file file;
 *     status = ks_atomic_begin(&file, alloc, path, err);
 *     ... write to file.out ...
 *     if (status == KS_OK) status = ks_atomic_commit(&file, err);
 *     ks_atomic_end(&file);
 */
#ifndef KS_ATOMIC_FILE_H
#define KS_ATOMIC_FILE_H

#include <stdio.h>

#include "kessan.h"

typedef struct ks_atomic_file {
    const ks_allocator *alloc;
    const char *path;
    char *temporary; /* removed by ks_atomic_end unless committed        */
    FILE *out;       /* where to write; NULL once closed                 */
} ks_atomic_file;

/* Create the temporary file; on failure nothing is left behind. */
ks_status ks_atomic_begin(ks_atomic_file *file, const ks_allocator *alloc,
                          const char *path, ks_error *err);
/* Flush, sync and close, then rename into place. */
ks_status ks_atomic_commit(ks_atomic_file *file, ks_error *err);
/* Close and remove what was not committed; always call it. */
void ks_atomic_end(ks_atomic_file *file);

/* "path: what: strerror(errno)" as KS_EIO. */
ks_status ks_io_failure(const char *path, const char *what, ks_error *err);

#endif
