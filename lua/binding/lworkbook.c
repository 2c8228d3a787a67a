/*
 * lworkbook.c -- m:export(path, {format = "xlsx", sheets = {...}}): the
 * model as a workbook (kessan/workbook.h), and what the export reports:
 * `true, report`, where report.formulas and report.values count the cells
 * written each way, report.sheets the sheets, and report.unexpressed lists
 * the cells whose formula a spreadsheet cannot hold, written as values
 * ({sheet =, address =, cell =, reason =} each).  The report's C memory
 * is held by a userdata whose __gc releases it, so that nothing leaks if
 * building the Lua table raises.
 */
#include <lauxlib.h>
#include <string.h>

#include "binding/lkessan.h"
#include "binding/lworkbook.h"
#include "kessan/workbook.h"

#define LK_XLSX_REPORT "kessan.XlsxReport"

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
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "unexpressed");
}

int lk_export_workbook(lua_State *L, ks_model *model, const char *path,
                       const ks_export_options *options, int options_index)
{
    (void)options;
    (void)options_index;
    lk_check_path(L, path, LK_PATH_WRITE);
    ks_xlsx_report *report = new_report(L);
    ks_error err;
    if (ks_export_xlsx_with(model, path, NULL, report, &err) != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    push_report(L, report);
    ks_xlsx_report_release(report);
    return 2;
}
