/*
 * host_state.c -- the Lua state the kessan program runs scripts in: one
 * lua_Alloc that bounds memory (--max-memory), the limit options, the
 * stop (--timeout and Ctrl-C, host_stop.c) and the sandbox (--sandbox,
 * host_sandbox.c, host_paths.c) lent to the kessan module before it is
 * preloaded, and calls under a traceback handler.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "binding/lkessan.h"
#include "host/host.h"
#include "host/host_options.h"

/* The smallest limits taken: below them nothing useful runs, and a
 * --max-memory that rounds to 0 bytes would mean no limit at all. */
#define HOST_MEMORY_MIN_MB 1.0
#define HOST_TIMEOUT_MIN 0.001

struct host_state {
    lua_State *L;
    host_limits limits;
    atomic_size_t used;      /* bytes allocated through host_alloc      */
    atomic_int memory_hit;   /* an allocation was refused by the limit  */
    host_stop *stop;         /* --timeout and Ctrl-C                    */
    host_paths *paths;       /* under --sandbox: where files may be     */
};

/* ---- memory ------------------------------------------------------------- */

static void *host_alloc(void *ud, void *block, size_t old_size,
                        size_t new_size)
{
    host_state *state = ud;
    if (!block)
        old_size = 0;
    if (new_size == 0) {
        free(block);
        atomic_fetch_sub(&state->used, old_size);
        return NULL;
    }
    size_t limit = state->limits.max_memory;
    if (limit && new_size > old_size) {
        size_t grow = new_size - old_size;
        size_t before = atomic_fetch_add(&state->used, grow);
        if (before + grow > limit) {
            atomic_fetch_sub(&state->used, grow);
            atomic_store(&state->memory_hit, 1);
            return NULL;
        }
        void *grown = realloc(block, new_size);
        if (!grown)
            atomic_fetch_sub(&state->used, grow);
        return grown;
    }
    void *resized = realloc(block, new_size);
    if (!resized)
        return new_size <= old_size ? block : NULL;
    if (new_size > old_size)
        atomic_fetch_add(&state->used, new_size - old_size);
    else
        atomic_fetch_sub(&state->used, old_size - new_size);
    return resized;
}

static host_state *host_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

host_stop *host_stop_of(lua_State *L)
{
    return host_of(L)->stop;
}

/* ---- options ------------------------------------------------------------ */

/* Whether `text` is a number written in decimal digits with at most one
 * point inside them ("64", "0.5"): no sign, space, exponent, hex, inf. */
static int host_plain_decimal(const char *text)
{
    size_t whole = strspn(text, "0123456789");
    if (whole == 0)
        return 0;
    if (text[whole] == '\0')
        return 1;
    if (text[whole] != '.')
        return 0;
    size_t fraction = strspn(text + whole + 1, "0123456789");
    return fraction > 0 && text[whole + 1 + fraction] == '\0';
}

static int host_parse_number(const char *text, double minimum,
                             double *out)
{
    if (!host_plain_decimal(text))
        return -1;
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !(value >= minimum) ||
        value > 1e9)
        return -1;
    *out = value;
    return 0;
}

/* --allow DIR: DIR must be a directory now. */
static int host_parse_allow(const host_command *command, const char *dir,
                            host_limits *limits)
{
    char why[256];
    if (limits->allow_count >= HOST_ALLOW_MAX) {
        host_usage_error(command, "at most %d --allow options",
                         HOST_ALLOW_MAX);
        return -1;
    }
    if (host_paths_directory(dir, why, sizeof why) != 0) {
        host_usage_error(command, "--allow '%s': %s", dir, why);
        return -1;
    }
    limits->allow[limits->allow_count++] = dir;
    return 0;
}

enum {
    LIMIT_SANDBOX = HOST_OPTION_FIRST,
    LIMIT_ALLOW,
    LIMIT_MAX_MEMORY,
    LIMIT_TIMEOUT
};

const struct option host_limit_options[] = {
    { "sandbox", no_argument, NULL, LIMIT_SANDBOX },
    { "allow", required_argument, NULL, LIMIT_ALLOW },
    { "max-memory", required_argument, NULL, LIMIT_MAX_MEMORY },
    { "timeout", required_argument, NULL, LIMIT_TIMEOUT },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

/* --max-memory MB: at least 1 MB, in bytes. */
static int host_parse_memory(const host_command *command, const char *text,
                             host_limits *limits)
{
    double megabytes;
    if (host_parse_number(text, HOST_MEMORY_MIN_MB, &megabytes) != 0) {
        host_usage_error(command, "option '--max-memory' expects "
                         "megabytes from %g to 1e9, not '%s'",
                         HOST_MEMORY_MIN_MB, text);
        return -1;
    }
    double bytes = megabytes * 1024 * 1024;
    limits->max_memory = bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
    return 0;
}

/* --timeout SECONDS: at least a millisecond. */
static int host_parse_timeout(const host_command *command, const char *text,
                              host_limits *limits)
{
    if (host_parse_number(text, HOST_TIMEOUT_MIN, &limits->timeout) != 0) {
        host_usage_error(command, "option '--timeout' expects seconds "
                         "from %g to 1e9, not '%s'", HOST_TIMEOUT_MIN, text);
        return -1;
    }
    return 0;
}

int host_take_limit(const host_command *command, int option,
                    const char *value, host_limits *limits)
{
    switch (option) {
    case LIMIT_SANDBOX:
        limits->sandbox = 1;
        return 0;
    case LIMIT_ALLOW:
        return host_parse_allow(command, value, limits);
    case LIMIT_MAX_MEMORY:
        return host_parse_memory(command, value, limits);
    case LIMIT_TIMEOUT:
        return host_parse_timeout(command, value, limits);
    default:    /* not one of host_limit_options: the caller's mistake */
        host_usage_error(command, "not a limit option");
        return -1;
    }
}

int host_check_limits(const host_command *command,
                      const host_limits *limits)
{
    if (limits->allow_count > 0 && !limits->sandbox) {
        host_usage_error(command, "--allow only applies with --sandbox");
        return -1;
    }
    return 0;
}

/* ---- creating the state ------------------------------------------------- */

/* Protected: the libraries, what the host lends the module, the module
 * preloaded, the sandbox. */
static int host_open(lua_State *L)
{
    host_state *state = host_of(L);
    luaL_openlibs(L);
    host_stop_guard_coroutines(L);
    lua_pushlightuserdata(L, (void *)host_stop_interrupt(state->stop));
    lua_setfield(L, LUA_REGISTRYINDEX, LK_HOST_INTERRUPT);
    if (state->paths) {
        lua_pushlightuserdata(L, (void *)host_paths_hook(state->paths));
        lua_setfield(L, LUA_REGISTRYINDEX, LK_HOST_PATHS);
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_kessan);
    lua_setfield(L, -2, "kessan");
    lua_pop(L, 1);
    if (state->paths) {
        lua_pushcfunction(L, host_open_sandbox);
        lua_pushlightuserdata(L, state->paths);
        lua_call(L, 1, 0);
    }
    return 0;
}

/* What the state lends the module: the stop and, sandboxed, the paths. */
static int host_state_lend(host_state *state)
{
    state->stop = host_stop_new(state->limits.timeout);
    if (!state->stop) {
        host_error(NULL, "not enough memory");
        return -1;
    }
    if (state->limits.sandbox) {
        state->paths = host_paths_new(&state->limits);
        if (!state->paths)
            return -1;
    }
    return 0;
}

host_state *host_state_new(const host_limits *limits)
{
    host_state *state = calloc(1, sizeof *state);
    if (!state) {
        host_error(NULL, "not enough memory");
        return NULL;
    }
    state->limits = *limits;
    atomic_init(&state->used, 0);
    atomic_init(&state->memory_hit, 0);
    if (host_state_lend(state) != 0) {
        host_state_free(state);
        return NULL;
    }
    state->L = lua_newstate(host_alloc, state);
    if (!state->L) {
        host_state_free(state);
        host_error(NULL, "not enough memory to create a Lua state");
        return NULL;
    }
    lua_State *L = state->L;
    lua_pushcfunction(L, host_open);
    int status = lua_pcall(L, 0, 0, 0);
    if (status != LUA_OK) {
        host_report(state, status);
        host_state_free(state);
        return NULL;
    }
    return state;
}

void host_state_free(host_state *state)
{
    if (!state)
        return;
    /* Closing runs every __gc; Lua skips a finalizer it cannot call for
     * want of memory, which would leak what the handle owns.  The limit is
     * for the script, not for closing it; its time limit holds (a
     * finalizer that never returns is ended by the watchdog). */
    state->limits.max_memory = 0;
    if (state->L) {
        int watched = host_stop_begin_close(state->stop) == 0;
        lua_close(state->L);
        if (watched)
            host_stop_end(state->stop, NULL);
    }
    host_stop_free(state->stop);
    host_paths_free(state->paths);
    free(state);
}

lua_State *host_lua(host_state *state)
{
    return state->L;
}

/* ---- calling ------------------------------------------------------------ */

static int host_message_handler(lua_State *L)
{
    const char *message = lua_tostring(L, 1);
    if (!message) {
        if (luaL_callmeta(L, 1, "__tostring") &&
            lua_type(L, -1) == LUA_TSTRING)
            return 1;
        message = lua_pushfstring(L, "(error object is a %s value)",
                                  luaL_typename(L, 1));
    }
    luaL_traceback(L, L, message, 1);
    return 1;
}

int host_call(host_state *state, int narg, int nresults)
{
    lua_State *L = state->L;
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, host_message_handler);
    lua_insert(L, base);
    if (host_stop_begin(state->stop, L) != 0) {
        lua_settop(L, base - 1);
        lua_pushliteral(L, "cannot start the timeout's watchdog thread");
        return LUA_ERRRUN;
    }
    int status = lua_pcall(L, narg, nresults, base);
    host_stop_end(state->stop, L);
    lua_remove(L, base);
    return status;
}

static int host_memory_failure(host_state *state, int status,
                               const char *message)
{
    if (!state->limits.max_memory || !atomic_load(&state->memory_hit))
        return 0;
    return status == LUA_ERRMEM ||
           (message && strstr(message, "not enough memory"));
}

/* A stopped call: the message says so even when what raised was a
 * binding's "interrupted while simulating". */
static void host_report_stop(host_state *state, const char *message)
{
    char what[128];
    host_stop_describe(state->stop, what, sizeof what);
    int interrupt = host_stop_why(state->stop) == HOST_STOP_INTERRUPT;
    if (!message)
        host_error(NULL, "%s", what);
    else if (strstr(message, interrupt ? "interrupted" : what))
        host_error(NULL, "%s", message);
    else
        host_error(NULL, "%s: %s", what, message);
}

void host_report(host_state *state, int status)
{
    lua_State *L = state->L;
    const char *message = lua_tostring(L, -1);
    if (host_memory_failure(state, status, message))
        host_error(NULL, "not enough memory (limit %g MB)",
                   (double)state->limits.max_memory / (1024 * 1024));
    else if (host_stop_why(state->stop) != HOST_STOP_NONE)
        host_report_stop(state, message);
    else
        host_error(NULL, "%s", message ? message : "(error object is not "
                   "a string)");
    lua_pop(L, 1);
}

int host_load_file(host_state *state, const char *path)
{
    return luaL_loadfilex(state->L, path, state->limits.sandbox ? "t" : NULL);
}
