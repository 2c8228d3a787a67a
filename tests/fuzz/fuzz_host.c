/*
 * fuzz_host.c -- libFuzzer harness for the kessan program itself:
 * `kessan run --sandbox --timeout 0.2 --max-memory 64 SCRIPT OUTSIDE`,
 * the script made from the input.
 *
 * An input whose first byte is below 64 is the script's text as it is;
 * otherwise its bytes choose a sequence of attacks from the table below
 * (options and nested tables whose metamethods close or collect the model,
 * finalizers, coroutines and pcall loops around the timeout, long C calls,
 * NaN, infinite, huge and negative counts, NULs in strings, paths that
 * leave the allowed directories by absolute path, ../ and symlinks).
 *
 * Each script runs in a child process (the host ends a script it cannot
 * stop with _exit, and its limits are per process), in a box under
 * $TMPDIR:
 *     ROOT/box/work/     the working directory: the script, a copy of
 *                        tests/data/tiny, symlinks link_out -> ROOT/outside
 *                        and link_canary.csv -> ROOT/outside/canary.csv
 *     ROOT/outside/      canary.csv, a FIFO: must never change
 * A finding (abort, with the script on stderr): death by a signal, a
 * sanitizer report (the child's sanitizers exit with status 86), an exit
 * status other than 0 or 1, a run longer than the timeout + 1.5 s (killed
 * at 4 s), a change under ROOT/outside or beside the working directory,
 * or a temporary file left in the box.  The host is compiled into this
 * harness with its main() renamed (tests/fuzz/CMakeLists.txt); the
 * child's coverage does not reach libFuzzer, so the search is the
 * generator's.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/fuzz_scratch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int kessan_host_main(int argc, char **argv);
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

#define HOST_TIMEOUT "0.2"
#define HOST_TIMEOUT_S 0.2
#define SLACK_S 1.5
#define KILL_AFTER_S 4.0
#define SANITIZER_EXIT 86
#define SCRIPT_MAX (1 << 16)

/* A sanitizer report in the child must be told apart from a Lua error. */
const char *__asan_default_options(void)
{
    return "exitcode=86";
}

const char *__ubsan_default_options(void)
{
    return "exitcode=86";
}

static char root[FUZZ_PATH_MAX], work[FUZZ_PATH_MAX], outside[FUZZ_PATH_MAX];
static char box[FUZZ_PATH_MAX], log_path[FUZZ_PATH_MAX];
static char outside_before[8192];

static const char *const model_files[] = {"items.csv", "settings.csv",
                                          "values.csv", NULL};

/* ---- the box ----------------------------------------------------------- */

static void die(const char *what)
{
    fprintf(stderr, "fuzz_host: %s: %s\n", what, strerror(errno));
    abort();
}

static void join(char *out, const char *dir, const char *name)
{
    if ((size_t)snprintf(out, FUZZ_PATH_MAX, "%s/%s", dir, name)
        >= FUZZ_PATH_MAX)
        abort();
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    if (!in || !out)
        die(from);
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, in)) > 0)
        if (fwrite(buffer, 1, n, out) != n)
            die(to);
    fclose(in);
    if (fclose(out) != 0)
        die(to);
}

static void write_text(const char *path, const char *text, size_t size)
{
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(text, 1, size, out) != size || fclose(out) != 0)
        die(path);
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (dir) {
            struct dirent *entry;
            char child[FUZZ_PATH_MAX];
            while ((entry = readdir(dir)) != NULL) {
                if (strcmp(entry->d_name, ".") == 0 ||
                    strcmp(entry->d_name, "..") == 0)
                    continue;
                join(child, path, entry->d_name);
                remove_tree(child);
            }
            closedir(dir);
        }
        rmdir(path);
        return;
    }
    unlink(path);
}

/* The working directory as it starts: the model copy and the symlinks;
 * anything the last script left is removed. */
static void reset_work(void)
{
    char path[FUZZ_PATH_MAX], target[FUZZ_PATH_MAX];
    remove_tree(work);
    if (mkdir(work, 0700) != 0)
        die(work);
    join(path, work, "tiny");
    if (mkdir(path, 0700) != 0)
        die(path);
    for (int i = 0; model_files[i]; i++) {
        char from[FUZZ_PATH_MAX];
        join(from, KESSAN_SOURCE_DIR "/tests/data/tiny", model_files[i]);
        join(target, path, model_files[i]);
        copy_file(from, target);
    }
    join(path, work, "link_out");
    if (symlink(outside, path) != 0)
        die(path);
    join(path, work, "link_canary.csv");
    join(target, outside, "canary.csv");
    if (symlink(target, path) != 0)
        die(path);
}

/* Names, types, sizes and modification times of a directory's entries
 * and of itself, one level (the outside directory is flat). */
static void describe_dir(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    DIR *dir = opendir(path);
    if (!dir)
        die(path);
    struct dirent *entry;
    size_t used = 0;
    while ((entry = readdir(dir)) != NULL) {
        char child[FUZZ_PATH_MAX];
        struct stat st;
        if (strcmp(entry->d_name, "..") == 0)
            continue;
        join(child, path, entry->d_name);
        if (lstat(child, &st) != 0)
            continue;
        int n = snprintf(out + used, size - used, "%s:%o:%lld:%lld.%09ld;",
                         entry->d_name, (unsigned)st.st_mode,
                         (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                         st.st_mtim.tv_nsec);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    closedir(dir);
}

/* readdir's order is stable for an unchanged directory, so the strings
 * compare; an entry added or removed anywhere changes them. */
static int count_entries(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        count++;
    closedir(dir);
    return count;
}

static int has_temporary(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    struct dirent *entry;
    int found = 0;
    while (!found && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 ||
            strcmp(entry->d_name, "..") == 0)
            continue;
        if (strstr(entry->d_name, ".tmp.")) {
            found = 1;
            break;
        }
        char child[FUZZ_PATH_MAX];
        struct stat st;
        join(child, path, entry->d_name);
        if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
            found = has_temporary(child);
    }
    closedir(dir);
    return found;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char path[FUZZ_PATH_MAX];
    fuzz_scratch("host", "", root, sizeof root);
    remove_tree(root);
    join(outside, root, "outside");
    join(box, root, "box");
    join(work, box, "work");
    join(log_path, root, "stderr.log");
    if (mkdir(root, 0700) != 0 || mkdir(outside, 0700) != 0 ||
        mkdir(box, 0700) != 0)
        die(root);
    join(path, outside, "canary.csv");
    write_text(path, "item,period,value\nrev.a,1Q01,100\n", 33);
    join(path, outside, "fifo");
    if (mkfifo(path, 0600) != 0)
        die(path);
    describe_dir(outside, outside_before, sizeof outside_before);
    reset_work();
    return 0;
}

/* ---- the script -------------------------------------------------------- */

typedef struct script {
    char text[SCRIPT_MAX];
    size_t used;
    const uint8_t *data;
    size_t size, pos;
} script;

static void put(script *s, const char *text)
{
    size_t n = strlen(text);
    if (s->used + n >= sizeof s->text)
        return;
    memcpy(s->text + s->used, text, n);
    s->used += n;
}

static unsigned byte(script *s)
{
    return s->pos < s->size ? s->data[s->pos++] : 0;
}

static const char *pick(script *s, const char *const *list, size_t count)
{
    return list[byte(s) % count];
}
#define PICK(s, list) pick((s), (list), sizeof(list) / sizeof *(list))

static const char prelude[] =
    "local OUTSIDE = ...\n"
    "local kessan = require 'kessan'\n"
    "local m = kessan.open('tiny') or kessan.new{first_year = 2001,\n"
    "  last_year = 2002, fiscal_year_end_month = 3}\n"
    "local s = m:scenario('f')\n"
    "local keep, g, r, tree = {}\n"
    "local function close() pcall(m.close, m); pcall(s.close, s);\n"
    "  collectgarbage() end\n"
    "local function hostile(real) return setmetatable({}, {\n"
    "  __index = function(_, k) close(); return real[k] end,\n"
    "  __len = function() close(); return #real end,\n"
    "  __pairs = function() close(); return next, real, nil end}) end\n"
    "local function arm(n) for _ = 1, n do setmetatable({}, {__gc = close})\n"
    "  end end\n"
    "local function fresh() m = kessan.open('tiny') or m; s = m:scenario('g')\n"
    "  end\n";

static const char *const numbers[] = {
    "0", "1", "-1", "0/0", "1/0", "-1/0", "1e308", "-1e308", "1e300",
    "math.maxinteger", "math.mininteger", "2^53", "2^63", "0.5", "1e9",
    "5e-324", "1500", "-0.0", "'1e309'", "'12'"};
static const char *const cells[] = {
    "'rev.a@3Q02'", "'op_income@3Q02'", "'rev.total@FY02'", "'rev.b@4Q02'",
    "'op_margin@3Q02'", "'rev.a@3Q02\\0x'", "'nope@3Q02'", "'rev.a@9Q99'",
    "''", "('x'):rep(5000)", "'rev.a'", "'cost.total@1Q01'"};
static const char *const paths[] = {
    "'out.csv'", "OUTSIDE .. '/canary.csv'", "OUTSIDE .. '/new.csv'",
    "'../escape.csv'", "'../../outside/canary.csv'",
    "('../'):rep(30) .. OUTSIDE:sub(2) .. '/x.csv'", "'link_out/x.csv'",
    "'link_canary.csv'", "'tiny/values.csv'", "'out.csv\\0x'",
    "OUTSIDE .. '/fifo'", "('n'):rep(251)", "'tiny'", "''",
    "'tiny/../../outside/canary.csv'", "'/proc/self/fd/2'"};
static const char *const dists[] = {
    "kessan.normal(160, 10)", "kessan.normal(1e308, 1e308)",
    "kessan.lognormal(706, 1)", "kessan.uniform(-1e308, 1e308)",
    "kessan.triangular(0, 0, 1e308)", "kessan.pert(1, 2, 3)",
    "kessan.discrete{values = {1, 2}, weights = {1e308, 1e308}}",
    "kessan.fixed(0/0)", "0/0", "1/0", "kessan.normal(0, 5e-324)"};

/* One attack; %N is a number, %C a cell, %P a path, %D a distribution. */
static const char *const attacks[] = {
    "m:export(%P, hostile{scenario = true})",
    "s:export(%P)",
    "m:import(%P, hostile{reported = true})",
    "m:define('x', 'rev.a * 2', hostile{label = 'X'})",
    "m:define(%C, %C)",
    "g = s:datatable(hostile{rows = {%C, {%N, %N}}, out = %C})",
    "g = s:datatable{rows = {%C, hostile{%N, %N, %N}}, cols = {%C, {%N}},"
    " out = hostile{%C}}",
    "g:export(%P)",
    "g:out(%N)",
    "tostring(g)",
    "s:goalseek(hostile{target = %C, value = %N, vary = %C, tol = %N,"
    " max_iter = %N})",
    "s:goalseek{target = %C, value = %N, vary = %C, lo = %N, hi = %N}",
    "s:tornado{out = %C, inputs = hostile{%C, {%C, %N, %N}}, swing = %N}",
    "r = m:simulate(hostile{trials = %N, draws = {[%C] = %D},"
    " outputs = {%C}})",
    "r = m:simulate{trials = %N, threads = %N, seed = %N,"
    " draws = hostile{[%C] = %D, [%C] = %D}, outputs = hostile{%C},"
    " correlate = {{%C, %C, %N}}}",
    "r:prob(%C, '<', %N)",
    "r:percentile(%C, %N)",
    "r:histogram(%C, %N)",
    "tostring(r)",
    "kessan.compare(hostile{m, s, items = hostile{'rev.a'}})",
    "kessan.discrete(hostile{values = hostile{%N, %N}})",
    "kessan.new(hostile{first_year = %N, last_year = %N,"
    " fiscal_year_end_month = %N})",
    "m:set(%C, %N)",
    "m:get(%C)",
    "m:get(setmetatable({}, {__tostring = function() close()"
    " return 'rev.a@3Q02' end}))",
    "tree = m:explain(%C); kessan.format_explain(tree)",
    "tree.children = {tree}; kessan.format_explain(tree)",
    "arm(50); m:explain(%C); tostring(m)",
    "arm(50); s:datatable{rows = {%C, {1, 2, 3}}, out = %C}",
    "close()",
    "fresh()",
    "collectgarbage()",
    "local mt = getmetatable(r or g or m); if type(mt) == 'table' then"
    " mt.__gc = nil; mt.__index = nil end",
    "for _ = 1, 100 do pcall(coroutine.wrap(function() while true do end"
    " end)) end",
    "local co = coroutine.wrap(function() r = m:simulate{trials = 1e9,"
    " draws = {[%C] = %D}, outputs = {%C}} end); co()",
    "while true do pcall(function() while true do end end) end",
    "while true do pcall(coroutine.wrap(function() m:simulate{trials = 1e9,"
    " draws = {['rev.a@3Q02'] = 1}, outputs = {'op_income@3Q02'}} end)) end",
    "local v = {} for i = 1, 1500 do v[i] = i end"
    " s:datatable{rows = {'rev.a@3Q02', v}, cols = {'rev.b@3Q02', v},"
    " out = 'op_income@3Q02'}",
    "keep[#keep + 1] = string.rep('x', %N)",
    "error(setmetatable({}, {__tostring = function() close();"
    " error('again') end}))",
    "require(%P)",
    "load(string.dump(function() end))",
    "m['rev.a'][%N] = %N",
    "for p in pairs(m['rev.a']) do close() end",
    "local x <close> = setmetatable({}, {__close = function() close() end})",
};

static void put_attack(script *s, const char *attack)
{
    char piece[2] = {0, 0};
    for (const char *p = attack; *p; p++) {
        if (*p != '%' || !p[1]) {
            piece[0] = *p;
            put(s, piece);
            continue;
        }
        p++;
        switch (*p) {
        case 'N': put(s, PICK(s, numbers)); break;
        case 'C': put(s, PICK(s, cells)); break;
        case 'P': put(s, PICK(s, paths)); break;
        case 'D': put(s, PICK(s, dists)); break;
        default: piece[0] = *p; put(s, piece); break;
        }
    }
}

static void build_script(script *s, const uint8_t *data, size_t size)
{
    s->used = 0;
    s->data = data;
    s->size = size;
    s->pos = 1;
    if (data[0] < 64) {
        size_t n = size - 1 < SCRIPT_MAX - 1 ? size - 1 : SCRIPT_MAX - 1;
        memcpy(s->text, data + 1, n);
        s->used = n;
        return;
    }
    put(s, prelude);
    while (s->pos < s->size) {
        unsigned choice = byte(s);
        put(s, "pcall(function() ");
        put_attack(s, attacks[choice % (sizeof attacks / sizeof *attacks)]);
        put(s, " end)\n");
    }
}

/* ---- running it -------------------------------------------------------- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run_child(const char *script_path)
{
    int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null = open("/dev/null", O_RDWR);
    if (log < 0 || null < 0 || chdir(work) != 0)
        _exit(97);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    char *argv[] = {"kessan", "run", "--sandbox", "--timeout", HOST_TIMEOUT,
                    "--max-memory", "64", (char *)script_path, outside, NULL};
    _exit(kessan_host_main(9, argv));
}

/* Fork mode keeps a crashing job's output nowhere: what was found, and
 * the script, are also appended to $FUZZ_FINDINGS_LOG when it is set. */
static void record_finding(const script *s, const char *what)
{
    const char *path = getenv("FUZZ_FINDINGS_LOG");
    FILE *record = path ? fopen(path, "a") : NULL;
    if (!record)
        return;
    fprintf(record, "fuzz_host: FINDING: %s\n---- script ----\n%.*s\n"
            "---- end ----\n", what, (int)s->used, s->text);
    fclose(record);
}

static void finding(const script *s, const char *what)
{
    record_finding(s, what);
    fprintf(stderr, "fuzz_host: FINDING: %s\n---- script ----\n%.*s\n"
            "---- its stderr (%s) ----\n", what, (int)s->used, s->text,
            log_path);
    FILE *log = fopen(log_path, "r");
    if (log) {
        char line[512];
        for (int i = 0; i < 40 && fgets(line, sizeof line, log); i++)
            fputs(line, stderr);
        fclose(log);
    }
    abort();
}

static script current;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192)
        return 0;
    script *s = &current;
    build_script(s, data, size);
    char script_path[FUZZ_PATH_MAX];
    join(script_path, work, "script.lua");
    write_text(script_path, s->text, s->used);
    fflush(stderr);
    double start = now_s();
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0)
        run_child("script.lua");
    int status = 0, hung = 0;
    for (;;) {
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child)
            break;
        if (done < 0 && errno != EINTR)
            die("waitpid");
        if (now_s() - start > KILL_AFTER_S) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            hung = 1;
            break;
        }
        const struct timespec tick = {0, 2000000L};
        nanosleep(&tick, NULL);
    }
    double elapsed = now_s() - start;
    char what[256];
    if (hung)
        finding(s, "hang: killed after 4 s under --timeout " HOST_TIMEOUT);
    if (WIFSIGNALED(status)) {
        snprintf(what, sizeof what, "killed by signal %d",
                 WTERMSIG(status));
        finding(s, what);
    }
    int code = WEXITSTATUS(status);
    if (code == SANITIZER_EXIT)
        finding(s, "sanitizer report");
    if (code != 0 && code != 1) {
        snprintf(what, sizeof what, "exit status %d", code);
        finding(s, what);
    }
    if (elapsed > HOST_TIMEOUT_S + SLACK_S) {
        snprintf(what, sizeof what, "ran %.2f s under --timeout "
                 HOST_TIMEOUT, elapsed);
        finding(s, what);
    }
    char outside_after[sizeof outside_before];
    describe_dir(outside, outside_after, sizeof outside_after);
    if (strcmp(outside_before, outside_after) != 0)
        finding(s, "a file outside the allowed directories changed");
    if (count_entries(box) != 3 || count_entries(root) != 5)
        finding(s, "a file was created beside the working directory");
    if (has_temporary(root))
        finding(s, "a temporary file was left behind");
    reset_work();
    return 0;
}
