/*
 * lexplain.c -- m:explain(item, period) as a tree of Lua tables, and its
 * printer kessan.format_explain (also the tree's __tostring).
 *
 * A node is {text =, cell = "id@PERIOD" (reference nodes), value = number
 * or nil, kind = "number" | "missing" | "error", error = description,
 * provenance = "reported" | "computed" | ..., children = {node, ...}}.
 * The core's tree is C memory: it is converted under lua_pcall, freed, and
 * only then is a conversion error raised again.  The model is pinned for
 * the call (the conversion allocates, which may run finalizers).  The
 * printer reads a tree raw: it may be a script's table.
 */
#include <stdio.h>
#include <string.h>

#include "binding/lkessan.h"

typedef struct aux_job {
    ks_model *model;
    ks_explain_node *root;
} aux_job;

static const char *aux_kind_name(ks_kind kind)
{
    switch (kind) {
    case KS_NUMBER: return "number";
    case KS_ERROR: return "error";
    default: return "missing";
    }
}

static void aux_push_node(lua_State *L, ks_model *model,
                          const ks_explain_node *node)
{
    luaL_checkstack(L, 8, "explain tree too deep");
    lua_createtable(L, 0, 7);
    luaL_setmetatable(L, LK_EXPLAIN);
    lua_pushstring(L, node->text ? node->text : "");
    lua_setfield(L, -2, "text");
    lua_pushstring(L, aux_kind_name(node->value.kind));
    lua_setfield(L, -2, "kind");
    if (node->value.kind == KS_NUMBER) {
        lua_pushnumber(L, node->value.number);
        lua_setfield(L, -2, "value");
    } else if (node->value.kind == KS_ERROR) {
        lua_pushstring(L, node->value.error ? node->value.error : "error");
        lua_setfield(L, -2, "error");
    }
    lua_pushstring(L, ks_provenance_name(node->value.provenance));
    lua_setfield(L, -2, "provenance");
    ks_item_info info;
    if (node->item >= 0 && node->period >= 0 &&
        ks_item_get(model, node->item, &info) == KS_OK) {
        char period[16];
        lua_pushfstring(L, "%s@%s", info.id,
                        ks_period_id(model, node->period, period,
                                     sizeof period));
        lua_setfield(L, -2, "cell");
    }
    lua_createtable(L, node->child_count, 0);
    for (int i = 0; i < node->child_count; i++) {
        aux_push_node(L, model, node->children[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "children");
}

static int aux_convert(lua_State *L)
{
    aux_job *job = lua_touserdata(L, 1);
    aux_push_node(L, job->model, job->root);
    return 1;
}

int lk_explain(lua_State *L)
{
    int item, period;
    lk_check_cell(L, lk_check_model(L, 1), 2, &item, &period);
    lua_settop(L, 3);
    ks_model *model = lk_pin_model(L, 1);
    aux_job job = {model, NULL};
    ks_error err;
    if (ks_explain(model, item, period, &job.root, &err) != KS_OK)
        return lk_raise(L, &err);
    lua_pushcfunction(L, aux_convert);
    lua_pushlightuserdata(L, &job);
    int status = lua_pcall(L, 1, 1, 0);
    ks_explain_free(model, job.root);
    if (status != LUA_OK)
        return lua_error(L);
    return 1;
}

/* ---- the printer -------------------------------------------------------- */

/* A string field's text (NULL when it is not a string: no conversion,
 * no __tostring). */
static const char *aux_field_text(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
}

/* Add the string at idx whole (an embedded zero included), or `fallback`
 * when it is not a string. */
static void aux_add_field(luaL_Buffer *line, lua_State *L, int idx,
                          const char *fallback)
{
    size_t length;
    if (lua_type(L, idx) != LUA_TSTRING) {
        luaL_addstring(line, fallback);
        return;
    }
    const char *text = lua_tolstring(L, idx, &length);
    luaL_addlstring(line, text, length);
}

/* Append the lines of the node at the top of the stack to the table of
 * lines at `lines`. */
static void aux_node_lines(lua_State *L, int lines, int depth)
{
    luaL_checkstack(L, 8, "explain tree too deep");
    if (depth > 200 || !lua_istable(L, -1))
        return;
    int node = lua_gettop(L);
    char value[64];
    lk_rawfield(L, node, "value");
    if (lua_type(L, -1) == LUA_TNUMBER)
        lk_format_number(lua_tonumber(L, -1), value, sizeof value);
    else
        snprintf(value, sizeof value, "-");
    lua_pop(L, 1);
    lk_rawfield(L, node, "text");
    lk_rawfield(L, node, "cell");
    lk_rawfield(L, node, "provenance");
    lk_rawfield(L, node, "error");
    const char *text = aux_field_text(L, node + 1);
    const char *cell = aux_field_text(L, node + 2);
    const char *provenance = aux_field_text(L, node + 3);
    const char *error = aux_field_text(L, node + 4);
    if (!text)
        text = "?";
    luaL_Buffer line;
    luaL_buffinit(L, &line);
    for (int i = 0; i < depth; i++)
        luaL_addstring(&line, "  ");
    aux_add_field(&line, L, node + 1, text);
    if (cell && !lua_rawequal(L, node + 1, node + 2)) {
        luaL_addstring(&line, " [");
        aux_add_field(&line, L, node + 2, "");
        luaL_addchar(&line, ']');
    }
    luaL_addstring(&line, " = ");
    luaL_addstring(&line, error ? "#ERROR" : value);
    if (provenance && strcmp(provenance, "none") != 0) {
        luaL_addstring(&line, " (");
        aux_add_field(&line, L, node + 3, "");
        luaL_addchar(&line, ')');
    }
    if (error) {
        luaL_addstring(&line, ": ");
        aux_add_field(&line, L, node + 4, "");
    }
    luaL_pushresult(&line);
    lua_rawseti(L, lines, (lua_Integer)lua_rawlen(L, lines) + 1);
    lua_settop(L, node);
    if (lk_rawfield(L, node, "children") == LUA_TTABLE) {
        int children = lua_gettop(L);
        lua_Integer count = (lua_Integer)lua_rawlen(L, children);
        for (lua_Integer i = 1; i <= count; i++) {
            lua_rawgeti(L, children, i);
            aux_node_lines(L, lines, depth + 1);
            lua_settop(L, children);
        }
    }
    lua_settop(L, node);
}

/* kessan.format_explain(tree) -> text, one line per node, indented. */
int lk_format_explain(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, 1);
    aux_node_lines(L, 2, 0);
    lua_settop(L, 2);
    luaL_Buffer text;
    luaL_buffinit(L, &text);
    lua_Integer count = (lua_Integer)lua_rawlen(L, 2);
    for (lua_Integer i = 1; i <= count; i++) {
        lua_rawgeti(L, 2, i);
        luaL_addvalue(&text);
        if (i < count)
            luaL_addchar(&text, '\n');
    }
    luaL_pushresult(&text);
    return 1;
}

void lk_explain_open(lua_State *L)
{
    luaL_newmetatable(L, LK_EXPLAIN);
    lua_pushcfunction(L, lk_format_explain);
    lua_setfield(L, -2, "__tostring");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
}
