/*
 * host_repl_helper.c -- the REPL's help(): help() lists the functions of
 * the reference (host_repl_help.c, made from docs/); help(f) finds the
 * function f among the kessan module's and the Model and Scenario
 * methods (by value, raw reads) and shows its signature, first sentence
 * and page; help("m:get"), help("get") and help("kessan.open") by name.
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "binding/lkessan.h"
#include "host/host_repl.h"
#include "host/host_repl_help.h"

#define HELP_COLUMNS 3

/* The entry whose name is `name`, or ends in ":name" or ".name". */
static const host_help_entry *help_find(const char *name)
{
    char dotted[128];
    snprintf(dotted, sizeof dotted, "%s", name);
    char *dot = strchr(dotted, '.');
    if (dot && strncmp(dotted, "kessan.", 7) != 0)
        *dot = ':'; /* m.get is m:get */
    for (const host_help_entry *e = host_help_entries; e->name; e++)
        if (strcmp(e->name, dotted) == 0)
            return e;
    for (const host_help_entry *e = host_help_entries; e->name; e++) {
        const char *tail = strpbrk(e->name, ".:");
        if (tail && strcmp(tail + 1, dotted) == 0)
            return e;
    }
    return NULL;
}

/* The key under which the table at idx holds the value at 1 (raw), or
 * NULL. */
static const char *help_key_of(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, 1)) {
            lua_pop(L, 1);
            const char *key = lua_tostring(L, -1);
            lua_pop(L, 1); /* the key stays alive in the table */
            return key;
        }
        lua_pop(L, 1);
    }
    return NULL;
}

/* The name of the function at 1: "kessan.open", "get", or NULL. */
static const char *help_name_of(lua_State *L, char *buf, size_t size)
{
    const char *key = NULL;
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_getfield(L, -1, "kessan") == LUA_TTABLE &&
        (key = help_key_of(L, -1)) != NULL)
        snprintf(buf, size, "kessan.%s", key);
    lua_pop(L, 2);
    if (key)
        return buf;
    if (lua_getfield(L, LUA_REGISTRYINDEX, LK_METHODS) == LUA_TTABLE &&
        (key = help_key_of(L, -1)) != NULL)
        snprintf(buf, size, "%s", key);
    lua_pop(L, 1);
    return key ? buf : NULL;
}

static void help_list(void)
{
    int n = 0;
    printf("help(NAME) or help(function): the functions of the reference\n"
           "(docs/lua-api.md, docs/whatif.md, docs/simulate.md):\n");
    for (const host_help_entry *e = host_help_entries; e->name; e++) {
        int last = ++n % HELP_COLUMNS == 0 || !e[1].name;
        printf(last ? "  %s\n" : "  %-22s", e->name);
    }
}

static int help(lua_State *L)
{
    char name[128];
    const char *wanted = NULL;
    if (lua_isnoneornil(L, 1)) {
        help_list();
        return 0;
    }
    if (lua_type(L, 1) == LUA_TSTRING)
        wanted = lua_tostring(L, 1);
    else
        wanted = help_name_of(L, name, sizeof name);
    const host_help_entry *e = wanted ? help_find(wanted) : NULL;
    if (!e) {
        printf("no help for %s (help() lists the functions)\n",
               wanted ? wanted : luaL_typename(L, 1));
        return 0;
    }
    printf("%s\n  %s\n  (%s)\n", e->signature, e->summary, e->doc);
    return 0;
}

int host_open_help(lua_State *L)
{
    lua_pushcfunction(L, help);
    lua_setglobal(L, "help");
    return 0;
}
