/*
 * atomic_file.c -- files written whole or not at all (atomic_file.h):
 * what the path names (a file to replace, one written in place, or one
 * refused); the temporary's name, fitted to the directory's NAME_MAX; the
 * removal of temporaries that killed writers left; begin, commit, end.
 */
#define _GNU_SOURCE /* O_TMPFILE (Linux); without it, named temporaries only */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/atomic_file.h"

/* A temporary is PREFIX PID "." LETTERS, PREFIX being "NAME.tmp." */
#define TMP_MARK ".tmp."
#define PID_DIGITS_MAX 10
#define LETTERS 6
#define SUFFIX_MAX (sizeof TMP_MARK - 1 + PID_DIGITS_MAX + 1 + LETTERS)
#define HASH_DIGITS 8
#define NAME_ATTEMPTS 100
#define FIFO_POLL_NS 10000000L /* 10 ms between looks for a FIFO's reader */

ks_status ks_io_failure(const char *path, const char *what, ks_error *err)
{
    return ks_error_set(err, KS_EIO, "%s: %s: %s", path, what,
                        strerror(errno));
}

static ks_status out_of_memory(const char *path, ks_error *err)
{
    return ks_error_set(err, KS_ENOMEM, "%s: out of memory", path);
}

/* ---- what the path names ------------------------------------------------ */

typedef enum target_kind {
    TARGET_REPLACED, /* a regular file (or none yet): renamed over        */
    TARGET_IN_PLACE  /* a FIFO or character device: opened and written    */
} target_kind;

typedef struct target {
    target_kind kind;
    char *replaced; /* the file renamed over: the path or its link's end  */
    mode_t mode;    /* the mode the new file gets                         */
    uid_t owner;    /* the old file's owner and group, or -1 for none     */
    gid_t group;
} target;

static const char *refused_kind(mode_t mode)
{
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "neither a file, a FIFO nor a character device";
}

/* A link to a regular file is written through: the file it leads to is
 * replaced.  Its resolved name must name that same file (a link of /proc
 * to a deleted file has no name to rename over). */
static ks_status follow_link(const ks_allocator *alloc, const char *path,
                             const struct stat *linked, target *out,
                             ks_error *err)
{
    char *resolved = realpath(path, NULL);
    if (!resolved)
        return ks_io_failure(path, "cannot follow the symbolic link", err);
    struct stat info;
    ks_status status = KS_OK;
    if (stat(resolved, &info) != 0 || info.st_dev != linked->st_dev
        || info.st_ino != linked->st_ino)
        status = ks_error_set(err, KS_EIO, "%s: a symbolic link to a file "
                              "with no name of its own (%s): not written "
                              "through", path, resolved);
    else if (!(out->replaced = ks_mem_strdup(alloc, resolved)))
        status = out_of_memory(path, err);
    free(resolved);
    return status;
}

static ks_status classify(const ks_allocator *alloc, const char *path,
                          target *out, ks_error *err)
{
    *out = (target){ TARGET_REPLACED, NULL, 0644, (uid_t)-1, (gid_t)-1 };
    struct stat info, link;
    if (stat(path, &info) != 0) {
        if (errno != ENOENT)
            return ks_io_failure(path, "cannot write", err);
        if (lstat(path, &link) == 0 && S_ISLNK(link.st_mode))
            return ks_io_failure(path, "a symbolic link to nothing is not "
                                       "written through", err);
        out->replaced = ks_mem_strdup(alloc, path);
        return out->replaced ? KS_OK : out_of_memory(path, err);
    }
    if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)) {
        out->kind = TARGET_IN_PLACE;
        return KS_OK;
    }
    if (S_ISDIR(info.st_mode)) {
        errno = EISDIR;
        return ks_io_failure(path, "cannot write over a directory", err);
    }
    if (!S_ISREG(info.st_mode))
        return ks_error_set(err, KS_EIO, "%s: refusing to write over %s",
                            path, refused_kind(info.st_mode));
    out->mode = info.st_mode & 07777;
    out->owner = info.st_uid;
    out->group = info.st_gid;
    if (lstat(path, &link) != 0)
        return ks_io_failure(path, "cannot write", err);
    if (S_ISLNK(link.st_mode))
        return follow_link(alloc, path, &info, out, err);
    out->replaced = ks_mem_strdup(alloc, path);
    return out->replaced ? KS_OK : out_of_memory(path, err);
}

/* ---- writing in place ----------------------------------------------------- */

static int is_fifo(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISFIFO(info.st_mode);
}

/* The descriptor opened must still be a FIFO or a device (not a file put
 * there meanwhile); then blocking writes, as any writer's. */
static ks_status adopt_in_place(ks_atomic_file *file, int fd, ks_error *err)
{
    struct stat info;
    if (fstat(fd, &info) != 0) {
        ks_status status = ks_io_failure(file->path, "cannot write", err);
        close(fd);
        return status;
    }
    if (!S_ISFIFO(info.st_mode) && !S_ISCHR(info.st_mode)) {
        close(fd);
        return ks_error_set(err, KS_EIO, "%s: replaced by another kind of "
                            "file while being opened", file->path);
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1
        || !(file->out = fdopen(fd, "w"))) {
        ks_status status = ks_io_failure(file->path, "cannot write", err);
        close(fd);
        return status;
    }
    return KS_OK;
}

/* A FIFO with no reader refuses a non-blocking open (ENXIO): look again
 * every 10 ms until one comes or the host interrupts. */
static ks_status open_in_place(ks_atomic_file *file, ks_error *err)
{
    for (;;) {
        int fd = open(file->path, O_WRONLY | O_NOCTTY | O_CLOEXEC
                                  | O_NONBLOCK);
        if (fd >= 0)
            return adopt_in_place(file, fd, err);
        if (errno != ENXIO || !is_fifo(file->path))
            return ks_io_failure(file->path, "cannot open for writing", err);
        if (ks_interrupted(file->alloc))
            return ks_error_set(err, KS_EINTERRUPTED, "%s: interrupted "
                                "while waiting for a reader", file->path);
        struct timespec pause = { 0, FIFO_POLL_NS };
        nanosleep(&pause, NULL);
    }
}

/* ---- temporary names -------------------------------------------------------- */

static uint32_t name_hash(const char *name)
{
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        hash = (hash ^ *c) * 16777619u;
    return hash;
}

/* "NAME.tmp.", or when NAME and the longest suffix exceed name_max,
 * "SHORT~HASH.tmp." with SHORT cut at a UTF-8 character's start. */
static char *temporary_prefix(const ks_allocator *alloc, const char *name,
                              long name_max)
{
    size_t length = strlen(name);
    size_t keep = length;
    int hashed = length + SUFFIX_MAX > (size_t)name_max;
    if (hashed) {
        size_t room = (size_t)name_max - SUFFIX_MAX - 1 - HASH_DIGITS;
        keep = (size_t)name_max > SUFFIX_MAX + 1 + HASH_DIGITS ? room : 0;
        while (keep > 0 && ((unsigned char)name[keep] & 0xC0) == 0x80)
            keep--;
    }
    size_t size = keep + 1 + HASH_DIGITS + sizeof TMP_MARK;
    char *prefix = ks_mem_alloc(alloc, size);
    if (!prefix)
        return NULL;
    memcpy(prefix, name, keep);
    if (hashed)
        snprintf(prefix + keep, size - keep, "~%08x" TMP_MARK,
                 (unsigned)name_hash(name));
    else
        memcpy(prefix + keep, TMP_MARK, sizeof TMP_MARK);
    return prefix;
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t random_seed(const void *salt)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 30)
           ^ ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)salt;
}

/* PREFIX PID "." six random letters, into `name` (room for SUFFIX_MAX). */
static void temporary_name(char *name, const char *prefix, uint64_t *state)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "abcdefghijklmnopqrstuvwxyz0123456789";
    int at = sprintf(name, "%s%ld.", prefix, (long)getpid());
    uint64_t bits = next_random(state);
    for (int i = 0; i < LETTERS; i++, bits /= sizeof letters - 1)
        name[at + i] = letters[bits % (sizeof letters - 1)];
    name[at + LETTERS] = '\0';
}

/* ---- temporaries that killed writers left ----------------------------------- */

/* Whether `entry` is PREFIX PID "." LETTERS; its pid in *pid. */
static int is_temporary(const char *entry, const char *prefix, long *pid)
{
    size_t length = strlen(prefix);
    if (strncmp(entry, prefix, length) != 0)
        return 0;
    const char *digits = entry + length, *c = digits;
    while (*c >= '0' && *c <= '9')
        c++;
    if (c == digits || c - digits > PID_DIGITS_MAX || *c != '.')
        return 0;
    const char *letters = c + 1;
    for (c = letters; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')
              || (*c >= '0' && *c <= '9')))
            return 0;
    if (c - letters != LETTERS)
        return 0;
    *pid = strtol(digits, NULL, 10);
    return 1;
}

/* Gone for sure: no process has that pid (a pid in use again, or not ours
 * to signal, counts as alive). */
static int writer_gone(long pid)
{
    if (pid <= 0 || pid > INT_MAX || pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* A writer holds a lock on its temporary while it lives; the kernel drops
 * it when the writer dies.  Removed: a regular file whose pid is gone and
 * on which a lock can be had.  Best effort: a failure leaves the file. */
static void remove_if_abandoned(int directory, const char *entry)
{
    int fd = openat(directory, entry, O_WRONLY | O_NOFOLLOW | O_CLOEXEC
                                      | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return;
    struct stat info;
    struct flock lock;
    memset(&lock, 0, sizeof lock);
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)
        && fcntl(fd, F_SETLK, &lock) == 0)
        unlinkat(directory, entry, 0);
    close(fd);
}

static void remove_stale_temporaries(int directory, const char *prefix)
{
    int listing = fcntl(directory, F_DUPFD_CLOEXEC, 0);
    if (listing < 0)
        return;
    DIR *dir = fdopendir(listing);
    if (!dir) {
        close(listing);
        return;
    }
    struct dirent *entry;
    long pid;
    while ((entry = readdir(dir)) != NULL)
        if (is_temporary(entry->d_name, prefix, &pid) && writer_gone(pid))
            remove_if_abandoned(directory, entry->d_name);
    closedir(dir);
}

/* ---- the temporary file ------------------------------------------------------ */

static void lock_while_writing(int fd)
{
    struct flock lock;
    memset(&lock, 0, sizeof lock);
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    (void)fcntl(fd, F_SETLK, &lock); /* none (ENOLCK): cleaners skip it */
}

/* An unnamed file in the directory, if the file system has them and
 * /proc can name it later (linkat through /proc/self/fd); else -1. */
static int open_unnamed(int directory)
{
#ifdef O_TMPFILE
    /* read and write: copied from if it cannot be linked (copy_to_named) */
    int fd = openat(directory, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (access(proc, F_OK) != 0) {
        close(fd);
        return -1;
    }
    return fd;
#else
    (void)directory;
    return -1;
#endif
}

/* A new file PREFIX PID.XXXXXX, named in file->temporary (room made by
 * the caller).  -1 (errno set) on failure. */
static int create_named(ks_atomic_file *file)
{
    uint64_t state = random_seed(file);
    for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
        temporary_name(file->temporary, file->prefix, &state);
        int fd = openat(file->directory, file->temporary,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* The unnamed file linked into the directory under file->temporary (a
 * rename cannot take an unnamed file, a link cannot replace one). */
static int name_unnamed(ks_atomic_file *file, int fd)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    uint64_t state = random_seed(file);
    for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
        temporary_name(file->temporary, file->prefix, &state);
        if (linkat(AT_FDCWD, proc, file->directory, file->temporary,
                   AT_SYMLINK_FOLLOW) == 0) {
            file->unnamed = 0;
            return 0;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

static int write_all(int fd, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t wrote = write(fd, data, size);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote < 0)
            return -1;
        data += wrote;
        size -= (size_t)wrote;
    }
    return 0;
}

/* Where the unnamed file cannot be linked after all (a /proc that does not
 * link, a name taken 100 times): its contents copied to a named temporary,
 * with its mode and owner, and synced.  0, or -1 with errno set (the named
 * temporary, if made, is left to ks_atomic_end). */
static int copy_to_named(ks_atomic_file *file, int from)
{
    struct stat info;
    if (fstat(from, &info) != 0)
        return -1;
    int to = create_named(file);
    if (to < 0)
        return -1;
    file->unnamed = 0;
    lock_while_writing(to);
    (void)fchown(to, info.st_uid, info.st_gid);
    (void)fchmod(to, info.st_mode & 07777);
    char buffer[16384];
    off_t at = 0;
    int failed = 0;
    for (;;) {
        ssize_t got = pread(from, buffer, sizeof buffer, at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            failed = got < 0;
            break;
        }
        if (write_all(to, buffer, (size_t)got) != 0) {
            failed = 1;
            break;
        }
        at += got;
    }
    if (!failed && fsync(to) != 0)
        failed = 1;
    int saved = errno;
    close(to);
    errno = saved;
    return failed ? -1 : 0;
}

/* The directory of `replaced` opened, and its last name kept. */
static ks_status open_directory(ks_atomic_file *file, char *replaced,
                                ks_error *err)
{
    char *slash = strrchr(replaced, '/');
    const char *name = slash ? slash + 1 : replaced;
    if (!*name) {
        errno = EISDIR;
        return ks_io_failure(file->path, "cannot write over a directory",
                             err);
    }
    if (!(file->name = ks_mem_strdup(file->alloc, name)))
        return out_of_memory(file->path, err);
    const char *directory = ".";
    if (slash == replaced)
        directory = "/";
    else if (slash) {
        *slash = '\0';
        directory = replaced;
    }
    file->directory = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (file->directory < 0)
        return ks_io_failure(file->path, "cannot create a temporary file",
                             err);
    return KS_OK;
}

static long name_max(int directory)
{
    long most = fpathconf(directory, _PC_NAME_MAX);
    return most > 0 && most < 65536 ? most : NAME_MAX;
}

static ks_status create_temporary(ks_atomic_file *file, const target *what,
                                  ks_error *err)
{
    file->prefix = temporary_prefix(file->alloc, file->name,
                                    name_max(file->directory));
    if (!file->prefix)
        return out_of_memory(file->path, err);
    /* the name's room now: nothing is allocated once written */
    file->temporary = ks_mem_alloc(file->alloc, strlen(file->prefix)
                                                + SUFFIX_MAX + 1);
    if (!file->temporary)
        return out_of_memory(file->path, err);
    remove_stale_temporaries(file->directory, file->prefix);
    int fd = open_unnamed(file->directory);
    file->unnamed = fd >= 0;
    if (fd < 0 && (fd = create_named(file)) < 0) {
        ks_status status = ks_io_failure(file->path, "cannot create a "
                                         "temporary file", err);
        ks_mem_free(file->alloc, file->temporary); /* not ours to remove */
        file->temporary = NULL;
        return status;
    }
    lock_while_writing(fd);
    /* owner, group and mode kept as far as the writer may set them (the
     * owner before the mode: a change of owner clears set-id bits) */
    if (what->owner != (uid_t)-1)
        (void)fchown(fd, what->owner, what->group);
    (void)fchmod(fd, what->mode);
    if (!(file->out = fdopen(fd, "w"))) {
        ks_status status = ks_io_failure(file->path, "cannot write", err);
        close(fd);
        return status;
    }
    return KS_OK;
}

/* ---- begin, commit, end ------------------------------------------------------ */

ks_status ks_atomic_begin(ks_atomic_file *file, const ks_allocator *alloc,
                          const char *path, ks_error *err)
{
    *file = (ks_atomic_file){ .alloc = alloc, .path = path,
                              .directory = -1 };
    if (!path || !*path)
        return ks_error_set(err, KS_EINVAL, "no path to write to");
    target what;
    ks_status status = classify(alloc, path, &what, err);
    if (status == KS_OK && what.kind == TARGET_IN_PLACE)
        status = open_in_place(file, err);
    else if (status == KS_OK) {
        status = open_directory(file, what.replaced, err);
        if (status == KS_OK)
            status = create_temporary(file, &what, err);
    }
    ks_mem_free(alloc, what.replaced);
    if (status != KS_OK)
        ks_atomic_end(file);
    return status;
}

/* Flushed, and synced when it is a file of its own. */
static int write_out(ks_atomic_file *file)
{
    if (fflush(file->out) != 0)
        return -1;
    if (ferror(file->out)) {
        errno = EIO;
        return -1;
    }
    return file->directory < 0 ? 0 : fsync(fileno(file->out));
}

/* A directory's fsync that the file system does not do is not a failure. */
static int sync_directory(int directory)
{
    if (fsync(directory) == 0 || errno == EINVAL || errno == EROFS
        || errno == ENOTSUP)
        return 0;
    return -1;
}

ks_status ks_atomic_commit(ks_atomic_file *file, ks_error *err)
{
    if (!file->out)
        return ks_error_set(err, KS_EINVAL, "%s: not open", file->path);
    if (write_out(file) != 0)
        return ks_io_failure(file->path, "cannot write", err);
    if (file->directory < 0) {
        FILE *out = file->out;
        file->out = NULL;
        return fclose(out) == 0 ? KS_OK
                                : ks_io_failure(file->path, "cannot write",
                                                err);
    }
    if (file->unnamed && name_unnamed(file, fileno(file->out)) != 0
        && copy_to_named(file, fileno(file->out)) != 0)
        return ks_io_failure(file->path, "cannot name the temporary file",
                             err);
    if (renameat(file->directory, file->temporary, file->directory,
                 file->name) != 0)
        return ks_io_failure(file->path, "cannot rename the temporary file "
                                         "into place", err);
    ks_mem_free(file->alloc, file->temporary);
    file->temporary = NULL;
    FILE *out = file->out;
    file->out = NULL;
    int closed = fclose(out) == 0;
    if (!closed || sync_directory(file->directory) != 0)
        return ks_io_failure(file->path, "written, but not synced to disk",
                             err);
    return KS_OK;
}

/* The temporary's name goes before its descriptor, so that it is never
 * there unlocked while this writer lives. */
void ks_atomic_end(ks_atomic_file *file)
{
    if (file->temporary && !file->unnamed && file->directory >= 0)
        unlinkat(file->directory, file->temporary, 0);
    if (file->out)
        fclose(file->out);
    if (file->directory >= 0)
        close(file->directory);
    ks_mem_free(file->alloc, file->temporary);
    ks_mem_free(file->alloc, file->prefix);
    ks_mem_free(file->alloc, file->name);
    *file = (ks_atomic_file){ .alloc = file->alloc, .path = file->path,
                              .directory = -1 };
}

ks_status ks_atomic_write(const ks_allocator *alloc, const char *path,
                          ks_atomic_writer write, void *context,
                          ks_error *err)
{
    if (!path || !*path)
        return ks_error_set(err, KS_EINVAL, "no path to export to");
    ks_atomic_file file;
    ks_status status = ks_atomic_begin(&file, alloc, path, err);
    if (status == KS_OK)
        status = write(file.out, context, err);
    if (status == KS_OK)
        status = ks_atomic_commit(&file, err);
    ks_atomic_end(&file);
    return status;
}
