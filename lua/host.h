/*
 * host.h -- the kessan program: a Lua 5.4 host with the kessan module
 * preloaded.  Each command is a host_command in the table of host_main.c;
 * a new command is one file defining its host_command and one line there.
 */
#ifndef KESSAN_HOST_H
#define KESSAN_HOST_H

#include <stddef.h>

#include <lua.h>

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
/* Whether argv[i] asks for help ("--help", "-h"); prints it if so. */
int host_wants_help(const host_command *command, const char *arg);

/* ---- host_state.c: the Lua state a command runs in ------------------------ */
typedef struct host_limits {
    int sandbox;          /* no os, io, C modules, binary chunks, dofile  */
    size_t max_memory;    /* bytes; 0: no limit                           */
    double timeout;       /* seconds; 0: no limit                         */
} host_limits;

typedef struct host_state host_state;

/* Parse one of --sandbox, --max-memory MB, --timeout SECONDS at argv[*i]
 * (advancing *i past its value).  Returns 1 when taken, 0 when argv[*i] is
 * not one of them, -1 after reporting bad usage. */
int host_parse_limit(const host_command *command, int argc, char **argv,
                     int *i, host_limits *limits);

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

#endif
