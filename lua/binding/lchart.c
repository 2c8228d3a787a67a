/*
 * lchart.c -- charts in Lua: the table kessan.chart, r:chart on
 * simulation results and kessan.chart.distribution, and what every chart
 * function shares (lchart.h): the box of C memory, the common options,
 * writing the SVG and listing the files written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "binding/lchart.h"
#include "binding/lsimulate.h"

#define LK_CHART_BOX "kessan.ChartBox"

static int box_gc(lua_State *L)
{
    lk_chart_box *box = luaL_checkudata(L, 1, LK_CHART_BOX);
    ks_chart_svg_release(&box->svg);
    ks_chart_distribution_release(&box->dist, box->alloc);
    ks_chart_bridge_free(box->bridge);
    box->bridge = NULL;
    return 0;
}

lk_chart_box *lk_chart_box_new(lua_State *L)
{
    const ks_allocator *alloc = lk_allocator(L);
    lk_chart_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    memset(box, 0, sizeof *box);
    box->alloc = alloc;
    ks_chart_svg_init(&box->svg, alloc);
    if (luaL_newmetatable(L, LK_CHART_BOX)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return box;
}

const char *lk_chart_string(lua_State *L, int idx, const char *name)
{
    int type = lk_rawfield(L, idx, name);
    const char *text = NULL;
    if (type == LUA_TSTRING) {
        if (lk_has_zero(L, -1))
            luaL_error(L, "option '%s': string contains an embedded zero",
                       name);
        text = lua_tostring(L, -1);
    } else if (type != LUA_TNIL)
        luaL_error(L, "option '%s': a string expected, got %s", name,
                   lua_typename(L, type));
    lua_pop(L, 1);  /* the table keeps the string */
    return text;
}

double lk_chart_number(lua_State *L, int idx, const char *name,
                       double fallback, int *has)
{
    int type = lk_rawfield(L, idx, name);
    double value = fallback;
    if (has)
        *has = type != LUA_TNIL;
    if (type == LUA_TNUMBER)
        value = lua_tonumber(L, -1);
    else if (type != LUA_TNIL)
        luaL_error(L, "option '%s': a number expected, got %s", name,
                   lua_typename(L, type));
    lua_pop(L, 1);
    return value;
}

double lk_chart_number_at(lua_State *L, int idx, lua_Integer i,
                          const char *what)
{
    int type = lua_rawgeti(L, idx, i);
    double value = NAN;
    if (type == LUA_TNUMBER)
        value = lua_tonumber(L, -1);
    else if (type != LUA_TNIL)
        luaL_error(L, "%s: entry %d: a number expected, got %s", what,
                   (int)i, lua_typename(L, type));
    lua_pop(L, 1);
    return value;
}

lua_Integer lk_chart_list(lua_State *L, int idx, const char *name)
{
    if (lk_rawfield(L, idx, name) != LUA_TTABLE)
        luaL_error(L, "option '%s': a table expected, got %s", name,
                   luaL_typename(L, -1));
    return (lua_Integer)lua_rawlen(L, -1);
}

int lk_chart_int(lua_State *L, int idx, const char *name, int fallback,
                 int lo, int hi)
{
    int has;
    double value = lk_chart_number(L, idx, name, fallback, &has);
    if (has && !(value >= lo && value <= hi && value == floor(value)))
        luaL_error(L, "option '%s': an integer from %d to %d expected",
                   name, lo, hi);
    return (int)value;
}

void lk_chart_frame(lua_State *L, int idx, ks_chart_frame *frame,
                    const char *fallback_unit)
{
    ks_chart_frame_defaults(frame);
    frame->title = lk_chart_string(L, idx, "title");
    frame->subtitle = lk_chart_string(L, idx, "subtitle");
    const char *unit = lk_chart_string(L, idx, "unit");
    ks_chart_unit_of(unit ? unit : fallback_unit, frame);
    int has;
    double scale = lk_chart_number(L, idx, "scale", 1, &has);
    if (has) {
        if (!(scale > 0) || !isfinite(scale))
            luaL_error(L, "option 'scale': a positive number expected");
        frame->scale = scale;
    }
    frame->decimals = lk_chart_int(L, idx, "decimals", -1, 0, 10);
    frame->width = lk_chart_int(L, idx, "width", 0, 100, 10000);
    frame->height = lk_chart_int(L, idx, "height", 0, 100, 10000);
    const char *lang = lk_chart_string(L, idx, "lang");
    if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "ja") != 0)
        luaL_error(L, "option 'lang': 'en' or 'ja' expected, got '%s'",
                   lang);
    frame->lang = lang;
}

const char *lk_chart_out(lua_State *L, int idx)
{
    const char *path = lk_chart_string(L, idx, "out");
    if (path)
        lk_check_path(L, path, LK_PATH_WRITE);
    return path;
}

const char *lk_chart_begin(lua_State *L, const char *const known[])
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lk_check_options(L, 1, known);
    return lk_chart_out(L, 1);
}

int lk_chart_draw(lua_State *L, lk_chart_draw_fn draw, const void *data,
                  const ks_chart_frame *frame, const char *path)
{
    lk_chart_box *box = lk_chart_box_new(L);
    ks_error err;
    ks_status status = draw(data, frame, &box->svg, &err);
    return lk_chart_finish(L, box, status, &err, path);
}

/* The registry's list at key, made when missing, pushed. */
static void registry_list(lua_State *L, const char *key)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
}

static void note_written(lua_State *L, const char *path,
                         const ks_chart_svg *svg)
{
    registry_list(L, LK_CHARTS_WRITTEN);
    lua_Integer at = (lua_Integer)lua_rawlen(L, -1) + 1;
    lua_pushstring(L, path);
    lua_rawseti(L, -2, at);
    lua_pop(L, 1);
    int keep = lua_getfield(L, LUA_REGISTRYINDEX, LK_CHARTS_KEEP) ==
               LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!keep)
        return;
    registry_list(L, LK_CHARTS_SVG);
    lua_pushlstring(L, svg->data, svg->length);
    lua_rawseti(L, -2, at);
    lua_pop(L, 1);
}

int lk_chart_finish(lua_State *L, lk_chart_box *box, ks_status status,
                    const ks_error *err, const char *path)
{
    if (status != KS_OK)
        return lk_raise(L, err);
    if (!path) {
        lua_pushlstring(L, box->svg.data, box->svg.length);
        return 1;
    }
    ks_error save_err;
    if (ks_chart_save(&box->svg, path, &save_err) != KS_OK)
        return lk_fail(L, &save_err);
    note_written(L, path, &box->svg);
    lua_pushstring(L, path);
    return 1;
}

/* ---- distribution --------------------------------------------------------- */

static const char *const distribution_keys[] = {
    LK_CHART_FRAME_KEYS, "bins", "band", "band_label", "actual",
    "actual_label", "values", "result", "cell", "name", "model", NULL
};

/* The band {lo, hi} and actual of the options at idx. */
static void distribution_marks(lua_State *L, int idx,
                               ks_chart_distribution *d)
{
    if (lk_rawfield(L, idx, "band") == LUA_TTABLE) {
        d->band_lo = lk_chart_number_at(L, lua_gettop(L), 1, "band");
        d->band_hi = lk_chart_number_at(L, lua_gettop(L), 2, "band");
        if (!(d->band_lo <= d->band_hi) || !isfinite(d->band_lo) ||
            !isfinite(d->band_hi))
            luaL_error(L, "option 'band': {lo, hi} expected, lo <= hi");
        d->has_band = 1;
    } else if (!lua_isnil(L, -1))
        luaL_error(L, "option 'band': {lo, hi} expected");
    lua_pop(L, 1);
    d->band_label = lk_chart_string(L, idx, "band_label");
    d->actual = lk_chart_number(L, idx, "actual", 0, &d->has_actual);
    d->actual_label = lk_chart_string(L, idx, "actual_label");
}

static void default_subtitle(lua_State *L, ks_chart_frame *frame,
                             int64_t trials)
{
    if (frame->subtitle || trials <= 0)
        return;
    frame->subtitle = lua_pushfstring(L, "%I trials", (lua_Integer)trials);
}

/* The unit of the output's item in the options' `model`, or NULL. */
static const char *unit_of_output(lua_State *L, int options,
                                  ks_sim_result *result, int output)
{
    if (lk_rawfield(L, options, "model") == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    ks_model *model = lk_check_model(L, -1);
    lua_pop(L, 1);  /* the options keep the model */
    int item, period;
    ks_item_info info;
    ks_error err;
    if (ks_cell_lookup(model, ks_sim_output_name(result, output), &item,
                       &period, &err) != KS_OK)
        lk_raise(L, &err);
    ks_item_get(model, item, &info);
    return info.unit;
}

/* Protected from r:chart and distribution{result=}: the result at 1,
 * pinned, the cell at 2, the path at 3, the options at 4. */
static int chart_of_result(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 4);
    int output = lk_check_sim_output(L, result, 2);
    const char *path = lua_isnoneornil(L, 3) ? NULL : lk_check_string(L, 3);
    if (lua_isnoneornil(L, 4)) {
        lua_newtable(L);
        lua_replace(L, 4);
    }
    luaL_checktype(L, 4, LUA_TTABLE);
    lk_check_options(L, 4, distribution_keys);
    if (!path)
        path = lk_chart_out(L, 4);
    else
        lk_check_path(L, path, LK_PATH_WRITE);
    int bins = lk_chart_int(L, 4, "bins", 40, 1, 10000);
    ks_chart_frame frame;
    lk_chart_frame(L, 4, &frame, unit_of_output(L, 4, result, output));
    lk_chart_box *box = lk_chart_box_new(L);
    ks_error err;
    ks_status status = ks_chart_sim_distribution(result, output, bins,
                                                 box->alloc, &box->dist,
                                                 &err);
    if (status != KS_OK)
        return lk_raise(L, &err);
    distribution_marks(L, 4, &box->dist);
    const char *name = lk_chart_string(L, 4, "name");
    if (name)
        box->dist.name = name;
    if (!frame.title)
        frame.title = box->dist.name;
    default_subtitle(L, &frame, box->dist.trials);
    status = ks_chart_draw_distribution(&box->dist, &frame, &box->svg, &err);
    return lk_chart_finish(L, box, status, &err, path);
}

/* r:chart(cell [, path [, options]]) */
static int r_chart(lua_State *L)
{
    return chart_of_result(L);
}

static int compare_numbers(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's linear percentile of sorted values */
static double sorted_percentile(const double *v, size_t n, double q)
{
    double at = q / 100 * (double)(n - 1);
    size_t i = (size_t)floor(at);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (v[i + 1] - v[i]) * (at - (double)i);
}

/* The bin of x among bins equal from lo to hi, by halves so that a span
   of more than DBL_MAX (-1e308 to 1e308) neither overflows nor makes a
   NaN index. */
static int bin_of(double x, double lo, double hi, int bins)
{
    double span = hi / 2 - lo / 2;
    if (!(span > 0))
        return 0;
    double at = (x / 2 - lo / 2) / span * bins;
    if (!(at > 0))
        return 0;
    return at >= bins ? bins - 1 : (int)at;
}

/* A distribution of plain values (a sample): sorted into a userdata. */
static int chart_of_values(lua_State *L)
{
    const char *path = lk_chart_out(L, 1);
    int bins = lk_chart_int(L, 1, "bins", 40, 1, 10000);
    ks_chart_frame frame;
    lk_chart_frame(L, 1, &frame, NULL);
    lua_Integer n = lk_chart_list(L, 1, "values");
    int list = lua_gettop(L);
    if (n < 1 || n > 100000000)
        return luaL_error(L, "option 'values': 1 or more numbers expected");
    double *v = lua_newuserdatauv(L, (size_t)n * sizeof *v, 0);
    for (lua_Integer i = 0; i < n; i++) {
        v[i] = lk_chart_number_at(L, list, i + 1, "values");
        if (!isfinite(v[i]))
            return luaL_error(L, "option 'values': entry %d is not a finite "
                              "number", (int)i + 1);
    }
    qsort(v, (size_t)n, sizeof *v, compare_numbers);
    int64_t *counts = lua_newuserdatauv(L, (size_t)bins * sizeof *counts, 0);
    memset(counts, 0, (size_t)bins * sizeof *counts);
    double lo = v[0], hi = v[n - 1];
    for (lua_Integer i = 0; i < n; i++)
        counts[bin_of(v[i], lo, hi, bins)]++;
    lk_chart_box *box = lk_chart_box_new(L);
    ks_chart_distribution d;
    memset(&d, 0, sizeof d);
    d.counts = counts;
    d.bins = bins;
    d.lo = lo;
    d.hi = hi;
    d.p5 = sorted_percentile(v, (size_t)n, 5);
    d.p50 = sorted_percentile(v, (size_t)n, 50);
    d.p95 = sorted_percentile(v, (size_t)n, 95);
    d.trials = n;
    distribution_marks(L, 1, &d);
    d.name = lk_chart_string(L, 1, "name");
    default_subtitle(L, &frame, n);
    ks_error err;
    ks_status status = ks_chart_draw_distribution(&d, &frame, &box->svg,
                                                  &err);
    return lk_chart_finish(L, box, status, &err, path);
}

/* kessan.chart.distribution{values = {...} | result = r, cell = c, ...} */
static int chart_distribution(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lk_check_options(L, 1, distribution_keys);
    if (lk_rawfield(L, 1, "result") == LUA_TNIL) {
        lua_pop(L, 1);
        return chart_of_values(L);
    }
    /* chart_of_result(result, cell, nil, options) */
    lua_pushcfunction(L, chart_of_result);
    lua_insert(L, -2);
    if (lk_rawfield(L, 1, "cell") == LUA_TNIL)
        return luaL_error(L, "option 'cell': the output to draw expected "
                          "with 'result'");
    lua_pushnil(L);
    lua_newtable(L);  /* the options without result and cell */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ?
                          lua_tostring(L, -2) : "";
        if (strcmp(key, "result") == 0 || strcmp(key, "cell") == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_call(L, 4, 1);
    return 1;
}

void lk_chart_register(lua_State *L)
{
    static const luaL_Reg result_methods[] = {
        { "chart", r_chart },
        { NULL, NULL }
    };
    static const luaL_Reg functions[] = {
        { "distribution", chart_distribution },
        { "tornado", lk_chart_tornado },
        { "waterfall", lk_chart_waterfall },
        { "fan", lk_chart_fan },
        { "bars", lk_chart_bars },
        { "heatmap", lk_chart_heatmap },
        { NULL, NULL }
    };
    lk_sim_add_result_methods(L, result_methods);
    luaL_newlib(L, functions);
    lua_setfield(L, -2, "chart");
}
