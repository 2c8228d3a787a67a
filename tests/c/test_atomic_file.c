/*
 * test_atomic_file.c -- how every file the core writes meets what its path
 * names (atomic_file.h): a FIFO and a character device written in place
 * and left what they were, a symbolic link written through and kept, a
 * dangling link, a loop, a directory and an over-long name refused with
 * the errno text, a 255-byte name written, a read-only directory and a
 * full file size limit leaving the old file as it was, and temporaries of
 * killed writers removed while a live writer's (and anything that is not
 * a file of that pattern) are kept.  Expected contents are the engine's
 * own export to a plain file.
 */
#define _GNU_SOURCE /* mknod's makedev */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/dir_entries.h"
#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "io/atomic_file.h"
#include "kessan/kessan.h"

/* ---- scratch files --------------------------------------------------------- */

/* A fresh directory of the test's own under KESSAN_TEST_TMP. */
static const char *scratch(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", KESSAN_TEST_TMP, name);
    char command[2 * sizeof path + 64];
    snprintf(command, sizeof command, "chmod -R u+rwx '%s' 2>/dev/null; "
             "rm -rf '%s'", path, path);
    assert_int_equal(system(command), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    return path;
}

static char *join(const char *directory, const char *name)
{
    size_t size = strlen(directory) + strlen(name) + 2;
    char *path = malloc(size);
    assert_non_null(path);
    snprintf(path, size, "%s/%s", directory, name);
    return path;
}

static void assert_file_is(const char *path, const char *expected)
{
    char *text = read_file(path);
    assert_non_null(text);
    assert_string_equal(text, expected);
    free(text);
}

static int exists(const char *path)
{
    struct stat info;
    return lstat(path, &info) == 0;
}

static mode_t kind_of(const char *path)
{
    struct stat info;
    assert_int_equal(lstat(path, &info), 0);
    return info.st_mode & S_IFMT;
}

/* The message names the path and carries the errno text. */
static void assert_failure_names(const ks_error *err, const char *path,
                                 int error_number)
{
    if (!strstr(err->message, path))
        fail_msg("'%s' does not name '%s'", err->message, path);
    if (!strstr(err->message, strerror(error_number)))
        fail_msg("'%s' does not say '%s'", err->message,
                 strerror(error_number));
}

/* ---- a model and what its export is ------------------------------------------ */

static const ks_calendar calendar = { 3, 2001, 2003 };

static ks_model *small_model(void)
{
    ks_model *model = empty_model(&calendar, NULL);
    ks_error err;
    ks_item_info info = { "rev", "Revenue", NULL, "JPY thousands", "is",
                          NULL, NULL, KS_RULE_SUM };
    assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_OK);
    assert_int_equal(ks_define(model, "twice", "rev * 2", NULL, &err),
                     KS_OK);
    put(model, "rev@1Q01", 0.1);
    return model;
}

/* Every cell: an export long enough to see cut short. */
static const ks_export_options every_cell = {
    .with_scenario_column = 0,
    .cells = KS_EXPORT_ALL
};

/* The export of the model written to a plain new file: what every target
 * must receive. */
static char *expected_export(ks_model *model, const char *directory)
{
    char *path = join(directory, "reference.out");
    ks_error err;
    if (ks_export_csv(model, path, &every_cell, &err) != KS_OK)
        fail_msg("%s", err.message);
    char *text = read_file(path);
    assert_non_null(text);
    assert_true(strlen(text) > 100);
    assert_int_equal(unlink(path), 0);
    free(path);
    return text;
}

static void export_ok(ks_model *model, const char *path)
{
    ks_error err;
    if (ks_export_csv(model, path, &every_cell, &err) != KS_OK)
        fail_msg("%s: %s", path, err.message);
}

/* ---- FIFOs and devices: written in place --------------------------------------- */

/* A child that succeeded ends by SIGKILL, so that no exit handler runs in
 * it: valgrind's leak check would count the memory it inherited.  One that
 * failed exits with its code. */
static _Noreturn void child_done(int code)
{
    if (code == 0)
        raise(SIGKILL);
    _exit(code);
}

/* Reaped; its code (0 for success, as child_done ends it). */
static int reap(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return 0;
    assert_true(WIFEXITED(status));
    assert_true(WEXITSTATUS(status) != 0);
    return WEXITSTATUS(status);
}

/* A reader process that copies the FIFO to `copy`; its pid. */
static pid_t start_reader(const char *fifo, const char *copy)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    alarm(10); /* a FIFO that no writer opens must not hang the test */
    int in = open(fifo, O_RDONLY);
    FILE *out = fopen(copy, "wb");
    if (in < 0 || !out)
        child_done(2);
    char buffer[4096];
    ssize_t got;
    while ((got = read(in, buffer, sizeof buffer)) > 0)
        fwrite(buffer, 1, (size_t)got, out);
    child_done(got == 0 && fclose(out) == 0 ? 0 : 3);
}

static void wait_ok(pid_t pid)
{
    assert_int_equal(reap(pid), 0);
}

static void test_fifo_written_in_place(void **state)
{
    (void)state;
    const char *directory = scratch("fifo");
    ks_model *model = small_model();
    char *expected = expected_export(model, directory);
    char *fifo = join(directory, "out.csv"), *copy = join(directory, "got");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    for (int round = 0; round < 2; round++) {
        pid_t reader = start_reader(fifo, copy);
        export_ok(model, fifo);
        wait_ok(reader);
        assert_file_is(copy, expected);
        assert_int_equal(kind_of(fifo), S_IFIFO);
    }
    assert_int_equal(temporaries_in(directory), 0);
    assert_int_equal(entries_in(directory), 2);
    free(fifo);
    free(copy);
    free(expected);
    ks_model_free(model);
}

/* No reader comes: the wait ends when the host interrupts, nothing made. */
static void test_fifo_without_reader_is_interruptible(void **state)
{
    (void)state;
    const char *directory = scratch("fifo-alone");
    char *fifo = join(directory, "nobody-reads");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    poll_count poll = { 0, 4 }; /* asks to stop at the fourth poll */
    ks_allocator alloc = { .interrupted = poll_after,
                           .interrupt_data = &poll };
    ks_atomic_file file;
    ks_error err;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(ks_atomic_begin(&file, &alloc, fifo, &err),
                     KS_EINTERRUPTED);
    clock_gettime(CLOCK_MONOTONIC, &end);
    ks_atomic_end(&file);
    assert_int_equal(poll.calls, 4);
    double seconds = (double)(end.tv_sec - start.tv_sec)
                     + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    assert_true(seconds < 1.0);
    assert_non_null(strstr(err.message, fifo));
    assert_non_null(strstr(err.message, "interrupted"));
    assert_int_equal(kind_of(fifo), S_IFIFO);
    assert_int_equal(entries_in(directory), 1);
    free(fifo);
}

/* A device made in the scratch directory (never the machine's own /dev):
 * only where mknod is allowed (root with CAP_MKNOD); 0 if not. */
/* A case this machine cannot set up (no mknod, no user to drop to) is
 * skipped when run by hand, and fails under CI (CI set), where the
 * machine is known to allow it: a skip there would hide a lost case. */
static void skip_unless_ci(const char *why)
{
    print_message("  %s\n", why);
    if (getenv("CI"))
        fail_msg("%s: CI must run this case", why);
    skip();
}

static int make_device(const char *path, unsigned major, unsigned minor)
{
    return mknod(path, S_IFCHR | 0666, makedev(major, minor)) == 0;
}

static void test_character_devices_written_in_place(void **state)
{
    (void)state;
    const char *directory = scratch("devices");
    char *null = join(directory, "null"), *full = join(directory, "full");
    if (!make_device(null, 1, 3) || !make_device(full, 1, 7)) {
        free(null);
        free(full);
        skip_unless_ci("mknod refused: device cases not run");
    }
    ks_model *model = small_model();
    export_ok(model, null);
    assert_int_equal(kind_of(null), S_IFCHR);
    /* the "full" device: every write is ENOSPC, and it stays a device */
    ks_error err;
    assert_int_equal(ks_export_csv(model, full, NULL, &err), KS_EIO);
    assert_failure_names(&err, full, ENOSPC);
    assert_int_equal(kind_of(full), S_IFCHR);
    assert_int_equal(temporaries_in(directory), 0);
    assert_int_equal(entries_in(directory), 2);
    ks_model_free(model);
    free(null);
    free(full);
}

/* A block device (of a major number no driver has: never a disk) and a
 * socket are refused and stay what they were. */
static void test_block_device_and_socket_refused(void **state)
{
    (void)state;
    const char *directory = scratch("refused-kinds");
    ks_model *model = small_model();
    ks_error err;
    char *socket_path = join(directory, "socket");
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(listener >= 0);
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    assert_true(strlen(socket_path) < sizeof address.sun_path);
    strcpy(address.sun_path, socket_path);
    assert_int_equal(bind(listener, (struct sockaddr *)&address,
                          sizeof address), 0);
    assert_int_equal(ks_export_csv(model, socket_path, NULL, &err), KS_EIO);
    assert_non_null(strstr(err.message, socket_path));
    assert_non_null(strstr(err.message, "socket"));
    assert_int_equal(kind_of(socket_path), S_IFSOCK);
    close(listener);

    char *block = join(directory, "block");
    if (mknod(block, S_IFBLK | 0600, makedev(240, 0)) == 0) {
        assert_int_equal(ks_export_csv(model, block, NULL, &err), KS_EIO);
        assert_non_null(strstr(err.message, block));
        assert_non_null(strstr(err.message, "block device"));
        assert_int_equal(kind_of(block), S_IFBLK);
    } else {
        print_message("  mknod refused (%s): block device case skipped\n",
                      strerror(errno));
        if (getenv("CI"))
            fail_msg("mknod refused: CI must run the block device case");
    }
    assert_int_equal(temporaries_in(directory), 0);
    free(block);
    free(socket_path);
    ks_model_free(model);
}

/* Mode, owner and group of the old file kept (owner only as root). */
static void test_mode_and_owner_kept(void **state)
{
    (void)state;
    const char *directory = scratch("owner");
    ks_model *model = small_model();
    char *path = join(directory, "values.csv");
    write_file(path, "old\n");
    assert_int_equal(chmod(path, 0604), 0);
    int root = geteuid() == 0;
    if (root)
        assert_int_equal(chown(path, 65534, 65534), 0);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    export_ok(model, path);
    assert_int_equal(stat(path, &after), 0);
    assert_true(after.st_ino != before.st_ino || after.st_dev != before.st_dev
                || after.st_size != before.st_size);
    assert_int_equal(after.st_mode & 07777, 0604);
    assert_int_equal(after.st_uid, before.st_uid);
    assert_int_equal(after.st_gid, before.st_gid);
    /* a new file: 0644 */
    char *fresh = join(directory, "fresh.csv");
    export_ok(model, fresh);
    assert_int_equal(stat(fresh, &after), 0);
    assert_int_equal(after.st_mode & 07777, 0644);
    free(fresh);
    free(path);
    ks_model_free(model);
}

/* ---- symbolic links ---------------------------------------------------------------- */

static void test_link_written_through_and_kept(void **state)
{
    (void)state;
    const char *directory = scratch("links");
    ks_model *model = small_model();
    char *expected = expected_export(model, directory);
    char *sub = join(directory, "sub");
    assert_int_equal(mkdir(sub, 0755), 0);
    char *target = join(directory, "target.csv");
    char *link = join(sub, "link.csv");
    write_file(target, "old contents\n");
    assert_int_equal(chmod(target, 0640), 0);
    assert_int_equal(symlink("../target.csv", link), 0);
    export_ok(model, link);
    assert_int_equal(kind_of(link), S_IFLNK);
    char led[256];
    ssize_t length = readlink(link, led, sizeof led - 1);
    assert_true(length > 0);
    led[length] = '\0';
    assert_string_equal(led, "../target.csv");
    assert_file_is(target, expected);
    struct stat info;
    assert_int_equal(stat(target, &info), 0);
    assert_int_equal(info.st_mode & 07777, 0640);
    assert_int_equal(temporaries_in(directory), 0);
    assert_int_equal(temporaries_in(sub), 0);
    assert_int_equal(entries_in(sub), 1);
    free(link);
    free(target);
    free(sub);
    free(expected);
    ks_model_free(model);
}

static void test_dangling_link_and_loop_refused(void **state)
{
    (void)state;
    const char *directory = scratch("bad-links");
    ks_model *model = small_model();
    char *dangling = join(directory, "dangling.csv");
    char *missing = join(directory, "missing.csv");
    assert_int_equal(symlink("missing.csv", dangling), 0);
    ks_error err;
    assert_int_equal(ks_export_csv(model, dangling, NULL, &err), KS_EIO);
    assert_failure_names(&err, dangling, ENOENT);
    assert_false(exists(missing));
    assert_int_equal(kind_of(dangling), S_IFLNK);

    char *loop_a = join(directory, "a.csv"), *loop_b = join(directory,
                                                            "b.csv");
    assert_int_equal(symlink("b.csv", loop_a), 0);
    assert_int_equal(symlink("a.csv", loop_b), 0);
    assert_int_equal(ks_export_csv(model, loop_a, NULL, &err), KS_EIO);
    assert_failure_names(&err, loop_a, ELOOP);
    assert_int_equal(kind_of(loop_a), S_IFLNK);
    assert_int_equal(kind_of(loop_b), S_IFLNK);
    assert_int_equal(entries_in(directory), 3);
    free(loop_a);
    free(loop_b);
    free(missing);
    free(dangling);
    ks_model_free(model);
}

/* ---- refused kinds and names ------------------------------------------------------- */

static void test_directory_refused(void **state)
{
    (void)state;
    const char *directory = scratch("directories");
    ks_model *model = small_model();
    char *inside = join(directory, "out.csv");
    assert_int_equal(mkdir(inside, 0755), 0);
    char *kept = join(inside, "kept");
    write_file(kept, "kept\n");
    ks_error err;
    assert_int_equal(ks_export_csv(model, inside, NULL, &err), KS_EIO);
    assert_failure_names(&err, inside, EISDIR);
    /* a trailing slash names a directory too, there or not */
    char *slashed = join(directory, "new/");
    assert_int_equal(ks_export_csv(model, slashed, NULL, &err), KS_EIO);
    assert_non_null(strstr(err.message, slashed));
    /* no path at all */
    ks_atomic_file file;
    assert_int_equal(ks_atomic_begin(&file, NULL, "", &err), KS_EINVAL);
    ks_atomic_end(&file);
    assert_int_equal(kind_of(inside), S_IFDIR);
    assert_file_is(kept, "kept\n");
    assert_int_equal(entries_in(inside), 1);
    assert_int_equal(entries_in(directory), 1);
    free(slashed);
    free(kept);
    free(inside);
    ks_model_free(model);
}

/* The longest name the directory takes, in ASCII and in two-byte UTF-8
 * characters (a cut inside a character would be an invalid name on file
 * systems that check), is written; one byte more is refused. */
static void test_longest_names(void **state)
{
    (void)state;
    const char *directory = scratch("long-names");
    long most = pathconf(directory, _PC_NAME_MAX);
    assert_true(most > 20 && most < 4096);
    ks_model *model = small_model();
    char *expected = expected_export(model, directory);
    char name[4096];
    for (int utf8 = 0; utf8 <= 1; utf8++) {
        for (long length = most - 4; length <= most; length++) {
            memset(name, 'n', (size_t)length);
            if (utf8)
                for (long i = 1; i + 1 < length; i += 2)
                    memcpy(name + i, "\xc3\xa9", 2); /* e acute */
            name[length] = '\0';
            char *path = join(directory, name);
            export_ok(model, path);
            assert_file_is(path, expected);
            export_ok(model, path); /* over the file now there */
            assert_file_is(path, expected);
            assert_int_equal(temporaries_in(directory), 0);
            assert_int_equal(unlink(path), 0);
            free(path);
        }
    }
    memset(name, 'n', (size_t)most + 1);
    name[most + 1] = '\0';
    char *path = join(directory, name);
    ks_error err;
    assert_int_equal(ks_export_csv(model, path, NULL, &err), KS_EIO);
    assert_failure_names(&err, name, ENAMETOOLONG);
    assert_int_equal(entries_in(directory), 0);
    free(path);
    free(expected);
    ks_model_free(model);
}

/* ---- failures leave the old file ------------------------------------------------------ */

/* Run `body` in a child process (as "nobody" when we are root, for whom
 * permissions do not hold); its exit status. */
static int in_child(int (*body)(const char *), const char *argument,
                    int drop_root)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (drop_root && geteuid() == 0
            && (setgid(65534) != 0 || setuid(65534) != 0))
            child_done(90);
        child_done(body(argument));
    }
    return reap(pid);
}

/* 0: refused with the path and EACCES's text; else what went wrong. */
static int export_refused_for_access(const char *path)
{
    ks_model *model = small_model();
    ks_error err;
    ks_status status = ks_export_csv(model, path, NULL, &err);
    ks_model_free(model);
    if (status != KS_EIO)
        return 10;
    if (!strstr(err.message, path))
        return 11;
    return strstr(err.message, strerror(EACCES)) ? 0 : 12;
}

static void test_read_only_directory(void **state)
{
    (void)state;
    const char *directory = scratch("read-only");
    char *path = join(directory, "values.csv");
    write_file(path, "old contents\n");
    /* root's child drops to nobody, who may enter but not write */
    assert_int_equal(chmod(directory, 0555), 0);
    int result = in_child(export_refused_for_access, path, 1);
    assert_int_equal(chmod(directory, 0755), 0);
    if (result == 90)
        skip_unless_ci("could not drop to user nobody: case not run");
    assert_int_equal(result, 0);
    assert_file_is(path, "old contents\n");
    assert_int_equal(entries_in(directory), 1);
    free(path);
}

/* 0: the export failed on the file size limit with EFBIG's text. */
static int export_over_size_limit(const char *path)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = { 64, 64 };
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
        return 20;
    ks_model *model = small_model();
    ks_error err;
    ks_status status = ks_export_csv(model, path, &every_cell, &err);
    ks_model_free(model);
    if (status != KS_EIO)
        return 21;
    if (!strstr(err.message, path))
        return 22;
    return strstr(err.message, strerror(EFBIG)) ? 0 : 23;
}

static void test_write_failure_keeps_old_file(void **state)
{
    (void)state;
    const char *directory = scratch("file-size");
    char *path = join(directory, "values.csv");
    write_file(path, "old contents\n");
    assert_int_equal(in_child(export_over_size_limit, path, 0), 0);
    assert_file_is(path, "old contents\n");
    assert_int_equal(entries_in(directory), 1);
    free(path);
}

/* Made a directory between begin and commit: the rename fails (EISDIR),
 * the directory and what is in it stay, and no temporary is left. */
static void test_rename_failure(void **state)
{
    (void)state;
    const char *directory = scratch("rename");
    char *path = join(directory, "out.csv");
    ks_atomic_file file;
    ks_error err;
    assert_int_equal(ks_atomic_begin(&file, NULL, path, &err), KS_OK);
    assert_true(fputs("new\n", file.out) >= 0);
    assert_int_equal(mkdir(path, 0755), 0);
    char *kept = join(path, "kept");
    write_file(kept, "kept\n");
    assert_int_equal(ks_atomic_commit(&file, &err), KS_EIO);
    ks_atomic_end(&file);
    assert_failure_names(&err, path, EISDIR);
    assert_file_is(kept, "kept\n");
    assert_int_equal(entries_in(directory), 1);
    /* and an abandoned file (no commit) leaves the old one as it was */
    char *other = join(directory, "other.csv");
    write_file(other, "old\n");
    assert_int_equal(ks_atomic_begin(&file, NULL, other, &err), KS_OK);
    assert_true(fputs("new\n", file.out) >= 0);
    ks_atomic_end(&file);
    assert_file_is(other, "old\n");
    assert_int_equal(entries_in(directory), 2);
    free(other);
    free(kept);
    free(path);
}

/* ---- killed writers ----------------------------------------------------------------- */

/* A pid that no process has now: a child that has exited and been
 * reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child_done(0);
    wait_ok(pid);
    assert_int_equal(kill(pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    return pid;
}

static char *temporary_of(const char *directory, const char *name, long pid,
                          const char *letters)
{
    char entry[512];
    snprintf(entry, sizeof entry, "%s.tmp.%ld.%s", name, pid, letters);
    return join(directory, entry);
}

/* A child holding a lock on its temporary of values.csv in `directory`
 * (named with `pid`, or 0 for the child's own), as a live writer does; it
 * says so on `ready` and waits to be killed. */
static pid_t hold_locked(const char *directory, long pid,
                         const char *letters, int ready)
{
    pid_t child = fork();
    assert_true(child >= 0);
    if (child > 0)
        return child;
    alarm(60); /* gone even if the test fails before killing it */
    char *path = temporary_of(directory, "values.csv",
                              pid ? pid : (long)getpid(), letters);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    free(path);
    struct flock lock;
    memset(&lock, 0, sizeof lock);
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fd < 0 || fcntl(fd, F_SETLK, &lock) != 0 || write(ready, "r", 1) != 1)
        child_done(4);
    for (;;)
        pause();
}

static void await(int ready)
{
    char byte;
    assert_int_equal(read(ready, &byte, 1), 1);
}

static void kill_and_reap(pid_t pid)
{
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
}

static void test_stale_temporaries_removed_live_ones_kept(void **state)
{
    (void)state;
    const char *directory = scratch("stale");
    ks_model *model = small_model();
    char *expected = expected_export(model, directory);
    char *path = join(directory, "values.csv");
    write_file(path, "old contents\n");
    long dead = (long)dead_pid();
    char *stale = temporary_of(directory, "values.csv", dead, "Ab3dEf");
    write_file(stale, "half a file");
    /* not of the pattern, or of another name: never touched */
    char *strangers[5] = {
        temporary_of(directory, "values.csv", dead, "toolong7"),
        temporary_of(directory, "values.csv", dead, "ab.def"),
        temporary_of(directory, "other.csv", dead, "Ab3dEf"),
        join(directory, "values.csv.tmp.x.Ab3dEf"),
        /* this process's own pid: alive */
        temporary_of(directory, "values.csv", (long)getpid(), "Mine01"),
    };
    for (int i = 0; i < 5; i++)
        write_file(strangers[i], "someone else's\n");
    /* of the pattern with a dead pid, but not a file: a link to a file
     * (never followed: the file it leads to is not touched) and a FIFO
     * (never opened so as to block) are left */
    char *victim = join(directory, "victim");
    write_file(victim, "not to be touched\n");
    char *planted_link = temporary_of(directory, "values.csv", dead,
                                      "Link01");
    assert_int_equal(symlink("victim", planted_link), 0);
    char *planted_fifo = temporary_of(directory, "values.csv", dead,
                                      "Fifo01");
    assert_int_equal(mkfifo(planted_fifo, 0600), 0);
    /* a live writer's, and one with a dead pid that a live process holds
     * locked (a pid namespace of its own, say) */
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t live = hold_locked(directory, 0, "Live01", ready[1]);
    await(ready[0]);
    pid_t holder = hold_locked(directory, dead, "Lock01", ready[1]);
    await(ready[0]);
    char *lived = temporary_of(directory, "values.csv", (long)live,
                               "Live01");
    char *locked = temporary_of(directory, "values.csv", dead, "Lock01");

    export_ok(model, path);
    assert_file_is(path, expected);
    assert_false(exists(stale));
    assert_true(exists(lived));
    assert_true(exists(locked));
    for (int i = 0; i < 5; i++)
        assert_true(exists(strangers[i]));

    /* once they are killed, the next writer removes theirs */
    kill_and_reap(live);
    kill_and_reap(holder);
    export_ok(model, path);
    assert_false(exists(lived));
    assert_false(exists(locked));
    for (int i = 0; i < 5; i++) {
        assert_true(exists(strangers[i]));
        assert_int_equal(unlink(strangers[i]), 0);
        free(strangers[i]);
    }
    assert_int_equal(kind_of(planted_link), S_IFLNK);
    assert_int_equal(kind_of(planted_fifo), S_IFIFO);
    assert_file_is(victim, "not to be touched\n");
    assert_int_equal(unlink(planted_link), 0);
    assert_int_equal(unlink(planted_fifo), 0);
    assert_int_equal(unlink(victim), 0);
    free(planted_link);
    free(planted_fifo);
    free(victim);
    assert_int_equal(entries_in(directory), 1);
    close(ready[0]);
    close(ready[1]);
    free(lived);
    free(locked);
    free(stale);
    free(path);
    free(expected);
    ks_model_free(model);
}

/* A writer killed part way (a megabyte written, not committed): the old
 * file is as it was, and after the next export no temporary is left. */
static void test_killed_writer_leaves_nothing_for_good(void **state)
{
    (void)state;
    const char *directory = scratch("killed");
    ks_model *model = small_model();
    char *expected = expected_export(model, directory);
    char *path = join(directory, "values.csv");
    write_file(path, "old contents\n");
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t writer = fork();
    assert_true(writer >= 0);
    if (writer == 0) {
        alarm(60);
        ks_atomic_file file;
        ks_error err;
        if (ks_atomic_begin(&file, NULL, path, &err) != KS_OK)
            child_done(5);
        for (int i = 0; i < 1 << 16; i++)
            fputs("0123456789abcdef", file.out);
        if (fflush(file.out) != 0 || write(ready[1], "r", 1) != 1)
            child_done(6);
        for (;;)
            pause();
    }
    await(ready[0]);
    kill_and_reap(writer);
    int left = temporaries_in(directory);
    print_message("  a writer killed part way left %d temporary file(s) "
                  "(none where O_TMPFILE works)\n", left);
    assert_true(left <= 1);
    assert_file_is(path, "old contents\n");
    export_ok(model, path);
    assert_file_is(path, expected);
    assert_int_equal(temporaries_in(directory), 0);
    assert_int_equal(entries_in(directory), 1);
    close(ready[0]);
    close(ready[1]);
    free(path);
    free(expected);
    ks_model_free(model);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_written_in_place),
        cmocka_unit_test(test_fifo_without_reader_is_interruptible),
        cmocka_unit_test(test_character_devices_written_in_place),
        cmocka_unit_test(test_block_device_and_socket_refused),
        cmocka_unit_test(test_mode_and_owner_kept),
        cmocka_unit_test(test_link_written_through_and_kept),
        cmocka_unit_test(test_dangling_link_and_loop_refused),
        cmocka_unit_test(test_directory_refused),
        cmocka_unit_test(test_longest_names),
        cmocka_unit_test(test_read_only_directory),
        cmocka_unit_test(test_write_failure_keeps_old_file),
        cmocka_unit_test(test_rename_failure),
        cmocka_unit_test(test_stale_temporaries_removed_live_ones_kept),
        cmocka_unit_test(test_killed_writer_leaves_nothing_for_good),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
