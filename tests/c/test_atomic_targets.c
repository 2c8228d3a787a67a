/*
 * test_atomic_targets.c -- exports to targets the atomic writer must
 * treat with care: names that look almost like a killed writer's
 * temporary (no pid, too long a pid, a pid of no process that could have
 * died, our own, too few letters, a letter that is none, a directory),
 * which cleaning must leave alone while it removes the one that is
 * abandoned; a link of /proc to a file deleted since (no name to write
 * through); a device that is always full; and a name with no directory
 * in it, written in the current one.
 */
#define _GNU_SOURCE /* lstat, pread, PATH_MAX under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_files.h"
#include "kessan/kessan.h"

static ks_model *model;
static char directory[512];

static int setup(void **state)
{
    (void)state;
    model = empty_model(&(ks_calendar){ 3, 2001, 2001 }, NULL);
    add_input(model, "a", KS_RULE_SUM);
    put(model, "a@1Q01", 12);
    snprintf(directory, sizeof directory, "%s/targets", KESSAN_TEST_TMP);
    mkdir(directory, 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_model_free(model);
    return 0;
}

static void path_of(char *path, size_t size, const char *name)
{
    int length = snprintf(path, size, "%s/%s", directory, name);
    assert_true(length >= 0 && (size_t)length < size);
}

static int exists(const char *name)
{
    char path[800];
    path_of(path, sizeof path, name);
    struct stat info;
    return lstat(path, &info) == 0;
}

/* A pid that was a process and is no more. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return pid;
}

static void test_only_abandoned_temporaries_are_cleaned(void **state)
{
    (void)state;
    char names[12][128];
    int count = 0;
    pid_t gone = dead_pid();
    /* not temporaries of out.csv, or not abandoned: all kept */
    snprintf(names[count++], 128, "out.csv.tmp..ABCDEF");
    snprintf(names[count++], 128, "out.csv.tmp.12345678901.ABCDEF");
    snprintf(names[count++], 128, "out.csv.tmp.%dx.ABCDEF", (int)gone);
    snprintf(names[count++], 128, "out.csv.tmp.%d.ABC-EF", (int)gone);
    snprintf(names[count++], 128, "out.csv.tmp.%d.ABCDE", (int)gone);
    snprintf(names[count++], 128, "out.csv.tmp.%d.ABCDEFG", (int)gone);
    snprintf(names[count++], 128, "out.csv.tmp.0.ABCDEF");
    snprintf(names[count++], 128, "out.csv.tmp.9999999999.ABCDEF");
    snprintf(names[count++], 128, "out.csv.tmp.%d.ABCDEF", (int)getpid());
    snprintf(names[count++], 128, "other.csv.tmp.%d.ABCDEF", (int)gone);
    int kept = count;
    char path[800];
    for (int i = 0; i < kept; i++) {
        path_of(path, sizeof path, names[i]);
        write_file(path, "not ours\n");
    }
    /* a directory with an abandoned temporary's name: no file to remove */
    snprintf(names[count++], 128, "out.csv.tmp.%d.dirXYZ", (int)gone);
    path_of(path, sizeof path, names[count - 1]);
    assert_int_equal(mkdir(path, 0755), 0);
    /* and one that is abandoned */
    char abandoned[128];
    snprintf(abandoned, sizeof abandoned, "out.csv.tmp.%d.AbC123",
             (int)gone);
    path_of(path, sizeof path, abandoned);
    write_file(path, "half an export\n");

    path_of(path, sizeof path, "out.csv");
    ks_error err;
    assert_int_equal(ks_export_csv(model, path, NULL, &err), KS_OK);
    char *text = read_file(path);
    assert_non_null(strstr(text, "a,1Q01,12\n"));
    free(text);
    assert_false(exists(abandoned));
    for (int i = 0; i < count; i++)
        if (!exists(names[i]))
            fail_msg("'%s' was removed", names[i]);
    for (int i = 0; i < kept; i++) {
        path_of(path, sizeof path, names[i]);
        remove(path);
    }
    path_of(path, sizeof path, names[kept]);
    rmdir(path);
}

static void test_a_link_to_a_deleted_file(void **state)
{
    (void)state;
    char path[800];
    path_of(path, sizeof path, "deleted.csv");
    write_file(path, "before\n");
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(unlink(path), 0);
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    /* the link leads to "PATH (deleted)", which is nothing */
    ks_error err;
    assert_int_equal(ks_export_csv(model, link, NULL, &err), KS_EIO);
    char want[2048];
    snprintf(want, sizeof want, "%s: cannot follow the symbolic link: %s",
             link, strerror(ENOENT));
    assert_string_equal(err.message, want);
    /* a decoy of that name: another file, not written through either */
    char decoy[900];
    snprintf(decoy, sizeof decoy, "%s (deleted)", path);
    write_file(decoy, "decoy\n");
    assert_int_equal(ks_export_csv(model, link, NULL, &err), KS_EIO);
    snprintf(want, sizeof want, "%s: a symbolic link to a file with no name "
                                "of its own (%s): not written through", link,
             decoy);
    assert_string_equal(err.message, want);
    char *text = read_file(decoy);
    assert_string_equal(text, "decoy\n");
    free(text);
    remove(decoy);
    /* the file behind the link is as it was */
    char buffer[16] = "";
    assert_int_equal(pread(fd, buffer, sizeof buffer - 1, 0), 7);
    assert_string_equal(buffer, "before\n");
    close(fd);
}

static void test_a_device_that_is_always_full(void **state)
{
    (void)state;
    struct stat info;
    if (stat("/dev/full", &info) != 0 || !S_ISCHR(info.st_mode))
        fail_msg("/dev/full is needed (a character device always full)");
    ks_error err;
    assert_int_equal(ks_export_csv(model, "/dev/full", NULL, &err), KS_EIO);
    assert_memory_equal(err.message, "/dev/full: cannot write",
                        strlen("/dev/full: cannot write"));
    assert_non_null(strstr(err.message, strerror(ENOSPC)));
}

static void test_a_name_in_the_current_directory(void **state)
{
    (void)state;
    char here[PATH_MAX];
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(directory), 0);
    ks_error err;
    ks_status status = ks_export_csv(model, "plain.csv", NULL, &err);
    assert_int_equal(chdir(here), 0);
    if (status != KS_OK)
        fail_msg("%s", err.message);
    char path[800];
    path_of(path, sizeof path, "plain.csv");
    char *text = read_file(path);
    assert_memory_equal(text, "item,period,value\na,1Q01,12\n", 28);
    free(text);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_only_abandoned_temporaries_are_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_link_to_a_deleted_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_device_that_is_always_full,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_name_in_the_current_directory,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
