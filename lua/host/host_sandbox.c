/*
 * host_sandbox.c -- what --sandbox takes away and what it puts in its
 * place.  Gone: os, io, debug, dofile, loadfile, package.loadlib,
 * package.searchpath (it opens any file it is given a template for) and
 * the C searchers (package.cpath emptied).  Replaced: `load`, which takes text
 * chunks only, and require's Lua-file searcher, which loads text only and
 * only files inside the directories the sandbox allows.  Every way a
 * sandboxed script has into lua_load is one of these two (the repl
 * compiles its lines as text too).
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "host/host.h"

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

static int host_readable(const char *file)
{
    FILE *stream = fopen(file, "r");
    if (!stream)
        return 0;
    fclose(stream);
    return 1;
}

/* Load `file` as text and push the loader and the file name. */
static int host_load_module(lua_State *L, const char *name,
                            const char *file)
{
    if (luaL_loadfilex(L, file, "t") != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
                          name, file, lua_tostring(L, -1));
    lua_pushstring(L, file);
    return 2;
}

/* package.searchers[2] under the sandbox: package.searchpath's walk over
 * package.path, but a file outside the allowed directories is neither
 * opened nor probed (the next template is tried), and what is found is
 * loaded as text.  Upvalues: the package table, the paths (light
 * userdata).  Returns the loader and the file name, or where it looked. */
static int host_search_lua(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_getfield(L, lua_upvalueindex(1), "path");
    const char *path = lua_tostring(L, -1);
    if (!path)
        return luaL_error(L, "'package.path' must be a string");
    const host_paths *paths = lua_touserdata(L, lua_upvalueindex(2));
    const char *module = luaL_gsub(L, name, ".", LUA_DIRSEP);
    lua_newtable(L);
    int tried = lua_gettop(L), count = 0;
    for (const char *at = path; *at;) {
        const char *end = strchr(at, *LUA_PATH_SEP);
        size_t length = end ? (size_t)(end - at) : strlen(at);
        if (length > 0) {
            lua_pushlstring(L, at, length);
            const char *file = luaL_gsub(L, lua_tostring(L, -1),
                                         LUA_PATH_MARK, module);
            char why[1024];
            if (host_paths_check(paths, file, LK_PATH_READ, why,
                                 sizeof why) != 0)
                lua_pushfstring(L, "no file '%s' in the sandbox (%s)", file,
                                why);
            else if (host_readable(file))
                return host_load_module(L, name, file);
            else
                lua_pushfstring(L, "no file '%s'", file);
            lua_rawseti(L, tried, ++count);
            lua_pop(L, 2);
        }
        if (!end)
            break;
        at = end + 1;
    }
    luaL_Buffer message;
    luaL_buffinit(L, &message);
    for (int i = 1; i <= count; i++) {
        if (i > 1)
            luaL_addstring(&message, "\n\t");
        lua_rawgeti(L, tried, i);
        luaL_addvalue(&message);
    }
    luaL_pushresult(&message);
    return 1;
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

/* Keep the preload searcher, replace the Lua one, drop the C ones and
 * the functions that load or probe files by name. */
static void host_replace_searchers(lua_State *L, int paths)
{
    if (lua_getglobal(L, "package") != LUA_TTABLE)
        luaL_error(L, "the sandbox found no package library");
    int package = lua_gettop(L);
    lua_pushliteral(L, "");
    lua_setfield(L, package, "cpath");
    lua_pushnil(L);
    lua_setfield(L, package, "loadlib");
    lua_pushnil(L);
    lua_setfield(L, package, "searchpath");
    if (lua_getfield(L, package, "searchers") != LUA_TTABLE)
        luaL_error(L, "the sandbox found no package.searchers");
    int searchers = lua_gettop(L);
    lua_pushnil(L);
    lua_rawseti(L, searchers, 4);
    lua_pushnil(L);
    lua_rawseti(L, searchers, 3);
    lua_pushvalue(L, package);
    lua_pushvalue(L, paths);
    lua_pushcclosure(L, host_search_lua, 2);
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
