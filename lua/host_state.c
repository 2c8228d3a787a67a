/*
 * host_state.c -- the Lua state the kessan program runs scripts in: one
 * lua_Alloc that bounds memory (--max-memory), a count hook that bounds
 * time (--timeout) and answers Ctrl-C, the sandbox (--sandbox), the kessan
 * module preloaded, and calls under a traceback handler.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "host.h"
#include "lkessan.h"

#define HOST_HOOK_COUNT 1000

struct host_state {
    lua_State *L;
    host_limits limits;
    atomic_size_t used;      /* bytes allocated through host_alloc      */
    atomic_int memory_hit;   /* an allocation was refused by the limit  */
    double deadline;         /* monotonic seconds, 0: none              */
    int timed_out;
};

/* The state Ctrl-C interrupts: signal handlers can reach nothing else
 * (the same arrangement as lua.c). */
static lua_State *volatile host_signal_state;

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

/* ---- time --------------------------------------------------------------- */

static double host_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

static host_state *host_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* Once the deadline has passed the hook runs on every instruction, so a
 * script's pcall cannot swallow the timeout for long. */
static void host_hook(lua_State *L, lua_Debug *ar)
{
    host_state *state = host_of(L);
    if (host_signal_state == NULL && !state->timed_out) {
        lua_sethook(L, NULL, 0, 0);
        luaL_error(L, "interrupted!");
        return;
    }
    if (!state->timed_out && state->deadline > 0 &&
        host_now() >= state->deadline) {
        state->timed_out = 1;
        lua_sethook(L, host_hook, LUA_MASKCOUNT, 1);
    }
    if (!state->timed_out)
        return;
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        luaL_error(L, "%s:%d: timeout: the script ran longer than %f s",
                   ar->short_src, ar->currentline, state->limits.timeout);
    luaL_error(L, "timeout: the script ran longer than %f s",
               state->limits.timeout);
}

static void host_interrupt(int signal_number)
{
    lua_State *L = host_signal_state;
    signal(signal_number, SIG_DFL);
    host_signal_state = NULL;
    if (L)
        lua_sethook(L, host_hook,
                    LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* ---- options ------------------------------------------------------------ */

static int host_parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !(value > 0) ||
        value > 1e9)
        return -1;
    *out = value;
    return 0;
}

int host_parse_limit(const host_command *command, int argc, char **argv,
                     int *i, host_limits *limits)
{
    const char *option = argv[*i];
    if (strcmp(option, "--sandbox") == 0) {
        limits->sandbox = 1;
        return 1;
    }
    int is_memory = strcmp(option, "--max-memory") == 0;
    int is_timeout = strcmp(option, "--timeout") == 0;
    if (!is_memory && !is_timeout)
        return 0;
    if (*i + 1 >= argc) {
        host_usage_error(command, "option '%s' needs a value", option);
        return -1;
    }
    double value;
    const char *text = argv[++*i];
    if (host_parse_number(text, &value) != 0) {
        host_usage_error(command, "option '%s' expects a positive number, "
                         "not '%s'", option, text);
        return -1;
    }
    if (is_memory)
        limits->max_memory = (size_t)(value * 1024 * 1024);
    else
        limits->timeout = value;
    return 1;
}

/* ---- the sandbox -------------------------------------------------------- */

/* load() that refuses binary chunks: mode forced to "t". */
static int host_safe_load(lua_State *L)
{
    lua_settop(L, 4);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_pushliteral(L, "t");
    lua_replace(L, 4);
    lua_call(L, 4, LUA_MULTRET);
    return lua_gettop(L);
}

static int host_open_sandbox(lua_State *L)
{
    static const char *const removed[] = {"os", "io", "debug", "dofile",
                                          "loadfile", NULL};
    lua_pushglobaltable(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    for (int i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, 1, removed[i]);
        lua_pushnil(L);
        lua_setfield(L, 2, removed[i]);
    }
    lua_getfield(L, 1, "load");
    lua_pushcclosure(L, host_safe_load, 1);
    lua_setfield(L, 1, "load");
    if (lua_getfield(L, 1, "package") == LUA_TTABLE) {
        lua_pushliteral(L, "");
        lua_setfield(L, -2, "cpath");
        lua_pushnil(L);
        lua_setfield(L, -2, "loadlib");
        /* keep the preload and Lua-file searchers only */
        if (lua_getfield(L, -1, "searchers") == LUA_TTABLE) {
            lua_pushnil(L);
            lua_rawseti(L, -2, 4);
            lua_pushnil(L);
            lua_rawseti(L, -2, 3);
        }
    }
    return 0;
}

/* ---- creating the state ------------------------------------------------- */

static int host_open(lua_State *L)
{
    host_state *state = host_of(L);
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_kessan);
    lua_setfield(L, -2, "kessan");
    lua_pop(L, 1);
    if (state->limits.sandbox)
        host_open_sandbox(L);
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
    state->L = lua_newstate(host_alloc, state);
    if (!state->L) {
        free(state);
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
    host_signal_state = NULL;
    /* Closing runs every __gc; Lua skips a finalizer it cannot call for
     * want of memory, which would leak what the handle owns.  The limit is
     * for the script, not for closing it. */
    state->limits.max_memory = 0;
    if (state->L)
        lua_close(state->L);
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
    state->timed_out = 0;
    state->deadline = state->limits.timeout > 0
                          ? host_now() + state->limits.timeout
                          : 0;
    if (state->deadline > 0)
        lua_sethook(L, host_hook, LUA_MASKCOUNT, HOST_HOOK_COUNT);
    host_signal_state = L;
    void (*previous)(int) = signal(SIGINT, host_interrupt);
    int status = lua_pcall(L, narg, nresults, base);
    signal(SIGINT, previous == SIG_ERR ? SIG_DFL : previous);
    host_signal_state = NULL;
    lua_sethook(L, NULL, 0, 0);
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

void host_report(host_state *state, int status)
{
    lua_State *L = state->L;
    const char *message = lua_tostring(L, -1);
    if (host_memory_failure(state, status, message))
        host_error(NULL, "not enough memory (limit %g MB)",
                   (double)state->limits.max_memory / (1024 * 1024));
    else if (state->timed_out)
        host_error(NULL, "%s", message ? message : "timeout");
    else
        host_error(NULL, "%s", message ? message : "(error object is not "
                   "a string)");
    lua_pop(L, 1);
}

int host_load_file(host_state *state, const char *path)
{
    return luaL_loadfilex(state->L, path, state->limits.sandbox ? "t" : NULL);
}
