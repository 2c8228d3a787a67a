/*
 * lshow.c -- m:show(statement [, opts]) and s:show: a statement laid out
 * as the release prints it (kessan/layout.h), of a model or of any
 * scenario handle, returned as a string.  The options are the command's
 * (`kessan show`): periods, with, currency, lang, format.  The text is
 * made in C memory held by a userdata, so that a memory error while it is
 * turned into a Lua string leaks nothing.
 */
#include <string.h>

#include "binding/lkessan.h"
#include "kessan/layout.h"

#define LK_SHOW_TEXT "kessan.ShowText"
#define SHOW_ARG 3

static int show_text_gc(lua_State *L)
{
    ks_layout_text *text = luaL_checkudata(L, 1, LK_SHOW_TEXT);
    ks_layout_text_release(text);
    return 0;
}

/* A text buffer owned by a userdata on the stack, released at collection
 * (or at once by the caller). */
static ks_layout_text *new_show_text(lua_State *L)
{
    ks_layout_text *text = lua_newuserdatauv(L, sizeof *text, 0);
    ks_layout_text_init(text, lk_allocator(L));
    if (luaL_newmetatable(L, LK_SHOW_TEXT)) {
        lua_pushcfunction(L, show_text_gc);
        lua_setfield(L, -2, "__gc");
        lk_protect_metatable(L, -1);
    }
    lua_setmetatable(L, -2);
    return text;
}

/* An optional string option, one of `choices` (NULL-terminated) when
 * given; its index, or `fallback` when absent. */
static int option_choice(lua_State *L, const char *name,
                         const char *const choices[], int fallback)
{
    if (lua_isnoneornil(L, SHOW_ARG))
        return fallback;
    int type = lk_rawfield(L, SHOW_ARG, name);
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return fallback;
    }
    const char *value = type == LUA_TSTRING ? lua_tostring(L, -1) : "";
    for (int i = 0; choices[i]; i++)
        if (type == LUA_TSTRING && strcmp(value, choices[i]) == 0) {
            lua_pop(L, 1);
            return i;
        }
    luaL_Buffer expected;
    luaL_buffinit(L, &expected);
    for (int i = 0; choices[i]; i++) {
        luaL_addstring(&expected, i == 0 ? "'" : choices[i + 1] ? ", '"
                                                               : " or '");
        luaL_addstring(&expected, choices[i]);
        luaL_addchar(&expected, '\'');
    }
    luaL_pushresult(&expected);
    const char *list = lua_tostring(L, -1);
    const char *got = type == LUA_TSTRING
                          ? lua_pushfstring(L, "'%s'", value)
                          : luaL_typename(L, -2);
    return luaL_argerror(L, SHOW_ARG, lua_pushfstring(L,
        "field '%s': %s expected, got %s", name, list, got));
}

/* `with`: "pct,yoy" or {"pct", "yoy"}. */
static unsigned option_with(lua_State *L)
{
    unsigned with = 0;
    if (lua_isnoneornil(L, SHOW_ARG))
        return 0;
    int type = lk_rawfield(L, SHOW_ARG, "with");
    if (type == LUA_TTABLE) {
        int list = lua_gettop(L);
        lua_Integer n = (lua_Integer)lua_rawlen(L, list);
        lk_check_keys(L, SHOW_ARG, list, "with", 0, NULL, n);
        for (lua_Integer i = 1; i <= n; i++) {
            unsigned one = 0;
            if (lua_rawgeti(L, list, i) != LUA_TSTRING ||
                lk_has_zero(L, -1) || strchr(lua_tostring(L, -1), ',') ||
                ks_layout_parse_with(lua_tostring(L, -1), &one) != 0 ||
                one == 0)
                luaL_argerror(L, SHOW_ARG, lua_pushfstring(L,
                    "field 'with': entry %d: 'pct', 'yoy' or 'qoq' expected",
                    (int)i));
            with |= one;
            lua_pop(L, 1);
        }
    } else if (type == LUA_TSTRING) {
        if (lk_has_zero(L, -1) ||
            ks_layout_parse_with(lua_tostring(L, -1), &with) != 0)
            luaL_argerror(L, SHOW_ARG, lua_pushfstring(L,
                "field 'with': pct, yoy and qoq expected, got '%s'",
                lua_tostring(L, -1)));
    } else if (type != LUA_TNIL)
        luaL_argerror(L, SHOW_ARG, lua_pushfstring(L,
            "field 'with': a string or a table expected, got %s",
            luaL_typename(L, -1)));
    lua_pop(L, 1);
    return with;
}

/* `periods`: {"3Q02", "3Q01"} or "3Q02,3Q01", into a userdata array left
 * on the stack; NULL when absent. */
static int *option_periods(lua_State *L, ks_model *model, int *count)
{
    *count = 0;
    if (lua_isnoneornil(L, SHOW_ARG))
        return NULL;
    int type = lk_rawfield(L, SHOW_ARG, "periods");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    int list = lua_gettop(L);
    if (type == LUA_TSTRING) {
        /* "3Q02,3Q01" as a table of its entries */
        const char *text = lua_tostring(L, list);
        lua_newtable(L);
        int n = 0;
        for (const char *at = text;; at++) {
            size_t length = strcspn(at, ",");
            lua_pushlstring(L, at, length);
            lua_rawseti(L, -2, ++n);
            at += length;
            if (!*at)
                break;
        }
        lua_replace(L, list);
    } else if (type != LUA_TTABLE)
        luaL_argerror(L, SHOW_ARG, lua_pushfstring(L,
            "field 'periods': a table or a string expected, got %s",
            luaL_typename(L, -1)));
    else
        lk_check_keys(L, SHOW_ARG, list, "periods", 0, NULL,
                      (lua_Integer)lua_rawlen(L, list));
    lua_Integer n = (lua_Integer)lua_rawlen(L, list);
    if (n < 1 || n > KS_LAYOUT_PERIODS_MAX)
        luaL_argerror(L, SHOW_ARG, lua_pushfstring(L, "field 'periods': 1 "
                      "to %d periods expected, got %d", KS_LAYOUT_PERIODS_MAX,
                      (int)n));
    int *periods = lua_newuserdatauv(L, (size_t)n * sizeof *periods, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        periods[i - 1] = lk_check_period(L, model, lua_gettop(L));
        lua_pop(L, 1);
    }
    *count = (int)n;
    return periods;
}

int lk_show(lua_State *L)
{
    static const char *const known[] = {
        "periods", "with", "currency", "lang", "format", NULL
    };
    static const char *const langs[] = { "en", "ja", NULL };
    static const char *const formats[] = { "text", "md", "csv", "json", NULL };
    lua_settop(L, SHOW_ARG);
    const char *statement = lk_check_string(L, 2);
    if (!lua_isnoneornil(L, SHOW_ARG)) {
        luaL_checktype(L, SHOW_ARG, LUA_TTABLE);
        lk_check_options(L, SHOW_ARG, known);
    }
    ks_model *model = lk_pin_model(L, 1);
    ks_layout_options options;
    memset(&options, 0, sizeof options);
    options.statement = statement;
    options.periods = option_periods(L, model, &options.period_count);
    options.with = option_with(L);
    options.lang = option_choice(L, "lang", langs, 0) == 1 ? "ja" : NULL;
    options.format = (ks_layout_format)option_choice(L, "format", formats, 0);
    if (!lua_isnoneornil(L, SHOW_ARG) &&
        lk_rawfield(L, SHOW_ARG, "currency") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING || lk_has_zero(L, -1))
            luaL_argerror(L, SHOW_ARG, "field 'currency': a currency like "
                                       "'USD' expected");
        options.currency = lua_tostring(L, -1); /* stays on the stack */
    }
    ks_layout_text *text = new_show_text(L);
    ks_error err;
    if (ks_layout_render(model, &options, text, &err) != KS_OK) {
        ks_layout_text_release(text);
        return lk_raise(L, &err);
    }
    lua_pushlstring(L, text->data ? text->data : "", text->length);
    ks_layout_text_release(text);
    return 1;
}
