/*
 * atomic_file.h -- writing a file so that it is there whole or not at all
 * (internal).  What the path names decides how:
 *
 *   - no file, or a regular file: written to a temporary file in the same
 *     directory (unnamed with O_TMPFILE where the system has it, given
 *     a name only at commit, by linkat or else by a copy; otherwise
 *     "NAME.tmp.PID.XXXXXX", locked while written), with the old file's
 *     mode (or 0644) and, where the writer may set them, its owner and
 *     group; synced, renamed over the path, and the directory synced.
 *     On any failure the temporary is removed and the old file is
 *     untouched.  Temporaries of this pattern left by a writer that was
 *     killed (its pid gone and no lock held on the file) are removed when
 *     the next one begins.  A name too long to take the suffix gets a
 *     temporary of a shortened name and a hash of the whole.
 *   - a symbolic link to a regular file: written through it; the file the
 *     link leads to is replaced as above and the link is kept.  A link
 *     that leads nowhere (or to a loop) is refused.
 *   - a FIFO or a character device (/dev/stdout, /dev/null, a terminal):
 *     opened and written in place, since it cannot be replaced; opening a
 *     FIFO waits for a reader (polling the allocator's interrupt).  A
 *     failure there cannot take back what was already written.
 *   - a directory, a block device, a socket: refused.
 *
 * Every error names the path and the reason (the errno text).
 *
 *     ks_atomic_file file;
 *     status = ks_atomic_begin(&file, alloc, path, err);
 *     ... write to file.out ...
 *     if (status == KS_OK) status = ks_atomic_commit(&file, err);
 *     ks_atomic_end(&file);
 *
 * or all four at once with ks_atomic_write and a writer function.
 */
#ifndef KS_ATOMIC_FILE_H
#define KS_ATOMIC_FILE_H

#include <stdio.h>

#include "kessan/kessan.h"

typedef struct ks_atomic_file {
    const ks_allocator *alloc;
    const char *path;    /* as given: what messages name                  */
    int directory;       /* descriptor of the replaced file's directory,
                            -1 when written in place                      */
    char *name;          /* the replaced file's name in that directory     */
    char *prefix;        /* "NAME.tmp." (shortened for a long NAME)        */
    char *temporary;     /* the temporary's name there; NULL while it has
                            none (O_TMPFILE) or once renamed into place   */
    int unnamed;         /* written to an O_TMPFILE, named at commit       */
    FILE *out;           /* where to write; NULL once closed               */
} ks_atomic_file;

/* Open what `path` names for writing, as above; on failure nothing is left
 * behind and ks_atomic_end is still to be called (it does nothing). */
ks_status ks_atomic_begin(ks_atomic_file *file, const ks_allocator *alloc,
                          const char *path, ks_error *err);
/* Flush and sync, then rename into place and sync the directory (in place:
 * only flush). */
ks_status ks_atomic_commit(ks_atomic_file *file, ks_error *err);
/* Close and remove what was not committed; always call it. */
void ks_atomic_end(ks_atomic_file *file);

/* What writes a file's contents to `out`.  A write error need not be
 * returned: it shows on the stream, and the commit refuses the file. */
typedef ks_status (*ks_atomic_writer)(FILE *out, void *context,
                                      ks_error *err);
/* The whole file at `path` written by `write`, or nothing: begin, write,
 * commit, end.  No path is KS_EINVAL ("no path to export to"). */
ks_status ks_atomic_write(const ks_allocator *alloc, const char *path,
                          ks_atomic_writer write, void *context,
                          ks_error *err);

/* "path: what: strerror(errno)" as KS_EIO. */
ks_status ks_io_failure(const char *path, const char *what, ks_error *err);

#endif
