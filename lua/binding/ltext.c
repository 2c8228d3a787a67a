/*
 * ltext.c -- plain text tables for the __tostring of models, series and
 * comparisons, and the figures in them (lk_format_number, lk_format_figure,
 * and for scripts kessan.format: the core's display formatter, so that
 * every table prints a number as show does): cells are collected in a Lua table (so a memory error while
 * collecting leaks nothing), then laid out under a title by the core's
 * table writer (kessan/text.h: columns aligned by display width, so that
 * Japanese text lines up) into a Lua buffer.
 */
#include <string.h>

#include "binding/lkessan.h"
#include "kessan/text.h"

#define LK_TEXT_GAP 2

void lk_format_figure(double number, const char *unit, char *buf,
                      size_t size)
{
    ks_number_style style = ks_number_style_for_unit(unit, -1);
    ks_format_display(buf, size, number, &style);
}

void lk_format_number(double number, char *buf, size_t size)
{
    lk_format_figure(number, NULL, buf, size);
}

/* The style the second argument asks for: nil (automatic), a unit
 * ("ratio", "JPY thousands"), or {unit =, decimals =, percent =}. */
static ks_number_style format_style(lua_State *L)
{
    static const char *const known[] = { "unit", "decimals", "percent",
                                          NULL };
    if (lua_isnoneornil(L, 2))
        return ks_number_style_for_unit(NULL, -1);
    if (lua_type(L, 2) == LUA_TSTRING)
        return ks_number_style_for_unit(lk_check_string(L, 2), -1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lk_check_options(L, 2, known);
    const char *unit = NULL;
    if (lk_rawfield(L, 2, "unit") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_argerror(L, 2, "field 'unit': a string expected");
        unit = lk_check_string(L, lua_gettop(L));
    }
    int decimals = -1;
    if (lk_rawfield(L, 2, "decimals") != LUA_TNIL) {
        int whole;
        lua_Integer given = lua_tointegerx(L, -1, &whole);
        if (!whole || given < 0 || given > 12)
            luaL_argerror(L, 2, "field 'decimals': 0 to 12 expected");
        decimals = (int)given;
    }
    ks_number_style style = ks_number_style_for_unit(unit, decimals);
    if (lk_rawfield(L, 2, "percent") != LUA_TNIL && lua_toboolean(L, -1)) {
        style.percent = KS_PERCENT_SIGN;
        if (decimals < 0)
            style.decimals = 1;
    }
    return style;
}

int lk_format(lua_State *L)
{
    double number = luaL_checknumber(L, 1);
    ks_number_style style = format_style(L);
    char text[64];
    ks_format_display(text, sizeof text, number, &style);
    lua_pushstring(L, text);
    return 1;
}

void lk_text_begin(lua_State *L, lk_text_table *table, int columns)
{
    lua_newtable(L);
    table->index = lua_gettop(L);
    table->columns = columns > 0 ? columns : 1;
    table->count = 0;
}

void lk_text_cell(lua_State *L, lk_text_table *table, const char *text)
{
    lua_pushstring(L, text ? text : "");
    lua_rawseti(L, table->index, ++table->count);
}

/* A sink's write: into the Lua buffer (which raises on a memory error;
 * the writer holds nothing that would leak). */
static int aux_buffer_write(void *context, const char *bytes, size_t size)
{
    luaL_addlstring((luaL_Buffer *)context, bytes, size);
    return 0;
}

/* The cells as the core's table: pointers to the strings the Lua table
 * holds (and keeps alive), NULL past the last, and the widths the writer
 * fills; in a userdata at the top of the stack, collected with it. */
static ks_text_table aux_core_table(lua_State *L, lk_text_table *table)
{
    size_t columns = (size_t)table->columns;
    size_t rows = ((size_t)table->count + columns - 1) / columns;
    size_t *widths = lua_newuserdatauv(
        L, columns * sizeof *widths + rows * columns * sizeof(char *), 0);
    const char **cells = (const char **)(void *)(widths + columns);
    for (size_t cell = 0; cell < rows * columns; cell++) {
        cells[cell] = NULL;
        if (cell < (size_t)table->count) {
            lua_rawgeti(L, table->index, (lua_Integer)cell + 1);
            cells[cell] = lua_tostring(L, -1);
            lua_pop(L, 1);
        }
    }
    ks_text_table core = { cells, rows, columns, NULL, NULL, LK_TEXT_GAP,
                           widths };
    return core;
}

void lk_text_end(lua_State *L, lk_text_table *table, const char *title)
{
    ks_text_table core = aux_core_table(L, table); /* +1: the cells */
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    if (title) {
        luaL_addstring(&buffer, title);
        luaL_addchar(&buffer, '\n');
    }
    ks_text_sink sink = ks_text_sink_of(aux_buffer_write, &buffer);
    ks_text_table_write(&sink, &core);
    if (core.rows > 0)
        luaL_buffsub(&buffer, 1); /* no newline after the last row */
    luaL_pushresult(&buffer);
    lua_remove(L, -2); /* the cells */
}
