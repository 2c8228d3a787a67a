/*
 * atomic_file.c -- files written whole or not at all (atomic_file.h):
 * mkstemp beside the destination, fsync, rename.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "atomic_file.h"
#include "error.h"

ks_status ks_io_failure(const char *path, const char *what, ks_error *err)
{
    return ks_error_set(err, KS_EIO, "%s: %s: %s", path, what,
                        strerror(errno));
}

ks_status ks_atomic_begin(ks_atomic_file *file, const ks_allocator *alloc,
                          const char *path, ks_error *err)
{
    file->alloc = alloc;
    file->path = path;
    file->out = NULL;
    size_t length = strlen(path);
    file->temporary = ks_mem_alloc(alloc, length + sizeof ".tmp.XXXXXX");
    if (!file->temporary)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory", path);
    memcpy(file->temporary, path, length);
    memcpy(file->temporary + length, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(file->temporary);
    if (fd < 0) {
        ks_status status = ks_io_failure(path, "cannot create a temporary "
                                               "file", err);
        ks_mem_free(alloc, file->temporary);
        file->temporary = NULL;
        return status;
    }
    /* mkstemp makes the file 0600; what is written here is for reading */
    struct stat old;
    fchmod(fd, stat(path, &old) == 0 ? old.st_mode & 07777 : 0644);
    file->out = fdopen(fd, "w");
    if (!file->out) {
        ks_status status = ks_io_failure(path, "cannot write", err);
        close(fd);
        return status;
    }
    return KS_OK;
}

ks_status ks_atomic_commit(ks_atomic_file *file, ks_error *err)
{
    FILE *out = file->out;
    file->out = NULL;
    int failed = fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0;
    int saved = errno;
    if (fclose(out) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        errno = saved;
        return ks_io_failure(file->path, "cannot write", err);
    }
    if (rename(file->temporary, file->path) != 0)
        return ks_io_failure(file->path, "cannot rename the temporary file "
                                         "into place", err);
    ks_mem_free(file->alloc, file->temporary);
    file->temporary = NULL;
    return KS_OK;
}

void ks_atomic_end(ks_atomic_file *file)
{
    if (file->out)
        fclose(file->out);
    file->out = NULL;
    if (file->temporary) {
        remove(file->temporary);
        ks_mem_free(file->alloc, file->temporary);
        file->temporary = NULL;
    }
}
