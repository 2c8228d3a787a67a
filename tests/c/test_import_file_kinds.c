/*
 * test_import_file_kinds.c -- importing values from a path that names no
 * regular file: a socket, a FIFO, a directory, a character device, a link
 * to nothing; each refused with the path and what is there instead, and
 * the model's inputs untouched (a FIFO is never opened, so nothing waits
 * for a writer).
 */
#define _GNU_SOURCE /* symlink, mkfifo under -std=c11 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"

static ks_model *model;

static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2001 }, NULL);
    add_input(model, "a", KS_RULE_SUM);
    put(model, "a@1Q01", 3);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static void expect_refused(const char *path, const char *what)
{
    ks_error err;
    assert_int_equal(ks_import_csv(model, path, KS_PROV_REPORTED, &err),
                     KS_EIO);
    char want[700];
    snprintf(want, sizeof want, "%s: not a regular file (%s)", path, what);
    assert_string_equal(err.message, want);
    assert_int_equal(ks_import_values(model, path, KS_PROV_REPORTED, &err),
                     KS_EIO);
    assert_string_equal(err.message, want);
    ks_value value;
    assert_int_equal(ks_get(model, 0, 0, &value, &err), KS_OK);
    assert_true(value.number == 3);
}

static void test_paths_that_are_no_files(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/socket", KESSAN_TEST_TMP);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof address.sun_path);
    strcpy(address.sun_path, path);
    assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof address),
                     0);
    expect_refused(path, "a socket");
    close(fd);
    unlink(path);

    snprintf(path, sizeof path, "%s/fifo", KESSAN_TEST_TMP);
    unlink(path);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_refused(path, "a FIFO");
    unlink(path);

    expect_refused(KESSAN_TEST_TMP, "a directory");
    expect_refused("/dev/null", "a character device");

    snprintf(path, sizeof path, "%s/dangling", KESSAN_TEST_TMP);
    unlink(path);
    assert_int_equal(symlink("no-such-file", path), 0);
    expect_refused(path, "a symbolic link to nothing");
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paths_that_are_no_files, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
