/*
 * host_run.c -- `kessan run [--sandbox [--allow DIR]...] [--max-memory MB]
 * [--timeout S] SCRIPT [ARG...]`: run a Lua script with `kessan` preloaded,
 * `arg` set as the lua interpreter sets it and the arguments also passed
 * as `...`.
 */
#include <lauxlib.h>

#include "host/host.h"
#include "host/host_options.h"

/* arg[0] = the script, arg[1..] its arguments, arg[-1..] what came before
 * (the command, then the program).  argv[-1] is the program's name. */
static void host_push_arg_table(lua_State *L, int argc, char **argv,
                                int script)
{
    lua_createtable(L, argc - script, script + 1);
    for (int i = -1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

typedef struct host_run_job {
    host_state *state;
    int argc;
    char **argv;
    int script;
} host_run_job;

/* Protected: set `arg`, load the script and call it.  A script that does
 * not load returns false and the message (reported without a traceback);
 * otherwise true. */
static int host_run_main(lua_State *L)
{
    host_run_job *job = lua_touserdata(L, 1);
    host_push_arg_table(L, job->argc, job->argv, job->script);
    if (host_load_file(job->state, job->argv[job->script]) != LUA_OK) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    int nargs = job->argc - job->script - 1;
    luaL_checkstack(L, nargs, "too many arguments to the script");
    for (int i = job->script + 1; i < job->argc; i++)
        lua_pushstring(L, job->argv[i]);
    lua_call(L, nargs, 0);
    lua_pushboolean(L, 1);
    return 1;
}

static int host_run_script(const host_limits *limits, int argc, char **argv,
                           int script)
{
    host_state *state = host_state_new(limits);
    if (!state)
        return HOST_EXIT_FAILURE;
    lua_State *L = host_lua(state);
    host_run_job job = {state, argc, argv, script};
    lua_pushcfunction(L, host_run_main);
    lua_pushlightuserdata(L, &job);
    int status = host_call(state, 1, 2);
    int ok = status == LUA_OK && lua_toboolean(L, -2);
    if (status != LUA_OK || !ok)
        host_report(state, status);
    host_state_free(state);
    return ok ? HOST_EXIT_OK : HOST_EXIT_FAILURE;
}

static int host_run(int argc, char **argv)
{
    host_limits limits = {0};
    host_options options;
    host_options_begin(&options, &host_run_command, host_limit_options,
                       HOST_OPTIONS_BEFORE_OPERAND, argc, argv);
    int next;
    while ((next = host_options_next(&options)) >= HOST_OPTION_FIRST)
        if (host_take_limit(&host_run_command, next, options.value,
                            &limits) != 0)
            return HOST_EXIT_USAGE;
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    int script = options.rest;
    if (script >= argc)
        return host_usage_error(&host_run_command, "no script given");
    if (host_check_limits(&host_run_command, &limits) != 0)
        return HOST_EXIT_USAGE;
    limits.script = argv[script];
    return host_run_script(&limits, argc, argv, script);
}

const host_command host_run_command = {
    "run",
    "run [--sandbox [--allow DIR]...] [--max-memory MB] [--timeout SECONDS] "
    "SCRIPT [ARG...]",
    "Run a Lua script with the kessan module (arg as lua sets it).",
    "options:\n"
    "  --sandbox          no os, io, debug, dofile, loadfile, C modules or\n"
    "                     binary chunks; kessan's files and require only\n"
    "                     in the working directory, the script's directory\n"
    "                     and each --allow DIR\n"
    "  --allow DIR        (with --sandbox) allow DIR too; repeatable\n"
    "  --max-memory MB    stop the script when it needs more memory (MB >= 1)\n"
    "  --timeout SECONDS  stop the script when it runs longer (>= 0.001)\n"
    "  --help             this text\n"
    "\nA script error prints 'kessan: script.lua:LINE: message' and a\n"
    "traceback, and exits with status 1.\n",
    host_run
};
