/*
 * lmodel.c -- the kessan.Model and kessan.Scenario userdata: their methods
 * (get, set, define, scenario, scenarios, save, explain, items, item,
 * setting, periods, import, export, name, series, close) and metamethods
 * (__index giving a Series for an item id, __tostring, __len, __eq, __gc,
 * __close).  Other files add methods through lk_model_add_methods: check
 * (lcheck.c), goalseek, datatable and tornado (lwhatif.c), simulate
 * (lsimulate.c).
 *
 * Layout, chosen so that m:get is cheap (it is the hot path of scripts):
 *  - the registry holds two class tables, kessan.Model and kessan.Scenario
 *    (metamethods, __name, a protected __metatable) and the methods
 *    template (LK_METHODS);
 *  - each handle gets its own metatable: a copy of its class's fields whose
 *    __index is a table of the methods, so m:get is a plain table hit; that
 *    table's own __index is a closure over the handle giving m[id] -> Series;
 *  - the handle's metatable has the class table as its metatable, which is
 *    how `self` is checked (two raw getmetatable and a pointer compare with
 *    the methods' upvalues 1 and 2).  Scripts cannot reach the class
 *    tables (__metatable), so they cannot forge a handle.
 * A Scenario's user value 1 is its Model, which it keeps alive.  Closing is
 * idempotent: __gc, __close and close share one function, and a closed
 * handle raises "attempt to use a closed model".
 *
 * Calls that may run Lua code while they hold the model (an option read,
 * an allocation that runs a finalizer) pin the handle (lk_pin_model); a
 * pinned scenario pins its Model too.  close() on a pinned handle reads as
 * closed at once and frees the model at the last unpin; what would change
 * the model (set, define, import, save, a new scenario) is refused while
 * it or its Model is pinned.  m:get and m:set do not pin: no Lua code runs
 * between their read of the model and the core's call.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "binding/lkessan.h"
#include "binding/lworkbook.h"
#include "kessan/json.h"
#include "kessan/suggest.h"

/* ---- handles ------------------------------------------------------------ */

static int m_index_series(lua_State *L);

/* Copy the fields of the table at `from` into the table at `to`, except
 * __index. */
static void aux_copy_fields(lua_State *L, int from, int to)
{
    from = lua_absindex(L, from);
    to = lua_absindex(L, to);
    lua_pushnil(L);
    while (lua_next(L, from)) {
        if (lua_type(L, -2) == LUA_TSTRING &&
            strcmp(lua_tostring(L, -2), "__index") == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, to);
    }
}

/* Push the metatable of the handle at `handle` (see the file's head). */
static void aux_push_handle_meta(lua_State *L, int handle, int is_scenario)
{
    luaL_getmetatable(L, is_scenario ? LK_SCENARIO : LK_MODEL);
    int class_table = lua_gettop(L);
    lua_createtable(L, 0, 12);
    int meta = lua_gettop(L);
    aux_copy_fields(L, class_table, meta);
    lua_getfield(L, LUA_REGISTRYINDEX, LK_METHODS);
    lua_createtable(L, 0, 24);
    int methods = lua_gettop(L);
    aux_copy_fields(L, methods - 1, methods);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, handle);
    lua_pushcclosure(L, m_index_series, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, methods);
    lua_setfield(L, meta, "__index");
    lua_pop(L, 1);                      /* the template */
    lua_pushvalue(L, class_table);
    lua_setmetatable(L, meta);
    lua_remove(L, class_table);
}

/* The deferred close of a handle, at its last unpin. */
static void aux_finish_close(lk_busy *busy)
{
    lk_handle *handle = (lk_handle *)(void *)((char *)busy -
                                              offsetof(lk_handle, busy));
    ks_model *model = handle->closing;
    handle->closing = NULL;
    if (model && lk_live_remove(handle->live, model))
        ks_model_free(model);
}

lk_handle *lk_new_handle(lua_State *L, int is_scenario, int parent)
{
    if (parent)
        parent = lua_absindex(L, parent);
    lk_live *live = lk_live_get(L);
    lk_live_reserve(L, live);
    lk_handle *handle = lua_newuserdatauv(L, sizeof *handle, 2);
    memset(handle, 0, sizeof *handle);
    handle->live = live;
    handle->is_scenario = is_scenario;
    handle->busy.finish_close = aux_finish_close;
    int idx = lua_gettop(L);
    lua_createtable(L, LK_CACHE_KINDS * LK_KEY_CACHE, 0);
    lua_setiuservalue(L, idx, 2);
    if (parent) {
        lua_pushvalue(L, parent);
        lua_setiuservalue(L, idx, 1);
    }
    aux_push_handle_meta(L, idx, is_scenario);
    lua_setmetatable(L, idx);
    return handle;
}

/* Whether the userdata at idx has a handle's metatable whose class is the
 * table at class_a or class_b. */
static int aux_is_handle(lua_State *L, int idx, int class_a, int class_b)
{
    if (!lua_getmetatable(L, idx))
        return 0;
    int ours = 0;
    if (lua_getmetatable(L, -1)) {
        ours = lua_rawequal(L, -1, class_a) || lua_rawequal(L, -1, class_b);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return ours;
}

lk_handle *lk_to_handle(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lk_handle *handle = lua_touserdata(L, idx);
    if (!handle || lua_type(L, idx) != LUA_TUSERDATA)
        return NULL;
    luaL_getmetatable(L, LK_MODEL);
    luaL_getmetatable(L, LK_SCENARIO);
    int ours = aux_is_handle(L, idx, lua_gettop(L) - 1, lua_gettop(L));
    lua_pop(L, 2);
    return ours ? handle : NULL;
}

ks_model *lk_check_model(lua_State *L, int idx)
{
    lk_handle *handle = lk_to_handle(L, idx);
    if (!handle)
        luaL_typeerror(L, idx, LK_MODEL);
    if (!handle->model)
        luaL_error(L, "attempt to use a closed model");
    return handle->model;
}

/* The Model handle of the scenario handle at idx (NULL for a Model). */
static lk_handle *aux_base_handle(lua_State *L, int idx, lk_handle *handle)
{
    if (!handle->is_scenario)
        return NULL;
    lua_getiuservalue(L, idx, 1);
    lk_handle *base = lua_touserdata(L, -1);
    lua_pop(L, 1); /* the scenario keeps it alive */
    return base;
}

/* Pin the handle at idx and, for a scenario, its Model (first: a change
 * of the Model is refused from the start of a scenario's call). */
static void aux_pin_handle(lua_State *L, int idx, lk_handle *handle)
{
    idx = lua_absindex(L, idx);
    lk_handle *base = aux_base_handle(L, idx, handle);
    if (base)
        lk_pin(L, idx, &base->busy); /* the scenario anchors its Model */
    lk_pin(L, idx, &handle->busy);
}

ks_model *lk_pin_model(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lk_handle *handle = lk_to_handle(L, idx);
    if (!handle)
        luaL_typeerror(L, idx, LK_MODEL);
    aux_pin_handle(L, idx, handle);
    if (!handle->model)
        luaL_error(L, "attempt to use a closed model");
    return handle->model;
}

/* Raise when the handle, or the Model of a scenario handle, is pinned. */
static void aux_check_changeable(lua_State *L, int idx, lk_handle *handle)
{
    lk_handle *base = aux_base_handle(L, idx, handle);
    if (handle->busy.count > 0 || (base && base->busy.count > 0))
        luaL_error(L, "model is in use by a running call");
}

void lk_check_changeable(lua_State *L, int idx)
{
    lk_handle *handle = lk_to_handle(L, idx);
    if (handle)
        aux_check_changeable(L, idx, handle);
}

/* The handle at 1 for a method (upvalues 1, 2: the two class tables). */
static lk_handle *aux_self(lua_State *L)
{
    lk_handle *handle = lua_touserdata(L, 1);
    if (handle && aux_is_handle(L, 1, lua_upvalueindex(1),
                                lua_upvalueindex(2)))
        return handle;
    luaL_typeerror(L, 1, LK_MODEL);
    return NULL;
}

static ks_model *aux_open_self(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    if (!handle->model)
        luaL_error(L, "attempt to use a closed model");
    return handle->model;
}

/* The open model of self, pinned for the rest of the call. */
static ks_model *aux_pin_self(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    aux_pin_handle(L, 1, handle);
    if (!handle->model)
        luaL_error(L, "attempt to use a closed model");
    return handle->model;
}

/* An optional string field of the options table at idx, read raw (left
 * on the stack so the string stays alive); NULL when absent. */
static const char *aux_opt_field(lua_State *L, int idx, const char *name)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    int type = lk_rawfield(L, idx, name);
    if (type == LUA_TNIL)
        return NULL;
    if (type != LUA_TSTRING)
        luaL_argerror(L, idx, lua_pushfstring(L,
            "field '%s' expected a string, got %s", name,
            luaL_typename(L, -1)));
    if (lk_has_zero(L, -1))
        luaL_argerror(L, idx, lua_pushfstring(L,
            "field '%s' contains an embedded zero", name));
    return lua_tostring(L, -1);
}

/* An optional boolean field: false when absent; a string or a number
 * (excel = "yes") is refused naming the field. */
static int aux_opt_flag(lua_State *L, int idx, const char *name)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    int type = lk_rawfield(L, idx, name);
    if (type != LUA_TNIL && type != LUA_TBOOLEAN)
        luaL_argerror(L, idx, lua_pushfstring(L,
            "field '%s' expected a boolean, got %s", name,
            luaL_typename(L, -1)));
    int flag = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return flag;
}

/* An optional string field naming one of `names` ("'a', 'b' or 'c'" in
 * `expected`): its index, -1 when absent; a typo is refused with the
 * nearest name. */
static int aux_opt_choice(lua_State *L, int idx, const char *name,
                          const char *const names[], const char *expected)
{
    const char *given = aux_opt_field(L, idx, name);
    if (!given)
        return -1;
    int count = 0;
    for (; names[count]; count++)
        if (strcmp(given, names[count]) == 0)
            return count;
    const char *nearest = ks_suggest(given, strlen(given), names, count);
    return luaL_argerror(L, idx, lua_pushfstring(L,
        "field '%s': %s expected, got '%s'%s%s%s", name, expected, given,
        nearest ? " (did you mean '" : "", nearest ? nearest : "",
        nearest ? "'?)" : ""));
}

/* The optional options table at idx: nil, or a table of known keys. */
static void aux_check_options(lua_State *L, int idx,
                              const char *const known[])
{
    if (lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lk_check_options(L, idx, known);
}

/* ---- the key cache ------------------------------------------------------ */

static unsigned aux_slot(const char *key)
{
    uintptr_t bits = (uintptr_t)key;
    return (unsigned)((bits >> 4) ^ (bits >> 9)) & (LK_KEY_CACHE - 1);
}

/* Remember that the string at `idx` names (item, period); the handle is
 * at 1.  The string is anchored first, so a memory error leaves the
 * cache as it was. */
static void aux_cache_put(lua_State *L, lk_handle *handle, int kind, int idx,
                          int item, int period)
{
    const char *key = lua_tostring(L, idx);
    unsigned slot = aux_slot(key);
    lua_getiuservalue(L, 1, 2);
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, kind * LK_KEY_CACHE + (int)slot + 1);
    lua_pop(L, 1);
    handle->cache.key[kind][slot] = key;
    handle->cache.item[kind][slot] = item;
    handle->cache.period[kind][slot] = period;
}

/* The key of a string argument (its address), or NULL. */
static const char *aux_key(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
}

/* The cell named by the arguments at idx of a method (as lk_check_cell),
 * through the key cache.  Returns the number of arguments used. */
static int aux_check_cell(lua_State *L, lk_handle *handle, int idx,
                          int *item, int *period)
{
    lk_key_cache *cache = &handle->cache;
    const char *key = aux_key(L, idx);
    if (key) {
        unsigned slot = aux_slot(key);
        if (cache->key[LK_CACHE_CELL][slot] == key) {
            *item = cache->item[LK_CACHE_CELL][slot];
            *period = cache->period[LK_CACHE_CELL][slot];
            return 1;
        }
        if (cache->key[LK_CACHE_ITEM][slot] == key) {
            *item = cache->item[LK_CACHE_ITEM][slot];
            const char *period_key = aux_key(L, idx + 1);
            unsigned period_slot = aux_slot(period_key);
            if (period_key &&
                cache->key[LK_CACHE_PERIOD][period_slot] == period_key) {
                *period = cache->period[LK_CACHE_PERIOD][period_slot];
                return 2;
            }
            *period = lk_check_period(L, handle->model, idx + 1);
            aux_cache_put(L, handle, LK_CACHE_PERIOD, idx + 1, -1, *period);
            return 2;
        }
    }
    int used = lk_check_cell(L, handle->model, idx, item, period);
    if (used == 1) {
        aux_cache_put(L, handle, LK_CACHE_CELL, idx, *item, *period);
        return 1;
    }
    aux_cache_put(L, handle, LK_CACHE_ITEM, idx, *item, -1);
    aux_cache_put(L, handle, LK_CACHE_PERIOD, idx + 1, -1, *period);
    return 2;
}

/* ---- cells -------------------------------------------------------------- */

/* m:get(item, period) or m:get("id@PERIOD") -> number | nil, why */
static int m_get(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    if (!handle->model)
        return luaL_error(L, "attempt to use a closed model");
    int item, period;
    aux_check_cell(L, handle, 2, &item, &period);
    ks_value value;
    lk_get(L, handle->model, item, period, &value);
    if (value.kind == KS_NUMBER) { /* the hot path: no call */
        lua_pushnumber(L, value.number);
        return 1;
    }
    return lk_push_cell(L, handle->model, item, period, &value);
}

/* m:set(item, period, v) or m:set("id@PERIOD", v): a number sets an
 * override, nil clears the input, kessan.missing sets it missing. */
/* Raise naming the cell (arguments 2 and, when used, 3) when the number
 * at value_idx is not finite. */
static void aux_check_finite(lua_State *L, int value_idx)
{
    double number = lua_tonumber(L, value_idx);
    if (isfinite(number))
        return;
    const char *cell = lua_tostring(L, 2);
    if (value_idx == 4)
        cell = lua_pushfstring(L, "%s@%s", cell, lua_tostring(L, 3));
    luaL_argerror(L, value_idx, lua_pushfstring(L,
        "%s: a finite number expected, got %s", cell,
        number != number ? "nan" : number > 0 ? "inf" : "-inf"));
}

static int m_set(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    aux_open_self(L);
    aux_check_changeable(L, 1, handle);
    int item, period;
    int value_idx = 2 + aux_check_cell(L, handle, 2, &item, &period);
    int type = lua_type(L, value_idx);
    if (type == LUA_TNUMBER)
        aux_check_finite(L, value_idx);
    else if (type > LUA_TNIL && !lk_is_missing_sentinel(L, value_idx))
        return luaL_typeerror(L, value_idx, "number, nil or kessan.missing");
    /* nothing above runs Lua code but to raise: the model is as checked */
    ks_model *model = handle->model;
    ks_error err;
    ks_status status;
    if (type <= LUA_TNIL)
        status = ks_clear(model, item, period, &err);
    else if (type == LUA_TNUMBER)
        status = ks_set(model, item, period, lua_tonumber(L, value_idx),
                        &err);
    else
        status = ks_set_missing(model, item, period, &err);
    if (status != KS_OK)
        return lk_raise(L, &err);
    return 0;
}

/* ---- items and periods -------------------------------------------------- */

static const char *const aux_rule_names[] = {"sum", "last", "formula", NULL};

/* m:define(id, formula [, {label=, label_ja=, unit=, statement=, parent=,
 * rule=}]): create an item (options apply then) or give one a formula. */
static int m_define(lua_State *L)
{
    static const char *const known[] = {
        "label", "label_ja", "unit", "statement", "parent", "rule", NULL
    };
    lk_handle *handle = aux_self(L);
    const char *id = lk_check_string(L, 2);
    const char *formula = lk_opt_string(L, 3, NULL);
    aux_check_options(L, 4, known);
    lua_settop(L, 4);
    aux_check_changeable(L, 1, handle);
    ks_model *model = aux_pin_self(L);
    ks_item_info info;
    memset(&info, 0, sizeof info);
    info.id = id;
    info.label = aux_opt_field(L, 4, "label");
    info.label_ja = aux_opt_field(L, 4, "label_ja");
    info.unit = aux_opt_field(L, 4, "unit");
    info.statement = aux_opt_field(L, 4, "statement");
    info.parent = aux_opt_field(L, 4, "parent");
    info.rule = KS_RULE_FORMULA;
    const char *rule = aux_opt_field(L, 4, "rule");
    if (rule) {
        int found = -1;
        for (int i = 0; aux_rule_names[i]; i++)
            if (strcmp(rule, aux_rule_names[i]) == 0)
                found = i;
        if (found < 0)
            return luaL_argerror(L, 4, lua_pushfstring(L,
                "field 'rule' must be sum, last or formula, not '%s'", rule));
        info.rule = (ks_rule)found;
    }
    ks_error err;
    if (ks_define(model, id, formula, &info, &err) != KS_OK)
        return lk_raise(L, &err);
    return 0;
}

/* m:items() -> { id, ... } in display order */
static int m_items(lua_State *L)
{
    ks_model *model = aux_pin_self(L);
    int count = ks_item_count(model);
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        ks_item_info info;
        if (ks_item_get(model, i, &info) != KS_OK)
            continue;
        lua_pushstring(L, info.id);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static void aux_set_string(lua_State *L, const char *name, const char *text)
{
    if (!text)
        return;
    lua_pushstring(L, text);
    lua_setfield(L, -2, name);
}

/* m:item(id) -> {id, label, label_ja, unit, statement, parent, rule,
 * formula} */
/* m:setting(key) -> the model's setting (settings.csv), or nil. */
static int m_setting(lua_State *L)
{
    const char *key = lk_check_string(L, 2);
    ks_model *model = aux_open_self(L);
    const char *value = ks_setting(model, key);
    if (!value)
        return 0;
    lua_pushstring(L, value);
    return 1;
}

static int m_item(lua_State *L)
{
    lua_settop(L, 2);
    ks_model *model = aux_pin_self(L);
    int item = lk_check_item(L, model, 2);
    ks_item_info info;
    if (ks_item_get(model, item, &info) != KS_OK)
        return luaL_error(L, "item %d is not in the model", item);
    lua_createtable(L, 0, 8);
    aux_set_string(L, "id", info.id);
    aux_set_string(L, "label", info.label);
    aux_set_string(L, "label_ja", info.label_ja);
    aux_set_string(L, "unit", info.unit);
    aux_set_string(L, "statement", info.statement);
    aux_set_string(L, "parent", info.parent);
    aux_set_string(L, "formula", info.formula);
    if ((unsigned)info.rule <= KS_RULE_FORMULA)
        aux_set_string(L, "rule", aux_rule_names[info.rule]);
    return 1;
}

/* m:periods() -> { "1Q01", ... } in time order */
static int m_periods(lua_State *L)
{
    ks_model *model = aux_pin_self(L);
    int count = ks_period_count(model);
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        char id[16];
        lua_pushstring(L, ks_period_id(model, ks_period_at(model, i), id,
                                       sizeof id));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* ---- scenarios, files, lifetime ----------------------------------------- */

/* m:scenario(name) -> Scenario (of the base model, also from a scenario) */
static int m_scenario(lua_State *L)
{
    lk_handle *self = aux_self(L);
    const char *name = lk_check_string(L, 2);
    lua_settop(L, 2);
    aux_check_changeable(L, 1, self);
    ks_model *base = aux_pin_self(L);
    int parent = 1;
    if (self->is_scenario) {
        lua_getiuservalue(L, 1, 1);
        parent = lua_gettop(L);
    }
    lk_handle *handle = lk_new_handle(L, 1, parent);
    ks_error err;
    if (ks_scenario_new(base, name, &handle->model, &err) != KS_OK)
        return lk_raise(L, &err);
    lk_live_add(handle->live, handle->model);
    return 1;
}

/* m:scenarios() -> { name, ... }: the scenarios saved in the model */
static int m_scenarios(lua_State *L)
{
    ks_model *model = aux_pin_self(L);
    int count = ks_saved_scenario_count(model);
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        lua_pushstring(L, ks_saved_scenario_name(model, i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* s:save(): save the scenario's overrides in its model, under its name */
static int m_save(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    ks_model *model = aux_open_self(L);
    aux_check_changeable(L, 1, handle);
    ks_error err;
    if (ks_scenario_save(model, &err) != KS_OK)
        return lk_raise(L, &err);
    return 0;
}

/* m:import(path [, {reported = true}]) -> true | nil, message */
static int m_import(lua_State *L)
{
    static const char *const known[] = {
        "reported", "override", "sheet", NULL
    };
    lk_handle *handle = aux_self(L);
    const char *path = lk_check_string(L, 2);
    aux_check_options(L, 3, known);
    lua_settop(L, 3);
    aux_check_changeable(L, 1, handle);
    ks_model *model = aux_pin_self(L);
    ks_import_options options = {
        .provenance = aux_opt_flag(L, 3, "reported") ? KS_PROV_REPORTED
                                                     : KS_PROV_OVERRIDDEN,
        .override = aux_opt_flag(L, 3, "override"),
        .sheet = aux_opt_field(L, 3, "sheet"),
    };
    lk_check_path(L, path, LK_PATH_READ);
    ks_error err;
    if (ks_import_values_with(model, path, &options, &err) != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* Which cells m:export writes: `cells = "inputs" | "all"`, or the former
 * `inputs_only = true | false`; both given, they must agree. */
static ks_export_cells aux_export_cells(lua_State *L, int idx)
{
    static const char *const names[] = { "inputs", "all", NULL };
    int cells = aux_opt_choice(L, idx, "cells", names, "'inputs' or 'all'");
    if (!lua_isnoneornil(L, idx) &&
        lk_rawfield(L, idx, "inputs_only") != LUA_TNIL) {
        int from_flag = aux_opt_flag(L, idx, "inputs_only") ? KS_EXPORT_INPUTS
                                                            : KS_EXPORT_ALL;
        if (cells >= 0 && cells != from_flag)
            luaL_argerror(L, idx, "fields 'cells' and 'inputs_only' disagree");
        cells = from_flag;
    }
    return cells == KS_EXPORT_ALL ? KS_EXPORT_ALL : KS_EXPORT_INPUTS;
}

/* `format = "csv" | "xlsx" | "json"`; when absent, what the path's
 * extension says (ks_file_format_of), else csv; a format the extension
 * contradicts is refused, so that no workbook's name holds CSV text. */
static ks_file_format aux_export_format(lua_State *L, int idx,
                                        const char *path)
{
    static const char *const names[] = { "csv", "xlsx", "json", NULL };
    static const ks_file_format formats[] = {
        KS_FILE_CSV, KS_FILE_XLSX, KS_FILE_JSON
    };
    int chosen = aux_opt_choice(L, idx, "format", names,
                                "'csv', 'xlsx' or 'json'");
    ks_file_format format = ks_file_format_for_export(
        path, chosen < 0 ? KS_FILE_UNKNOWN : formats[chosen]);
    if (format == KS_FILE_UNKNOWN)
        luaL_argerror(L, 2, lua_pushfstring(L, "'%s' names a .%s file, "
                      "but format is \"%s\": change the name or the "
                      "format", path,
                      ks_file_format_name(ks_file_format_of(path)),
                      names[chosen]));
    return format;
}

/* m:export(path [, {cells = "all", scenario = true, format = "json",
 * excel = true}]) -> true | nil, message: the inputs (or every cell); a
 * model with scenario = true also writes its saved scenarios; CSV (for
 * Excel with a byte order mark and CRLF), a workbook or JSON */
static int m_export(lua_State *L)
{
    static const char *const known[] = {
        "scenario", "inputs_only", "cells", "format", "sheets", "excel", NULL
    };
    const char *path = lk_check_string(L, 2);
    aux_check_options(L, 3, known);
    lua_settop(L, 3);
    ks_model *model = aux_pin_self(L);
    ks_export_options options = { 0 };
    options.with_scenario_column = aux_opt_flag(L, 3, "scenario");
    options.cells = aux_export_cells(L, 3);
    options.excel = aux_opt_flag(L, 3, "excel");
    ks_file_format format = aux_export_format(L, 3, path);
    if (options.excel && format != KS_FILE_CSV)
        luaL_argerror(L, 3, "field 'excel' is for format = \"csv\" (a "
                            "workbook is Excel's own)");
    if (format == KS_FILE_XLSX) {
        int top = lua_gettop(L); /* above the pin: never closed here */
        int for_text_only = !lua_isnoneornil(L, 3) &&
            (lk_rawfield(L, 3, "scenario") != LUA_TNIL ||
             lk_rawfield(L, 3, "cells") != LUA_TNIL ||
             lk_rawfield(L, 3, "inputs_only") != LUA_TNIL);
        lua_settop(L, top);
        if (for_text_only)
            luaL_argerror(L, 3, "fields 'scenario', 'cells' and "
                                "'inputs_only' are for csv and json (a "
                                "workbook holds every cell and a sheet "
                                "per saved scenario)");
        return lk_export_workbook(L, model, path, &options, 3);
    }
    if (!lua_isnoneornil(L, 3) && lk_rawfield(L, 3, "sheets") != LUA_TNIL)
        luaL_argerror(L, 3, "field 'sheets' is for format = \"xlsx\"");
    lk_check_path(L, path, LK_PATH_WRITE);
    ks_error err;
    ks_status status;
    if (format == KS_FILE_JSON)
        status = ks_export_json(model, path, &options, &err);
    else if (options.with_scenario_column)
        status = ks_export_scenarios_csv(model, path, &options, &err);
    else
        status = ks_export_csv(model, path, &options, &err);
    if (status != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* m:extend{last_year = "FY2004"} -> m: forecast years added to the
 * calendar (ks_model_extend_to), values kept; a base model with no
 * scenario open; the year not before the model's last. */
static int m_extend(lua_State *L)
{
    static const char *const known[] = { "last_year", NULL };
    lk_handle *handle = aux_self(L);
    aux_open_self(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    lk_check_options(L, 2, known);
    aux_check_changeable(L, 1, handle);
    int type = lk_rawfield(L, 2, "last_year");
    int whole = 0; /* an integer, or a float with a whole value (2004.0) */
    lua_Integer year = type == LUA_TNUMBER ? lua_tointegerx(L, -1, &whole)
                                           : 0;
    if (type == LUA_TNUMBER) {
        if (!whole || year < 1000 || year > 9999)
            return luaL_argerror(L, 2, "field 'last_year': a fiscal year "
                                       "like 2004 or \"FY2004\" expected");
        lua_pushfstring(L, "FY%d", (int)year);
    } else if (type != LUA_TSTRING || lk_has_zero(L, -1))
        return luaL_argerror(L, 2, "field 'last_year': a fiscal year like "
                                   "2004 or \"FY2004\" expected");
    ks_error err;
    if (ks_model_extend_to(handle->model, lua_tostring(L, -1), &err) != KS_OK)
        return lk_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

/* m:name() -> "base" for a model, the scenario's name otherwise */
static int m_name(lua_State *L)
{
    ks_model *model = aux_open_self(L);
    lua_pushstring(L, ks_model_name(model));
    return 1;
}

/* m:series(id) -> Series (the same as m[id]) */
static int m_series(lua_State *L)
{
    ks_model *model = aux_open_self(L);
    int item = lk_check_item(L, model, 2);
    lk_push_series(L, 1, item);
    return 1;
}

/* m:close(), __gc, __close: release the model once; harmless twice.  A
 * pinned handle reads as closed now and is freed at its last unpin. */
static int m_close(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    ks_model *model = handle->model;
    handle->model = NULL;
    if (model && lk_busy_defer_close(&handle->busy)) {
        handle->closing = model;
        return 0;
    }
    /* not listed any more: the state is closing and has freed it */
    if (model && lk_live_remove(handle->live, model))
        ks_model_free(model);
    return 0;
}

/* ---- metamethods -------------------------------------------------------- */

/* The class tables' __index (kept for code that looks methods up through
 * it; handles use their own metatables): a method, or the Series of an item
 * id.  Upvalue 3: the methods template. */
static int m_index_item(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(3)) != LUA_TNIL)
        return 1;  /* the method */
    lua_pop(L, 1);
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    ks_model *model = aux_open_self(L);
    int item = lk_check_item(L, model, 2);
    lk_push_series(L, 1, item);
    return 1;
}

/* m[key] when key is not a method: the Series of an item id (upvalue 1:
 * the handle); a key that is not a string gives nil. */
static int m_index_series(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    lk_handle *handle = lua_touserdata(L, lua_upvalueindex(1));
    if (!handle->model)
        return luaL_error(L, "attempt to use a closed model");
    int item = lk_check_item(L, handle->model, 2);
    lk_push_series(L, lua_upvalueindex(1), item);
    return 1;
}

static int m_len(lua_State *L)
{
    ks_model *model = aux_open_self(L);
    lua_pushinteger(L, ks_item_count(model));
    return 1;
}

static int m_eq(lua_State *L)
{
    lk_handle *a = lk_to_handle(L, 1), *b = lk_to_handle(L, 2);
    lua_pushboolean(L, a && b && a->model && a->model == b->model);
    return 1;
}

/* The last fiscal year's quarters and FY as columns of a text table. */
static int aux_summary_periods(ks_model *model, int periods[5])
{
    ks_calendar calendar = ks_model_calendar(model);
    char id[16];
    int count = 0;
    for (int q = 1; q <= 4; q++) {
        snprintf(id, sizeof id, "%dQ%02d", q, calendar.last_year % 100);
        if (ks_period_lookup(model, id, &periods[count], NULL) == KS_OK)
            count++;
    }
    snprintf(id, sizeof id, "FY%02d", calendar.last_year % 100);
    if (ks_period_lookup(model, id, &periods[count], NULL) == KS_OK)
        count++;
    return count;
}

static void aux_cell_text(lua_State *L, ks_model *model, int item,
                          int period, char *buf, size_t size)
{
    ks_value value;
    ks_error err;
    if (ks_get(model, item, period, &value, &err) != KS_OK) {
        snprintf(buf, size, "?");
        return;
    }
    (void)L;
    ks_item_info info;
    if (value.kind == KS_NUMBER)
        lk_format_figure(value.number,
                         ks_item_get(model, item, &info) == KS_OK
                             ? info.unit : NULL,
                         buf, size);
    else
        snprintf(buf, size, "%s", value.kind == KS_ERROR ? "#ERROR" : "-");
}

static int m_tostring(lua_State *L)
{
    lk_handle *handle = aux_self(L);
    const char *type = handle->is_scenario ? LK_SCENARIO : LK_MODEL;
    if (!handle->model) {
        lua_pushfstring(L, "%s (closed)", type);
        return 1;
    }
    lua_settop(L, 1);
    ks_model *model = aux_pin_self(L);
    int periods[5];
    int period_count = aux_summary_periods(model, periods);
    int item_count = ks_item_count(model);
    lk_text_table table;
    lk_text_begin(L, &table, period_count + 1);
    lk_text_cell(L, &table, "item");
    for (int p = 0; p < period_count; p++) {
        char id[16];
        lk_text_cell(L, &table, ks_period_id(model, periods[p], id,
                                             sizeof id));
    }
    for (int i = 0; i < item_count; i++) {
        ks_item_info info;
        if (ks_item_get(model, i, &info) != KS_OK)
            continue;
        lk_text_cell(L, &table, info.id);
        for (int p = 0; p < period_count; p++) {
            char text[64];
            aux_cell_text(L, model, i, periods[p], text, sizeof text);
            lk_text_cell(L, &table, text);
        }
    }
    lua_pushfstring(L, "%s '%s' (%d items, %d periods)", type,
                    ks_model_name(model), item_count,
                    ks_period_count(model));
    lk_text_end(L, &table, lua_tostring(L, -1));
    return 1;
}

/* ---- registration ------------------------------------------------------- */

static const luaL_Reg aux_methods[] = {
    {"get", m_get},
    {"set", m_set},
    {"define", m_define},
    {"scenario", m_scenario},
    {"scenarios", m_scenarios},
    {"save", m_save},
    {"explain", lk_explain},
    {"items", m_items},
    {"item", m_item},
    {"setting", m_setting},
    {"periods", m_periods},
    {"import", m_import},
    {"export", m_export},
    {"extend", m_extend},
    {"show", lk_show},
    {"name", m_name},
    {"series", m_series},
    {"close", m_close},
    {NULL, NULL}
};

static const luaL_Reg aux_metamethods[] = {
    {"__tostring", m_tostring},
    {"__len", m_len},
    {"__eq", m_eq},
    {"__gc", m_close},
    {"__close", m_close},
    {NULL, NULL}
};

void lk_model_open(lua_State *L)
{
    luaL_newmetatable(L, LK_MODEL);
    int model_class = lua_gettop(L);
    luaL_newmetatable(L, LK_SCENARIO);
    int scenario_class = lua_gettop(L);
    lua_newtable(L);
    int methods = lua_gettop(L);
    lua_pushvalue(L, model_class);
    lua_pushvalue(L, scenario_class);
    luaL_setfuncs(L, aux_methods, 2);
    for (int class_table = model_class; class_table <= scenario_class;
         class_table++) {
        lua_pushvalue(L, class_table);
        lua_pushvalue(L, model_class);
        lua_pushvalue(L, scenario_class);
        luaL_setfuncs(L, aux_metamethods, 2);
        lua_pushvalue(L, model_class);
        lua_pushvalue(L, scenario_class);
        lua_pushvalue(L, methods);
        lua_pushcclosure(L, m_index_item, 3);
        lua_setfield(L, -2, "__index");
        lk_protect_metatable(L, -1);
        lua_pop(L, 1);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, LK_METHODS);
    lua_pop(L, 2);
}

void lk_model_add_methods(lua_State *L, const luaL_Reg *methods)
{
    luaL_getmetatable(L, LK_MODEL);
    luaL_getmetatable(L, LK_SCENARIO);
    lua_getfield(L, LUA_REGISTRYINDEX, LK_METHODS);
    lua_insert(L, -3);
    luaL_setfuncs(L, methods, 2);
    lua_pop(L, 1);
}
