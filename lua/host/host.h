/*
 * host.h -- the kessan program: a Lua 5.4 host with the kessan module
 * preloaded.  Each command is a host_command in the table of host_main.c;
 * a new command is one file defining its host_command and one line there.
 */
#ifndef KESSAN_HOST_H
#define KESSAN_HOST_H

#include <getopt.h>
#include <stddef.h>

#include <lua.h>

#include "binding/lkessan.h"

#define HOST_PROGNAME "kessan"

/* Exit statuses (docs/cli.md). */
enum { HOST_EXIT_OK = 0, HOST_EXIT_FAILURE = 1, HOST_EXIT_USAGE = 2 };

typedef struct host_command {
    const char *name;     /* "run"                                       */
    const char *usage;    /* "run [OPTION...] SCRIPT [ARG...]"           */
    const char *summary;  /* one line for `kessan --help`                */
    const char *help;     /* the options, for `kessan run --help`        */
    /* argv[0] is the command name; returns an exit status */
    int (*main)(int argc, char **argv);
} host_command;

extern const host_command host_run_command;
extern const host_command host_repl_command;
extern const host_command host_export_command;
extern const host_command host_grid_command;   /* host_grid.c   */
extern const host_command host_chart_command;  /* host_chart.c  */
extern const host_command host_report_command; /* host_report.c */
extern const host_command host_score_command;  /* host_score.c  */

/* ---- host_main.c -------------------------------------------------------- */
/* Print "kessan: what" (or "kessan: where: what") to stderr. */
void host_error(const char *where, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Report bad usage of a command and return HOST_EXIT_USAGE. */
int host_usage_error(const host_command *command, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A command's usage, summary and options (`kessan COMMAND --help`). */
void host_print_command_help(const host_command *command);

/* ---- host_state.c: the Lua state a command runs in ---------------------- */
#define HOST_ALLOW_MAX 16

typedef struct host_limits {
    int sandbox;          /* no os, io, C modules, binary chunks, dofile;
                             kessan's files confined (host_paths.c)       */
    size_t max_memory;    /* bytes; 0: no limit                           */
    double timeout;       /* seconds; 0: no limit                         */
    const char *allow[HOST_ALLOW_MAX]; /* --allow DIR, in order           */
    int allow_count;
    const char *script;   /* run: its directory is allowed (sandbox)     */
    const char *model;    /* repl: this model directory is allowed       */
} host_limits;

typedef struct host_state host_state;

/* The options of run and repl: --sandbox, --allow DIR, --max-memory MB,
 * --timeout SECONDS and --help (a getopt_long table, host_options.h). */
extern const struct option host_limit_options[];
/* Take one of them (its val and value); 0, or -1 after reporting bad
 * usage. */
int host_take_limit(const host_command *command, int option,
                    const char *value, host_limits *limits);
/* After the options: 0, or -1 after reporting bad usage (--allow without
 * --sandbox). */
int host_check_limits(const host_command *command,
                      const host_limits *limits);

/* A new state with the standard libraries (minus what the sandbox takes
 * away) and `kessan` preloaded; NULL after reporting why. */
host_state *host_state_new(const host_limits *limits);
void host_state_free(host_state *state);
lua_State *host_lua(host_state *state);

/* Call the function under `narg` arguments on the stack with a traceback
 * handler, the memory limit and the timeout; returns the Lua status. */
int host_call(host_state *state, int narg, int nresults);
/* Print the error on top of the stack as "kessan: where: what" (memory
 * and time limits get their own message) and pop it. */
void host_report(host_state *state, int status);
/* Load a script file (text only in the sandbox); Lua status. */
int host_load_file(host_state *state, const char *path);

/* ---- host_limit_table.c: run's limits and a command's own options ------- */
#define HOST_LIMIT_TABLE_MAX 16 /* entries a table needs, with its end  */
/* host_limit_options, then `extra` (ending with a NULL name), into
 * `table` (HOST_LIMIT_TABLE_MAX entries). */
void host_limit_table(struct option *table, const struct option *extra);

/* ---- host_stop.c: stopping a script (--timeout, Ctrl-C) ----------------- */
typedef struct host_stop host_stop;
typedef enum host_stop_reason {
    HOST_STOP_NONE = 0,
    HOST_STOP_TIMEOUT,
    HOST_STOP_INTERRUPT   /* Ctrl-C */
} host_stop_reason;

/* timeout in seconds, 0: none.  NULL when out of memory. */
host_stop *host_stop_new(double timeout);
void host_stop_free(host_stop *stop);
/* The poll the binding lends the core (registry LK_HOST_INTERRUPT). */
const lk_host_interrupt *host_stop_interrupt(host_stop *stop);
/* Around each protected call of L (the main thread): begin starts the
 * clock, the hooks, the Ctrl-C handler and the watchdog; end stops them.
 * Returns 0, or -1 when a timeout's watchdog could not start (begin).
 * end takes L NULL after lua_close. */
int host_stop_begin(host_stop *stop, lua_State *L);
/* Around lua_close: the last call's deadline holds (the finalizers a
 * script leaves run within its time), or 0.25 s when it has passed. */
int host_stop_begin_close(host_stop *stop);
void host_stop_end(host_stop *stop, lua_State *L);
/* Why the last call was stopped (HOST_STOP_NONE: it was not). */
host_stop_reason host_stop_why(host_stop *stop);
/* "timeout: the script ran longer than 2 s" or "interrupted!" */
void host_stop_describe(host_stop *stop, char *buf, size_t size);
/* Guard coroutine.create, resume and wrap so that a stop reaches every
 * coroutine promptly (after luaL_openlibs). */
int host_stop_guard_coroutines(lua_State *L);
/* The stop of the state L belongs to (host_state.c). */
host_stop *host_stop_of(lua_State *L);

/* ---- host_paths.c: the directories a sandboxed script's files stay in --- */
typedef struct host_paths host_paths;

/* The working directory, the script's directory or the model, and each
 * --allow DIR, resolved; NULL after reporting why. */
host_paths *host_paths_new(const host_limits *limits);
void host_paths_free(host_paths *paths);
/* The check the binding calls (registry LK_HOST_PATHS). */
const lk_host_paths *host_paths_hook(host_paths *paths);
/* 0 when `path` may be accessed so; else -1 and why in message. */
int host_paths_check(const host_paths *paths, const char *path,
                     lk_path_access access, char *message, size_t size);
/* 0 when `dir` is a directory; else -1 and why in message. */
int host_paths_directory(const char *dir, char *message, size_t size);

/* ---- host_sandbox.c: what --sandbox takes away and replaces ------------- */
/* Protected, with the paths at argument 1 (a light userdata): remove os,
 * io, debug, dofile, loadfile and C modules; replace load and the
 * Lua-file searcher by text-only ones. */
int host_open_sandbox(lua_State *L);

#endif
