/*
 * ltext.c -- plain text tables for the __tostring of models, series and
 * comparisons: cells are collected in a Lua table (so a memory error while
 * collecting leaks nothing), then laid out in aligned columns under a title.
 */
#include <string.h>

#include "binding/lkessan.h"

#define LK_TEXT_GAP 2

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

/* Display width of UTF-8 text: code points (wide scripts count one). */
static size_t aux_width(const char *text, size_t length)
{
    size_t width = 0;
    for (size_t i = 0; i < length; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            width++;
    return width;
}

static void aux_pad(luaL_Buffer *buffer, size_t count)
{
    while (count-- > 0)
        luaL_addchar(buffer, ' ');
}

static size_t aux_cell_width(lua_State *L, lk_text_table *table, int cell)
{
    size_t length;
    lua_rawgeti(L, table->index, cell);
    const char *text = lua_tolstring(L, -1, &length);
    size_t width = text ? aux_width(text, length) : 0;
    lua_pop(L, 1);
    return width;
}

void lk_text_end(lua_State *L, lk_text_table *table, const char *title)
{
    enum { MAX_COLUMNS = 64 };
    size_t widths[MAX_COLUMNS] = {0};
    int columns = table->columns < MAX_COLUMNS ? table->columns : MAX_COLUMNS;
    for (int cell = 1; cell <= table->count; cell++) {
        int column = (cell - 1) % table->columns;
        if (column >= columns)
            continue;
        size_t width = aux_cell_width(L, table, cell);
        if (width > widths[column])
            widths[column] = width;
    }
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    if (title) {
        luaL_addstring(&buffer, title);
        luaL_addchar(&buffer, '\n');
    }
    for (int cell = 1; cell <= table->count; cell++) {
        int column = (cell - 1) % table->columns;
        if (column >= columns)
            continue;
        size_t width = aux_cell_width(L, table, cell);
        size_t pad = widths[column] - width;
        if (column > 0)
            aux_pad(&buffer, LK_TEXT_GAP + pad);
        lua_rawgeti(L, table->index, cell);
        luaL_addvalue(&buffer);
        int last = column == table->columns - 1 || cell == table->count;
        if (column == 0 && !last)
            aux_pad(&buffer, pad);
        if (last && cell != table->count)
            luaL_addchar(&buffer, '\n');
    }
    luaL_pushresult(&buffer);
}
