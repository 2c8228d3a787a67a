/*
 * host_grid.c -- `kessan grid MODEL [--scenario NAME] [--lang ja]`: the
 * model as a sheet in the terminal (docs/grid.md).  This file reads the
 * command line, opens the model in a Lua state made as `kessan run` makes
 * one (the same limits and sandbox options), and runs the key loop; the
 * parts are in host_grid_*.c (host_grid.h).
 */
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1

#include <curses.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_grid.h"
#include "host/host_options.h"

enum { GRID_SCENARIO = HOST_OPTION_FIRST + 100, GRID_LANG };

typedef struct grid_args {
    host_limits limits;
    const char *model;
    const char *scenario;
    const char *lang;
} grid_args;

/* The limit options of run and repl, then --scenario and --lang. */
static const struct option grid_own_options[] = {
    { "scenario", required_argument, NULL, GRID_SCENARIO },
    { "lang", required_argument, NULL, GRID_LANG },
    { NULL, 0, NULL, 0 }
};

static int grid_take_option(host_options *options, int next, grid_args *args)
{
    static const char *const langs[] = { "en", "ja", NULL };
    if (next == GRID_SCENARIO) {
        args->scenario = options->value;
        return 0;
    }
    if (next == GRID_LANG) {
        if (host_option_choice(options, "--lang", langs, options->value) < 0)
            return -1;
        args->lang = options->value;
        return 0;
    }
    return host_take_limit(&host_grid_command, next, options->value,
                           &args->limits);
}

/* -1 to go on, or an exit status to return (0 after --help). */
static int grid_parse(int argc, char **argv, grid_args *args)
{
    struct option table[HOST_LIMIT_TABLE_MAX];
    host_limit_table(table, grid_own_options);
    host_options options;
    host_options_begin(&options, &host_grid_command, table,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) > HOST_OPTIONS_END) {
        if (next != HOST_OPTIONS_OPERAND) {
            if (grid_take_option(&options, next, args) != 0)
                return HOST_EXIT_USAGE;
        } else if (args->model)
            return host_usage_error(&host_grid_command,
                                    "more than one model given");
        else
            args->model = options.value;
    }
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    if (!args->model)
        return host_usage_error(&host_grid_command, "no model given");
    if (host_check_limits(&host_grid_command, &args->limits) != 0)
        return HOST_EXIT_USAGE;
    args->limits.model = args->model;
    return -1;
}

/* m = kessan.open(path), as one chunk: the handle, or nil and why. */
static const char grid_open_source[] =
    "kessan = require('kessan')\n"
    "return kessan.open(...)\n";

/* Protected: run grid_open_source on the path at 1. */
static int grid_open_model(lua_State *L)
{
    if (luaL_loadbufferx(L, grid_open_source, sizeof grid_open_source - 1,
                         "=grid", "t") != LUA_OK)
        return lua_error(L);
    lua_insert(L, 1);
    lua_call(L, 1, 2);
    return 2;
}

/* The model in the grid's state: 0, or -1 after saying why. */
static int grid_open(grid_sheet *g)
{
    lua_State *L = host_lua(g->state);
    lua_pushcfunction(L, grid_open_model);
    lua_pushstring(L, g->path);
    int status = host_call(g->state, 1, 2);
    if (status != LUA_OK) {
        const char *message = lua_tostring(L, -1);
        char text[GRID_TEXT_MAX];
        snprintf(text, sizeof text, "%s", message ? message : "error");
        text[strcspn(text, "\n")] = '\0';
        host_error("grid", "%s", text);
        lua_pop(L, 1);
        return -1;
    }
    lk_handle *handle = lk_to_handle(L, -2);
    if (!handle || !handle->model) {
        const char *message = lua_tostring(L, -1);
        host_error("grid", "the model does not open: %s",
                   message ? message : g->path);
        lua_pop(L, 2);
        return -1;
    }
    lua_pop(L, 1);
    g->base = handle->model;
    g->model_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static void grid_loop(grid_sheet *g)
{
    while (!g->quit) {
        grid_draw(g);
        int key = getch();
        if (grid_term_stopping())
            break;
        if (key == ERR)
            continue;
        g->message[0] = '\0';
        g->message_error = 0;
        grid_key(g, key);
        /* a script may have closed what the sheet shows */
        if (!grid_model_of(g, -1))
            break;
        if (!grid_model(g)) {
            g->current = -1;
            grid_say(g, 1, "that scenario was closed: the base is shown");
        }
    }
}

static int grid_run(grid_sheet *g, const grid_args *args)
{
    if (grid_open(g) != 0)
        return HOST_EXIT_FAILURE;
    if (grid_view_build(g) != 0) {
        host_error("grid", "not enough memory");
        return HOST_EXIT_FAILURE;
    }
    if (g->statement_count == 0) {
        host_error("grid", "%s: the model has no items to show", g->path);
        return HOST_EXIT_FAILURE;
    }
    if (args->scenario && grid_scenario_switch(g, args->scenario) != 0) {
        host_error("grid", "--scenario %s: %s", args->scenario, g->message);
        return HOST_EXIT_FAILURE;
    }
    grid_command_bind(g);
    if (grid_term_begin(g) != 0) {
        host_error("grid", "the terminal (TERM=%s) cannot be used",
                   getenv("TERM") ? getenv("TERM") : "");
        return HOST_EXIT_FAILURE;
    }
    grid_say(g, 0, "%s: ? lists the keys, q leaves", g->path);
    grid_loop(g);
    grid_term_end();
    if (!grid_model_of(g, -1)) {
        host_error("grid", "the model was closed by a command");
        return HOST_EXIT_FAILURE;
    }
    return HOST_EXIT_OK;
}

static int host_grid_main(int argc, char **argv)
{
    grid_args args;
    memset(&args, 0, sizeof args);
    int status = grid_parse(argc, argv, &args);
    if (status >= 0)
        return status;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        host_error("grid", "needs a terminal (for a statement as text: "
                   "kessan show %s is)", args.model);
        return HOST_EXIT_FAILURE;
    }
    grid_sheet g;
    memset(&g, 0, sizeof g);
    g.path = args.model;
    g.japanese = args.lang && strcmp(args.lang, "ja") == 0;
    g.sandbox = args.limits.sandbox;
    g.current = -1;
    g.beside = -1;
    g.model_ref = LUA_NOREF;
    g.state = host_state_new(&args.limits);
    if (!g.state)
        return HOST_EXIT_FAILURE;
    status = grid_run(&g, &args);
    grid_term_end();
    grid_view_free(&g);
    grid_scenarios_free(&g);
    host_state_free(g.state);
    return status;
}

const host_command host_grid_command = {
    "grid",
    "grid [--sandbox [--allow DIR]...] [--max-memory MB] [--timeout SECONDS] "
    "MODEL [--scenario NAME] [--lang ja]",
    "The model as a sheet in the terminal: see, edit, recalculate.",
    "A full-screen sheet of the model (docs/grid.md): statements as tabs,\n"
    "items as rows, periods as columns, figures coloured by provenance.\n"
    "Enter sets an input, Del removes it, u and r undo and redo, e explains\n"
    "a cell, = gives a row a formula, s switches scenario, b shows one\n"
    "beside, : runs Lua or seek/table, ? lists the keys, q leaves.\n\n"
    "options:\n"
    "  --scenario NAME  start in this scenario (a saved one, or a new one)\n"
    "  --lang ja        Japanese labels\n"
    "  --sandbox, --allow DIR, --max-memory MB, --timeout SECONDS\n"
    "                   for the command line (:), as for 'kessan run' (the\n"
    "                   model's directory is allowed)\n"
    "  --help           this text\n"
    "\nenvironment:\n"
    "  NO_COLOR         no colours: provenance by attributes\n"
    "\nexample:\n"
    "  kessan grid data/iij\n",
    host_grid_main
};
