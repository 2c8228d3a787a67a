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

/* Integers and figures of 1 or more: digit grouping, at most two decimals
 * ("1,024,667.13"); smaller figures (ratios): six significant digits. */
void lk_format_number(double number, char *buf, size_t size)
{
    if (!isfinite(number) || fabs(number) >= 1e15 ||
        (fabs(number) < 1 && number != 0)) {
        ks_snprintf_c(buf, size, "%.6g", number);
        return;
    }
    char digits[48];
    ks_snprintf_c(digits, sizeof digits, "%.2f", fabs(number));
    size_t length = strlen(digits);
    if (length >= 3 && strcmp(digits + length - 3, ".00") == 0)
        digits[length - 3] = '\0';  /* a whole figure: no decimals */
    else if (length >= 1 && digits[length - 1] == '0')
        digits[length - 1] = '\0';  /* "12.50" reads "12.5" */
    char grouped[64];
    if (ks_group_digits(grouped, sizeof grouped, digits) < 0) {
        ks_snprintf_c(buf, size, "%.6g", number);
        return;
    }
    int negative = number < 0 && strcmp(grouped, "0") != 0;
    ks_snprintf_c(buf, size, "%s%s", negative ? "-" : "", grouped);
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
    luaL_checktype(L, 1, LUA_TTABLE);
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
