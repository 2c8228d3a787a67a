/*
 * zip_library.h -- libzip, loaded when a workbook is read or written
 * (internal).  libzip links libcrypto (for zip encryption, which kessan
 * never uses), and loading and relocating it cost every kessan process
 * about 2 ms at start, a simulation's serial part included.  So the core
 * does not link libzip: each workbook read or write opens it with dlopen
 * (by the soname the build found, KS_LIBZIP_SONAME) and calls it through
 * this table, which it closes when done.  The dynamic linker counts the
 * opens, so only the first in a process pays the load.  The table is the
 * caller's, filled per use: no global state.
 *
 * libzip's types and constants still come from <zip.h> (libzip-dev at
 * build time); at run time a workbook needs Debian's libzip4, and without
 * it a read or write fails with a message that says so.
 */
#ifndef KS_ZIP_LIBRARY_H
#define KS_ZIP_LIBRARY_H

#include <time.h>
#include <zip.h>

#include "kessan/kessan.h"

/* The libzip functions kessan calls: X(return type, name without the
 * zip_ prefix, parameter list). */
#define KS_ZIP_FUNCTIONS(X)                                                  \
    X(zip_t *, open, (const char *, int, int *))                             \
    X(zip_t *, fdopen, (int, int, int *))                                    \
    X(zip_t *, open_from_source, (zip_source_t *, int, zip_error_t *))       \
    X(int, close, (zip_t *))                                                 \
    X(void, discard, (zip_t *))                                              \
    X(zip_int64_t, name_locate, (zip_t *, const char *, zip_flags_t))        \
    X(void, stat_init, (zip_stat_t *))                                       \
    X(int, stat_index, (zip_t *, zip_uint64_t, zip_flags_t, zip_stat_t *))   \
    X(zip_file_t *, fopen_index, (zip_t *, zip_uint64_t, zip_flags_t))       \
    X(zip_int64_t, fread, (zip_file_t *, void *, zip_uint64_t))              \
    X(int, fclose, (zip_file_t *))                                           \
    X(zip_error_t *, get_error, (zip_t *))                                   \
    X(int, error_code_zip, (const zip_error_t *))                            \
    X(int, error_code_system, (const zip_error_t *))                         \
    X(const char *, error_strerror, (zip_error_t *))                         \
    X(void, error_set, (zip_error_t *, int, int))                            \
    X(void, error_fini, (zip_error_t *))                                     \
    X(zip_int64_t, error_to_data, (const zip_error_t *, void *, zip_uint64_t)) \
    X(const char *, strerror, (zip_t *))                                     \
    X(zip_source_t *, source_buffer,                                         \
      (zip_t *, const void *, zip_uint64_t, int))                            \
    X(zip_source_t *, source_function,                                       \
      (zip_t *, zip_source_callback, void *))                                \
    X(zip_source_t *, source_function_create,                                \
      (zip_source_callback, void *, zip_error_t *))                          \
    X(void, source_free, (zip_source_t *))                                   \
    X(zip_int64_t, source_make_command_bitmap, (zip_source_cmd_t, ...))      \
    X(zip_int64_t, file_add,                                                 \
      (zip_t *, const char *, zip_source_t *, zip_flags_t))                  \
    X(int, set_file_compression,                                             \
      (zip_t *, zip_uint64_t, zip_int32_t, zip_uint32_t))                    \
    X(int, file_set_mtime, (zip_t *, zip_uint64_t, time_t, zip_flags_t))

#define KS_ZIP_FIELD(type, name, parameters) type (*name) parameters;
typedef struct ks_zip_library {
    void *handle;             /* dlopen's; NULL when not open              */
    KS_ZIP_FUNCTIONS(KS_ZIP_FIELD)
} ks_zip_library;
#undef KS_ZIP_FIELD

/* Open libzip (KS_LIBZIP_SONAME) and fill the table.  libzip missing or
 * a function missing from it: KS_EIO "workbooks need libzip (...)", with
 * the dynamic linker's reason, and the table left closed. */
ks_status ks_zip_library_open(ks_zip_library *library, ks_error *err);
/* The same from a given soname (the tests name one that is not there). */
ks_status ks_zip_library_open_from(ks_zip_library *library,
                                   const char *soname, ks_error *err);
/* Close what open opened; safe on a closed or zeroed table. */
void ks_zip_library_close(ks_zip_library *library);

#endif
