/*
 * llive.c -- the models a Lua state holds, listed apart from the userdata
 * that hold them.  Lua skips a finalizer it cannot call for want of memory
 * (it warns, and the userdata is collected without it), which would leak
 * the model behind it.  So every model a handle takes is also listed here,
 * in a userdata created when the module loads: its own __gc, which Lua
 * calls after those of every handle created later, frees whatever is still
 * listed when the state closes.  The list is an array grown before a model
 * is taken, so taking one never fails.
 */
#include <string.h>

#include "binding/lkessan.h"

#define LK_LIVE "kessan.live"

struct lk_live {
    ks_model **models;
    size_t count, capacity;
    lua_Alloc alloc;
    void *alloc_ud;
};

static int live_gc(lua_State *L)
{
    lk_live *live = lua_touserdata(L, 1);
    ks_model **models = live->models;
    size_t count = live->count, capacity = live->capacity;
    live->models = NULL;
    live->count = live->capacity = 0;
    for (size_t i = 0; i < count; i++)
        ks_model_free(models[i]);
    if (models)
        live->alloc(live->alloc_ud, models, capacity * sizeof *models, 0);
    return 0;
}

lk_live *lk_live_get(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, LK_LIVE) == LUA_TUSERDATA) {
        lk_live *live = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return live;
    }
    lua_pop(L, 1);
    lk_live *live = lua_newuserdatauv(L, sizeof *live, 0);
    memset(live, 0, sizeof *live);
    live->alloc = lua_getallocf(L, &live->alloc_ud);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, live_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, LK_LIVE);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, LK_LIVE);
    return live;
}

void lk_live_reserve(lua_State *L, lk_live *live)
{
    if (live->count < live->capacity)
        return;
    size_t capacity = live->capacity ? live->capacity * 2 : 16;
    ks_model **grown = live->alloc(live->alloc_ud, live->models,
                                   live->capacity * sizeof *grown,
                                   capacity * sizeof *grown);
    if (!grown)
        luaL_error(L, "not enough memory");
    live->models = grown;
    live->capacity = capacity;
}

void lk_live_add(lk_live *live, ks_model *model)
{
    if (model && live->count < live->capacity)
        live->models[live->count++] = model;
}

int lk_live_remove(lk_live *live, ks_model *model)
{
    for (size_t i = live->count; i-- > 0;) {
        if (live->models[i] != model)
            continue;
        live->models[i] = live->models[--live->count];
        return 1;
    }
    return 0;
}
