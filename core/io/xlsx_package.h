/*
 * xlsx_package.h -- the zip package of a workbook as it is written
 * (internal): parts added by name, each produced piece by piece while
 * libzip deflates it (io/zip_library.h), so that no part is held whole.
 * libzip writes when the package is closed, part after part in the order
 * they were added: a part's producer runs then, after every part added
 * before it has been produced.  It writes straight into the caller's
 * atomic file (io/atomic_file.h), once, and makes no file of its own;
 * committing that file is the caller's.
 *
 *     ks_atomic_file file;
 *     ks_xlsx_package package;
 *     status = ks_atomic_begin(&file, alloc, path, err);
 *     status = ks_xlsx_package_open(&package, alloc, &file, written, err);
 *     ... ks_xlsx_package_add(&package, "xl/workbook.xml", fill, context,
 *                             level, ahead, err) ...
 *     if (status == KS_OK) status = ks_xlsx_package_close(&package, err);
 *     ks_xlsx_package_end(&package);
 *     if (status == KS_OK) status = ks_atomic_commit(&file, err);
 *     ks_atomic_end(&file);
 */
#ifndef KS_XLSX_PACKAGE_H
#define KS_XLSX_PACKAGE_H

#include "io/atomic_file.h"
#include "io/xlsx_export.h"
#include "io/zip_library.h"
#include "io/zip_sink.h"

/* Append the next piece of a part to `out` (which holds what is not yet
 * deflated; append, never rewrite); set *done once the part is whole.
 * An error stops the package: nothing is written at its path. */
typedef ks_status (*ks_xlsx_part_fill)(void *context, ks_xlsx_text *out,
                                       int *done, ks_error *err);

typedef struct ks_xlsx_part ks_xlsx_part;

typedef struct ks_xlsx_package {
    const ks_allocator *alloc;
    const char *path;         /* what messages name (the file written is
                                 a temporary for it)                      */
    time_t written;           /* every entry's modification time          */
    ks_atomic_file *file;     /* where the package goes                   */
    int scratch;              /* a file in place (a FIFO, a device) cannot
                                 be sought: the package is written to this
                                 unnamed file in the system's temporary
                                 directory and copied out when closed; -1
                                 for none                                 */
    ks_zip_library zip;
    ks_zip_sink *sink;        /* what libzip writes the archive into      */
    zip_t *archive;           /* NULL once closed or discarded            */
    ks_xlsx_part **parts;     /* what each added part's source reads      */
    size_t part_count, part_capacity;
    ks_error failure;         /* a producer's error, once one failed      */
    ks_status failed;         /* its status, or KS_OK                     */
} ks_xlsx_package;

/* Deflate levels: the sheets' bulk fast, the small parts smaller. */
#define KS_XLSX_LEVEL_BULK 1
#define KS_XLSX_LEVEL_SMALL 6

/* Open libzip and start a package written into `file` (begun, not yet
 * committed; emptied first, so that a package thrown away may be written
 * again into the same file), each entry dated `written`, its messages
 * naming the file's path; ks_xlsx_package_end is to be called whatever
 * this returns. */
ks_status ks_xlsx_package_open(ks_xlsx_package *package,
                               const ks_allocator *alloc,
                               ks_atomic_file *file, time_t written,
                               ks_error *err);
/* A part named `name`, produced by `fill` (with `context`, which must
 * live until the package is closed) and deflated at `level`; `ahead`:
 * produced on a thread of its own while what it produced is deflated
 * (`fill` then may touch nothing another part's producer reads before
 * this part ends). */
ks_status ks_xlsx_package_add(ks_xlsx_package *package, const char *name,
                              ks_xlsx_part_fill fill, void *context,
                              int level, int ahead, ks_error *err);
/* Produce and write every part into the file, ready to be committed; on
 * any error (a producer's first, a full disk) the file is left empty. */
ks_status ks_xlsx_package_close(ks_xlsx_package *package, ks_error *err);
/* Discard what was not closed, free the parts and close libzip. */
void ks_xlsx_package_end(ks_xlsx_package *package);

#endif
