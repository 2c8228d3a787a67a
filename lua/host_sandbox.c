/*
 * host_sandbox.c -- what --sandbox takes away and what it puts in its
 * place.  Gone: os, io, debug, dofile, loadfile, package.loadlib and the
 * C searchers (package.cpath emptied).  Replaced: `load`, which takes text
 * chunks only, and require's Lua-file searcher, which loads text only and
 * only files inside the directories the sandbox allows.  Every way a
 * sandboxed script has into lua_load is one of these two (the repl
 * compiles its lines as text too).
 */
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "host.h"

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

/* package.searchers[2] under the sandbox.  Upvalues: the package table,
 * the original package.searchpath (a script may replace the field, not
 * this), the paths (light userdata).  Returns the loader and the file
 * name, or a string saying where it looked. */
static int host_search_lua(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_getfield(L, lua_upvalueindex(1), "path");
    if (!lua_isstring(L, -1))
        return luaL_error(L, "'package.path' must be a string");
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushstring(L, name);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2))
        return 1; /* searchpath's "no file ..." list */
    const char *file = lua_tostring(L, -2);
    const host_paths *paths = lua_touserdata(L, lua_upvalueindex(3));
    char why[1024];
    if (host_paths_check(paths, file, LK_PATH_READ, why, sizeof why) != 0) {
        lua_pushfstring(L, "no file '%s' in the sandbox (%s)", file, why);
        return 1;
    }
    if (luaL_loadfilex(L, file, "t") != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
                          name, file, lua_tostring(L, -1));
    lua_pushstring(L, file);
    return 2;
}

static void host_remove_globals(lua_State *L)
{
    static const char *const removed[] = {"os", "io", "debug", "dofile",
                                          "loadfile", NULL};
    lua_pushglobaltable(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    for (int i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, -3, removed[i]);
        lua_pushnil(L);
        lua_setfield(L, -2, removed[i]);
    }
    lua_pop(L, 2);
}

/* Keep the preload searcher, replace the Lua one, drop the C ones. */
static void host_replace_searchers(lua_State *L, int paths)
{
    if (lua_getglobal(L, "package") != LUA_TTABLE)
        luaL_error(L, "the sandbox found no package library");
    int package = lua_gettop(L);
    lua_pushliteral(L, "");
    lua_setfield(L, package, "cpath");
    lua_pushnil(L);
    lua_setfield(L, package, "loadlib");
    if (lua_getfield(L, package, "searchers") != LUA_TTABLE)
        luaL_error(L, "the sandbox found no package.searchers");
    int searchers = lua_gettop(L);
    lua_pushnil(L);
    lua_rawseti(L, searchers, 4);
    lua_pushnil(L);
    lua_rawseti(L, searchers, 3);
    lua_pushvalue(L, package);
    lua_getfield(L, package, "searchpath");
    lua_pushvalue(L, paths);
    lua_pushcclosure(L, host_search_lua, 3);
    lua_rawseti(L, searchers, 2);
    lua_settop(L, package - 1);
}

int host_open_sandbox(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TLIGHTUSERDATA);
    host_remove_globals(L);
    lua_getglobal(L, "load");
    lua_pushcclosure(L, host_safe_load, 1);
    lua_setglobal(L, "load");
    host_replace_searchers(L, 1);
    return 0;
}
