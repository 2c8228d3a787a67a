/*
 * test_zip_library.c -- libzip opened when a workbook needs it
 * (core/io/zip_library.h): the table is filled and usable, closing is
 * safe twice and on a zeroed table, and a libzip that is not there, or
 * one that lacks a function, is a KS_EIO error that says what workbooks
 * need, the table left closed.  (That a process which never touches a
 * workbook never loads libzip is tests/py/test_lazy_libraries.py's.)
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/zip_library.h"

static void test_opens_and_closes(void **state)
{
    (void)state;
    ks_zip_library library;
    ks_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ks_zip_library_open(&library, &err), KS_OK);
    assert_non_null(library.handle);
    assert_non_null(library.open);
    assert_non_null(library.file_set_mtime);
    /* what the export writes its archive through (io/zip_sink.h) */
    assert_non_null(library.open_from_source);
    assert_non_null(library.source_function_create);
    assert_non_null(library.error_fini);
    /* a call through the table: a file that is not there */
    int code = 0;
    assert_null(library.open("/nonexistent/kessan.xlsx", ZIP_RDONLY, &code));
    assert_int_equal(code, ZIP_ER_NOENT);
    ks_zip_library_close(&library);
    assert_null(library.handle);
    assert_null(library.open);
    ks_zip_library_close(&library);
    ks_zip_library zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    ks_zip_library_close(&zeroed);
}

static void test_missing_library(void **state)
{
    (void)state;
    ks_zip_library library;
    ks_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ks_zip_library_open_from(&library,
                         "libkessan-no-such-zip.so.9", &err), KS_EIO);
    assert_non_null(strstr(err.message, "workbooks need libzip"));
    assert_non_null(strstr(err.message, "libkessan-no-such-zip.so.9"));
    assert_null(library.handle);
    assert_null(library.fread);
    ks_zip_library_close(&library);
}

static void test_library_without_the_functions(void **state)
{
    (void)state;
    /* libm loads, and has no zip_open */
    ks_zip_library library;
    ks_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ks_zip_library_open_from(&library, "libm.so.6", &err),
                     KS_EIO);
    assert_non_null(strstr(err.message, "libm.so.6 has no zip_open"));
    assert_null(library.handle);
    assert_null(library.open);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opens_and_closes),
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_library_without_the_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
