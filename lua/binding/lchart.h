/*
 * lchart.h -- what the chart functions of the binding share (lchart.c,
 * lchart_kinds.c): the box that owns a chart's C memory until it is
 * written, the common options, and writing the result.
 */
#ifndef LCHART_H
#define LCHART_H

#include <lauxlib.h>
#include <lua.h>

#include "binding/lkessan.h"
#include "kessan/chart.h"

/* Registry key of the list of chart files written in this state, in
 * order (the report page inlines those a script wrote). */
#define LK_CHARTS_WRITTEN "kessan.charts_written"

/* Registry keys of the SVG text of each chart written, at its index in
 * the list above, kept only while LK_CHARTS_KEEP is true (the report
 * page sets it): the page inlines the text drawn, never the file read
 * back, which the script may have overwritten since with text of its
 * own (an export whose labels hold "<svg><script>"). */
#define LK_CHARTS_SVG "kessan.charts_svg"
#define LK_CHARTS_KEEP "kessan.charts_keep"

/* The C memory of one chart call, freed by __gc whatever raises. */
typedef struct lk_chart_box {
    ks_chart_svg svg;
    ks_chart_distribution dist;
    ks_chart_bridge *bridge;
    const ks_allocator *alloc;
} lk_chart_box;

/* The options every chart takes (docs/lua-api.md). */
#define LK_CHART_FRAME_KEYS "title", "subtitle", "unit", "scale", \
    "decimals", "width", "height", "lang", "out"

/* A new box on the stack. */
lk_chart_box *lk_chart_box_new(lua_State *L);
/* The common options of the table at idx into frame (unit: the model's
 * unit, converted by ks_chart_unit_of, unless `scale` is given too); the
 * model unit `fallback` when no unit is given. */
void lk_chart_frame(lua_State *L, int idx, ks_chart_frame *frame,
                    const char *fallback_unit);
/* The start of kessan.chart.X{...}: the options table alone at 1,
 * checked against `known`; returns its `out` (lk_chart_out). */
const char *lk_chart_begin(lua_State *L, const char *const known[]);
/* Draw into a new box with `draw` and finish (lk_chart_finish). */
typedef ks_status (*lk_chart_draw_fn)(const void *data,
                                      const ks_chart_frame *frame,
                                      ks_chart_svg *svg, ks_error *err);
int lk_chart_draw(lua_State *L, lk_chart_draw_fn draw, const void *data,
                  const ks_chart_frame *frame, const char *path);
/* The output path at idx's `out` (checked against the sandbox), or NULL. */
const char *lk_chart_out(lua_State *L, int idx);
/* After drawing: raise on failure; write to `path` and return it (or nil,
 * message), or return the SVG text when path is NULL. */
int lk_chart_finish(lua_State *L, lk_chart_box *box, ks_status status,
                    const ks_error *err, const char *path);

/* Fields of a table, raw: */
const char *lk_chart_string(lua_State *L, int idx, const char *name);
/* an integer from lo to hi, or `fallback` when absent; anything else
 * raises naming the option */
int lk_chart_int(lua_State *L, int idx, const char *name, int fallback,
                 int lo, int hi);
/* a number, or `fallback` (has = 0) when absent */
double lk_chart_number(lua_State *L, int idx, const char *name,
                       double fallback, int *has);
/* raw t[i] as a number, or NaN for nil; raises naming `what` otherwise */
double lk_chart_number_at(lua_State *L, int idx, lua_Integer i,
                          const char *what);
/* the raw length of the table field `name` (pushed on the stack), or
 * raise naming it when it is not a table */
lua_Integer lk_chart_list(lua_State *L, int idx, const char *name);

/* lchart_kinds.c: kessan.chart.tornado, waterfall, fan, bars, heatmap */
int lk_chart_tornado(lua_State *L);
int lk_chart_waterfall(lua_State *L);
int lk_chart_fan(lua_State *L);
int lk_chart_bars(lua_State *L);
int lk_chart_heatmap(lua_State *L);

#endif
