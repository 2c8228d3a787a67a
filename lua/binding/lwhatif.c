/*
 * lwhatif.c -- the what-if methods of Model and Scenario (goalseek,
 * datatable, tornado) and the kessan.Grid and kessan.Tornado results.
 * Arguments are checked here; the work is core/include/kessan/whatif.h's.
 *
 *   s:goalseek{target = "op_income@4Q02", value = 0, vary = "rev.si@4Q02"
 *              [, lo =, hi =, tol =, max_iter =, residual_tol =]}
 *              -> x, {iterations, residual, residual_tol}
 *   s:datatable{rows = {cell, {v...}} [, cols = {cell, {v...}}],
 *               out = cell | {cell...}} -> Grid
 *   s:tornado{out = cell, inputs = {cell | {cell, low, high}...}
 *             [, swing = 0.1]} -> ranked list of bars
 *
 * A Grid is a userdata owning the core's ks_grid; user value 1 is a table
 * with rows, cols, outputs and the first output's rows (g[i][j]), so
 * g.rows, g[i][j] are plain table reads.  Temporary arrays live in Lua
 * userdata, so a Lua error never leaks them; the core's errors are raised
 * after its memory is released.  The options are read raw, with the model
 * pinned (lk_pin_model) from before the first read to the end of the call.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "binding/lkessan.h"
#include "kessan/whatif.h"

#define LK_GRID "kessan.Grid"
#define LK_TORNADO "kessan.Tornado"
#define ARG 2 /* the options table (1 is self) */

typedef struct lk_grid {
    ks_grid *grid; /* NULL until computed, and after __gc */
} lk_grid;

/* ---- checking the options table ------------------------------------------ */

static int aux_misuse(lua_State *L, const char *field, const char *what)
{
    return luaL_argerror(L, ARG, lua_pushfstring(L, "field '%s': %s", field,
                                                 what));
}

/* The cell named by the string at idx (field `field` for messages). */
static ks_cell_ref aux_cell_at(lua_State *L, ks_model *model, int idx,
                               const char *field)
{
    ks_cell_ref cell = { -1, -1 };
    if (lua_type(L, idx) == LUA_TSTRING && lk_has_zero(L, idx))
        aux_misuse(L, field, "string contains an embedded zero");
    if (lua_type(L, idx) != LUA_TSTRING || !strchr(lua_tostring(L, idx), '@'))
        aux_misuse(L, field, lua_pushfstring(L,
            "cell expected like rev.si@4Q02, got %s",
            lua_type(L, idx) == LUA_TSTRING
                ? lua_pushfstring(L, "'%s'", lua_tostring(L, idx))
                : luaL_typename(L, idx)));
    ks_error err;
    if (ks_cell_lookup(model, lua_tostring(L, idx), &cell.item, &cell.period,
                       &err) != KS_OK)
        aux_misuse(L, field, err.message);
    return cell;
}

static ks_cell_ref aux_field_cell(lua_State *L, ks_model *model,
                                  const char *field)
{
    lk_rawfield(L, ARG, field);
    ks_cell_ref cell = aux_cell_at(L, model, -1, field);
    lua_pop(L, 1);
    return cell;
}

/* A finite number field; `fallback` when absent (*given 0). */
static double aux_field_number(lua_State *L, const char *field,
                               double fallback, int *given)
{
    int type = lk_rawfield(L, ARG, field);
    double number = fallback;
    if (given)
        *given = type != LUA_TNIL;
    if (type == LUA_TNUMBER) {
        number = lua_tonumber(L, -1);
        if (!isfinite(number))
            aux_misuse(L, field, "a finite number expected");
    } else if (type != LUA_TNIL)
        aux_misuse(L, field, lua_pushfstring(L, "number expected, got %s",
                                             luaL_typename(L, -1)));
    lua_pop(L, 1);
    return number;
}

/* The options table, like `example`, of `known` keys only. */
static void aux_check_options(lua_State *L, const char *example,
                              const char *const known[])
{
    if (lua_type(L, ARG) != LUA_TTABLE)
        luaL_argerror(L, ARG, lua_pushfstring(L, "table expected like %s, "
                                              "got %s", example,
                                              luaL_typename(L, ARG)));
    lk_check_options(L, ARG, known);
}

/* ---- goalseek -------------------------------------------------------------- */

static int w_goalseek(lua_State *L)
{
    static const char *const known[] = {
        "target", "value", "vary", "lo", "hi", "tol", "max_iter",
        "residual_tol", NULL
    };
    aux_check_options(L, "{target = cell, value = x, vary = cell}", known);
    lua_settop(L, ARG);
    ks_model *model = lk_pin_model(L, 1);
    ks_cell_ref target = aux_field_cell(L, model, "target");
    ks_cell_ref vary = aux_field_cell(L, model, "vary");
    int given;
    double value = aux_field_number(L, "value", 0, &given);
    if (!given)
        aux_misuse(L, "value", "number expected, got nil");
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    int has_lo, has_hi;
    options.lo = aux_field_number(L, "lo", 0, &has_lo);
    options.hi = aux_field_number(L, "hi", 0, &has_hi);
    if (has_lo != has_hi)
        aux_misuse(L, has_lo ? "hi" : "lo", "give lo and hi together");
    options.has_bracket = has_lo;
    options.tol = aux_field_number(L, "tol", options.tol, NULL);
    if (!(options.tol > 0))
        aux_misuse(L, "tol", "a positive number expected");
    double max_iter = aux_field_number(L, "max_iter", options.max_iter, NULL);
    if (!(max_iter >= 1 && max_iter <= 1e6) || max_iter != floor(max_iter))
        aux_misuse(L, "max_iter", "integer from 1 to 1000000 expected");
    options.max_iter = (int)max_iter;
    options.residual_tol = aux_field_number(L, "residual_tol",
                                            options.residual_tol, NULL);
    if (!(options.residual_tol >= 0) || isinf(options.residual_tol))
        aux_misuse(L, "residual_tol", "a number >= 0 expected (0: automatic)");
    ks_goalseek_result result;
    ks_error err;
    if (ks_goalseek(model, target, value, vary, &options, &result, &err) !=
        KS_OK)
        return lk_raise(L, &err);
    lua_pushnumber(L, result.solution);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, result.iterations);
    lua_setfield(L, -2, "iterations");
    lua_pushnumber(L, result.residual);
    lua_setfield(L, -2, "residual");
    lua_pushnumber(L, result.residual_tol);
    lua_setfield(L, -2, "residual_tol");
    return 2;
}

/* ---- datatable --------------------------------------------------------------- */

/* Field `field` = {cell, {numbers...}} into *axis; the values array is a
 * userdata left on the stack. */
static int aux_field_axis(lua_State *L, ks_model *model, const char *field,
                          ks_table_axis *axis)
{
    int type = lk_rawfield(L, ARG, field);
    if (type == LUA_TNIL)
        return 0;
    if (type != LUA_TTABLE)
        aux_misuse(L, field, lua_pushfstring(L, "{cell, {values...}} "
                                             "expected, got %s",
                                             luaL_typename(L, -1)));
    int at = lua_gettop(L);
    lk_check_keys(L, ARG, at, field, 0, NULL, 2);
    lua_rawgeti(L, at, 1);
    axis->cell = aux_cell_at(L, model, -1, field);
    lua_pop(L, 1);
    if (lua_rawgeti(L, at, 2) != LUA_TTABLE)
        aux_misuse(L, field, lua_pushfstring(L, "a list of values expected "
                                             "after the cell, got %s",
                                             luaL_typename(L, -1)));
    lua_Integer count = (lua_Integer)lua_rawlen(L, -1);
    if (count < 1 || count > 1000000)
        aux_misuse(L, field, "from 1 to 1000000 values expected");
    lk_check_keys(L, ARG, -1, field, 2, NULL, count);
    double *values = lua_newuserdatauv(L, sizeof *values * (size_t)count, 0);
    for (lua_Integer i = 1; i <= count; i++) {
        int isnum;
        lua_rawgeti(L, -2, i);
        values[i - 1] = lua_tonumberx(L, -1, &isnum);
        if (!isnum || !isfinite(values[i - 1]))
            aux_misuse(L, field, lua_pushfstring(L, "value %d is not a finite "
                                                 "number", (int)i));
        lua_pop(L, 1);
    }
    axis->values = values;
    axis->count = (int)count;
    return 1;
}

/* out = cell or {cell...}: a userdata array of cells left on the stack. */
static ks_cell_ref *aux_field_outputs(lua_State *L, ks_model *model,
                                      const char *field, int *count)
{
    int type = lk_rawfield(L, ARG, field);
    int at = lua_gettop(L);
    if (type != LUA_TTABLE) {
        ks_cell_ref *one = lua_newuserdatauv(L, sizeof *one, 0);
        *one = aux_cell_at(L, model, at, field);
        *count = 1;
        return one;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, at);
    if (n < 1 || n > 10000)
        aux_misuse(L, field, "a cell or a list of cells expected");
    lk_check_keys(L, ARG, at, field, 0, NULL, n);
    ks_cell_ref *cells = lua_newuserdatauv(L, sizeof *cells * (size_t)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, at, i);
        cells[i - 1] = aux_cell_at(L, model, -1, field);
        lua_pop(L, 1);
    }
    *count = (int)n;
    return cells;
}

static void aux_push_point(lua_State *L, ks_point point)
{
    if (point.kind == KS_NUMBER)
        lua_pushnumber(L, point.number);
    else
        lua_pushnil(L);
}

/* A table of output k: t[i][j]. */
static void aux_push_matrix(lua_State *L, const ks_grid *grid, int k)
{
    lua_createtable(L, grid->row_count, 0);
    for (int i = 0; i < grid->row_count; i++) {
        lua_createtable(L, grid->col_count, 0);
        for (int j = 0; j < grid->col_count; j++) {
            aux_push_point(L, ks_grid_at(grid, k, i, j));
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
}

static void aux_push_numbers(lua_State *L, const double *values, int count)
{
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        lua_pushnumber(L, values[i]);
        lua_rawseti(L, -2, i + 1);
    }
}

/* The user value of a grid: rows, cols, outputs, row_cell, col_cell and
 * [i] = the first output's row i. */
static void aux_grid_fields(lua_State *L, const ks_grid *grid)
{
    aux_push_matrix(L, grid, 0);
    aux_push_numbers(L, grid->row_values, grid->row_count);
    lua_setfield(L, -2, "rows");
    if (grid->has_cols) {
        aux_push_numbers(L, grid->col_values, grid->col_count);
        lua_setfield(L, -2, "cols");
        lua_pushstring(L, grid->col_name);
        lua_setfield(L, -2, "col_cell");
    }
    lua_pushstring(L, grid->row_name);
    lua_setfield(L, -2, "row_cell");
    lua_createtable(L, grid->output_count, 0);
    for (int k = 0; k < grid->output_count; k++) {
        lua_pushstring(L, grid->output_names[k]);
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "outputs");
    lua_createtable(L, 0, 0);
    for (int k = 0; k < grid->output_count; k++)
        if (grid->output_why[k]) {
            lua_pushstring(L, grid->output_why[k]);
            lua_setfield(L, -2, grid->output_names[k]);
        }
    lua_setfield(L, -2, "why");
}

static int w_datatable(lua_State *L)
{
    static const char *const known[] = { "rows", "cols", "out", NULL };
    aux_check_options(L, "{rows = {cell, {values...}}, out = cell}", known);
    lua_settop(L, ARG);
    ks_model *model = lk_pin_model(L, 1);
    ks_table_axis rows, cols;
    if (!aux_field_axis(L, model, "rows", &rows))
        aux_misuse(L, "rows", "{cell, {values...}} expected, got nil");
    int has_cols = aux_field_axis(L, model, "cols", &cols);
    int output_count;
    ks_cell_ref *outputs = aux_field_outputs(L, model, "out", &output_count);
    lk_grid *ud = lua_newuserdatauv(L, sizeof *ud, 1);
    ud->grid = NULL;
    luaL_setmetatable(L, LK_GRID);
    ks_error err;
    if (ks_datatable(model, &rows, has_cols ? &cols : NULL, outputs,
                     output_count, &ud->grid, &err) != KS_OK)
        return lk_raise(L, &err);
    aux_grid_fields(L, ud->grid);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* ---- the Grid ----------------------------------------------------------------- */

static const ks_grid *aux_check_grid(lua_State *L, int idx)
{
    lk_grid *ud = luaL_checkudata(L, idx, LK_GRID);
    if (!ud->grid)
        luaL_error(L, "attempt to use a freed grid");
    return ud->grid;
}

/* g:out(k or cell) -> t[i][j] of that output */
static int g_out(lua_State *L)
{
    const ks_grid *grid = aux_check_grid(L, 1);
    int k = -1;
    if (lua_type(L, 2) == LUA_TSTRING) {
        if (lk_has_zero(L, 2))
            return luaL_argerror(L, 2, "string contains an embedded zero");
        for (int i = 0; i < grid->output_count; i++)
            if (strcmp(grid->output_names[i], lua_tostring(L, 2)) == 0)
                k = i;
    } else {
        lua_Integer n = luaL_checkinteger(L, 2);
        k = n >= 1 && n <= grid->output_count ? (int)n - 1 : -1;
    }
    if (k < 0)
        return luaL_argerror(L, 2, lua_pushfstring(L, "output 1 to %d or one "
                                                   "of the grid's output "
                                                   "cells expected",
                                                   grid->output_count));
    aux_push_matrix(L, grid, k);
    return 1;
}

/* g:export(path) -> true | nil, message */
static int g_export(lua_State *L)
{
    const char *path = lk_check_string(L, 2);
    lk_check_path(L, path, LK_PATH_WRITE);
    const ks_grid *grid = aux_check_grid(L, 1);
    ks_error err;
    if (ks_grid_export_csv(grid, path, &err) != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* A figure in its cell's style (text.h's display formatter): a ratio a
 * percentage, an amount in thousands whole, others at automatic
 * precision. */
static void aux_format(double number, const ks_number_style *style,
                       char *buf, size_t size)
{
    ks_format_display(buf, size, number, style);
}

static void aux_point_cell(lua_State *L, lk_text_table *table, ks_point point,
                           const ks_number_style *style)
{
    char text[64];
    if (point.kind == KS_NUMBER)
        aux_format(point.number, style, text, sizeof text);
    else
        snprintf(text, sizeof text, "%s",
                 point.kind == KS_ERROR ? "#ERROR" : "-");
    lk_text_cell(L, table, text);
}

static void aux_number_cell(lua_State *L, lk_text_table *table, double x,
                            const ks_number_style *style)
{
    char text[64];
    aux_format(x, style, text, sizeof text);
    lk_text_cell(L, table, text);
}

/* Under a table: why an output has no number where it shows none. */
static void aux_add_why(lua_State *L, const ks_grid *grid, int first,
                        int last)
{
    for (int k = first; k <= last; k++)
        if (grid->output_why[k]) {
            lua_pushfstring(L, "\nnote: %s", grid->output_why[k]);
            lua_concat(L, 2);
        }
}

/* Keep only the value on top, at stack index `at` (what was pushed from
 * `at` on, the text table's cells included, goes). */
static void aux_keep_top(lua_State *L, int at)
{
    lua_replace(L, at);
    lua_settop(L, at);
}

/* One-way: a column per output. */
static void aux_one_way_text(lua_State *L, const ks_grid *grid)
{
    lk_text_table table;
    lk_text_begin(L, &table, grid->output_count + 1);
    lk_text_cell(L, &table, grid->row_name);
    for (int k = 0; k < grid->output_count; k++)
        lk_text_cell(L, &table, grid->output_names[k]);
    for (int i = 0; i < grid->row_count; i++) {
        aux_number_cell(L, &table, grid->row_values[i], &grid->row_style);
        for (int k = 0; k < grid->output_count; k++)
            aux_point_cell(L, &table, ks_grid_at(grid, k, i, 0),
                           &grid->output_styles[k]);
    }
    lk_text_end(L, &table, "data table");
    aux_add_why(L, grid, 0, grid->output_count - 1);
    aux_keep_top(L, table.index);
}

/* Two-way: one block per output, rows down and columns across. */
static void aux_two_way_text(lua_State *L, const ks_grid *grid, int k)
{
    lk_text_table table;
    lk_text_begin(L, &table, grid->col_count + 1);
    lk_text_cell(L, &table, lua_pushfstring(L, "%s \\ %s", grid->row_name,
                                            grid->col_name));
    lua_pop(L, 1);
    for (int j = 0; j < grid->col_count; j++)
        aux_number_cell(L, &table, grid->col_values[j], &grid->col_style);
    for (int i = 0; i < grid->row_count; i++) {
        aux_number_cell(L, &table, grid->row_values[i], &grid->row_style);
        for (int j = 0; j < grid->col_count; j++)
            aux_point_cell(L, &table, ks_grid_at(grid, k, i, j),
                           &grid->output_styles[k]);
    }
    lua_pushfstring(L, "data table: %s", grid->output_names[k]);
    lk_text_end(L, &table, lua_tostring(L, -1));
    aux_add_why(L, grid, k, k);
    aux_keep_top(L, table.index);
}

static int g_tostring(lua_State *L)
{
    lk_grid *ud = luaL_checkudata(L, 1, LK_GRID);
    if (!ud->grid) {
        lua_pushliteral(L, LK_GRID " (freed)");
        return 1;
    }
    if (!ud->grid->has_cols) {
        aux_one_way_text(L, ud->grid);
        return 1;
    }
    /* one block per output, joined (a luaL_Buffer cannot span the
     * stack work of each block) */
    int pieces = 0;
    for (int k = 0; k < ud->grid->output_count; k++) {
        luaL_checkstack(L, 3, "grid text");
        if (k > 0) {
            lua_pushliteral(L, "\n\n");
            pieces++;
        }
        aux_two_way_text(L, ud->grid, k);
        pieces++;
    }
    lua_concat(L, pieces);
    return 1;
}

/* g.rows, g.cols, g[i], g.outputs; methods first (upvalue 1). */
static int g_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    luaL_checkudata(L, 1, LK_GRID);
    lua_getiuservalue(L, 1, 1);
    if (!lua_istable(L, -1))
        return 0;
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

static int g_len(lua_State *L)
{
    lua_pushinteger(L, aux_check_grid(L, 1)->row_count);
    return 1;
}

static int g_gc(lua_State *L)
{
    lk_grid *ud = luaL_checkudata(L, 1, LK_GRID);
    ks_grid_free(ud->grid);
    ud->grid = NULL;
    return 0;
}

/* ---- tornado ---------------------------------------------------------------------- */

/* inputs = {cell | {cell, low, high}, ...}: a userdata array left on the
 * stack. */
static ks_tornado_input *aux_field_inputs(lua_State *L, ks_model *model,
                                          int *count)
{
    if (lk_rawfield(L, ARG, "inputs") != LUA_TTABLE)
        aux_misuse(L, "inputs", lua_pushfstring(L, "a list of cells expected, "
                                                "got %s",
                                                luaL_typename(L, -1)));
    int at = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, at);
    if (n < 1 || n > 10000)
        aux_misuse(L, "inputs", "a list of 1 to 10000 cells expected");
    lk_check_keys(L, ARG, at, "inputs", 0, NULL, n);
    ks_tornado_input *inputs = lua_newuserdatauv(L, sizeof *inputs *
                                                 (size_t)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        ks_tornado_input *input = &inputs[i - 1];
        memset(input, 0, sizeof *input);
        if (lua_rawgeti(L, at, i) != LUA_TTABLE) {
            input->cell = aux_cell_at(L, model, -1, "inputs");
            lua_pop(L, 1);
            continue;
        }
        lk_check_keys(L, ARG, -1, "inputs", (int)i, NULL, 3);
        lua_rawgeti(L, -1, 1);
        input->cell = aux_cell_at(L, model, -1, "inputs");
        int low_ok, high_ok;
        lua_rawgeti(L, -2, 2);
        lua_rawgeti(L, -3, 3);
        low_ok = lua_type(L, -2) == LUA_TNUMBER;
        high_ok = lua_type(L, -1) == LUA_TNUMBER;
        input->low = lua_tonumber(L, -2);
        input->high = lua_tonumber(L, -1);
        if (!low_ok || !high_ok || !isfinite(input->low) ||
            !isfinite(input->high))
            aux_misuse(L, "inputs", lua_pushfstring(L, "entry %d: {cell, low, "
                                                    "high} expected, "
                                                    "low and high finite "
                                                    "numbers",
                                                    (int)i));
        input->has_range = 1;
        lua_pop(L, 4);
    }
    *count = (int)n;
    return inputs;
}

static void aux_set_number(lua_State *L, const char *name, double number)
{
    lua_pushnumber(L, number);
    lua_setfield(L, -2, name);
}

/* Field `name` of the table on top: the unit of a cell's item, if any. */
static void aux_set_unit(lua_State *L, ks_model *model, ks_cell_ref cell,
                         const char *name)
{
    ks_item_info info;
    if (ks_item_get(model, cell.item, &info) != KS_OK || !info.unit)
        return;
    lua_pushstring(L, info.unit);
    lua_setfield(L, -2, name);
}

static void aux_push_bar(lua_State *L, ks_model *model,
                         const ks_tornado_bar *bar)
{
    char name[128];
    lua_createtable(L, 0, 8);
    lua_pushstring(L, ks_cell_name(model, bar->input, name, sizeof name));
    lua_setfield(L, -2, "input");
    aux_set_unit(L, model, bar->input, "unit");
    aux_set_number(L, "value", bar->base_value);
    aux_set_number(L, "low", bar->low);
    aux_set_number(L, "high", bar->high);
    aux_set_number(L, "out_low", bar->out_low);
    aux_set_number(L, "out_high", bar->out_high);
    aux_set_number(L, "spread", bar->spread);
}

/* Push the result table; the tornado is freed by the caller. */
static void aux_push_tornado(lua_State *L, ks_model *model,
                             const ks_tornado *tornado)
{
    char name[128];
    lua_createtable(L, tornado->count, 3);
    lua_pushstring(L, ks_cell_name(model, tornado->output, name, sizeof name));
    lua_setfield(L, -2, "out");
    aux_set_unit(L, model, tornado->output, "out_unit");
    aux_set_number(L, "base", tornado->base_output);
    for (int i = 0; i < tornado->count; i++) {
        aux_push_bar(L, model, &tornado->bars[i]);
        lua_rawseti(L, -2, i + 1);
    }
    luaL_setmetatable(L, LK_TORNADO);
}

/* The core's tornado held by a userdata until copied into Lua, so that a
 * memory error while copying cannot leak it. */
typedef struct lk_tornado_box {
    ks_tornado *tornado;
} lk_tornado_box;

#define LK_TORNADO_BOX "kessan.TornadoBox"

static int box_gc(lua_State *L)
{
    lk_tornado_box *box = luaL_checkudata(L, 1, LK_TORNADO_BOX);
    ks_tornado_free(box->tornado);
    box->tornado = NULL;
    return 0;
}

static int w_tornado(lua_State *L)
{
    static const char *const known[] = { "out", "inputs", "swing", NULL };
    aux_check_options(L, "{out = cell, inputs = {cell, ...}}", known);
    lua_settop(L, ARG);
    ks_model *model = lk_pin_model(L, 1);
    ks_cell_ref output = aux_field_cell(L, model, "out");
    int count;
    ks_tornado_input *inputs = aux_field_inputs(L, model, &count);
    double swing = aux_field_number(L, "swing", 0.1, NULL);
    if (!isfinite(swing) || swing < 0)
        aux_misuse(L, "swing", "a non-negative number expected");
    lk_tornado_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->tornado = NULL;
    luaL_setmetatable(L, LK_TORNADO_BOX);
    ks_error err;
    if (ks_tornado_run(model, output, inputs, count, swing, &box->tornado,
                       &err) != KS_OK)
        return lk_raise(L, &err);
    aux_push_tornado(L, model, box->tornado);
    ks_tornado_free(box->tornado);
    box->tornado = NULL;
    return 1;
}

/* The display style of the unit in field `name` of the table at `idx`. */
static ks_number_style aux_unit_style(lua_State *L, int idx, const char *name)
{
    const char *unit = lk_rawfield(L, idx, name) == LUA_TSTRING
                           ? lua_tostring(L, -1) : NULL;
    ks_number_style style = ks_number_style_for_unit(unit, -1);
    lua_pop(L, 1);
    return style;
}

/* One bar's cells: the input, its value, low and high in its unit's style,
 * the output at each and the spread in the output's. */
static void aux_bar_cells(lua_State *L, lk_text_table *table,
                          const ks_number_style *out_style)
{
    static const char *const fields[] = { "value", "low", "high", "out_low",
                                          "out_high", "spread" };
    int bar = lua_gettop(L);
    ks_number_style in_style = aux_unit_style(L, bar, "unit");
    lk_rawfield(L, bar, "input");
    lk_text_cell(L, table, lua_type(L, -1) == LUA_TSTRING
                               ? lua_tostring(L, -1) : "?");
    lua_pop(L, 1);
    for (int f = 0; f < 6; f++) {
        lk_rawfield(L, bar, fields[f]);
        char text[64] = "-";
        if (lua_type(L, -1) == LUA_TNUMBER)
            aux_format(lua_tonumber(L, -1), f < 3 ? &in_style : out_style,
                       text, sizeof text);
        lua_pop(L, 1);
        lk_text_cell(L, table, text);
    }
}

/* tostring(result): the bars as a table, widest first. */
static int t_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    ks_number_style out_style = aux_unit_style(L, 1, "out_unit");
    lk_text_table table;
    lk_text_begin(L, &table, 7);
    static const char *const header[] = { "input", "value", "low", "high",
                                          "out_low", "out_high", "spread" };
    for (int f = 0; f < 7; f++)
        lk_text_cell(L, &table, header[f]);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 1, i) == LUA_TTABLE)
            aux_bar_cells(L, &table, &out_style);
        lua_pop(L, 1);
    }
    if (lk_rawfield(L, 1, "out") != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushliteral(L, "?");
    }
    lk_rawfield(L, 1, "base");
    char base[64] = "-";
    if (lua_type(L, -1) == LUA_TNUMBER)
        aux_format(lua_tonumber(L, -1), &out_style, base, sizeof base);
    lua_pushfstring(L, "tornado: %s (base %s)", lua_tostring(L, -2), base);
    lk_text_end(L, &table, lua_tostring(L, -1));
    return 1;
}

/* ---- registration ------------------------------------------------------------------- */

static const luaL_Reg whatif_methods[] = {
    {"goalseek", w_goalseek},
    {"datatable", w_datatable},
    {"tornado", w_tornado},
    {NULL, NULL}
};

static const luaL_Reg grid_methods[] = {
    {"out", g_out},
    {"export", g_export},
    {NULL, NULL}
};

static const luaL_Reg grid_metamethods[] = {
    {"__tostring", g_tostring},
    {"__len", g_len},
    {"__gc", g_gc},
    {NULL, NULL}
};

/* Add goalseek, datatable and tornado to the methods of Model and
 * Scenario, and create the Grid and Tornado metatables. */
void lk_whatif_open(lua_State *L)
{
    lk_model_add_methods(L, whatif_methods);
    luaL_newmetatable(L, LK_GRID);
    luaL_setfuncs(L, grid_metamethods, 0);
    luaL_newlib(L, grid_methods);
    lua_pushcclosure(L, g_index, 1);
    lua_setfield(L, -2, "__index");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
    luaL_newmetatable(L, LK_TORNADO);
    lua_pushcfunction(L, t_tostring);
    lua_setfield(L, -2, "__tostring");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
    luaL_newmetatable(L, LK_TORNADO_BOX);
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
}
