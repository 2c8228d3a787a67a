/*
 * lalloc.c -- routes every allocation of the models a Lua state opens
 * through that state's lua_Alloc, so that a host's memory limit bounds the
 * engine too and a failed allocation comes back as KS_ENOMEM (then a Lua
 * error), never a crash.
 *
 * lua_Alloc wants the old size of a block; ks_allocator does not give it,
 * so every block carries its size in a header.  The bridge lives in a full
 * userdata without __gc anchored in the registry: Lua frees such objects
 * only after every finalizer has run, so models closed by __gc at
 * lua_close still find it.
 *
 * The host's interrupt (registry LK_HOST_INTERRUPT) is copied into the
 * allocator each time it is asked for, so the core's long calls of every
 * model it opens poll it; without one they are never stopped.
 */
#include <stddef.h>
#include <string.h>

#include "binding/lkessan.h"

typedef union aux_header {
    size_t size;
    max_align_t align;
} aux_header;

typedef struct aux_bridge {
    ks_allocator allocator; /* user_data points back at this bridge      */
    lua_Alloc alloc;
    void *alloc_ud;
} aux_bridge;

static void *aux_realloc(void *user_data, void *block, size_t new_size)
{
    aux_bridge *bridge = user_data;
    aux_header *old = block ? (aux_header *)block - 1 : NULL;
    size_t old_size = old ? old->size + sizeof(aux_header) : 0;
    if (new_size == 0) {
        if (old)
            bridge->alloc(bridge->alloc_ud, old, old_size, 0);
        return NULL;
    }
    if (new_size > (size_t)-1 - sizeof(aux_header))
        return NULL;
    aux_header *grown = bridge->alloc(bridge->alloc_ud, old, old_size,
                                      new_size + sizeof(aux_header));
    if (!grown)
        return NULL;
    grown->size = new_size;
    return grown + 1;
}

/* Copy the host's interrupt poll (or none) into the allocator. */
static void aux_copy_interrupt(lua_State *L, ks_allocator *allocator)
{
    int type = lua_getfield(L, LUA_REGISTRYINDEX, LK_HOST_INTERRUPT);
    const lk_host_interrupt *host = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (type != LUA_TLIGHTUSERDATA || !host || !host->interrupted) {
        allocator->interrupted = NULL;
        allocator->interrupt_data = NULL;
        return;
    }
    allocator->interrupted = host->interrupted;
    allocator->interrupt_data = host->user_data;
}

const ks_allocator *lk_allocator(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, LK_ALLOCATOR) == LUA_TUSERDATA) {
        aux_bridge *bridge = lua_touserdata(L, -1);
        lua_pop(L, 1);
        aux_copy_interrupt(L, &bridge->allocator);
        return &bridge->allocator;
    }
    lua_pop(L, 1);
    aux_bridge *bridge = lua_newuserdatauv(L, sizeof *bridge, 0);
    memset(bridge, 0, sizeof *bridge);
    bridge->alloc = lua_getallocf(L, &bridge->alloc_ud);
    bridge->allocator.realloc_fn = aux_realloc;
    bridge->allocator.user_data = bridge;
    aux_copy_interrupt(L, &bridge->allocator);
    lua_setfield(L, LUA_REGISTRYINDEX, LK_ALLOCATOR);
    return &bridge->allocator;
}
