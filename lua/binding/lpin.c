/*
 * lpin.c -- pins: what keeps an object of the binding (a Model or Scenario
 * handle, a Simulation result) usable for the length of one call.
 *
 * A binding function that holds a core pointer across anything that may
 * run Lua code (a metamethod, or a finalizer run by a garbage-collection
 * step of any allocation) pins its object first.  A pin is a small
 * userdata in a to-be-closed slot of the call: it counts the object busy
 * and anchors it (user value 1), and its __close (or its __gc, for a call
 * that failed in a coroutine nobody closed) counts it free again, so a Lua
 * error unpins too.  The pin is counted before anything is allocated (a
 * spare is kept ready), so no finalizer runs between the call's start
 * and its pin.  Closing a busy object is deferred: the object reads
 * as closed to the script at once, and its core memory is freed at the
 * last unpin (lk_busy.finish_close).
 */
#include "binding/lkessan.h"

#define LK_PIN "kessan.Pin"

typedef struct aux_pin {
    lk_busy *busy; /* NULL once unpinned */
} aux_pin;

/* __close and __gc: unpin once; the last unpin finishes a deferred close. */
static int pin_release(lua_State *L)
{
    aux_pin *pin = lua_touserdata(L, 1);
    if (!pin || !pin->busy)
        return 0;
    lk_busy *busy = pin->busy;
    pin->busy = NULL;
    if (--busy->count == 0 && busy->close_pending) {
        busy->close_pending = 0;
        busy->finish_close(busy);
    }
    return 0;
}

/* A new pin, unpinned (pushed). */
static aux_pin *aux_new_pin(lua_State *L)
{
    aux_pin *pin = lua_newuserdatauv(L, sizeof *pin, 1);
    pin->busy = NULL;
    luaL_setmetatable(L, LK_PIN);
    return pin;
}

/* The registry holds one spare pin, so that a pin is taken and counted
 * before anything is allocated: an allocation may run a finalizer, which
 * must find the object pinned already.  The spare is replaced after. */
static const char aux_spare_key = 0;

void lk_pin(lua_State *L, int idx, lk_busy *busy)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 3, "pinning an object");
    int spare = lua_rawgetp(L, LUA_REGISTRYINDEX, &aux_spare_key) ==
                LUA_TUSERDATA;
    if (spare) {
        lua_pushnil(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &aux_spare_key);
    } else {
        /* only inside a finalizer (where the collector does not run) or
         * before the first spare: this allocation runs no Lua code */
        lua_pop(L, 1);
        aux_new_pin(L);
    }
    aux_pin *pin = lua_touserdata(L, -1);
    lua_pushvalue(L, idx);
    lua_setiuservalue(L, -2, 1);
    lua_toclose(L, -1);
    pin->busy = busy;
    busy->count++;
    if (spare) { /* a memory error here unpins through the slot */
        aux_new_pin(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &aux_spare_key);
    }
}

int lk_busy_defer_close(lk_busy *busy)
{
    if (busy->count == 0)
        return 0;
    busy->close_pending = 1;
    return 1;
}

void lk_pin_open(lua_State *L)
{
    luaL_newmetatable(L, LK_PIN);
    lua_pushcfunction(L, pin_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, pin_release);
    lua_setfield(L, -2, "__gc");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
    aux_new_pin(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &aux_spare_key);
}
