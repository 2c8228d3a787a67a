/*
 * lcheck.c -- m:check(): run the core's tie-out audit and push its report
 * as a table of results with the counts.  The report is held by a
 * userdata whose __gc frees it, so a Lua memory error while the table is
 * built cannot leak it; it is freed at once when the table is complete.
 */
#include <lauxlib.h>

#include "binding/lcheck.h"
#include "binding/lkessan.h"
#include "kessan/check.h"

#define LK_CHECK_REPORT "kessan.CheckReport"

typedef struct lk_report_box {
    ks_check_report *report;
} lk_report_box;

static int report_gc(lua_State *L)
{
    lk_report_box *box = luaL_checkudata(L, 1, LK_CHECK_REPORT);
    ks_check_free(box->report);
    box->report = NULL;
    return 0;
}

static lk_report_box *aux_new_box(lua_State *L)
{
    lk_report_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->report = NULL;
    if (luaL_newmetatable(L, LK_CHECK_REPORT)) {
        lua_pushcfunction(L, report_gc);
        lua_setfield(L, -2, "__gc");
        lk_protect_metatable(L, -1);
    }
    lua_setmetatable(L, -2);
    return box;
}

static void aux_field_string(lua_State *L, const char *name, const char *text)
{
    if (!text || !*text)
        return;
    lua_pushstring(L, text);
    lua_setfield(L, -2, name);
}

static void aux_field_number(lua_State *L, const char *name, double number)
{
    lua_pushnumber(L, number);
    lua_setfield(L, -2, name);
}

static void aux_push_result(lua_State *L, const ks_check_result *r)
{
    lua_createtable(L, 0, 17);
    aux_field_string(L, "statement", r->statement);
    aux_field_string(L, "kind", ks_check_kind_name(r->kind));
    aux_field_string(L, "item", r->item_id);
    aux_field_string(L, "period", r->period_id);
    aux_field_string(L, "measure", r->measure);
    aux_field_string(L, "identity", r->identity);
    aux_field_string(L, "status", ks_check_status_name(r->status));
    if (!r->expected_missing) {
        aux_field_number(L, "engine", r->expected);
        aux_field_number(L, "difference", r->difference);
    }
    aux_field_number(L, "printed", r->printed);
    aux_field_string(L, "printed_text", r->printed_text);
    aux_field_string(L, "note", r->note_id);
    aux_field_string(L, "note_text", r->note_text);
    aux_field_string(L, "implied", r->implied);
    aux_field_string(L, "implied_formula", r->implied_formula);
    if (r->implied[0] && !r->implied_missing)
        aux_field_number(L, "implied_value", r->implied_value);
    aux_field_string(L, "message", r->message);
}

int lk_check(lua_State *L)
{
    static const char *const no_options[] = { NULL };
    if (!lua_isnoneornil(L, 2)) { /* it takes none: any is refused */
        luaL_checktype(L, 2, LUA_TTABLE);
        lk_check_options(L, 2, no_options);
    }
    lua_settop(L, 1);
    ks_model *model = lk_pin_model(L, 1); /* building the table may run Lua */
    lk_report_box *box = aux_new_box(L);
    ks_error err;
    if (ks_check_run(model, &box->report, &err) != KS_OK)
        return lk_raise(L, &err);
    const ks_check_report *report = box->report;
    lua_createtable(L, (int)report->count, 4);
    for (size_t i = 0; i < report->count; i++) {
        aux_push_result(L, &report->results[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, report->passed);
    lua_setfield(L, -2, "passed");
    lua_pushinteger(L, report->adjusted);
    lua_setfield(L, -2, "adjusted");
    lua_pushinteger(L, report->breaks);
    lua_setfield(L, -2, "breaks");
    lua_pushinteger(L, report->explained);
    lua_setfield(L, -2, "explained");
    ks_check_free(box->report);
    box->report = NULL;
    return 1;
}
