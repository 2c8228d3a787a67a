/*
 * csv_file.h -- reading a model's CSV files from disk (internal): each
 * must be a regular file (a symbolic link to one is followed); anything
 * else -- a directory, a FIFO, a device, a socket, a symbolic link loop
 * or a link to nothing -- is an error naming the file and what it is,
 * found without blocking (a FIFO is never waited on) and without opening
 * a device.  Reading polls the allocator's interrupt every chunk, as does
 * reading a buffer in memory.
 */
#ifndef KS_CSV_FILE_H
#define KS_CSV_FILE_H

#include "io/csv_read.h"
#include "kessan/kessan.h"

/*
 * Whether something is at `path`: *present 0 when nothing is (not even a
 * symbolic link), 1 when it is a regular file; anything else there is
 * KS_EIO "path: not a regular file (a directory)" and the like.
 */
ks_status ks_csv_file_present(const char *path, int *present, ks_error *err);

/*
 * Read the regular file at `path` record by record; `name` (or path)
 * prefixes messages.  Nothing there or unreadable: KS_EIO "path:
 * reason"; not a regular file: KS_EIO as above.  KS_EINTERRUPTED ("interrupted while
 * reading path") when the allocator's poll asks, checked every 64 KB.
 */
ks_status ks_csv_file_read(const ks_allocator *alloc, const char *path,
                           const char *name, ks_csv_record_fn on_record,
                           void *user_data, ks_error *err);

/*
 * A values file: a workbook (told by its content, not its name: a zip,
 * PK\3\4) is read as records through the .xlsx source (xlsx_import.h),
 * sheet `sheet` (NULL: chosen as that header says); an OLE container (an
 * encrypted workbook, an .xls) is refused by name; anything else is read
 * as CSV, as ks_csv_file_read does.
 */
ks_status ks_values_file_read(const ks_allocator *alloc, const char *path,
                              const char *name, const char *sheet,
                              ks_csv_record_fn on_record, void *user_data,
                              ks_error *err);

/* The same over a buffer in memory, polling every 64 KB fed. */
ks_status ks_csv_buffer_read(const ks_allocator *alloc, const char *name,
                             const char *data, size_t size,
                             ks_csv_record_fn on_record, void *user_data,
                             ks_error *err);

#endif
