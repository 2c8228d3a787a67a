/*
 * lcompare.c -- kessan.compare{m, low, high, items = {...}, periods =
 * {...}}: the same cells of several models or scenarios side by side, with
 * the difference of each against the first, as a printable table.
 *
 * Result: {names = {"base", "low", ...}, rows = {{cell = "id@PERIOD",
 * item = id, period = id, values = {v1, v2, ...}}, ...}} with metatable
 * kessan.Comparison (__tostring).  A value is nil when missing or an error.
 * With `items` given every listed cell is a row; without, every item of
 * the first model is scanned and only cells where some column differs from
 * the first are kept.  The argument table is read raw, and every model is
 * pinned for the length of the call (lk_pin_model).
 */
#include <stdio.h>
#include <string.h>

#include "binding/lkessan.h"
#include "kessan/text.h"

#define LK_COMPARE_MAX 30 /* columns: models and scenarios */

/* The models of entries 1..n of the table at 1, pinned, into a userdata
 * array (pushed, then each entry and its pins above it). */
static ks_model **aux_models(lua_State *L, int *count)
{
    lua_Unsigned n = lua_rawlen(L, 1);
    if (n < 1 || n > LK_COMPARE_MAX)
        luaL_argerror(L, 1, "expected 1 to 30 models or scenarios");
    ks_model **models = lua_newuserdatauv(L, sizeof *models * (size_t)n, 0);
    for (int i = 0; i < (int)n; i++) {
        lua_rawgeti(L, 1, i + 1);
        lk_handle *handle = lk_to_handle(L, -1);
        if (!handle)
            luaL_argerror(L, 1, lua_pushfstring(L,
                "entry %d: " LK_MODEL " expected, got %s", i + 1,
                luaL_typename(L, -1)));
        if (!handle->model)
            luaL_argerror(L, 1, lua_pushfstring(L,
                "entry %d: attempt to use a closed model", i + 1));
        models[i] = lk_pin_model(L, -1);
    }
    *count = (int)n;
    return models;
}

/* An array of strings at field `name` of the table at 1 (pushed), or
 * nil pushed when absent. */
static int aux_string_list(lua_State *L, const char *name)
{
    int type = lk_rawfield(L, 1, name);
    if (type == LUA_TNIL)
        return 0;
    if (type != LUA_TTABLE)
        luaL_argerror(L, 1, lua_pushfstring(L,
            "field '%s' expected a table, got %s", name,
            luaL_typename(L, -1)));
    lua_Unsigned n = lua_rawlen(L, -1);
    if (n > 100000)
        luaL_argerror(L, 1, lua_pushfstring(L,
            "field '%s': at most 100000 entries", name));
    lk_check_keys(L, 1, -1, name, 0, NULL, (lua_Integer)n);
    for (lua_Integer i = 1; i <= (lua_Integer)n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            luaL_argerror(L, 1, lua_pushfstring(L,
                "field '%s': entry %d is not a string", name, (int)i));
        if (lk_has_zero(L, -1))
            luaL_argerror(L, 1, lua_pushfstring(L,
                "field '%s': entry %d contains an embedded zero", name,
                (int)i));
        lua_pop(L, 1);
    }
    return 1;
}

/* Read a cell as a boxed-like pair: kind and number. */
static ks_value aux_read(lua_State *L, ks_model *model, int item, int period)
{
    ks_value value;
    lk_get(L, model, item, period, &value);
    value.error = NULL; /* not kept: the next read may overwrite it */
    return value;
}

static int aux_same(const ks_value *a, const ks_value *b)
{
    if (a->kind != b->kind)
        return 0;
    return a->kind != KS_NUMBER || a->number == b->number;
}

/* Add a row for (item, period) to the rows table on top, unless only
 * differences are wanted and there are none. */
static void aux_row(lua_State *L, ks_model **models, int count, int item,
                    int period, int only_differences)
{
    ks_value first = aux_read(L, models[0], item, period);
    int differs = 0;
    for (int i = 1; i < count && !differs; i++) {
        ks_value other = aux_read(L, models[i], item, period);
        differs = !aux_same(&first, &other);
    }
    if (only_differences && !differs)
        return;
    ks_item_info info;
    ks_item_get(models[0], item, &info);
    char period_id[16];
    ks_period_id(models[0], period, period_id, sizeof period_id);
    lua_createtable(L, 0, 4);
    lua_pushfstring(L, "%s@%s", info.id, period_id);
    lua_setfield(L, -2, "cell");
    lua_pushstring(L, info.id);
    lua_setfield(L, -2, "item");
    lua_pushstring(L, period_id);
    lua_setfield(L, -2, "period");
    if (info.unit) {
        lua_pushstring(L, info.unit);
        lua_setfield(L, -2, "unit");
    }
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        ks_value value = aux_read(L, models[i], item, period);
        if (value.kind != KS_NUMBER)
            continue;
        lua_pushnumber(L, value.number);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "values");
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

int lk_compare(lua_State *L)
{
    static const char *const known[] = { "items", "periods", NULL };
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lk_check_keys(L, 1, 1, NULL, 0, known, (lua_Integer)lua_rawlen(L, 1));
    int has_items = aux_string_list(L, "items");        /* 2 */
    if (!has_items)
        lua_pushnil(L);
    int has_periods = aux_string_list(L, "periods");    /* 3 */
    if (!has_periods)
        lua_pushnil(L);
    int count;
    ks_model **models = aux_models(L, &count);  /* 4, entries and pins */
    ks_model *first = models[0];
    int item_count = has_items ? (int)lua_rawlen(L, 2) : ks_item_count(first);
    int period_count = has_periods ? (int)lua_rawlen(L, 3)
                                   : ks_period_count(first);
    lua_createtable(L, 0, 2);                          /* result */
    int result = lua_gettop(L);
    luaL_setmetatable(L, LK_COMPARISON);
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        lua_pushstring(L, ks_model_name(models[i]));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, result, "names");
    lua_newtable(L);                                   /* rows */
    for (int i = 0; i < item_count; i++) {
        int item = i;
        if (has_items) {
            lua_rawgeti(L, 2, i + 1);
            item = lk_check_item(L, first, -1);
            lua_pop(L, 1);
        }
        for (int p = 0; p < period_count; p++) {
            int period;
            if (has_periods) {
                lua_rawgeti(L, 3, p + 1);
                period = lk_check_period(L, first, -1);
                lua_pop(L, 1);
            } else
                period = ks_period_at(first, p);
            aux_row(L, models, count, item, period, !has_items);
        }
    }
    lua_setfield(L, result, "rows");
    lua_settop(L, result); /* the pins below it are closed on return */
    return 1;
}

/* ---- printing ----------------------------------------------------------- */

/* A figure as the release prints it, in its unit's style (a ratio as a
 * percentage, an amount in thousands whole), by the core's display
 * formatter. */
static void aux_number_cell(lua_State *L, lk_text_table *table, int isnum,
                            double number, const char *unit)
{
    char text[64];
    if (!isnum)
        snprintf(text, sizeof text, "-");
    else
        lk_format_figure(number, unit, text, sizeof text);
    lk_text_cell(L, table, text);
}

/* Cells of one row at the top of the stack. */
static void aux_print_row(lua_State *L, lk_text_table *table, int count)
{
    int row = lua_gettop(L);
    lk_rawfield(L, row, "cell");
    lk_text_cell(L, table, lua_type(L, -1) == LUA_TSTRING
                               ? lua_tostring(L, -1) : "?");
    lk_rawfield(L, row, "unit"); /* kept on the stack while used */
    const char *unit = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                      : NULL;
    lk_rawfield(L, row, "values");
    int values = lua_gettop(L);
    int has_values = lua_istable(L, values);
    int base_isnum = 0;
    double base = 0;
    for (int i = 1; i <= count; i++) {
        int isnum = 0;
        double number = 0;
        if (has_values) {
            lua_rawgeti(L, values, i);
            isnum = lua_type(L, -1) == LUA_TNUMBER;
            number = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        if (i == 1) {
            base_isnum = isnum;
            base = number;
        }
        aux_number_cell(L, table, isnum, number, unit);
        if (i > 1)
            aux_number_cell(L, table, isnum && base_isnum, number - base,
                            unit);
    }
    lua_settop(L, row);
}

static int aux_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lk_rawfield(L, 1, "names") != LUA_TTABLE)   /* 2 */
        return luaL_error(L, "comparison without names");
    int count = (int)lua_rawlen(L, 2);
    if (count < 1 || count > 30)
        return luaL_error(L, "comparison of %d columns", count);
    lk_text_table table;
    lk_text_begin(L, &table, 2 * count);            /* 3 */
    lk_text_cell(L, &table, "cell");
    for (int i = 1; i <= count; i++) {
        const char *name = "?";
        if (lua_rawgeti(L, 2, i) == LUA_TSTRING)
            name = lua_tostring(L, -1);
        lua_pushstring(L, name);
        lk_text_cell(L, &table, name);
        if (i > 1) {
            lua_pushfstring(L, "diff %s", name);
            lk_text_cell(L, &table, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 2);
    }
    if (lk_rawfield(L, 1, "rows") == LUA_TTABLE) {  /* 4 */
        lua_Integer rows = (lua_Integer)lua_rawlen(L, 4);
        for (lua_Integer r = 1; r <= rows; r++) {
            if (lua_rawgeti(L, 4, r) == LUA_TTABLE)
                aux_print_row(L, &table, count);
            lua_settop(L, 4);
        }
    }
    lk_text_end(L, &table, "kessan.Comparison");
    return 1;
}

void lk_compare_open(lua_State *L)
{
    luaL_newmetatable(L, LK_COMPARISON);
    lua_pushcfunction(L, aux_tostring);
    lua_setfield(L, -2, "__tostring");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
}
