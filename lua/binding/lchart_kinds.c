/*
 * lchart_kinds.c -- kessan.chart.tornado, waterfall, fan, bars and
 * heatmap: each reads its options (plain data, or the model, scenarios,
 * results and grids it is drawn from) into arrays held by Lua, then draws
 * (docs/charts.md).
 */
#include <math.h>
#include <string.h>

#include "binding/lchart.h"
#include "kessan/whatif.h"

/* ---- drawing through lk_chart_draw ------------------------------------------ */

typedef struct tornado_data {
    const ks_chart_swing *bars;
    int count;
    double base;
} tornado_data;

typedef struct fan_data {
    const ks_chart_fan_point *points;
    int count;
} fan_data;

static ks_status draw_tornado(const void *data, const ks_chart_frame *frame,
                              ks_chart_svg *svg, ks_error *err)
{
    const tornado_data *t = data;
    return ks_chart_draw_tornado(t->bars, t->count, t->base, frame, svg, err);
}

static ks_status draw_fan(const void *data, const ks_chart_frame *frame,
                          ks_chart_svg *svg, ks_error *err)
{
    const fan_data *f = data;
    return ks_chart_draw_fan(f->points, f->count, frame, svg, err);
}

static ks_status draw_waterfall(const void *data, const ks_chart_frame *frame,
                                ks_chart_svg *svg, ks_error *err)
{
    return ks_chart_draw_waterfall(data, frame, svg, err);
}

static ks_status draw_bars(const void *data, const ks_chart_frame *frame,
                           ks_chart_svg *svg, ks_error *err)
{
    return ks_chart_draw_bars(data, frame, svg, err);
}

static ks_status draw_heatmap(const void *data, const ks_chart_frame *frame,
                              ks_chart_svg *svg, ks_error *err)
{
    return ks_chart_draw_heatmap(data, frame, svg, err);
}

/* ---- tornado ---------------------------------------------------------------- */

static const char *const tornado_keys[] = {
    LK_CHART_FRAME_KEYS, "bars", "base", "model", "measure", NULL
};

/* The unit of the item of a cell ("id@P") in the model at idx, or NULL. */
static const char *unit_of_cell(lua_State *L, int model_idx,
                                const char *cell)
{
    if (!cell || lua_isnil(L, model_idx))
        return NULL;
    ks_model *model = lk_check_model(L, model_idx);
    int item, period;
    ks_item_info info;
    if (ks_cell_lookup(model, cell, &item, &period, NULL) != KS_OK ||
        ks_item_get(model, item, &info) != KS_OK)
        return NULL;
    return info.unit;
}

/* One bar of the list at `list`: {label|input|cell, out_low|low,
 * out_high|high}, or with `measure` (a sensitivity's row: its
 * rank_correlation or contribution) a bar from 0 to that field. */
static void tornado_bar(lua_State *L, int list, lua_Integer i,
                        const char *measure, ks_chart_swing *bar)
{
    if (lua_rawgeti(L, list, i) != LUA_TTABLE)
        luaL_error(L, "option 'bars': entry %d: a table expected", (int)i);
    int entry = lua_gettop(L);
    bar->label = lk_chart_string(L, entry, "label");
    if (!bar->label)
        bar->label = lk_chart_string(L, entry, "input");
    if (!bar->label)
        bar->label = lk_chart_string(L, entry, "cell");
    int has;
    if (measure) {
        bar->out_low = 0;
        bar->out_high = lk_chart_number(L, entry, measure, NAN, &has);
        if (!isfinite(bar->out_high))
            luaL_error(L, "option 'bars': entry %d: a number '%s' expected",
                       (int)i, measure);
        lua_pop(L, 1);
        return;
    }
    bar->out_low = lk_chart_number(L, entry, "out_low", NAN, &has);
    if (!has)
        bar->out_low = lk_chart_number(L, entry, "low", NAN, NULL);
    bar->out_high = lk_chart_number(L, entry, "out_high", NAN, &has);
    if (!has)
        bar->out_high = lk_chart_number(L, entry, "high", NAN, NULL);
    if (!isfinite(bar->out_low) || !isfinite(bar->out_high))
        luaL_error(L, "option 'bars': entry %d: numbers out_low and out_high "
                   "(or low and high) expected", (int)i);
    lua_pop(L, 1);  /* the list keeps the label */
}

/* The option `measure` ("rank_correlation" or "contribution"), or, when
 * absent, "rank_correlation" for rows of a sensitivity (a first entry
 * with that field and no out_low or low); NULL for a tornado's bars. */
static const char *tornado_measure(lua_State *L, lua_Integer n)
{
    const char *measure = lk_chart_string(L, 1, "measure");
    if (measure && strcmp(measure, "rank_correlation") != 0 &&
        strcmp(measure, "contribution") != 0)
        luaL_error(L, "option 'measure': 'rank_correlation' or "
                   "'contribution' expected, got '%s'", measure);
    if (measure || n < 1 || lua_rawgeti(L, 3, 1) != LUA_TTABLE) {
        if (!measure)
            lua_pop(L, 1);
        return measure;
    }
    int sensitivity = lk_rawfield(L, -1, "rank_correlation") == LUA_TNUMBER;
    sensitivity &= lk_rawfield(L, -2, "out_low") == LUA_TNIL;
    sensitivity &= lk_rawfield(L, -3, "low") == LUA_TNIL;
    lua_pop(L, 4);
    return sensitivity ? "rank_correlation" : NULL;
}

int lk_chart_tornado(lua_State *L)
{
    const char *path = lk_chart_begin(L, tornado_keys);
    lk_rawfield(L, 1, "model");                               /* 2 */
    lua_Integer n = lk_chart_list(L, 1, "bars");              /* 3 */
    if (n < 1 || n > 1000)
        return luaL_error(L, "option 'bars': 1 to 1000 bars expected");
    const char *out = lk_chart_string(L, 3, "out");
    const char *measure = tornado_measure(L, n);
    ks_chart_frame frame;
    lk_chart_frame(L, 1, &frame, measure ? NULL
                                         : unit_of_cell(L, 2, out));
    int has;
    double base = lk_chart_number(L, 1, "base", NAN, &has);
    if (!has)
        base = measure ? 0 : lk_chart_number(L, 3, "base", NAN, NULL);
    if (!isfinite(base))
        return luaL_error(L, "option 'base': the output with every input "
                          "at its value expected (a tornado's base)");
    if (!frame.title && out)
        frame.title = lua_pushfstring(L, "Tornado: %s", out);
    if (!frame.title && measure)
        frame.title = lua_pushfstring(L, "Sensitivity: %s", measure);
    ks_chart_swing *bars = lua_newuserdatauv(L, (size_t)n * sizeof *bars, 0);
    for (lua_Integer i = 0; i < n; i++)
        tornado_bar(L, 3, i + 1, measure, &bars[i]);
    tornado_data data = { bars, (int)n, base };
    return lk_chart_draw(L, draw_tornado, &data, &frame, path);
}

/* ---- waterfall ------------------------------------------------------------ */

static const char *const waterfall_keys[] = {
    LK_CHART_FRAME_KEYS, "model", "from", "to", "depth", "start", "steps",
    "finish", "zero", NULL
};

/* {label, value} at field `name` */
static void waterfall_end(lua_State *L, const char *name, const char **label,
                          double *value)
{
    if (lk_rawfield(L, 1, name) != LUA_TTABLE)
        luaL_error(L, "option '%s': {label, value} expected", name);
    if (lua_rawgeti(L, -1, 1) != LUA_TSTRING)
        luaL_error(L, "option '%s': {label, value} expected", name);
    *label = lua_tostring(L, -1);
    lua_pop(L, 1);
    *value = lk_chart_number_at(L, lua_gettop(L), 2, name);
    if (!isfinite(*value))
        luaL_error(L, "option '%s': {label, value} expected", name);
    lua_pop(L, 1);
}

/* zero = false: the axis spans the running totals only */
static int waterfall_no_zero(lua_State *L)
{
    int type = lk_rawfield(L, 1, "zero");
    if (type != LUA_TNIL && type != LUA_TBOOLEAN)
        luaL_error(L, "option 'zero': true or false expected");
    int no_zero = type == LUA_TBOOLEAN && !lua_toboolean(L, -1);
    lua_pop(L, 1);
    return no_zero;
}

static int waterfall_plain(lua_State *L, ks_chart_frame *frame,
                           const char *path)
{
    ks_chart_waterfall w;
    memset(&w, 0, sizeof w);
    waterfall_end(L, "start", &w.start_label, &w.start);
    waterfall_end(L, "finish", &w.end_label, &w.end);
    lua_Integer n = lk_chart_list(L, 1, "steps");
    int list = lua_gettop(L);
    if (n > 200)
        return luaL_error(L, "option 'steps': at most 200 steps");
    ks_chart_step *steps = lua_newuserdatauv(L, (size_t)(n ? n : 1) *
                                             sizeof *steps, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, list, i) != LUA_TTABLE ||
            lua_rawgeti(L, -1, 1) != LUA_TSTRING)
            return luaL_error(L, "option 'steps': entry %d: {label, change} "
                              "expected", (int)i);
        steps[i - 1].label = lua_tostring(L, -1);
        lua_pop(L, 1);
        steps[i - 1].delta = lk_chart_number_at(L, lua_gettop(L), 2,
                                                "steps");
        lua_pop(L, 1);
    }
    w.steps = steps;
    w.count = (int)n;
    w.no_zero = waterfall_no_zero(L);
    return lk_chart_draw(L, draw_waterfall, &w, frame, path);
}

int lk_chart_waterfall(lua_State *L)
{
    const char *path = lk_chart_begin(L, waterfall_keys);
    if (lk_rawfield(L, 1, "model") == LUA_TNIL) {                /* 2 */
        ks_chart_frame frame;
        lk_chart_frame(L, 1, &frame, NULL);
        return waterfall_plain(L, &frame, path);
    }
    ks_model *model = lk_pin_model(L, 2);
    const char *from = lk_chart_string(L, 1, "from");
    const char *to = lk_chart_string(L, 1, "to");
    if (!from || !to)
        return luaL_error(L, "options 'from' and 'to': the two cells to "
                          "bridge expected (\"op_income@3Q02\")");
    int depth = lk_chart_int(L, 1, "depth", 2, 1, 20);
    lk_chart_box *box = lk_chart_box_new(L);
    const char *lang = lk_chart_string(L, 1, "lang");
    ks_error err;
    if (ks_chart_bridge_build(model, from, to, depth, lang, &box->bridge,
                              &err) != KS_OK)
        return lk_raise(L, &err);
    box->bridge->waterfall.no_zero = waterfall_no_zero(L);
    ks_chart_frame frame;
    lk_chart_frame(L, 1, &frame, box->bridge->unit);
    if (!frame.title)
        frame.title = lua_pushfstring(L, "%s to %s", from, to);
    ks_status status = ks_chart_draw_waterfall(&box->bridge->waterfall,
                                               &frame, &box->svg, &err);
    return lk_chart_finish(L, box, status, &err, path);
}

/* ---- fan -------------------------------------------------------------------- */

static const char *const fan_keys[] = {
    LK_CHART_FRAME_KEYS, "model", "item", "periods", "result", "scenarios",
    "forecast", "points", NULL
};

/* The number of a cell of the model, or NaN. */
static double cell_number(ks_model *model, int item, int period)
{
    ks_value value;
    if (ks_get(model, item, period, &value, NULL) != KS_OK ||
        value.kind != KS_NUMBER)
        return NAN;
    return value.number;
}

/* Whether the period id at the top of the stack is listed in the table
 * at `list` (NULL-safe: nil lists nothing). */
static int listed(lua_State *L, int list, const char *period)
{
    if (lua_isnil(L, list))
        return 0;
    lua_Integer n = (lua_Integer)lua_rawlen(L, list);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        const char *id = lua_tostring(L, -1);
        int same = id && strcmp(id, period) == 0;
        lua_pop(L, 1);
        if (same)
            return 1;
    }
    return 0;
}

/* Percentiles of `cell` in the result at `result` through its methods,
 * or 0 when the cell is not one of its outputs. */
static int fan_from_result(lua_State *L, int result, const char *cell,
                           ks_chart_fan_point *p)
{
    static const double qs[5] = { 5, 25, 50, 75, 95 };
    double v[5];
    for (int k = 0; k < 5; k++) {
        lua_getfield(L, result, "percentile");
        lua_pushvalue(L, result);
        lua_pushstring(L, cell);
        lua_pushnumber(L, qs[k]);
        if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
            lua_pop(L, 1);
            return 0;   /* not an output */
        }
        v[k] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
    }
    p->forecast = 1;
    p->outer_lo = v[0];
    p->inner_lo = v[1];
    p->value = v[2];
    p->inner_hi = v[3];
    p->outer_hi = v[4];
    return 1;
}

static void fan_from_scenarios(lua_State *L, int scenarios, int item,
                               int period, ks_chart_fan_point *p)
{
    double v[3];
    for (int k = 0; k < 3; k++) {
        lua_rawgeti(L, scenarios, k + 1);
        v[k] = cell_number(lk_pin_model(L, lua_gettop(L)), item, period);
        /* the pin stays above; the handle is below it */
    }
    p->forecast = 1;
    p->outer_lo = fmin(v[0], v[2]);
    p->outer_hi = fmax(v[0], v[2]);
    p->value = v[1];
    p->inner_lo = p->inner_hi = NAN;
}

static int fan_of_model(lua_State *L, ks_chart_frame *frame,
                        const char *path)
{
    ks_model *model = lk_pin_model(L, 2);
    const char *id = lk_chart_string(L, 1, "item");
    int item;
    ks_error err;
    if (!id)
        return luaL_error(L, "option 'item': the line item expected");
    if (ks_item_lookup(model, id, &item, &err) != KS_OK)
        return lk_raise(L, &err);
    lua_Integer n = lk_chart_list(L, 1, "periods");
    int periods = lua_gettop(L);
    if (n < 1 || n > 400)
        return luaL_error(L, "option 'periods': 1 to 400 periods expected");
    lk_rawfield(L, 1, "result");
    int result = lua_gettop(L);
    lk_rawfield(L, 1, "scenarios");
    int scenarios = lua_gettop(L);
    if (!lua_isnil(L, scenarios) && (!lua_istable(L, scenarios) ||
                                     lua_rawlen(L, scenarios) != 3))
        return luaL_error(L, "option 'scenarios': {low, base, high} "
                          "expected");
    lk_rawfield(L, 1, "forecast");
    int forecast = lua_gettop(L);
    ks_chart_fan_point *points = lua_newuserdatauv(L, (size_t)n *
                                                   sizeof *points, 0);
    int anchor = lua_gettop(L);
    for (lua_Integer i = 0; i < n; i++) {
        ks_chart_fan_point *p = &points[i];
        memset(p, 0, sizeof *p);
        p->outer_lo = p->outer_hi = p->inner_lo = p->inner_hi = NAN;
        lua_rawgeti(L, periods, i + 1);
        const char *pid = lua_tostring(L, -1);
        int period;
        if (!pid || ks_period_lookup(model, pid, &period, &err) != KS_OK)
            return pid ? lk_raise(L, &err)
                       : luaL_error(L, "option 'periods': entry %d: a period "
                                    "id expected", (int)i + 1);
        p->label = pid;   /* kept by the periods table */
        const char *cell = lua_pushfstring(L, "%s@%s", id, pid);
        int done = !lua_isnil(L, result) &&
                   fan_from_result(L, result, cell, p);
        if (!done && !lua_isnil(L, scenarios) && listed(L, forecast, pid))
            fan_from_scenarios(L, scenarios, item, period, p);
        else if (!done)
            p->value = cell_number(model, item, period);
        lua_settop(L, anchor);
    }
    ks_item_info info;
    ks_item_get(model, item, &info);
    lk_chart_frame(L, 1, frame, info.unit);
    if (!frame->title)
        frame->title = info.label;
    fan_data data = { points, (int)n };
    return lk_chart_draw(L, draw_fan, &data, frame, path);
}

/* points = {{label=, value=} | {label=, forecast=true, value=, lo=, hi=,
 * inner_lo=, inner_hi=}} */
static int fan_plain(lua_State *L, ks_chart_frame *frame, const char *path)
{
    lua_Integer n = lk_chart_list(L, 1, "points");
    int list = lua_gettop(L);
    if (n < 1 || n > 400)
        return luaL_error(L, "option 'points': 1 to 400 points expected");
    ks_chart_fan_point *points = lua_newuserdatauv(L, (size_t)n *
                                                   sizeof *points, 0);
    for (lua_Integer i = 0; i < n; i++) {
        if (lua_rawgeti(L, list, i + 1) != LUA_TTABLE)
            return luaL_error(L, "option 'points': entry %d: a table "
                              "expected", (int)i + 1);
        int e = lua_gettop(L);
        ks_chart_fan_point *p = &points[i];
        p->label = lk_chart_string(L, e, "label");
        lk_rawfield(L, e, "forecast");
        p->forecast = lua_toboolean(L, -1);
        lua_pop(L, 1);
        p->value = lk_chart_number(L, e, "value", NAN, NULL);
        p->outer_lo = lk_chart_number(L, e, "lo", NAN, NULL);
        p->outer_hi = lk_chart_number(L, e, "hi", NAN, NULL);
        p->inner_lo = lk_chart_number(L, e, "inner_lo", NAN, NULL);
        p->inner_hi = lk_chart_number(L, e, "inner_hi", NAN, NULL);
        lua_pop(L, 1);
    }
    lk_chart_frame(L, 1, frame, NULL);
    fan_data data = { points, (int)n };
    return lk_chart_draw(L, draw_fan, &data, frame, path);
}

int lk_chart_fan(lua_State *L)
{
    const char *path = lk_chart_begin(L, fan_keys);
    ks_chart_frame frame;
    if (lk_rawfield(L, 1, "model") == LUA_TNIL)                  /* 2 */
        return fan_plain(L, &frame, path);
    return fan_of_model(L, &frame, path);
}

/* ---- bars ------------------------------------------------------------------- */

static const char *const bars_keys[] = {
    LK_CHART_FRAME_KEYS, "scenarios", "cells", "groups", "series", "values",
    NULL
};

/* Labels of a list field into an array of n. */
static const char **label_list(lua_State *L, const char *name,
                               lua_Integer *n)
{
    *n = lk_chart_list(L, 1, name);
    int list = lua_gettop(L);
    if (*n < 1 || *n > 200)
        luaL_error(L, "option '%s': 1 to 200 entries expected", name);
    const char **labels = lua_newuserdatauv(L, (size_t)*n * sizeof *labels,
                                            0);
    for (lua_Integer i = 0; i < *n; i++) {
        lua_rawgeti(L, list, i + 1);
        labels[i] = lua_tostring(L, -1);
        if (!labels[i])
            luaL_error(L, "option '%s': entry %d: a string expected", name,
                       (int)i + 1);
        lua_pop(L, 1);
    }
    return labels;
}

static int bars_of_scenarios(lua_State *L, const char *path)
{
    lua_Integer groups, series = lk_chart_list(L, 1, "scenarios");
    int handles = lua_gettop(L);
    if (series < 1 || series > 50)
        return luaL_error(L, "option 'scenarios': 1 to 50 expected");
    const char **cells = label_list(L, "cells", &groups);
    const char **names = lua_newuserdatauv(L, (size_t)series *
                                           sizeof *names, 0);
    const char **group_labels = lua_newuserdatauv(L, (size_t)groups *
                                                  sizeof *group_labels, 0);
    double *values = lua_newuserdatauv(L, (size_t)(groups * series) *
                                       sizeof *values, 0);
    lua_newtable(L);   /* keeps the labels made here */
    int keep = lua_gettop(L);
    const char *unit = NULL;
    for (lua_Integer s = 0; s < series; s++) {
        lua_rawgeti(L, handles, s + 1);
        ks_model *model = lk_pin_model(L, lua_gettop(L));
        names[s] = lua_pushstring(L, ks_model_name(model));
        lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
        for (lua_Integer g = 0; g < groups; g++) {
            int item, period;
            ks_error err;
            if (ks_cell_lookup(model, cells[g], &item, &period, &err) !=
                KS_OK)
                return lk_raise(L, &err);
            values[g * series + s] = cell_number(model, item, period);
            ks_item_info info;
            ks_item_get(model, item, &info);
            if (!unit)
                unit = info.unit;
            if (s == 0) {
                group_labels[g] = lua_pushfstring(L, "%s %s", info.label,
                                                  strchr(cells[g], '@') + 1);
                lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
            }
        }
    }
    ks_chart_frame frame;
    lk_chart_frame(L, 1, &frame, unit);
    ks_chart_bars b = { group_labels, (int)groups, names, (int)series,
                        values };
    return lk_chart_draw(L, draw_bars, &b, &frame, path);
}

static int bars_plain(lua_State *L, const char *path)
{
    lua_Integer groups, series;
    const char **group_labels = label_list(L, "groups", &groups);
    const char **names = label_list(L, "series", &series);
    lua_Integer rows = lk_chart_list(L, 1, "values");
    int list = lua_gettop(L);
    if (rows != groups)
        return luaL_error(L, "option 'values': one row per group expected "
                          "(%d groups, %d rows)", (int)groups, (int)rows);
    double *values = lua_newuserdatauv(L, (size_t)(groups * series) *
                                       sizeof *values, 0);
    for (lua_Integer g = 0; g < groups; g++) {
        if (lua_rawgeti(L, list, g + 1) != LUA_TTABLE)
            return luaL_error(L, "option 'values': row %d: a table "
                              "expected", (int)g + 1);
        for (lua_Integer s = 0; s < series; s++)
            values[g * series + s] = lk_chart_number_at(L, lua_gettop(L),
                                                        s + 1, "values");
        lua_pop(L, 1);
    }
    ks_chart_frame frame;
    lk_chart_frame(L, 1, &frame, NULL);
    ks_chart_bars b = { group_labels, (int)groups, names, (int)series,
                        values };
    return lk_chart_draw(L, draw_bars, &b, &frame, path);
}

int lk_chart_bars(lua_State *L)
{
    const char *path = lk_chart_begin(L, bars_keys);
    if (lk_rawfield(L, 1, "scenarios") != LUA_TNIL) {
        lua_pop(L, 1);
        return bars_of_scenarios(L, path);
    }
    lua_pop(L, 1);
    return bars_plain(L, path);
}

/* ---- heat map --------------------------------------------------------------- */

static const char *const heatmap_keys[] = {
    LK_CHART_FRAME_KEYS, "grid", "output", "rows", "cols", "values",
    "row_title", "col_title", NULL
};

/* Labels of a list of numbers or strings at the top of the stack. */
static const char **heading_list(lua_State *L, int list, lua_Integer n,
                                 int keep)
{
    const char **labels = lua_newuserdatauv(L, (size_t)n * sizeof *labels,
                                            0);
    lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
    for (lua_Integer i = 0; i < n; i++) {
        lua_geti(L, list, i + 1);
        if (lua_type(L, -1) == LUA_TNUMBER) {
            char text[64];
            lk_format_number(lua_tonumber(L, -1), text, sizeof text);
            lua_pop(L, 1);
            lua_pushstring(L, text);
        }
        labels[i] = lua_tostring(L, -1);
        if (!labels[i])
            luaL_error(L, "heatmap: heading %d: a number or string expected",
                       (int)i + 1);
        lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
    }
    return labels;
}

/* rows, cols (lists) and the matrix (a list of rows) at the top three
 * slots: rows at r, cols at c, matrix at v. */
static int heatmap_draw(lua_State *L, int r, int c, int v, const char *path,
                        const char *row_title, const char *col_title)
{
    lua_newtable(L);
    int keep = lua_gettop(L);
    lua_Integer rows = luaL_len(L, r), cols = luaL_len(L, c);
    if (rows < 1 || rows > 200 || cols < 1 || cols > 100)
        return luaL_error(L, "heatmap: 1 to 200 rows of 1 to 100 columns "
                          "expected");
    ks_chart_heatmap h;
    memset(&h, 0, sizeof h);
    h.rows = heading_list(L, r, rows, keep);
    h.cols = heading_list(L, c, cols, keep);
    double *values = lua_newuserdatauv(L, (size_t)(rows * cols) *
                                       sizeof *values, 0);
    for (lua_Integer i = 0; i < rows; i++) {
        if (lua_geti(L, v, i + 1) != LUA_TTABLE)
            return luaL_error(L, "option 'values': row %d: a table of %d "
                              "values expected (one a column), got %s",
                              (int)i + 1, (int)cols, luaL_typename(L, -1));
        for (lua_Integer j = 0; j < cols; j++) {
            lua_geti(L, -1, j + 1);
            values[i * cols + j] = lua_type(L, -1) == LUA_TNUMBER ?
                                   lua_tonumber(L, -1) : NAN;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    h.row_count = (int)rows;
    h.col_count = (int)cols;
    h.values = values;
    h.row_title = row_title;
    h.col_title = col_title;
    ks_chart_frame frame;
    lk_chart_frame(L, 1, &frame, NULL);
    return lk_chart_draw(L, draw_heatmap, &h, &frame, path);
}

int lk_chart_heatmap(lua_State *L)
{
    const char *path = lk_chart_begin(L, heatmap_keys);
    const char *row_title = lk_chart_string(L, 1, "row_title");
    const char *col_title = lk_chart_string(L, 1, "col_title");
    if (lk_rawfield(L, 1, "grid") == LUA_TNIL) {                 /* 2 */
        lk_chart_list(L, 1, "rows");                            /* 3 */
        lk_chart_list(L, 1, "cols");                            /* 4 */
        lk_chart_list(L, 1, "values");                          /* 5 */
        return heatmap_draw(L, 3, 4, 5, path, row_title, col_title);
    }
    /* a kessan.Grid: g.rows, g.cols, and g:out(output) or g itself */
    lua_getfield(L, 2, "rows");                                 /* 3 */
    lua_getfield(L, 2, "cols");                                 /* 4 */
    if (lua_isnil(L, 4)) {   /* a one-way table: one column */
        lua_pop(L, 1);
        lua_createtable(L, 1, 0);
        lua_getfield(L, 2, "outputs");
        lua_geti(L, -1, 1);
        lua_remove(L, -2);
        lua_rawseti(L, -2, 1);
    }
    lk_rawfield(L, 1, "output");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushvalue(L, 2);                                    /* 5 */
    } else {
        lua_getfield(L, 2, "out");
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -3);
        lua_call(L, 2, 1);
        lua_remove(L, -2);                                      /* 5 */
    }
    if (!row_title) {
        lua_getfield(L, 2, "row_cell");
        row_title = lua_tostring(L, -1);
        lua_rawsetp(L, 1, (void *)&heatmap_keys); /* kept by the options */
    }
    if (!col_title) {
        lua_getfield(L, 2, "col_cell");
        col_title = lua_tostring(L, -1);
        lua_rawsetp(L, 1, (void *)&bars_keys);
    }
    return heatmap_draw(L, 3, 4, 5, path, row_title, col_title);
}
