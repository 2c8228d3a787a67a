/*
 * lseries.c -- the kessan.Series userdata: one item across the periods of
 * a model, in time order.
 *
 * A Series is either attached or detached.
 *  - Attached (m["rev.total"], m:series(id)): a live view of one item of a
 *    Model or Scenario (user value 1, kept alive by the series).  Reading
 *    s["3Q02"] reads the cell; s["4Q02"] = v sets it as m:set does.
 *  - Detached: the result of arithmetic (s1 + s2, s * 1.1, -s, ...).  It
 *    holds its own values and period ids and is not tied to any model:
 *    later changes to the model do not change it, closing the model does
 *    not affect it, and setting a value in it changes only it.  Error cells
 *    keep their description in a table (user value 2), by position.
 * Arithmetic is period by period; a series with another series matches
 * periods by id (a period the other lacks is missing), by the value rules
 * formulas follow (ks_value_add and its kin, kessan.h): an error operand
 * gives that error (the left one first); otherwise a missing operand gives
 * missing; division by zero and results that are not finite numbers start
 * an error naming the period.
 * An attached series re-reads its handle's model at every read (a closed
 * model raises), and the calls that loop over periods pin the handle
 * (lk_pin_model), so Lua code run meanwhile cannot free or change it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "binding/lkessan.h"

#define LK_PERIOD_ID 8

/* A detached series' value at one position (an error's description is
 * kept apart, in user value 2). */
typedef struct lk_cell {
    double number; /* when kind is KS_NUMBER                            */
    ks_kind kind;
} lk_cell;

typedef struct lk_series {
    int item;    /* attached: the item index; detached: -1             */
    int count;   /* detached: number of periods                        */
    lk_cell cells[]; /* detached: its values, then count period ids    */
} lk_series;

typedef enum aux_op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_UNM } aux_op;

static char (*aux_ids(lk_series *series))[LK_PERIOD_ID]
{
    return (char (*)[LK_PERIOD_ID])(void *)(series->cells + series->count);
}

static lk_series *aux_check_series(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LK_SERIES);
}

/* The open model of an attached series at idx (raises when closed). */
static ks_model *aux_series_model(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 1);
    lk_handle *handle = lua_touserdata(L, -1);
    lua_pop(L, 1);  /* the series keeps the handle alive */
    if (!handle || !handle->model)
        luaL_error(L, "attempt to use a closed model");
    return handle->model;
}

/* Pin the handle of an attached series at idx for the rest of the call
 * (raises when closed); nothing for a detached one.  Pushes the handle
 * and the pins. */
static void aux_pin_series(lua_State *L, int idx, lk_series *series)
{
    if (series->item < 0)
        return;
    idx = lua_absindex(L, idx);
    lua_getiuservalue(L, idx, 1);
    lk_pin_model(L, -1);
}

static int aux_count(lua_State *L, int idx, lk_series *series)
{
    if (series->item < 0)
        return series->count;
    return ks_period_count(aux_series_model(L, idx));
}

/* The period id at a position (0-based) into buf. */
static const char *aux_id_at(lua_State *L, int idx, lk_series *series,
                             int position, char *buf)
{
    if (series->item < 0)
        return aux_ids(series)[position];
    ks_model *model = aux_series_model(L, idx);
    return ks_period_id(model, ks_period_at(model, position), buf,
                        LK_PERIOD_ID);
}

/* Position of a period id in a detached series, or -1. */
static int aux_find_id(lk_series *series, const char *id, int hint)
{
    char (*ids)[LK_PERIOD_ID] = aux_ids(series);
    if (hint >= 0 && hint < series->count && strcmp(ids[hint], id) == 0)
        return hint;
    for (int i = 0; i < series->count; i++)
        if (strcmp(ids[i], id) == 0)
            return i;
    return -1;
}

/* ---- reading one value -------------------------------------------------- */

/* The error description at a position of a detached series (or NULL);
 * leaves nothing on the stack (the text is kept alive by the table). */
static const char *aux_detached_error(lua_State *L, int idx, int position)
{
    const char *text = NULL;
    if (lua_getiuservalue(L, idx, 2) == LUA_TTABLE) {
        lua_rawgeti(L, -1, position + 1);
        text = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return text ? text : "error";
}

/* Value of the series at idx for period `id` (hint: its likely position).
 * An error's description stays valid until the next read of the same
 * model (attached), or while the series lives (detached). */
static ks_value aux_read(lua_State *L, int idx, lk_series *series,
                         const char *id, int hint)
{
    ks_value cell = {KS_MISSING, KS_PROV_NONE, 0, NULL};
    if (series->item >= 0) {
        ks_model *model = aux_series_model(L, idx);
        int period;
        if (ks_period_lookup(model, id, &period, NULL) != KS_OK)
            return cell;
        lk_get(L, model, series->item, period, &cell);
        if (cell.kind == KS_ERROR && !cell.error)
            cell.error = "error";
        return cell;
    }
    int position = aux_find_id(series, id, hint);
    if (position < 0)
        return cell;
    cell.kind = series->cells[position].kind;
    cell.number = series->cells[position].number;
    if (cell.kind == KS_ERROR)
        cell.error = aux_detached_error(L, idx, position);
    return cell;
}

/* s[p]'s value alone: a number, or nil for a missing or an error cell
 * (s:get(p) also gives the error's text). */
static int aux_push_number_or_nil(lua_State *L, const ks_value *value)
{
    if (value->kind == KS_NUMBER)
        lua_pushnumber(L, value->number);
    else
        lua_pushnil(L);
    return 1;
}

/* ---- creating ----------------------------------------------------------- */

void lk_push_series(lua_State *L, int handle_idx, int item)
{
    handle_idx = lua_absindex(L, handle_idx);
    lk_series *series = lua_newuserdatauv(L, sizeof *series, 2);
    series->item = item;
    series->count = 0;
    luaL_setmetatable(L, LK_SERIES);
    lua_pushvalue(L, handle_idx);
    lua_setiuservalue(L, -2, 1);
}

static lk_series *aux_new_detached(lua_State *L, int count)
{
    size_t size = sizeof(lk_series) +
                  (size_t)count * (sizeof(lk_cell) + LK_PERIOD_ID);
    lk_series *series = lua_newuserdatauv(L, size, 2);
    series->item = -1;
    series->count = count;
    memset(series->cells, 0, (size_t)count * (sizeof(lk_cell) + LK_PERIOD_ID));
    luaL_setmetatable(L, LK_SERIES);
    return series;
}

/* Record an error description at a position of the detached series at
 * `idx`. */
static void aux_set_error(lua_State *L, int idx, int position,
                          const char *text)
{
    idx = lua_absindex(L, idx);
    /* copied first: text may be the model's, and the allocation below may
     * run Lua code that reads the model again */
    lua_pushstring(L, text);
    if (lua_getiuservalue(L, idx, 2) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, idx, 2);
    }
    lua_insert(L, -2);
    lua_rawseti(L, -2, position + 1);
    lua_pop(L, 1);
}

/* A detached copy of the series at idx, pushed. */
static lk_series *aux_detach(lua_State *L, int idx, lk_series *source)
{
    idx = lua_absindex(L, idx);
    aux_pin_series(L, idx, source);
    int count = aux_count(L, idx, source);
    lk_series *copy = aux_new_detached(L, count);
    for (int i = 0; i < count; i++) {
        char buf[LK_PERIOD_ID];
        const char *id = aux_id_at(L, idx, source, i, buf);
        memcpy(aux_ids(copy)[i], id, LK_PERIOD_ID);
        ks_value cell = aux_read(L, idx, source, id, i);
        copy->cells[i].kind = cell.kind;
        copy->cells[i].number = cell.number;
        if (cell.kind == KS_ERROR)
            aux_set_error(L, -1, i, cell.error);
    }
    return copy;
}

/* ---- arithmetic --------------------------------------------------------- */

static const char *const aux_op_names[] = {"+", "-", "*", "/", "-"};

static ks_value aux_operand(lua_State *L, int idx, const char *id, int hint)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        ks_value cell = {KS_NUMBER, KS_PROV_NONE, lua_tonumber(L, idx), NULL};
        return cell;
    }
    return aux_read(L, idx, lua_touserdata(L, idx), id, hint);
}

/* a op b by the value rules; 1 when an error begins here. */
static int aux_apply(aux_op op, const ks_value *a, const ks_value *b,
                     ks_value *out)
{
    switch (op) {
    case OP_ADD: return ks_value_add(a, b, out);
    case OP_SUB: return ks_value_sub(a, b, out);
    case OP_MUL: return ks_value_mul(a, b, out);
    case OP_DIV: return ks_value_div(a, b, out);
    default: return ks_value_neg(a, out);
    }
}

/* Combine one period into position i of the result at `idx`.  The right
 * operand is not read when the left is an error, which the result is
 * whatever the right holds. */
static void aux_combine(lua_State *L, aux_op op, lk_series *result, int idx,
                        int i)
{
    const char *id = aux_ids(result)[i];
    ks_value a = aux_operand(L, 1, id, i), out;
    ks_value b = op == OP_UNM || a.kind == KS_ERROR ? a
                                                    : aux_operand(L, 2, id, i);
    int began = aux_apply(op, &a, &b, &out);
    result->cells[i].kind = out.kind;
    result->cells[i].number = out.number;
    if (out.kind != KS_ERROR)
        return;
    if (!began) {
        aux_set_error(L, idx, i, out.error);
        return;
    }
    aux_set_error(L, idx, i, lua_pushfstring(L, "%s in series arithmetic at %s",
                                             out.error, id));
    lua_pop(L, 1);
}

static int aux_arith(lua_State *L, aux_op op)
{
    lk_series *left = luaL_testudata(L, 1, LK_SERIES);
    lk_series *right = op == OP_UNM ? NULL : luaL_testudata(L, 2, LK_SERIES);
    if (!left && lua_type(L, 1) != LUA_TNUMBER)
        return luaL_error(L, "attempt to perform arithmetic (%s) on a %s "
                          "and a series", aux_op_names[op], luaL_typename(L, 1));
    if (op != OP_UNM && !right && lua_type(L, 2) != LUA_TNUMBER)
        return luaL_error(L, "attempt to perform arithmetic (%s) on a series "
                          "and a %s", aux_op_names[op], luaL_typename(L, 2));
    int template_idx = left ? 1 : 2;
    lk_series *template = left ? left : right;
    lua_settop(L, 2);
    if (left)
        aux_pin_series(L, 1, left);
    if (right)
        aux_pin_series(L, 2, right);
    int count = aux_count(L, template_idx, template);
    lk_series *result = aux_new_detached(L, count);
    for (int i = 0; i < count; i++) {
        char buf[LK_PERIOD_ID];
        memcpy(aux_ids(result)[i],
               aux_id_at(L, template_idx, template, i, buf), LK_PERIOD_ID);
    }
    int result_idx = lua_gettop(L);
    for (int i = 0; i < count; i++)
        aux_combine(L, op, result, result_idx, i);
    return 1;
}

static int s_add(lua_State *L) { return aux_arith(L, OP_ADD); }
static int s_sub(lua_State *L) { return aux_arith(L, OP_SUB); }
static int s_mul(lua_State *L) { return aux_arith(L, OP_MUL); }
static int s_div(lua_State *L) { return aux_arith(L, OP_DIV); }
static int s_unm(lua_State *L) { return aux_arith(L, OP_UNM); }

/* ---- indexing ----------------------------------------------------------- */

/* The period id named by key `idx` (a string, or a 1-based position) for
 * the series at 1; NULL for a position out of range. */
static const char *aux_key_id(lua_State *L, lk_series *series, int idx,
                              char *buf, int *position)
{
    *position = -1;
    if (lua_type(L, idx) == LUA_TSTRING) {
        if (lk_has_zero(L, idx))
            luaL_argerror(L, idx, "string contains an embedded zero");
        return lua_tostring(L, idx);
    }
    int isint = 0;
    lua_Integer n = lua_tointegerx(L, idx, &isint);
    if (!isint)
        luaL_typeerror(L, idx, "period");
    if (n < 1 || n > aux_count(L, 1, series))
        return NULL;
    *position = (int)n - 1;
    return aux_id_at(L, 1, series, *position, buf);
}

/* s[key]: a method, or the value at a period id or position. Upvalue 1:
 * the methods.  An unknown period id raises. */
static int s_index(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    if (lua_type(L, 2) == LUA_TSTRING) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
            return 1;
        lua_pop(L, 1);
    } else if (lua_type(L, 2) != LUA_TNUMBER)
        return 0;
    char buf[LK_PERIOD_ID];
    int position;
    const char *id = aux_key_id(L, series, 2, buf, &position);
    if (!id)
        return 0;
    if (series->item >= 0) {
        ks_model *model = aux_series_model(L, 1);
        int period = position >= 0 ? ks_period_at(model, position)
                                   : lk_check_period(L, model, 2);
        ks_value value;
        lk_get(L, model, series->item, period, &value);
        return aux_push_number_or_nil(L, &value);
    }
    if (position < 0 && (position = aux_find_id(series, id, -1)) < 0)
        return luaL_error(L, "unknown period '%s' in series", id);
    ks_value cell = aux_read(L, 1, series, id, position);
    return aux_push_number_or_nil(L, &cell);
}

/* s[key] = v: a number, nil (attached: clear the input; detached:
 * missing) or kessan.missing. */
static int s_newindex(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    int is_missing = lk_is_missing_sentinel(L, 3);
    if (!lua_isnil(L, 3) && !is_missing && lua_type(L, 3) != LUA_TNUMBER)
        return luaL_typeerror(L, 3, "number, nil or kessan.missing");
    char buf[LK_PERIOD_ID];
    int position;
    const char *id = aux_key_id(L, series, 2, buf, &position);
    if (!id)
        return luaL_error(L, "series position out of range");
    if (lua_type(L, 3) == LUA_TNUMBER && !isfinite(lua_tonumber(L, 3))) {
        double number = lua_tonumber(L, 3);
        return luaL_error(L, "%s at %s: a finite number expected, got %s",
                          LK_SERIES, id,
                          number != number ? "nan"
                                           : number > 0 ? "inf" : "-inf");
    }
    if (series->item < 0) {
        if (position < 0 && (position = aux_find_id(series, id, -1)) < 0)
            return luaL_error(L, "unknown period '%s' in series", id);
        int number = !lua_isnil(L, 3) && !is_missing;
        series->cells[position].kind = number ? KS_NUMBER : KS_MISSING;
        series->cells[position].number = number ? lua_tonumber(L, 3) : 0;
        return 0;
    }
    lua_getiuservalue(L, 1, 1);
    lk_check_changeable(L, -1);
    lua_pop(L, 1);
    ks_model *model = aux_series_model(L, 1);
    int period;
    if (position >= 0)
        period = ks_period_at(model, position);
    else
        period = lk_check_period(L, model, 2);
    ks_error err;
    ks_status status;
    if (lua_isnil(L, 3))
        status = ks_clear(model, series->item, period, &err);
    else if (is_missing)
        status = ks_set_missing(model, series->item, period, &err);
    else
        status = ks_set(model, series->item, period, lua_tonumber(L, 3), &err);
    if (status != KS_OK)
        return lk_raise(L, &err);
    return 0;
}

static int s_len(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    lua_pushinteger(L, aux_count(L, 1, series));
    return 1;
}

/* The iterator of pairs: upvalue 1 the next position (0-based). */
static int aux_next(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    lua_settop(L, 1);
    aux_pin_series(L, 1, series);
    lua_Integer position = lua_tointeger(L, lua_upvalueindex(1));
    if (position >= aux_count(L, 1, series))
        return 0;
    lua_pushinteger(L, position + 1);
    lua_replace(L, lua_upvalueindex(1));
    char buf[LK_PERIOD_ID];
    const char *id = aux_id_at(L, 1, series, (int)position, buf);
    lua_pushstring(L, id);
    ks_value cell = aux_read(L, 1, series, id, (int)position);
    return 1 + lk_push_value(L, &cell);
}

/* pairs(s) -> period id, value (nil when missing) [, error], in time order */
static int s_pairs(lua_State *L)
{
    aux_check_series(L, 1);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, aux_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int aux_same_cell(ks_value a, ks_value b)
{
    if (a.kind == KS_NUMBER || b.kind == KS_NUMBER)
        return a.kind == b.kind && a.number == b.number;
    return a.kind == b.kind;
}

/* s1 == s2: the same periods with the same values (missing equals
 * missing, an error equals an error). */
static int s_eq(lua_State *L)
{
    lk_series *a = luaL_testudata(L, 1, LK_SERIES);
    lk_series *b = luaL_testudata(L, 2, LK_SERIES);
    if (!a || !b) {
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_settop(L, 2);
    aux_pin_series(L, 1, a);
    aux_pin_series(L, 2, b);
    int count = aux_count(L, 1, a);
    int equal = count == aux_count(L, 2, b);
    for (int i = 0; equal && i < count; i++) {
        char buf_a[LK_PERIOD_ID], buf_b[LK_PERIOD_ID];
        const char *id = aux_id_at(L, 1, a, i, buf_a);
        if (strcmp(id, aux_id_at(L, 2, b, i, buf_b)) != 0) {
            equal = 0;
            break;
        }
        ks_value x = aux_read(L, 1, a, id, i);
        equal = aux_same_cell(x, aux_read(L, 2, b, id, i));
    }
    lua_pushboolean(L, equal);
    return 1;
}

static int s_tostring(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    if (series->item >= 0) {
        lua_getiuservalue(L, 1, 1);
        lk_handle *handle = lua_touserdata(L, -1);
        lua_pop(L, 1);
        if (!handle || !handle->model) {
            lua_pushliteral(L, LK_SERIES " (closed model)");
            return 1;
        }
    }
    lua_settop(L, 1);
    aux_pin_series(L, 1, series);
    int count = aux_count(L, 1, series);
    lk_text_table table;
    lk_text_begin(L, &table, 2);
    lk_text_cell(L, &table, "period");
    lk_text_cell(L, &table, "value");
    for (int i = 0; i < count; i++) {
        char buf[LK_PERIOD_ID], text[64];
        const char *id = aux_id_at(L, 1, series, i, buf);
        ks_value cell = aux_read(L, 1, series, id, i);
        if (cell.kind == KS_NUMBER)
            lk_format_number(cell.number, text, sizeof text);
        else
            snprintf(text, sizeof text, "%s",
                     cell.kind == KS_ERROR ? "#ERROR" : "-");
        lk_text_cell(L, &table, id);
        lk_text_cell(L, &table, text);
    }
    if (series->item >= 0) {
        ks_model *model = aux_series_model(L, 1);
        ks_item_info info;
        ks_item_get(model, series->item, &info);
        lua_pushfstring(L, LK_SERIES " '%s' (%s)", info.id,
                        ks_model_name(model));
    } else
        lua_pushliteral(L, LK_SERIES " (detached)");
    lk_text_end(L, &table, lua_tostring(L, -1));
    return 1;
}

/* ---- methods ------------------------------------------------------------ */

/* s:get(period) -> number | nil, why */
static int s_get(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    if (lua_type(L, 2) != LUA_TSTRING)
        return luaL_typeerror(L, 2, "period");
    if (lk_has_zero(L, 2))
        return luaL_argerror(L, 2, "string contains an embedded zero");
    const char *id = lua_tostring(L, 2);
    if (series->item >= 0) {
        ks_model *model = aux_series_model(L, 1);
        int period = lk_check_period(L, model, 2);
        ks_value value;
        lk_get(L, model, series->item, period, &value);
        return lk_push_cell(L, model, series->item, period, &value);
    }
    int position = aux_find_id(series, id, -1);
    if (position < 0)
        return luaL_error(L, "unknown period '%s' in series", id);
    ks_value cell = aux_read(L, 1, series, id, position);
    return lk_push_value(L, &cell);
}

/* s:periods() -> { "1Q01", ... } */
static int s_periods(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    lua_settop(L, 1);
    aux_pin_series(L, 1, series);
    int count = aux_count(L, 1, series);
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        char buf[LK_PERIOD_ID];
        lua_pushstring(L, aux_id_at(L, 1, series, i, buf));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* s:totable() -> { ["1Q01"] = value, ... } (missing and errors absent) */
static int s_totable(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    lua_settop(L, 1);
    aux_pin_series(L, 1, series);
    int count = aux_count(L, 1, series);
    lua_createtable(L, 0, count);
    for (int i = 0; i < count; i++) {
        char buf[LK_PERIOD_ID];
        const char *id = aux_id_at(L, 1, series, i, buf);
        ks_value cell = aux_read(L, 1, series, id, i);
        if (cell.kind != KS_NUMBER)
            continue;
        lua_pushnumber(L, cell.number);
        lua_setfield(L, -2, id);
    }
    return 1;
}

/* s:id() -> the item id, or nil for a detached series */
static int s_id(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    if (series->item < 0)
        return 0;
    ks_item_info info;
    if (ks_item_get(aux_series_model(L, 1), series->item, &info) != KS_OK)
        return 0;
    lua_pushstring(L, info.id);
    return 1;
}

/* s:detach() -> a detached copy of the current values */
static int s_detach(lua_State *L)
{
    lk_series *series = aux_check_series(L, 1);
    lua_settop(L, 1);
    aux_detach(L, 1, series);
    return 1;
}

static const luaL_Reg aux_methods[] = {
    {"get", s_get},
    {"periods", s_periods},
    {"totable", s_totable},
    {"id", s_id},
    {"detach", s_detach},
    {NULL, NULL}
};

static const luaL_Reg aux_metamethods[] = {
    {"__newindex", s_newindex},
    {"__len", s_len},
    {"__pairs", s_pairs},
    {"__eq", s_eq},
    {"__tostring", s_tostring},
    {"__add", s_add},
    {"__sub", s_sub},
    {"__mul", s_mul},
    {"__div", s_div},
    {"__unm", s_unm},
    {NULL, NULL}
};

void lk_series_open(lua_State *L)
{
    luaL_newmetatable(L, LK_SERIES);
    luaL_setfuncs(L, aux_metamethods, 0);
    luaL_newlib(L, aux_methods);
    lua_pushcclosure(L, s_index, 1);
    lua_setfield(L, -2, "__index");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
}
