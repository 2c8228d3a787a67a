/*
 * host_grid_scenario.c -- the grid's scenarios: each one it opens is a
 * Scenario handle made by m:scenario(name) in the grid's Lua state (so
 * the command line sees the same one as `s`), starting from the overrides
 * saved under its name; switching, saving (s:save(), in the model), and
 * one shown beside the current with a difference column.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_grid.h"

const char *grid_scenario_name(grid_sheet *g, int scenario)
{
    if (scenario < 0 || scenario >= g->scenario_count)
        return "base";
    return g->scenarios[scenario].name;
}

/* Protected: m (argument 1):scenario(name at 2). */
static int grid_new_scenario(lua_State *L)
{
    lua_getfield(L, 1, "scenario");
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
}

/* The first line of the error on top (no traceback), popped. */
static void grid_say_lua_error(grid_sheet *g, const char *what)
{
    lua_State *L = host_lua(g->state);
    const char *message = lua_tostring(L, -1);
    char text[GRID_TEXT_MAX];
    snprintf(text, sizeof text, "%s", message ? message : "error");
    text[strcspn(text, "\n")] = '\0';
    grid_say(g, 1, "%s: %s", what, text);
    lua_pop(L, 1);
}

int grid_scenario_open(grid_sheet *g, const char *name)
{
    if (strcmp(name, "base") == 0)
        return -1;
    for (int i = 0; i < g->scenario_count; i++)
        if (strcmp(g->scenarios[i].name, name) == 0)
            return grid_model_of(g, i) ? i : -2;
    if (g->scenario_count >= GRID_SCENARIOS_MAX) {
        grid_say(g, 1, "at most %d scenarios at once", GRID_SCENARIOS_MAX);
        return -2;
    }
    lua_State *L = host_lua(g->state);
    lua_pushcfunction(L, grid_new_scenario);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->model_ref);
    lua_pushstring(L, name);
    int status = host_call(g->state, 2, 1);
    if (status != LUA_OK) {
        grid_say_lua_error(g, name);
        return -2;
    }
    grid_scenario *scenario = &g->scenarios[g->scenario_count];
    snprintf(scenario->name, sizeof scenario->name, "%s", name);
    scenario->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return g->scenario_count++;
}

static int grid_is_saved(grid_sheet *g, const char *name)
{
    int index;
    return ks_saved_scenario_lookup(g->base, name, &index, NULL) == KS_OK;
}

int grid_scenario_switch(grid_sheet *g, const char *name)
{
    int known = strcmp(name, "base") == 0 || grid_is_saved(g, name);
    for (int i = 0; i < g->scenario_count; i++)
        known |= strcmp(g->scenarios[i].name, name) == 0;
    int scenario = grid_scenario_open(g, name);
    if (scenario == -2)
        return -1;
    g->current = scenario;
    if (g->beside == scenario || (g->beside == -2 && scenario == -1))
        g->beside = -1;
    free(g->changed);
    g->changed = NULL;
    g->changed_size = 0;
    grid_command_bind(g);
    grid_say(g, 0, known ? "scenario %s" : "scenario %s (new: S saves it)",
             name);
    return 0;
}

/* Protected: s (argument 1):save(). */
static int grid_save_scenario(lua_State *L)
{
    lua_getfield(L, 1, "save");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 0);
    return 0;
}

void grid_scenario_save(grid_sheet *g)
{
    if (g->current < 0) {
        grid_say(g, 1, "the base is the model itself: switch to a scenario "
                 "(s) to save one");
        return;
    }
    lua_State *L = host_lua(g->state);
    lua_pushcfunction(L, grid_save_scenario);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->scenarios[g->current].ref);
    if (host_call(g->state, 1, 0) != LUA_OK) {
        grid_say_lua_error(g, "save");
        return;
    }
    grid_say(g, 0, "scenario %s saved in the model (write it to disk with "
             ":m:export(path, {scenario = true}))",
             g->scenarios[g->current].name);
}

void grid_scenario_beside(grid_sheet *g, const char *name)
{
    if (!name || !*name) {
        g->beside = -1;
        grid_say(g, 0, "one scenario shown");
        return;
    }
    int scenario = grid_scenario_open(g, name);
    if (scenario == -2)
        return;
    if (scenario == g->current) {
        grid_say(g, 1, "%s is the scenario shown", name);
        return;
    }
    g->beside = scenario == -1 ? -2 : scenario;
    grid_say(g, 0, "%s beside %s; diff = %s - %s",
             grid_scenario_name(g, scenario), grid_scenario_name(g, g->current),
             grid_scenario_name(g, g->current), grid_scenario_name(g, scenario));
}

static void grid_add_name(char *buf, size_t size, const char *name)
{
    size_t length = strlen(buf);
    if (strstr(buf, name)) {
        /* a whole name already listed */
        const char *at = buf;
        size_t n = strlen(name);
        while ((at = strstr(at, name)) != NULL) {
            if ((at == buf || at[-2] == ',') && (at[n] == '\0' || at[n] == ','))
                return;
            at += n;
        }
    }
    snprintf(buf + length, size - length, "%s%s", length ? ", " : "", name);
}

void grid_scenario_names(grid_sheet *g, char *buf, size_t size)
{
    buf[0] = '\0';
    grid_add_name(buf, size, "base");
    for (int i = 0; i < g->scenario_count; i++)
        grid_add_name(buf, size, g->scenarios[i].name);
    for (int i = 0; i < ks_saved_scenario_count(g->base); i++) {
        const char *name = ks_saved_scenario_name(g->base, i);
        if (name)
            grid_add_name(buf, size, name);
    }
}

void grid_scenarios_free(grid_sheet *g)
{
    lua_State *L = host_lua(g->state);
    for (int i = 0; i < g->scenario_count; i++)
        luaL_unref(L, LUA_REGISTRYINDEX, g->scenarios[i].ref);
    g->scenario_count = 0;
}
