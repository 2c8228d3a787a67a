/*
 * host_paths.c -- where the files of a sandboxed script may be: inside the
 * directories the command line allows (the working directory, the
 * script's directory or the model, and each --allow DIR), each resolved
 * once with realpath.  A path is resolved the same way before each use:
 * an existing path to its realpath (symlinks followed to their target), a
 * new file to the realpath of its directory plus its name; it is allowed
 * when that lies inside one allowed directory, compared component by
 * component (/a/bc is not inside /a/b).  A file to write may not be a
 * symlink, nor named "." or "..".  A directory to read (a model, whose
 * files the engine opens one by one) may hold no model file that is a
 * symbolic link leading outside.  The binding asks before every file it reads or writes
 * (lk_host_paths); the sandbox's `require` asks too.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/host.h"

#define HOST_ROOTS_MAX (HOST_ALLOW_MAX + 2)

struct host_paths {
    lk_host_paths hook;            /* check + this, for the binding        */
    char *roots[HOST_ROOTS_MAX];   /* realpaths, no trailing '/' but "/"   */
    int count;
};

/* ---- resolving ---------------------------------------------------------- */

/* The realpath of `dir` with `name` appended; NULL and why. */
static char *host_join_real(const char *dir, const char *name, char *why,
                            size_t size)
{
    char *real = realpath(dir, NULL);
    if (!real) {
        snprintf(why, size, "cannot resolve its directory '%.200s' (%s)",
                 dir, strerror(errno));
        return NULL;
    }
    size_t length = strlen(real);
    int root = length == 1 && real[0] == '/';
    char *joined = malloc(length + strlen(name) + 2);
    if (!joined) {
        free(real);
        snprintf(why, size, "not enough memory");
        return NULL;
    }
    sprintf(joined, "%s%s%s", real, root ? "" : "/", name);
    free(real);
    return joined;
}

/* A path not yet there (or to be written): its directory's realpath and
 * its last component, which must name a file. */
static char *host_resolve_new(const char *path, char *why, size_t size)
{
    size_t length = strlen(path);
    if (length > 0 && path[length - 1] == '/') {
        snprintf(why, size, "names a directory, not a file");
        return NULL;
    }
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        snprintf(why, size, "names a directory, not a file");
        return NULL;
    }
    if (!slash)
        return host_join_real(".", name, why, size);
    size_t dir_length = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(dir_length + 1);
    if (!dir) {
        snprintf(why, size, "not enough memory");
        return NULL;
    }
    memcpy(dir, path, dir_length);
    dir[dir_length] = '\0';
    char *joined = host_join_real(dir, name, why, size);
    free(dir);
    return joined;
}

/* Where `path` leads (malloc'd), or NULL and why. */
static char *host_resolve(const char *path, lk_path_access access, char *why,
                          size_t size)
{
    if (path[0] == '\0') {
        snprintf(why, size, "an empty file name");
        return NULL;
    }
    if (access == LK_PATH_WRITE) {
        struct stat info;
        if (lstat(path, &info) == 0 && S_ISLNK(info.st_mode)) {
            snprintf(why, size, "a symbolic link: the sandbox does not "
                     "write through links");
            return NULL;
        }
        return host_resolve_new(path, why, size);
    }
    char *real = realpath(path, NULL);
    if (real)
        return real;
    if (errno != ENOENT) {
        snprintf(why, size, "cannot resolve it (%s)", strerror(errno));
        return NULL;
    }
    return host_resolve_new(path, why, size);
}

/* Whether `path` (resolved) is `root` or lies under it. */
static int host_inside(const char *path, const char *root)
{
    size_t length = strlen(root);
    if (length == 1 && root[0] == '/')
        return path[0] == '/';
    return strncmp(path, root, length) == 0 &&
           (path[length] == '\0' || path[length] == '/');
}

/* "/w, /w/data" into buf, shortened with "..." when it does not fit. */
static void host_list_roots(const host_paths *paths, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < paths->count && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         paths->roots[i]);
        if (n < 0 || (size_t)n >= size - used) {
            if (size > 4)
                memcpy(buf + size - 4, "...", 4);
            return;
        }
        used += (size_t)n;
    }
}

static int host_allowed(const host_paths *paths, const char *resolved)
{
    for (int i = 0; i < paths->count; i++)
        if (host_inside(resolved, paths->roots[i]))
            return 1;
    return 0;
}

/* Whether the engine reads `name` from a model directory: settings.csv,
 * items.csv, values*.csv, printed.csv, notes.csv (docs/formats.md). */
static int host_model_file(const char *name)
{
    static const char *const files[] = {"settings.csv", "items.csv",
                                        "printed.csv", "notes.csv", NULL};
    for (int i = 0; files[i]; i++)
        if (strcmp(name, files[i]) == 0)
            return 1;
    size_t length = strlen(name);
    return strncmp(name, "values", 6) == 0 && length >= 10 &&
           strcmp(name + length - 4, ".csv") == 0;
}

/* A directory read (a model) is read file by file by the engine: each of
 * its model files that is a symbolic link must lead inside too.  0, or
 * -1 and why. */
static int host_check_entries(const host_paths *paths, const char *dir,
                              char *message, size_t size)
{
    DIR *stream = opendir(dir);
    if (!stream)
        return 0; /* opening it fails later, with the engine's message */
    int refused = 0;
    struct dirent *entry;
    while (!refused && (entry = readdir(stream)) != NULL) {
        char path[PATH_MAX];
        struct stat info;
        int n = snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (!host_model_file(entry->d_name) || n < 0 ||
            (size_t)n >= sizeof path ||
            lstat(path, &info) != 0 || !S_ISLNK(info.st_mode))
            continue;
        char *target = realpath(path, NULL);
        if (!target) {
            snprintf(message, size, "holds '%.200s', a symbolic link that "
                     "leads nowhere", entry->d_name);
            refused = 1;
        } else if (!host_allowed(paths, target)) {
            snprintf(message, size, "holds '%.200s', a symbolic link to "
                     "%.300s, outside the directories this sandbox allows",
                     entry->d_name, target);
            refused = 1;
        }
        free(target);
    }
    closedir(stream);
    return refused ? -1 : 0;
}

int host_paths_check(const host_paths *paths, const char *path,
                     lk_path_access access, char *message, size_t size)
{
    char why[512];
    char *resolved = host_resolve(path, access, why, sizeof why);
    if (!resolved) {
        snprintf(message, size, "%s", why);
        return -1;
    }
    if (host_allowed(paths, resolved)) {
        struct stat info;
        int status = 0;
        if (access == LK_PATH_READ && stat(resolved, &info) == 0 &&
            S_ISDIR(info.st_mode))
            status = host_check_entries(paths, resolved, message, size);
        free(resolved);
        return status;
    }
    /* the roots get what the rest leaves of the message */
    static const char tail[] = "); --allow DIR adds one";
    char head[PATH_MAX + 64] = "";
    if (strcmp(resolved, path) != 0)
        snprintf(head, sizeof head, "resolves to %s, ", resolved);
    snprintf(message, size,
             "%soutside the directories this sandbox allows (", head);
    size_t used = strlen(message);
    if (used + sizeof tail < size) {
        host_list_roots(paths, message + used,
                        size - used - (sizeof tail - 1));
        strcat(message, tail);
    }
    free(resolved);
    return -1;
}

static int host_paths_hook_check(void *user_data, const char *path,
                                 lk_path_access access, char *message,
                                 size_t size)
{
    return host_paths_check(user_data, path, access, message, size);
}

/* ---- the allowed directories -------------------------------------------- */

int host_paths_directory(const char *dir, char *message, size_t size)
{
    struct stat info;
    if (stat(dir, &info) != 0) {
        snprintf(message, size, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(info.st_mode)) {
        snprintf(message, size, "not a directory");
        return -1;
    }
    return 0;
}

/* Add the realpath of `dir` (once); 0, or -1 after reporting why. */
static int host_paths_add(host_paths *paths, const char *dir,
                          const char *what)
{
    char why[256];
    if (host_paths_directory(dir, why, sizeof why) != 0) {
        host_error(NULL, "%s '%s': %s", what, dir, why);
        return -1;
    }
    char *real = realpath(dir, NULL);
    if (!real) {
        host_error(NULL, "%s '%s': %s", what, dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < paths->count; i++)
        if (strcmp(paths->roots[i], real) == 0) {
            free(real);
            return 0;
        }
    if (paths->count >= HOST_ROOTS_MAX) {
        free(real);
        host_error(NULL, "more than %d allowed directories", HOST_ROOTS_MAX);
        return -1;
    }
    paths->roots[paths->count++] = real;
    return 0;
}

/* The directory a script is in ("." for "x.lua"). */
static int host_paths_add_parent(host_paths *paths, const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return host_paths_add(paths, ".", "the script's directory");
    size_t length = slash == file ? 1 : (size_t)(slash - file);
    char *dir = malloc(length + 1);
    if (!dir) {
        host_error(NULL, "not enough memory");
        return -1;
    }
    memcpy(dir, file, length);
    dir[length] = '\0';
    int status = host_paths_add(paths, dir, "the script's directory");
    free(dir);
    return status;
}

host_paths *host_paths_new(const host_limits *limits)
{
    host_paths *paths = calloc(1, sizeof *paths);
    if (!paths) {
        host_error(NULL, "not enough memory");
        return NULL;
    }
    paths->hook.check = host_paths_hook_check;
    paths->hook.user_data = paths;
    int failed = host_paths_add(paths, ".", "the working directory") != 0;
    if (!failed && limits->script)
        failed = host_paths_add_parent(paths, limits->script) != 0;
    /* a model that is not a directory fails to open with its own error */
    char why[256];
    if (!failed && limits->model &&
        host_paths_directory(limits->model, why, sizeof why) == 0)
        failed = host_paths_add(paths, limits->model, "the model") != 0;
    for (int i = 0; !failed && i < limits->allow_count; i++)
        failed = host_paths_add(paths, limits->allow[i], "--allow") != 0;
    if (failed) {
        host_paths_free(paths);
        return NULL;
    }
    return paths;
}

void host_paths_free(host_paths *paths)
{
    if (!paths)
        return;
    for (int i = 0; i < paths->count; i++)
        free(paths->roots[i]);
    free(paths);
}

const lk_host_paths *host_paths_hook(host_paths *paths)
{
    return &paths->hook;
}
