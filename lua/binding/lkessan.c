/*
 * lkessan.c -- the module `kessan`: luaopen_kessan, the module functions
 * (kessan.open, kessan.compare, kessan.format_explain, kessan.missing,
 * kessan.version) and the conversions every file of the binding shares:
 * raising the core's errors, pushing cell values, checking ids.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "binding/lcheck.h"
#include "binding/lkessan.h"
#include "binding/lsimulate.h"
#include "kessan/suggest.h"
#include "kessan/text.h"

/* ---- strings, fields and paths from Lua --------------------------------- */

int lk_has_zero(lua_State *L, int idx)
{
    size_t length;
    const char *text = lua_tolstring(L, idx, &length);
    return text && strlen(text) != length;
}

const char *lk_check_string(lua_State *L, int idx)
{
    const char *text = luaL_checkstring(L, idx);
    if (lk_has_zero(L, idx))
        luaL_argerror(L, idx, "string contains an embedded zero");
    return text;
}

const char *lk_opt_string(lua_State *L, int idx, const char *fallback)
{
    if (lua_isnoneornil(L, idx))
        return fallback;
    return lk_check_string(L, idx);
}

int lk_rawfield(lua_State *L, int idx, const char *name)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, name);
    return lua_rawget(L, idx);
}

/* ---- option tables: every key known ----------------------------------- */

/* Whether the key at `key` is one of `known` or an entry 1..entries.  No
 * conversion, no allocation: safe in the middle of lua_next. */
static int aux_known_key(lua_State *L, int key, const char *const known[],
                         lua_Integer entries)
{
    if (lua_type(L, key) == LUA_TSTRING) {
        if (lk_has_zero(L, key))
            return 0;
        const char *name = lua_tostring(L, key);
        for (int i = 0; known && known[i]; i++)
            if (strcmp(name, known[i]) == 0)
                return 1;
        return 0;
    }
    if (!lua_isinteger(L, key))
        return 0;
    lua_Integer position = lua_tointeger(L, key);
    return position >= 1 && position <= entries;
}

/* Whether the key at `a` comes before the key at `b` (nil: none yet) in
 * the order unknown keys are reported: strings by their bytes, then
 * numbers, then false and true, then the rest as met.  A table with
 * several unknown keys names the same one whatever its traversal order.
 * Raw comparisons only: no metamethod, no conversion. */
static int aux_key_before(lua_State *L, int a, int b)
{
    static const int rank[LUA_NUMTYPES] = {
        [LUA_TSTRING] = 0, [LUA_TNUMBER] = 1, [LUA_TBOOLEAN] = 2,
        [LUA_TNIL] = 3, [LUA_TLIGHTUSERDATA] = 3, [LUA_TTABLE] = 3,
        [LUA_TFUNCTION] = 3, [LUA_TUSERDATA] = 3, [LUA_TTHREAD] = 3
    };
    int type_a = lua_type(L, a), type_b = lua_type(L, b);
    if (type_b == LUA_TNIL)
        return 1;
    if (rank[type_a] != rank[type_b])
        return rank[type_a] < rank[type_b];
    if (type_a == LUA_TSTRING) {
        size_t length_a, length_b;
        const char *text_a = lua_tolstring(L, a, &length_a);
        const char *text_b = lua_tolstring(L, b, &length_b);
        int order = memcmp(text_a, text_b,
                           length_a < length_b ? length_a : length_b);
        return order < 0 || (order == 0 && length_a < length_b);
    }
    if (type_a == LUA_TNUMBER)
        return lua_tonumber(L, a) < lua_tonumber(L, b);
    if (type_a == LUA_TBOOLEAN)
        return !lua_toboolean(L, a) && lua_toboolean(L, b);
    return 0;
}

/* Push the unknown key at `key` as the message shows it: 'name', [3],
 * [1.5], [true], or its type for a table, a function, a userdata. */
static void aux_push_key(lua_State *L, int key)
{
    switch (lua_type(L, key)) {
    case LUA_TSTRING:
        if (lk_has_zero(L, key))
            lua_pushfstring(L, "'%s...' (with an embedded zero)",
                            lua_tostring(L, key));
        else
            lua_pushfstring(L, "'%s'", lua_tostring(L, key));
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, key))
            lua_pushfstring(L, "[%I]", (LUAI_UACINT)lua_tointeger(L, key));
        else
            lua_pushfstring(L, "[%f]", (LUAI_UACNUMBER)lua_tonumber(L, key));
        return;
    case LUA_TBOOLEAN:
        lua_pushstring(L, lua_toboolean(L, key) ? "[true]" : "[false]");
        return;
    default:
        lua_pushfstring(L, "keyed by a %s", luaL_typename(L, key));
        return;
    }
}

/* Push what follows the key in the message: the nearest known name, or
 * what the table takes. */
static void aux_push_key_hint(lua_State *L, int key, const char *const known[],
                              lua_Integer entries)
{
    int count = 0;
    while (known && known[count])
        count++;
    if (lua_type(L, key) == LUA_TSTRING && !lk_has_zero(L, key)) {
        size_t length;
        const char *name = lua_tolstring(L, key, &length);
        const char *nearest = ks_suggest(name, length, known, count);
        if (nearest) {
            lua_pushfstring(L, " (did you mean '%s'?)", nearest);
            return;
        }
    }
    luaL_Buffer hint;
    luaL_buffinit(L, &hint);
    if (entries > 0) {
        lua_pushfstring(L, " (entries 1 to %I", (LUAI_UACINT)entries);
        luaL_addvalue(&hint);
    } else
        luaL_addstring(&hint, count > 0 ? " (" : " (a list");
    if (count > 0)
        luaL_addstring(&hint, entries > 0 ? " and options " : "options: ");
    for (int i = 0; i < count; i++) {
        if (i > 0)
            luaL_addstring(&hint, ", ");
        luaL_addstring(&hint, known[i]);
    }
    luaL_addchar(&hint, ')');
    luaL_pushresult(&hint);
}

void lk_check_keys(lua_State *L, int arg, int idx, const char *field,
                   int entry, const char *const known[], lua_Integer entries)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "option keys");
    lua_pushnil(L);                      /* the unknown key to name */
    int key = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {           /* nothing in the loop allocates */
        lua_pop(L, 1);
        if (aux_known_key(L, -1, known, entries) ||
            !aux_key_before(L, -1, key))
            continue;
        lua_pushvalue(L, -1);
        lua_replace(L, key);
    }
    if (lua_isnil(L, key)) {
        lua_pop(L, 1);
        return;
    }
    if (!field)
        lua_pushliteral(L, "");
    else if (entry > 0)
        lua_pushfstring(L, "field '%s': entry %d: ", field, entry);
    else
        lua_pushfstring(L, "field '%s': ", field);
    lua_pushliteral(L, "unknown option ");
    aux_push_key(L, key);
    aux_push_key_hint(L, key, known, entries);
    lua_concat(L, 4);
    luaL_argerror(L, arg, lua_tostring(L, -1));
}

void lk_check_options(lua_State *L, int idx, const char *const known[])
{
    lk_check_keys(L, idx, idx, NULL, 0, known, 0);
}

void lk_check_path(lua_State *L, const char *path, lk_path_access access)
{
    int type = lua_getfield(L, LUA_REGISTRYINDEX, LK_HOST_PATHS);
    const lk_host_paths *paths = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (type != LUA_TLIGHTUSERDATA || !paths || !paths->check)
        return;
    char message[512] = "";
    if (paths->check(paths->user_data, path, access, message,
                     sizeof message) == 0)
        return;
    message[sizeof message - 1] = '\0';
    luaL_error(L, "%s: %s", path,
               message[0] ? message : "refused by the path policy");
}

/* ---- shared conversions ------------------------------------------------- */

int lk_raise(lua_State *L, const ks_error *err)
{
    if (err->code == KS_ENOMEM)
        return luaL_error(L, "not enough memory (%s)", err->message);
    return luaL_error(L, "%s", err->message);
}

int lk_fail(lua_State *L, const ks_error *err)
{
    if (err->code == KS_ENOMEM || err->code == KS_EINTERRUPTED)
        return lk_raise(L, err);
    luaL_pushfail(L);
    lua_pushstring(L, err->message);
    return 2;
}

int lk_push_value(lua_State *L, const ks_value *value)
{
    switch (value->kind) {
    case KS_NUMBER:
        lua_pushnumber(L, value->number);
        return 1;
    case KS_ERROR:
        lua_pushnil(L);
        lua_pushstring(L, value->error ? value->error : "error");
        return 2;
    default:
        lua_pushnil(L);
        return 1;
    }
}

int lk_push_cell(lua_State *L, ks_model *model, int item, int period,
                 const ks_value *value)
{
    if (value->kind != KS_MISSING)
        return lk_push_value(L, value);
    char reason[512];
    ks_error err;
    if (ks_missing_reason(model, item, period, reason, sizeof reason, &err) !=
        KS_OK)
        return lk_raise(L, &err);
    lua_pushnil(L);
    lua_pushstring(L, reason);
    return 2;
}

int lk_check_item(lua_State *L, ks_model *model, int idx)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        return luaL_typeerror(L, idx, "item id");
    if (lk_has_zero(L, idx))
        return luaL_argerror(L, idx, "string contains an embedded zero");
    const char *id = lua_tostring(L, idx);
    int item = ks_item_find(model, id);
    if (item >= 0)
        return item;
    ks_error err;
    if (ks_item_lookup(model, id, &item, &err) != KS_OK)
        return lk_raise(L, &err);
    return item;
}

int lk_check_period(lua_State *L, ks_model *model, int idx)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        return luaL_typeerror(L, idx, "period");
    if (lk_has_zero(L, idx))
        return luaL_argerror(L, idx, "string contains an embedded zero");
    int period;
    ks_error err;
    if (ks_period_lookup(model, lua_tostring(L, idx), &period, &err) != KS_OK)
        return lk_raise(L, &err);
    return period;
}

int lk_check_cell(lua_State *L, ks_model *model, int idx, int *item,
                  int *period)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        if (lk_has_zero(L, idx))
            return luaL_argerror(L, idx, "string contains an embedded zero");
        const char *text = lua_tostring(L, idx);
        if (strchr(text, '@')) {
            ks_error err;
            if (ks_cell_lookup(model, text, item, period, &err) != KS_OK)
                return lk_raise(L, &err);
            return 1;
        }
    }
    *item = lk_check_item(L, model, idx);
    *period = lk_check_period(L, model, idx + 1);
    return 2;
}

void lk_get(lua_State *L, ks_model *model, int item, int period,
            ks_value *out)
{
    ks_error err;
    if (ks_get(model, item, period, out, &err) != KS_OK)
        lk_raise(L, &err);
}

/* kessan.missing: a unique light userdata (its address in this library). */
static const char aux_missing_tag = 0;

int lk_is_missing_sentinel(lua_State *L, int idx)
{
    return lua_touserdata(L, idx) == (void *)&aux_missing_tag &&
           lua_type(L, idx) == LUA_TLIGHTUSERDATA;
}

void lk_push_missing_sentinel(lua_State *L)
{
    lua_pushlightuserdata(L, (void *)&aux_missing_tag);
}

/* ---- module functions --------------------------------------------------- */

/* kessan.open(directory) -> Model | nil, message */
static int kessan_open(lua_State *L)
{
    const char *directory = lk_check_string(L, 1);
    lk_check_path(L, directory, LK_PATH_READ);
    const ks_allocator *allocator = lk_allocator(L);
    lk_handle *handle = lk_new_handle(L, 0, 0);
    ks_error err;
    if (ks_model_open(directory, allocator, &handle->model, &err) != KS_OK)
        return lk_fail(L, &err);
    lk_live_add(handle->live, handle->model);
    return 1;
}

/* Field `name` of the table at 1 (read raw) as an int; `fallback` when
 * absent, or an error when fallback is -1. */
static int aux_field_integer(lua_State *L, const char *name, int fallback)
{
    int type = lk_rawfield(L, 1, name);
    int isnum = 0;
    lua_Integer value = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (type == LUA_TNIL && fallback != -1)
        return fallback;
    if (!isnum || value < 1 || value > 9999)
        return luaL_argerror(L, 1, lua_pushfstring(L,
            "field '%s' expected a positive integer", name));
    return (int)value;
}

/* kessan.new{fiscal_year_end_month = 3, first_year = 2001, last_year = 2002}
 * -> an empty Model */
static int kessan_new(lua_State *L)
{
    static const char *const known[] = {
        "fiscal_year_end_month", "first_year", "last_year", NULL
    };
    luaL_checktype(L, 1, LUA_TTABLE);
    lk_check_options(L, 1, known);
    ks_calendar calendar;
    calendar.fiscal_year_end_month =
        aux_field_integer(L, "fiscal_year_end_month", 12);
    calendar.first_year = aux_field_integer(L, "first_year", -1);
    calendar.last_year =
        aux_field_integer(L, "last_year", calendar.first_year);
    const ks_allocator *allocator = lk_allocator(L);
    lk_handle *handle = lk_new_handle(L, 0, 0);
    ks_error err;
    if (ks_model_new(&calendar, allocator, &handle->model, &err) != KS_OK)
        return lk_raise(L, &err);
    lk_live_add(handle->live, handle->model);
    return 1;
}

static const luaL_Reg kessan_functions[] = {
    {"open", kessan_open},
    {"new", kessan_new},
    {"compare", lk_compare},
    {"format_explain", lk_format_explain},
    {"format", lk_format},
    {NULL, NULL}
};

LK_EXPORT int luaopen_kessan(lua_State *L)
{
    static const luaL_Reg audit_methods[] = {
        {"check", lk_check},
        {NULL, NULL}
    };
    luaL_checkversion(L);
    lk_pin_open(L);
    lk_allocator(L);
    lk_live_get(L); /* before any handle, so that its __gc comes last */
    lk_model_open(L);
    lk_model_add_methods(L, audit_methods);
    lk_whatif_open(L);
    lk_series_open(L);
    lk_explain_open(L);
    lk_compare_open(L);
    luaL_newlib(L, kessan_functions);
    lk_push_missing_sentinel(L);
    lua_setfield(L, -2, "missing");
    lua_pushliteral(L, KESSAN_VERSION);
    lua_setfield(L, -2, "version");
    lk_simulate_register(L);
    lk_sim_analysis_register(L);
    lk_chart_register(L);
    return 1;
}

void lk_protect_metatable(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_getfield(L, idx, "__name") != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushliteral(L, "kessan");
    }
    lua_setfield(L, idx, "__metatable");
}
