/*
 * host_report_script.c -- a script on the report page: run as `kessan
 * run SCRIPT MODEL` runs it (arg[0] the script, arg[1] and ... the
 * model), in a host state with the command's limits (--sandbox and
 * the others, as run takes them), its print and io.write captured (under
 * the sandbox, an io of io.write alone); then what it printed and the charts it wrote
 * (kessan.chart's list of files written, lchart.h) go into the page, the
 * SVG inline.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding/lchart.h"
#include "host/host.h"
#include "host/host_report.h"

#define REPORT_CHART_BYTES_MAX (16u << 20)

/* What a script prints goes on the page up to this many bytes (the
 * buffer is the host's, outside the script's --max-memory): a script
 * printing in a loop until its timeout made a page of gigabytes. */
#define REPORT_OUTPUT_BYTES_MAX (8u << 20)

static const char CUT_NOTE[] = "\n(output cut at 8 MB)\n";

/* Append to out what room is left under REPORT_OUTPUT_BYTES_MAX; past it
 * the note once, then nothing. */
static void capture_bytes(ks_chart_svg *out, const char *bytes,
                          size_t length)
{
    size_t limit = REPORT_OUTPUT_BYTES_MAX;
    if (out->length >= limit)
        return;
    if (length <= limit - out->length) {
        ks_chart_svg_append(out, bytes, length);
        return;
    }
    ks_chart_svg_append(out, bytes, limit - out->length);
    ks_chart_svg_append(out, CUT_NOTE, sizeof CUT_NOTE - 1);
}

/* print and io.write into the buffer (upvalue 1, light userdata). */
static int capture_write(lua_State *L, const char *separator,
                         const char *end)
{
    ks_chart_svg *out = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t length;
        const char *text = luaL_tolstring(L, i, &length);
        if (i > 1 && separator)
            capture_bytes(out, separator, strlen(separator));
        capture_bytes(out, text, length);
        lua_pop(L, 1);
    }
    if (end)
        capture_bytes(out, end, strlen(end));
    return 0;
}

static int capture_print(lua_State *L)
{
    return capture_write(L, "\t", "\n");
}

static int capture_io_write(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++)
        if (!lua_isstring(L, i))
            return luaL_typeerror(L, i, "string");
    capture_write(L, NULL, NULL);
    lua_getglobal(L, "io");
    lua_getfield(L, -1, "stdout");
    return 1;
}

static void capture_output(lua_State *L, ks_chart_svg *out)
{
    lua_pushlightuserdata(L, out);
    lua_pushcclosure(L, capture_print, 1);
    lua_setglobal(L, "print");
    /* under --sandbox there is no io: an io of io.write alone, into the
     * page, takes nothing from the sandbox */
    if (lua_getglobal(L, "io") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setglobal(L, "io");
    }
    lua_pushlightuserdata(L, out);
    lua_pushcclosure(L, capture_io_write, 1);
    lua_setfield(L, -2, "write");
    lua_pop(L, 1);
}

typedef struct report_job {
    host_state *state;
    const char *script, *model;
} report_job;

/* Protected: `arg`, load, call with the model as its argument. */
static int report_run(lua_State *L)
{
    report_job *job = lua_touserdata(L, 1);
    lua_createtable(L, 1, 1);
    lua_pushstring(L, job->script);
    lua_rawseti(L, -2, 0);
    lua_pushstring(L, job->model);
    lua_rawseti(L, -2, 1);
    lua_setglobal(L, "arg");
    if (host_load_file(job->state, job->script) != LUA_OK)
        return lua_error(L);
    lua_pushstring(L, job->model);
    lua_call(L, 1, 0);
    return 0;
}

/* A chart the script wrote inline (its SVG as drawn, from its <svg), or
 * a note. */
static void inline_chart(report_page *page, const char *path,
                         const char *bytes, size_t length)
{
    const char *svg = bytes && length <= REPORT_CHART_BYTES_MAX
                      ? strstr(bytes, "<svg") : NULL;
    report_put(page, "<figure class=\"script-chart\">");
    if (svg)
        ks_chart_svg_append(page, svg, length - (size_t)(svg - bytes));
    else
        report_put(page, "<p>(the chart could not be shown)</p>");
    report_put(page, "<figcaption>");
    report_text(page, path);
    report_put(page, "</figcaption></figure>\n");
}

/* The charts in the order written, each with the text the binding kept
 * when it drew it (LK_CHARTS_KEEP): the file may have been overwritten
 * since by the script, with anything. */
static void script_charts(lua_State *L, report_page *page)
{
    lua_getfield(L, LUA_REGISTRYINDEX, LK_CHARTS_SVG);
    int drawn = lua_gettop(L);
    if (lua_getfield(L, LUA_REGISTRYINDEX, LK_CHARTS_WRITTEN) == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *path = lua_tostring(L, -1);
            size_t length = 0;
            const char *svg = NULL;
            if (lua_istable(L, drawn) && lua_rawgeti(L, drawn, i) ==
                LUA_TSTRING)
                svg = lua_tolstring(L, -1, &length);
            if (path)
                inline_chart(page, path, svg, length);
            lua_settop(L, drawn + 1);
        }
    }
    lua_settop(L, drawn - 1);
}

int report_script(const char *script, const char *model,
                  const struct host_limits *limits, report_page *page,
                  report_finish_fn *finish, void *context)
{
    host_state *state = host_state_new(limits);
    if (!state)
        return -1;
    lua_State *L = host_lua(state);
    ks_chart_svg output;
    ks_chart_svg_init(&output, NULL);
    capture_output(L, &output);
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, LK_CHARTS_KEEP);
    report_job job = { state, script, model };
    lua_pushcfunction(L, report_run);
    lua_pushlightuserdata(L, &job);
    int status = host_call(state, 1, 0);
    report_put(page, "<section id=\"script\"><h2>Script ");
    report_text(page, script);
    report_put(page, "</h2>\n<pre class=\"script-output\">");
    report_text(page, output.data ? output.data : "");
    report_put(page, "</pre>\n");
    if (status != LUA_OK) {
        report_put(page, "<p class=\"script-error\">");
        report_text(page, lua_tostring(L, -1));
        report_put(page, "</p>\n");
    }
    script_charts(L, page);
    report_put(page, "</section>\n");
    if (status != LUA_OK)
        host_report(state, status);
    finish(page, context);
    /* finalizers run as the state closes still print into output */
    host_state_free(state);
    ks_chart_svg_release(&output);
    return status == LUA_OK ? 0 : -1;
}
