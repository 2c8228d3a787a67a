/*
 * test_xlsx_export_file.c -- the workbook export's file (docs/excel.md,
 * "How the package is written"): the package written once, straight
 * into the target's atomic temporary, tried hard: no file but that
 * temporary and the target ever appears in the directory (inotify), the
 * process writes the package's bytes once (not twice); a directory
 * without room (a tmpfs too small, when root may mount one) and a file
 * size limit (RLIMIT_FSIZE) fail naming the path and leave the old file
 * as it was and nothing else; an export killed by SIGKILL while its
 * package is in the temporary, and one interrupted there (the host's
 * --timeout), leave the old file as it was and no temporary behind; a
 * FIFO gets the same bytes as a file, once, even where the package is
 * written twice, and its scratch file leaves nothing in TMPDIR.
 */
#define _GNU_SOURCE /* unshare, CLONE_NEWNS */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/dir_entries.h"
#include "../support/test_alloc.h"
#include "io/xlsx_export.h"
#include "kessan/kessan.h"
#include "kessan/workbook.h"

#define SCENARIOS "tests/data/scenarios"
#define OLD_CONTENTS "the workbook exported before, to be kept whole\n"
#define EXTRA_ITEMS 400
#define SKIPPED 77

static char directory[256];
static char target[320];

static int setup(void **state)
{
    (void)state;
    snprintf(directory, sizeof directory, "%s/export-XXXXXX",
             KESSAN_TEST_TMP);
    if (!mkdtemp(directory))
        return -1;
    snprintf(target, sizeof target, "%s/book.xlsx", directory);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *dir = opendir(directory);
    struct dirent *entry;
    char path[600];
    while (dir && (entry = readdir(dir)) != NULL) {
        snprintf(path, sizeof path, "%s/%s", directory, entry->d_name);
        if (entry->d_name[0] != '.' || strstr(entry->d_name, ".tmp."))
            unlink(path);
    }
    if (dir)
        closedir(dir);
    rmdir(directory);
    return 0;
}

/* ---- models and files ---------------------------------------------------- */

/* The scenarios model, with EXTRA_ITEMS formulas more so that its
 * package takes many writes; `deep`: with an item nested too deep, so
 * that the package is written twice. */
static ks_model *open_model(const ks_allocator *alloc, int deep)
{
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_open(SCENARIOS, alloc, &model, &err) != KS_OK)
        fail_msg("%s", err.message);
    for (int k = 0; k < EXTRA_ITEMS; k++) {
        char id[32], formula[64];
        snprintf(id, sizeof id, "extra%d", k);
        snprintf(formula, sizeof formula, "rev.a * %d + rev.b", k + 1);
        ks_item_info info = { .label = id, .statement = "kpi",
                              .rule = KS_RULE_FORMULA };
        if (ks_define(model, id, formula, &info, &err) != KS_OK)
            fail_msg("%s", err.message);
    }
    if (deep) {
        char formula[5 * (KS_XLSX_NESTING_MAX + 6) + 8] = "";
        for (int k = 0; k < KS_XLSX_NESTING_MAX + 6; k++)
            strcat(formula, "abs(");
        strcat(formula, "rev.a");
        for (int k = 0; k < KS_XLSX_NESTING_MAX + 6; k++)
            strcat(formula, ")");
        ks_item_info info = { .label = "Deep", .statement = "kpi",
                              .rule = KS_RULE_FORMULA };
        if (ks_define(model, "deep", formula, &info, &err) != KS_OK)
            fail_msg("%s", err.message);
    }
    return model;
}

static void export_ok(ks_model *model, const char *path)
{
    ks_error err;
    if (ks_export_xlsx(model, path, NULL, &err) != KS_OK)
        fail_msg("%s", err.message);
}

/* A file's bytes (malloc'd, *size set); NULL when it does not read. */
static char *read_whole(const char *path, size_t *size)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    char *data = NULL;
    size_t length = 0, capacity = 0, got;
    char buffer[65536];
    while ((got = fread(buffer, 1, sizeof buffer, in)) > 0) {
        if (length + got > capacity) {
            capacity = 2 * (length + got);
            char *grown = realloc(data, capacity);
            assert_non_null(grown);
            data = grown;
        }
        memcpy(data + length, buffer, got);
        length += got;
    }
    fclose(in);
    *size = length;
    return data ? data : calloc(1, 1);
}

static size_t package_size(ks_model *model)
{
    export_ok(model, target);
    struct stat info;
    assert_int_equal(stat(target, &info), 0);
    return (size_t)info.st_size;
}

static void write_old_file(void)
{
    FILE *out = fopen(target, "wb");
    assert_non_null(out);
    assert_int_equal(fputs(OLD_CONTENTS, out) >= 0, 1);
    assert_int_equal(fclose(out), 0);
}

static int old_file_whole(void)
{
    size_t size;
    char *data = read_whole(target, &size);
    int whole = data && size == strlen(OLD_CONTENTS)
                && memcmp(data, OLD_CONTENTS, size) == 0;
    free(data);
    return whole;
}

/* The old file as it was and nothing else in the directory; where the
 * system has no O_TMPFILE a killed writer's named temporary may be
 * there, and the next export must remove it. */
static void assert_only_old_file(ks_model *model, int killed)
{
    assert_true(old_file_whole());
    if (!killed || entries_in(directory) == 1) {
        assert_int_equal(entries_in(directory), 1);
        return;
    }
    assert_int_equal(entries_in(directory), 2);
    assert_int_equal(temporaries_in(directory), 1);
    export_ok(model, target); /* its writer gone: removed as it begins */
    assert_int_equal(entries_in(directory), 1);
}

static long process_wchar(void)
{
    FILE *in = fopen("/proc/self/io", "r");
    if (!in)
        return -1;
    char line[128];
    long wchar = -1;
    while (fgets(line, sizeof line, in))
        if (sscanf(line, "wchar: %ld", &wchar) == 1)
            break;
    fclose(in);
    return wchar;
}

/* ---- no other file -------------------------------------------------------- */

/* Every name made in the directory during an export (inotify): the
 * target's own temporary "book.xlsx.tmp.*" and the target, nothing else;
 * and the process writes about the package's size, not twice it. */
static void only_its_temporary(int deep)
{
    ks_model *model = open_model(NULL, deep);
    size_t size = package_size(model);
    write_old_file();
    int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    assert_true(watch >= 0);
    assert_true(inotify_add_watch(watch, directory,
                                  IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM)
                >= 0);
    long before = process_wchar();
    export_ok(model, target);
    long wrote = process_wchar() - before;
    char events[65536] __attribute__((aligned(8)));
    ssize_t got = read(watch, events, sizeof events);
    assert_true(got > 0);
    int target_made = 0;
    for (char *at = events; at < events + got;) {
        const struct inotify_event *event = (const void *)at;
        at += sizeof *event + event->len;
        if (event->len == 0)
            continue;
        if (strcmp(event->name, "book.xlsx") == 0) {
            target_made |= (event->mask & IN_MOVED_TO) != 0;
            continue;
        }
        if (strncmp(event->name, "book.xlsx.tmp.", 14) != 0)
            fail_msg("a file of another name appeared: %s", event->name);
    }
    close(watch);
    assert_true(target_made);
    assert_int_equal(entries_in(directory), 1);
    /* once: the package and libzip's local headers written again (each
     * entry's sizes), or for the twice-written package two passes */
    if (before >= 0) {
        print_message("package %zu bytes, %ld written\n", size, wrote);
        assert_true(wrote >= (long)size);
        assert_true(wrote < (long)size * (deep ? 3 : 2));
    }
    ks_model_free(model);
}

static void test_only_its_temporary_appears(void **state)
{
    (void)state;
    only_its_temporary(0);
}

static void test_only_its_temporary_appears_twice(void **state)
{
    (void)state;
    only_its_temporary(1);
}

/* ---- no room -------------------------------------------------------------- */

/* In a child: export `model` to the target; 0 when it failed naming the
 * target (KS_EIO, the reason said), 1 when it did not fail, 2 when its
 * message does not name the path. */
static int export_must_fail(ks_model *model)
{
    ks_error err;
    ks_status status = ks_export_xlsx(model, target, NULL, &err);
    if (status == KS_OK)
        return 1;
    if (status != KS_EIO || !strstr(err.message, target))
        return 2;
    return 0;
}

static void assert_child_passed(pid_t child, const char *what)
{
    int wstatus = 0;
    assert_int_equal(waitpid(child, &wstatus, 0), child);
    assert_true(WIFEXITED(wstatus));
    if (WEXITSTATUS(wstatus) != 0)
        fail_msg("%s: the child's check %d failed", what,
                 WEXITSTATUS(wstatus));
}

/* A file size limit of half the package: the write fails (SIGXFSZ
 * ignored, EFBIG) naming the path; the old file is kept. */
static void test_file_size_limit(void **state)
{
    (void)state;
    ks_model *model = open_model(NULL, 0);
    size_t size = package_size(model);
    write_old_file();
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        struct rlimit limit = { size / 2, size / 2 };
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
            _exit(3);
        _exit(export_must_fail(model));
    }
    assert_child_passed(child, "RLIMIT_FSIZE");
    assert_only_old_file(model, 0);
    ks_model_free(model);
}

/* A tmpfs of half the package's size mounted over a directory of the
 * test's own, in a mount namespace of a child's own (gone with it): the
 * export fails for want of room (ENOSPC) and leaves the old file and
 * nothing else.  Skipped unless root may mount one. */
static int no_room_in_child(ks_model *model, size_t size)
{
    if (unshare(CLONE_NEWNS) != 0
        || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return SKIPPED;
    char options[64];
    snprintf(options, sizeof options, "size=%zu,mode=0700", size / 2);
    if (mount("kessan-test", directory, "tmpfs", 0, options) != 0)
        return SKIPPED;
    FILE *out = fopen(target, "wb");
    if (!out || fputs(OLD_CONTENTS, out) < 0 || fclose(out) != 0)
        return 4;
    int failed = export_must_fail(model);
    if (failed != 0)
        return failed;
    if (!old_file_whole())
        return 5;
    DIR *dir = opendir(directory);
    int entries = 0;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL)
        entries += entry->d_name[0] != '.' || strstr(entry->d_name, ".tmp.");
    if (dir)
        closedir(dir);
    return entries == 1 ? 0 : 6;
}

static void test_no_room_on_disk(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        print_message("not root: no tmpfs of our own, skipped\n");
        skip();
    }
    ks_model *model = open_model(NULL, 0);
    size_t size = package_size(model);
    unlink(target);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(no_room_in_child(model, size));
    int wstatus = 0;
    assert_int_equal(waitpid(child, &wstatus, 0), child);
    assert_true(WIFEXITED(wstatus));
    ks_model_free(model);
    if (WEXITSTATUS(wstatus) == SKIPPED) {
        print_message("no tmpfs may be mounted here: skipped\n");
        skip();
    }
    if (WEXITSTATUS(wstatus) != 0)
        fail_msg("tmpfs without room: the child's check %d failed",
                 WEXITSTATUS(wstatus));
    assert_int_equal(entries_in(directory), 0); /* the mount gone with it */
}

/* ---- killed and interrupted mid-write -------------------------------------- */

/* Whether this process has a file of the directory open for writing
 * with bytes in it (the export's temporary, whoever made it; unnamed
 * with O_TMPFILE, "DIR/#INODE (deleted)"). */
static int temporary_has_bytes(dev_t device)
{
    size_t length = strlen(directory);
    for (int fd = 3; fd < 1024; fd++) {
        struct stat info;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY
            || fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)
            || info.st_dev != device || info.st_size == 0)
            continue;
        char link[64], name[600];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t got = readlink(link, name, sizeof name - 1);
        if (got <= 0)
            continue;
        name[got] = '\0';
        if (strncmp(name, directory, length) == 0 && name[length] == '/')
            return 1;
    }
    return 0;
}

typedef struct mid_write {
    long calls, fire_at;
    dev_t device;
    int kill;      /* SIGKILL the process, else ask the export to stop   */
    int seen;      /* the temporary had bytes when it fired              */
} mid_write;

/* From the fire_at-th poll on, once the temporary holds bytes. */
static int stop_mid_write(void *data)
{
    mid_write *at = data;
    if (++at->calls < at->fire_at || at->seen)
        return at->seen;
    if (!temporary_has_bytes(at->device))
        return 0;
    at->seen = 1;
    if (at->kill)
        raise(SIGKILL);
    return 1;
}

/* The model opened with an allocator that polls `at`, computed and
 * exported once (a next export only writes); its polls per export into
 * *polls, and the old file put at the target. */
static ks_model *polled_model(ks_allocator *alloc, mid_write *at,
                              long *polls)
{
    struct stat info;
    assert_int_equal(stat(directory, &info), 0);
    static test_alloc counts;
    *at = (mid_write){ 0, LONG_MAX, info.st_dev, 0, 0 };
    *alloc = test_allocator(&counts);
    alloc->interrupted = stop_mid_write;
    alloc->interrupt_data = at;
    ks_model *model = open_model(alloc, 0);
    export_ok(model, target); /* computed: a next export only writes */
    at->calls = 0;
    export_ok(model, target);
    *polls = at->calls;
    assert_true(*polls > 2);
    write_old_file();
    return model;
}

static void test_killed_mid_write(void **state)
{
    (void)state;
    mid_write at;
    ks_allocator alloc;
    long polls;
    ks_model *model = polled_model(&alloc, &at, &polls);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        at.calls = 0;
        at.fire_at = polls / 2;
        at.kill = 1;
        ks_error err;
        ks_export_xlsx(model, target, NULL, &err);
        _exit(at.seen ? 1 : 2); /* not killed: never saw the bytes */
    }
    int wstatus = 0;
    assert_int_equal(waitpid(child, &wstatus, 0), child);
    if (!WIFSIGNALED(wstatus))
        fail_msg("the export was not killed mid-write (exit %d)",
                 WEXITSTATUS(wstatus));
    assert_int_equal(WTERMSIG(wstatus), SIGKILL);
    assert_only_old_file(model, 1);
    ks_model_free(model);
}

/* The host's --timeout is an interrupt the export polls: asked while
 * the package is in the temporary, the export stops, KS_EINTERRUPTED,
 * the old file kept and nothing else left. */
static void test_interrupted_mid_write(void **state)
{
    (void)state;
    mid_write at;
    ks_allocator alloc;
    long polls;
    ks_model *model = polled_model(&alloc, &at, &polls);
    at.calls = 0;
    at.fire_at = polls / 2;
    ks_error err;
    assert_int_equal(ks_export_xlsx(model, target, NULL, &err),
                     KS_EINTERRUPTED);
    assert_true(at.seen);
    assert_only_old_file(model, 0);
    at.fire_at = LONG_MAX;
    ks_model_free(model);
}

/* ---- a FIFO ----------------------------------------------------------------- */

typedef struct fifo_reader {
    const char *path;
    char *data;
    size_t size;
} fifo_reader;

static void *read_fifo(void *context)
{
    fifo_reader *reader = context;
    reader->data = read_whole(reader->path, &reader->size);
    return NULL;
}

/* A FIFO gets the package a file gets, byte for byte, once (also when
 * the package is written twice); the scratch file the package is
 * written to first leaves nothing in TMPDIR. */
static void fifo_gets_the_file(int deep)
{
    ks_model *model = open_model(NULL, deep);
    size_t size = package_size(model);
    size_t file_size;
    char *file = read_whole(target, &file_size);
    assert_non_null(file);
    assert_int_equal(file_size, size);
    unlink(target);
    char fifo[400], scratch[400];
    snprintf(fifo, sizeof fifo, "%s/pipe", directory);
    snprintf(scratch, sizeof scratch, "%s/scratch", directory);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(scratch, 0700), 0);
    const char *tmpdir = getenv("TMPDIR");
    char *saved = tmpdir ? strdup(tmpdir) : NULL;
    setenv("TMPDIR", scratch, 1);
    fifo_reader reader = { fifo, NULL, 0 };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, read_fifo, &reader), 0);
    export_ok(model, fifo);
    assert_int_equal(pthread_join(thread, NULL), 0);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    assert_non_null(reader.data);
    assert_int_equal(reader.size, file_size);
    assert_memory_equal(reader.data, file, file_size);
    assert_int_equal(entries_in(scratch), 0);
    assert_int_equal(rmdir(scratch), 0);
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(entries_in(directory), 0);
    free(reader.data);
    free(file);
    ks_model_free(model);
}

static void test_fifo_gets_the_file(void **state)
{
    (void)state;
    fifo_gets_the_file(0);
}

static void test_fifo_gets_the_file_twice(void **state)
{
    (void)state;
    fifo_gets_the_file(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_only_its_temporary_appears,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_only_its_temporary_appears_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_size_limit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_room_on_disk, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_killed_mid_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_mid_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fifo_gets_the_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fifo_gets_the_file_twice,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
