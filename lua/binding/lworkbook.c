/*
 * lworkbook.c -- m:export(path, {format = "xlsx", sheets = {...}}): the
 * model as a workbook (kessan/workbook.h), with a sheet for each entry of
 * `sheets` -- a data table (kessan.Grid: one block per output), a tornado
 * (kessan.Tornado: a row per bar), a simulation (kessan.Simulation: a
 * row per output of its statistics and percentiles), or a table of one's
 * own, {name = "...", rows = {{"a", 1}, ...}} -- and what the export
 * reports:
 * `true, report`, where report.formulas and report.values count the cells
 * written each way, report.sheets the sheets, and report.unexpressed lists
 * the cells whose formula a spreadsheet cannot hold, written as values
 * ({sheet =, address =, cell =, reason =} each), and the cells holding a
 * number outside Excel's range (the same, and number =).  The report's C
 * memory is held by a userdata whose __gc releases it, so that nothing
 * leaks if building the Lua table raises.
 */
#include <lauxlib.h>
#include <string.h>

#include "binding/lkessan.h"
#include "binding/lsimulate.h"
#include "binding/lworkbook.h"
#include "kessan/simulate.h"
#include "kessan/workbook.h"

#define LK_XLSX_REPORT "kessan.XlsxReport"
#define SHEETS_MAX 64

static int report_gc(lua_State *L)
{
    ks_xlsx_report *report = luaL_checkudata(L, 1, LK_XLSX_REPORT);
    ks_xlsx_report_release(report);
    return 0;
}

static ks_xlsx_report *new_report(lua_State *L)
{
    ks_xlsx_report *report = lua_newuserdatauv(L, sizeof *report, 0);
    memset(report, 0, sizeof *report);
    if (luaL_newmetatable(L, LK_XLSX_REPORT)) {
        lua_pushcfunction(L, report_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return report;
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

static void push_report(lua_State *L, const ks_xlsx_report *report)
{
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)report->formulas);
    lua_setfield(L, -2, "formulas");
    lua_pushinteger(L, (lua_Integer)report->values);
    lua_setfield(L, -2, "values");
    lua_pushinteger(L, report->sheets);
    lua_setfield(L, -2, "sheets");
    lua_createtable(L, (int)report->unexpressed_count, 0);
    for (size_t k = 0; k < report->unexpressed_count; k++) {
        const ks_xlsx_unexpressed *entry = &report->unexpressed[k];
        lua_createtable(L, 0, 4);
        set_string(L, "sheet", entry->sheet);
        set_string(L, "address", entry->address);
        set_string(L, "cell", entry->cell);
        set_string(L, "reason", entry->reason);
        if (entry->beyond_excel) {
            lua_pushnumber(L, entry->number);
            lua_setfield(L, -2, "number");
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "unexpressed");
}

/* ---- the sheets option: each entry as rows of cells --------------------- */

/* rows[#rows + 1] = {...}: a new row table left on the stack. */
static void new_row(lua_State *L, int rows)
{
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, rows, (lua_Integer)lua_rawlen(L, rows) + 1);
}

static void row_add(lua_State *L, int row_index)
{
    lua_rawseti(L, row_index, (lua_Integer)lua_rawlen(L, row_index) + 1);
}

/* A data table: for each output, a header row (output, then the column
 * values or "value") and a row per row value. */
static void grid_rows(lua_State *L, int grid, int rows)
{
    lua_getfield(L, grid, "outputs");
    int outputs = lua_gettop(L);
    lua_getfield(L, grid, "rows");
    int row_values = lua_gettop(L);
    lua_getfield(L, grid, "cols");
    int col_values = lua_gettop(L);
    lua_Integer output_count = luaL_len(L, outputs);
    for (lua_Integer k = 1; k <= output_count; k++) {
        lua_getfield(L, grid, "out");
        lua_pushvalue(L, grid);
        lua_pushinteger(L, k);
        lua_call(L, 2, 1);
        int table = lua_gettop(L);
        new_row(L, rows);
        int header = lua_gettop(L);
        lua_rawgeti(L, outputs, k);
        row_add(L, header);
        lua_Integer cols = lua_istable(L, col_values)
                               ? luaL_len(L, col_values) : 1;
        for (lua_Integer j = 1; j <= cols; j++) {
            if (lua_istable(L, col_values))
                lua_rawgeti(L, col_values, j);
            else
                lua_pushliteral(L, "value");
            row_add(L, header);
        }
        lua_pop(L, 1);
        lua_Integer count = luaL_len(L, row_values);
        for (lua_Integer i = 1; i <= count; i++) {
            new_row(L, rows);
            int row = lua_gettop(L);
            lua_rawgeti(L, row_values, i);
            row_add(L, row);
            lua_geti(L, table, i);
            int values = lua_gettop(L);
            for (lua_Integer j = 1; j <= cols; j++) {
                if (lua_istable(L, values))
                    lua_geti(L, values, j);
                else
                    lua_pushnil(L);
                if (lua_isnil(L, -1)) {
                    lua_pop(L, 1);
                    lua_pushliteral(L, "");
                }
                lua_rawseti(L, row, j + 1);
            }
            lua_pop(L, 2);
        }
        new_row(L, rows);
        lua_pop(L, 2);
    }
    lua_pop(L, 3);
}

static const char *const tornado_fields[] = {
    "input", "unit", "value", "low", "high", "out_low", "out_high", "spread"
};

/* A tornado: the output and its base value, then a row per bar. */
static void tornado_rows(lua_State *L, int tornado, int rows)
{
    new_row(L, rows);
    int row = lua_gettop(L);
    lua_pushliteral(L, "output");
    row_add(L, row);
    lua_getfield(L, tornado, "out");
    row_add(L, row);
    lua_pushliteral(L, "base");
    row_add(L, row);
    lua_getfield(L, tornado, "base");
    row_add(L, row);
    lua_pop(L, 1);
    new_row(L, rows);
    row = lua_gettop(L);
    size_t fields = sizeof tornado_fields / sizeof *tornado_fields;
    for (size_t f = 0; f < fields; f++) {
        lua_pushstring(L, tornado_fields[f]);
        row_add(L, row);
    }
    lua_pop(L, 1);
    lua_Integer count = luaL_len(L, tornado);
    for (lua_Integer i = 1; i <= count; i++) {
        lua_geti(L, tornado, i);
        int bar = lua_gettop(L);
        new_row(L, rows);
        row = lua_gettop(L);
        for (size_t f = 0; f < fields; f++) {
            if (lua_getfield(L, bar, tornado_fields[f]) == LUA_TNIL) {
                lua_pop(L, 1);
                lua_pushliteral(L, "");
            }
            lua_rawseti(L, row, (lua_Integer)f + 1);
        }
        lua_pop(L, 2);
    }
}

static const double sim_percentiles[] = { 5, 25, 50, 75, 95 };

/* sim_rows(result, rows): a simulation's statistics, a row per output
 * (called through lua_call: lk_check_simulation wants the result at 1). */
static int sim_rows(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    static const char *const header[] = {
        "output", "trials", "count", "invalid", "mean", "sd", "min", "p5",
        "p25", "p50", "p75", "p95", "max"
    };
    new_row(L, 2);
    int first = lua_gettop(L); /* lk_check_simulation may leave a pin */
    for (size_t k = 0; k < sizeof header / sizeof *header; k++) {
        lua_pushstring(L, header[k]);
        row_add(L, first);
    }
    lua_pop(L, 1);
    for (int output = 0; output < ks_sim_output_count(result); output++) {
        new_row(L, 2);
        int row = lua_gettop(L);
        lua_pushstring(L, ks_sim_output_name(result, output));
        row_add(L, row);
        lua_pushinteger(L, (lua_Integer)ks_sim_trials(result));
        row_add(L, row);
        lua_pushinteger(L, (lua_Integer)ks_sim_count(result, output));
        row_add(L, row);
        lua_pushinteger(L, (lua_Integer)ks_sim_invalid(result, output));
        row_add(L, row);
        double figures[] = { ks_sim_mean(result, output),
                             ks_sim_sd(result, output),
                             ks_sim_min(result, output) };
        for (size_t k = 0; k < 3; k++) {
            lua_pushnumber(L, figures[k]);
            row_add(L, row);
        }
        for (size_t k = 0; k < sizeof sim_percentiles / sizeof *sim_percentiles;
             k++) {
            double value = 0.0 / 0.0;
            ks_error err;
            if (ks_sim_percentile(result, output, sim_percentiles[k], &value,
                                  &err) != KS_OK)
                value = 0.0 / 0.0;
            lua_pushnumber(L, value);
            row_add(L, row);
        }
        lua_pushnumber(L, ks_sim_max(result, output));
        row_add(L, row);
        lua_pop(L, 1);
    }
    return 0;
}

/* Whether the value at idx is a tornado's result (a table with the
 * kessan.Tornado metatable). */
static int is_tornado(lua_State *L, int idx)
{
    if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
        return 0;
    luaL_getmetatable(L, "kessan.Tornado");
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

/* Sheet k's name and rows into the sheets table at `list`: [2k-1] the
 * name, [2k] the rows. */
static void entry_rows(lua_State *L, int entry, int list, int k)
{
    const char *name;
    lua_newtable(L);
    int rows = lua_gettop(L);
    if (luaL_testudata(L, entry, "kessan.Grid")) {
        name = "Data table";
        grid_rows(L, entry, rows);
    } else if (luaL_testudata(L, entry, "kessan.Simulation")) {
        name = "Simulation";
        lua_pushcfunction(L, sim_rows);
        lua_pushvalue(L, entry);
        lua_pushvalue(L, rows);
        lua_call(L, 2, 0);
    } else if (is_tornado(L, entry)) {
        name = "Tornado";
        tornado_rows(L, entry, rows);
    } else if (lua_istable(L, entry) &&
               lua_getfield(L, entry, "rows") == LUA_TTABLE) {
        lua_replace(L, rows);
        /* the name from __index may be a string nothing else holds: into
         * the list before it leaves the stack */
        lua_getfield(L, entry, "name");
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            lua_pushliteral(L, "Table");
        }
        lua_tostring(L, -1); /* a number as its text */
        lua_rawseti(L, list, 2 * k - 1);
        name = NULL;
    } else {
        luaL_error(L, "sheets[%d]: a data table, tornado, simulation or "
                      "{name =, rows = {...}} expected, got %s",
                   k, luaL_typename(L, entry));
        return;
    }
    lua_settop(L, rows);
    if (name) {
        lua_pushstring(L, name);
        lua_rawseti(L, list, 2 * k - 1);
    }
    lua_rawseti(L, list, 2 * k);
}

/* The rows at `rows` as a table of cells in a userdata (left on the
 * stack); texts point into strings the userdata keeps (its user value, a
 * list of them): a row's __index may hand out a string nothing else
 * holds, or a __len drop one the row held, and the collector steps on
 * while the cells are read. */
static void fill_table(lua_State *L, int rows, const char *name,
                       ks_xlsx_table *table)
{
    lua_Integer count = luaL_len(L, rows), width = 0;
    for (lua_Integer r = 1; r <= count; r++) {
        lua_geti(L, rows, r);
        if (!lua_istable(L, -1))
            luaL_error(L, "sheet '%s': row %d is not a table", name, (int)r);
        lua_Integer n = luaL_len(L, -1);
        width = n > width ? n : width;
        lua_pop(L, 1);
    }
    if (count > 1048576 || width > 16384)
        luaL_error(L, "sheet '%s': more rows or columns than a sheet holds",
                   name);
    size_t cells = (size_t)count * (size_t)width;
    ks_xlsx_table_cell *cell = lua_newuserdatauv(
        L, (cells ? cells : 1) * sizeof *cell, 1);
    lua_newtable(L); /* the texts, kept */
    int texts = lua_gettop(L);
    lua_Integer kept = 0;
    lua_pushvalue(L, texts);
    lua_setiuservalue(L, texts - 1, 1);
    for (lua_Integer r = 1; r <= count; r++) {
        lua_geti(L, rows, r);
        for (lua_Integer c = 1; c <= width; c++) {
            ks_xlsx_table_cell *at = &cell[(r - 1) * width + (c - 1)];
            int type = lua_geti(L, -1, c);
            at->text = NULL;
            at->number = 0.0 / 0.0;
            if (type == LUA_TNUMBER)
                at->number = lua_tonumber(L, -1);
            else if (type == LUA_TSTRING) {
                at->text = lua_tostring(L, -1);
                lua_pushvalue(L, -1);
                lua_rawseti(L, texts, ++kept);
            } else if (type != LUA_TNIL)
                luaL_error(L, "sheet '%s': row %d, column %d: a number or "
                              "string expected, got %s",
                           name, (int)r, (int)c, luaL_typename(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* the texts: held by the userdata */
    table->name = name;
    table->rows = (int)count;
    table->columns = (int)width;
    table->cells = cell;
}

/* The `sheets` option at options_index, read into tables (a userdata
 * left on the stack, with everything it points to kept in a table left
 * below it); *count of them. */
static ks_xlsx_table *read_sheets(lua_State *L, int options_index,
                                  int *count)
{
    *count = 0;
    lua_newtable(L); /* keeps rows, names and cells alive */
    int keep = lua_gettop(L);
    if (lua_isnoneornil(L, options_index) ||
        lk_rawfield(L, options_index, "sheets") == LUA_TNIL) {
        lua_settop(L, keep);
        lua_newuserdatauv(L, sizeof(ks_xlsx_table), 0);
        return lua_touserdata(L, -1);
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "field 'sheets': a list expected, got %s",
                   luaL_typename(L, -1));
    int sheets = lua_gettop(L);
    lua_Integer n = luaL_len(L, sheets);
    if (n > SHEETS_MAX)
        luaL_error(L, "field 'sheets': at most %d sheets", SHEETS_MAX);
    for (lua_Integer k = 1; k <= n; k++) {
        lua_geti(L, sheets, k);
        entry_rows(L, lua_gettop(L), keep, (int)k);
        lua_pop(L, 1);
    }
    ks_xlsx_table *tables = lua_newuserdatauv(
        L, (size_t)(n ? n : 1) * sizeof *tables, 0);
    int tables_index = lua_gettop(L);
    for (lua_Integer k = 1; k <= n; k++) {
        lua_rawgeti(L, keep, 2 * k - 1);
        const char *name = lua_tostring(L, -1);
        lua_rawgeti(L, keep, 2 * k);
        fill_table(L, lua_gettop(L), name, &tables[k - 1]);
        lua_rawseti(L, keep, 2 * n + k); /* the cells */
        lua_pop(L, 2);
    }
    lua_pushvalue(L, tables_index);
    lua_replace(L, sheets);
    lua_settop(L, sheets);
    *count = (int)n;
    return tables;
}

int lk_export_workbook(lua_State *L, ks_model *model, const char *path,
                       const ks_export_options *options, int options_index)
{
    (void)options;
    lk_check_path(L, path, LK_PATH_WRITE);
    ks_xlsx_options xlsx = { NULL, 0 };
    xlsx.tables = read_sheets(L, options_index, &xlsx.table_count);
    ks_xlsx_report *report = new_report(L);
    ks_error err;
    if (ks_export_xlsx_with(model, path, &xlsx, report, &err) != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    push_report(L, report);
    ks_xlsx_report_release(report);
    return 2;
}
