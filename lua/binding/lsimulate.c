/*
 * lsimulate.c -- Monte Carlo from Lua: the distribution constructors
 * (kessan.normal, lognormal, uniform, triangular, pert, discrete, fixed),
 * the method s:simulate{...} of models and scenarios (with keep and
 * stop), and the kessan.Simulation result (mean, sd, min, max,
 * percentile, prob of a comparison or a range, se, ci, histogram, count,
 * invalid, overflow, reason, values, export, converged, outputs, trials,
 * __tostring with a line of block characters per output).
 * The trials run in the core (core/simulate/, kessan/simulate.h); this
 * file checks arguments, converts, and draws the progress bar on stderr.
 * kessan.threads(n) starts the state's pool of simulation threads (one
 * per lua_State, kept in the registry, freed by its __gc when the state
 * closes); a simulation asking for more threads than it has starts it.
 *
 * Userdata
 *   kessan.Distribution  a ks_dist, discrete values and weights inline
 *   kessan.Simulation    a ks_sim_result (NULL until the run succeeds)
 *   kessan.SimPool       the state's ks_sim_pool (registry LK_SIM_POOL_KEY)
 * The spec's arrays live in userdata on the stack, so a Lua error while
 * reading the options leaks nothing; the core result is owned by its
 * userdata from the moment it exists.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "binding/lkessan.h"
#include "binding/lsimulate.h"
#include "kessan/simulate.h"
#include "kessan/suggest.h"
#include "kessan/text.h"

#define LK_DISTRIBUTION "kessan.Distribution"
#define LK_SIMULATION "kessan.Simulation"
#define LK_SIM_POOL "kessan.SimPool"
#define LK_SIM_POOL_KEY "kessan.SimPool.state" /* registry: the handle */

typedef struct sim_distribution {
    ks_dist dist;
    double data[]; /* discrete: values then weights                      */
} sim_distribution;

typedef struct sim_handle {
    ks_sim_result *result;  /* NULL once closed                          */
    ks_sim_result *closing; /* closed while pinned: freed at last unpin  */
    lk_busy busy;
} sim_handle;

/* ---- distributions ------------------------------------------------------- */

static sim_distribution *dist_push(lua_State *L, ks_dist_kind kind,
                                   int count)
{
    sim_distribution *d = lua_newuserdatauv(
        L, sizeof *d + (size_t)(2 * count) * sizeof(double), 0);
    memset(&d->dist, 0, sizeof d->dist);
    d->dist.kind = kind;
    luaL_setmetatable(L, LK_DISTRIBUTION);
    return d;
}

static double aux_finite(lua_State *L, int idx, const char *name)
{
    double value = luaL_checknumber(L, idx);
    if (!isfinite(value))
        luaL_argerror(L, idx, lua_pushfstring(L, "%s must be a finite number",
                                              name));
    return value;
}

/* kessan.fixed(x) */
static int dist_fixed(lua_State *L)
{
    double x = aux_finite(L, 1, "value");
    dist_push(L, KS_DIST_FIXED, 0)->dist.a = x;
    return 1;
}

static int aux_location_scale(lua_State *L, ks_dist_kind kind,
                              const char *location, const char *scale)
{
    double a = aux_finite(L, 1, location);
    double b = aux_finite(L, 2, scale);
    if (!(b > 0))
        return luaL_argerror(L, 2, lua_pushfstring(
                                       L, "%s must be positive, got %f", scale, b));
    ks_dist *dist = &dist_push(L, kind, 0)->dist;
    dist->a = a;
    dist->b = b;
    return 1;
}

/* kessan.normal(mean, sd) */
static int dist_normal(lua_State *L)
{
    return aux_location_scale(L, KS_DIST_NORMAL, "mean", "sd");
}

/* kessan.lognormal(mu, sigma): exp of Normal(mu, sigma) */
static int dist_lognormal(lua_State *L)
{
    return aux_location_scale(L, KS_DIST_LOGNORMAL, "mu", "sigma");
}

/* kessan.uniform(a, b) */
static int dist_uniform(lua_State *L)
{
    double a = aux_finite(L, 1, "a"), b = aux_finite(L, 2, "b");
    if (!(a < b))
        return luaL_argerror(L, 2, lua_pushfstring(
                                       L, "b must be greater than a (%f), got %f", a, b));
    ks_dist *dist = &dist_push(L, KS_DIST_UNIFORM, 0)->dist;
    dist->a = a;
    dist->b = b;
    return 1;
}

static int aux_three_point(lua_State *L, ks_dist_kind kind)
{
    double a = aux_finite(L, 1, "min"), m = aux_finite(L, 2, "mode"),
           b = aux_finite(L, 3, "max");
    if (!(a < b))
        return luaL_argerror(L, 3, lua_pushfstring(
                                       L, "max must be greater than min (%f), got %f", a, b));
    if (!(a <= m && m <= b))
        return luaL_argerror(L, 2, lua_pushfstring(
                                       L, "mode must be from min to max, got %f", m));
    ks_dist *dist = &dist_push(L, kind, 0)->dist;
    dist->a = a;
    dist->b = b;
    dist->c = m;
    return 1;
}

/* kessan.triangular(min, mode, max) */
static int dist_triangular(lua_State *L)
{
    return aux_three_point(L, KS_DIST_TRIANGULAR);
}

/* kessan.pert(min, mode, max) */
static int dist_pert(lua_State *L)
{
    return aux_three_point(L, KS_DIST_PERT);
}

/* The array field `name` of the table at 1, read raw, pushed (nil when
 * absent); raises unless it is a table of at most KS_DISCRETE_MAX
 * entries.  Returns its length, or -1 when absent. */
#define KS_DISCRETE_MAX 1000000
static int aux_number_array(lua_State *L, const char *name)
{
    int type = lk_rawfield(L, 1, name);
    if (type == LUA_TNIL)
        return -1;
    if (type != LUA_TTABLE)
        luaL_argerror(L, 1, lua_pushfstring(L, "field '%s' must be a table "
                                               "of numbers", name));
    lua_Unsigned count = lua_rawlen(L, -1);
    if (count > KS_DISCRETE_MAX)
        luaL_argerror(L, 1, lua_pushfstring(L, "field '%s' holds more than "
                                               "%d numbers", name,
                                            KS_DISCRETE_MAX));
    lk_check_keys(L, 1, -1, name, 0, NULL, (lua_Integer)count);
    return (int)count;
}

/* Entries 1..count of the array at idx into out, checked finite; nothing
 * here allocates, so what is checked is what is copied. */
static void aux_copy_numbers(lua_State *L, int idx, const char *name,
                             double *out, int count)
{
    for (int i = 1; i <= count; i++) {
        int isnum = lua_rawgeti(L, idx, i) == LUA_TNUMBER;
        out[i - 1] = lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (!isnum || !isfinite(out[i - 1]))
            luaL_argerror(L, 1, lua_pushfstring(L, "%s[%d] must be a finite "
                                                   "number", name, i));
    }
}

/* kessan.discrete{values = {...}, weights = {...}} (weights optional:
 * equal).  The arrays are read raw into the distribution as checked. */
static int dist_discrete(lua_State *L)
{
    static const char *const known[] = { "values", "weights", NULL };
    luaL_checktype(L, 1, LUA_TTABLE);
    lk_check_options(L, 1, known);
    lua_settop(L, 1);
    int count = aux_number_array(L, "values");                /* 2 */
    if (count < 1)
        return luaL_argerror(L, 1, "field 'values' must hold at least one number");
    int weights = aux_number_array(L, "weights");             /* 3 */
    if (weights >= 0 && weights != count)
        return luaL_argerror(L, 1, lua_pushfstring(
                                       L, "field 'weights' must have one weight per value "
                                          "(%d values, %d weights)", count, weights));
    /* allocated before the entries are read: the Lua code an allocation
     * may run cannot change them after their check */
    sim_distribution *d = dist_push(L, KS_DIST_DISCRETE, count);
    aux_copy_numbers(L, 2, "values", d->data, count);
    double total = 0;
    if (weights >= 0)
        aux_copy_numbers(L, 3, "weights", d->data + count, count);
    for (int i = 0; i < count; i++) {
        if (weights < 0)
            d->data[count + i] = 1.0;
        double weight = d->data[count + i];
        if (!(weight >= 0))
            return luaL_argerror(L, 1, lua_pushfstring(
                                           L, "weights[%d] must be a finite number >= 0", i + 1));
        total += weight;
    }
    if (!(total > 0) || !isfinite(total))
        return luaL_argerror(L, 1, "field 'weights' must not all be zero "
                                   "and their sum must be finite");
    d->dist.count = count;
    d->dist.values = d->data;
    d->dist.weights = d->data + count;
    return 1;
}

static int dist_tostring(lua_State *L)
{
    sim_distribution *d = luaL_checkudata(L, 1, LK_DISTRIBUTION);
    const ks_dist *dist = &d->dist;
    switch (dist->kind) {
    case KS_DIST_FIXED:
        lua_pushfstring(L, "fixed(%f)", dist->a);
        break;
    case KS_DIST_NORMAL:
        lua_pushfstring(L, "normal(%f, %f)", dist->a, dist->b);
        break;
    case KS_DIST_LOGNORMAL:
        lua_pushfstring(L, "lognormal(%f, %f)", dist->a, dist->b);
        break;
    case KS_DIST_UNIFORM:
        lua_pushfstring(L, "uniform(%f, %f)", dist->a, dist->b);
        break;
    case KS_DIST_TRIANGULAR:
        lua_pushfstring(L, "triangular(%f, %f, %f)", dist->a, dist->c, dist->b);
        break;
    case KS_DIST_PERT:
        lua_pushfstring(L, "pert(%f, %f, %f)", dist->a, dist->c, dist->b);
        break;
    default:
        lua_pushfstring(L, "discrete(%d values)", dist->count);
        break;
    }
    return 1;
}

/* d:mean(), d:variance(): the exact moments */
static int dist_mean(lua_State *L)
{
    sim_distribution *d = luaL_checkudata(L, 1, LK_DISTRIBUTION);
    double mean, variance;
    ks_dist_moments(&d->dist, &mean, &variance);
    lua_pushnumber(L, mean);
    return 1;
}

static int dist_variance(lua_State *L)
{
    sim_distribution *d = luaL_checkudata(L, 1, LK_DISTRIBUTION);
    double mean, variance;
    ks_dist_moments(&d->dist, &mean, &variance);
    lua_pushnumber(L, variance);
    return 1;
}

/* ---- reading the options of s:simulate{...} ----------------------------- */

/* The options of s:simulate are at 2 and read raw; what the spec points
 * at (cell strings, distributions) is anchored in the table at 3, so Lua
 * code run meanwhile (a finalizer) cannot collect it by changing the
 * options. */
#define OPTIONS 2
#define ANCHORS 3

static void opt_anchor(lua_State *L, int idx)
{
    lua_pushvalue(L, idx);
    lua_rawseti(L, ANCHORS, (lua_Integer)lua_rawlen(L, ANCHORS) + 1);
}

/* An integer field `name` of the table at idx (`label` names it in
 * errors: "trials", "stop.max_trials") from lo to hi; `fallback` when
 * absent (or an error when fallback < lo).  NaN, infinities, fractions and
 * numbers out of range are refused before any conversion to an integer. */
static lua_Integer opt_integer_in(lua_State *L, int idx, const char *name,
                                  const char *label, lua_Integer fallback,
                                  lua_Integer lo, lua_Integer hi)
{
    int type = lk_rawfield(L, idx, name);
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        if (fallback < lo)
            luaL_argerror(L, OPTIONS, lua_pushfstring(L, "field '%s' is required",
                                                      label));
        return fallback;
    }
    int ok = 0;
    lua_Integer value = 0;
    if (type == LUA_TNUMBER && lua_isinteger(L, -1)) {
        value = lua_tointeger(L, -1);
        ok = 1;
    } else if (type == LUA_TNUMBER) {
        lua_Number number = lua_tonumber(L, -1);
        /* -2^63 <= number < 2^63: exactly the doubles a lua_Integer holds */
        ok = number == floor(number) && number >= -0x1p63 && number < 0x1p63;
        if (ok)
            value = (lua_Integer)number;
    }
    lua_pop(L, 1);
    if (!ok || value < lo || value > hi)
        luaL_argerror(L, OPTIONS, lua_pushfstring(L, "field '%s' must be an integer "
                                                     "from %I to %I", label, lo, hi));
    return value;
}

static lua_Integer opt_integer(lua_State *L, const char *name,
                               lua_Integer fallback, lua_Integer lo,
                               lua_Integer hi)
{
    return opt_integer_in(L, OPTIONS, name, name, fallback, lo, hi);
}

/* draws: cell -> distribution or number.  Sorted by cell so the order of
 * the random streams does not depend on Lua's table order. */
static int aux_compare_draws(const void *a, const void *b)
{
    return strcmp(((const ks_sim_draw *)a)->cell, ((const ks_sim_draw *)b)->cell);
}

/* One entry of draws (key at -2, value at -1) into *draw; anchors both. */
static void opt_draw(lua_State *L, ks_sim_draw *draw)
{
    if (lua_type(L, -2) != LUA_TSTRING)
        luaL_argerror(L, OPTIONS, "field 'draws' must be keyed by cells (\"id@PERIOD\")");
    if (lk_has_zero(L, -2))
        luaL_argerror(L, OPTIONS, "field 'draws': a cell contains an embedded zero");
    draw->cell = lua_tostring(L, -2);
    memset(&draw->dist, 0, sizeof draw->dist);
    if (lua_type(L, -1) == LUA_TNUMBER) {
        draw->dist.kind = KS_DIST_FIXED;
        draw->dist.a = lua_tonumber(L, -1);
        if (!isfinite(draw->dist.a))
            luaL_argerror(L, OPTIONS, lua_pushfstring(
                                    L, "draws['%s'] must be a finite number", draw->cell));
    } else {
        sim_distribution *d = luaL_testudata(L, -1, LK_DISTRIBUTION);
        if (!d)
            luaL_argerror(L, OPTIONS, lua_pushfstring(
                                    L, "draws['%s'] must be a distribution "
                                       "(kessan.normal(...), ...) or a number, got %s",
                                    draw->cell, luaL_typename(L, -1)));
        draw->dist = d->dist;
    }
    opt_anchor(L, -2);
    opt_anchor(L, -1);
}

static ks_sim_draw *opt_draws(lua_State *L, int *count)
{
    int type = lk_rawfield(L, OPTIONS, "draws");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        *count = 0;
        return NULL;
    }
    if (type != LUA_TTABLE)
        luaL_argerror(L, OPTIONS, "field 'draws' must be a table {[cell] = distribution}");
    int draws_idx = lua_gettop(L);
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, draws_idx)) {
        if (++n > 1000000)
            luaL_argerror(L, OPTIONS, "field 'draws' holds more than 1000000 cells");
        lua_pop(L, 1);
    }
    ks_sim_draw *draws = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *draws, 0);
    lua_insert(L, draws_idx); /* keep it below the table */
    draws_idx++;
    int i = 0;
    lua_pushnil(L);
    while (lua_next(L, draws_idx)) {
        /* the allocation above may have run Lua code that added entries */
        if (i >= n)
            luaL_argerror(L, OPTIONS, "field 'draws' changed while it was read");
        opt_draw(L, &draws[i++]);
        lua_pop(L, 1);
    }
    qsort(draws, (size_t)i, sizeof *draws, aux_compare_draws);
    lua_pop(L, 1); /* the draws table; its entries are anchored */
    *count = i;
    return draws;
}

static const char **opt_outputs(lua_State *L, int *count)
{
    if (lk_rawfield(L, OPTIONS, "outputs") != LUA_TTABLE)
        luaL_argerror(L, OPTIONS, "field 'outputs' must be a list of cells (\"id@PERIOD\")");
    lua_Unsigned n = lua_rawlen(L, -1);
    if (n < 1 || n > 100000)
        luaL_argerror(L, OPTIONS, "field 'outputs' must list 1 to 100000 cells");
    lk_check_keys(L, OPTIONS, -1, "outputs", 0, NULL, (lua_Integer)n);
    const char **outputs = lua_newuserdatauv(L, (size_t)n * sizeof *outputs, 0);
    lua_insert(L, -2);
    for (int i = 0; i < (int)n; i++) {
        if (lua_rawgeti(L, -1, i + 1) != LUA_TSTRING)
            luaL_argerror(L, OPTIONS, lua_pushfstring(L, "outputs[%d] must be a cell "
                                                         "string", i + 1));
        if (lk_has_zero(L, -1))
            luaL_argerror(L, OPTIONS, lua_pushfstring(L, "outputs[%d] contains an "
                                                         "embedded zero", i + 1));
        outputs[i] = lua_tostring(L, -1);
        opt_anchor(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *count = (int)n;
    return outputs;
}

/* correlate[i] = {cell_a, cell_b, rho} into *pair; anchors the cells. */
static void opt_pair(lua_State *L, int i, ks_sim_correlation *pair)
{
    if (lua_type(L, -1) == LUA_TTABLE)
        lk_check_keys(L, OPTIONS, -1, "correlate", i + 1, NULL, 3);
    int ok = lua_type(L, -1) == LUA_TTABLE &&
             lua_rawgeti(L, -1, 1) == LUA_TSTRING &&
             lua_rawgeti(L, -2, 2) == LUA_TSTRING &&
             lua_rawgeti(L, -3, 3) == LUA_TNUMBER &&
             isfinite(lua_tonumber(L, -1));
    if (!ok)
        luaL_argerror(L, OPTIONS, lua_pushfstring(L, "correlate[%d] must be "
                                                     "{cell_a, cell_b, rho} with a finite rho", i + 1));
    if (lk_has_zero(L, -3) || lk_has_zero(L, -2))
        luaL_argerror(L, OPTIONS, lua_pushfstring(L, "correlate[%d]: a cell contains "
                                                     "an embedded zero", i + 1));
    pair->cell_a = lua_tostring(L, -3);
    pair->cell_b = lua_tostring(L, -2);
    pair->rho = lua_tonumber(L, -1);
    opt_anchor(L, -3);
    opt_anchor(L, -2);
    lua_pop(L, 3);
}

static ks_sim_correlation *opt_correlate(lua_State *L, int *count)
{
    int type = lk_rawfield(L, OPTIONS, "correlate");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        *count = 0;
        return NULL;
    }
    if (type != LUA_TTABLE)
        luaL_argerror(L, OPTIONS, "field 'correlate' must be a list of {cell_a, cell_b, rho}");
    lua_Unsigned n = lua_rawlen(L, -1);
    if (n > 100000)
        luaL_argerror(L, OPTIONS, "field 'correlate' lists more than 100000 pairs");
    lk_check_keys(L, OPTIONS, -1, "correlate", 0, NULL, (lua_Integer)n);
    ks_sim_correlation *pairs =
        lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *pairs, 0);
    lua_insert(L, -2);
    for (int i = 0; i < (int)n; i++) {
        lua_rawgeti(L, -1, i + 1);
        opt_pair(L, i, &pairs[i]);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *count = (int)n;
    return pairs;
}

/* ---- the progress bar ---------------------------------------------------- */

typedef struct progress_bar {
    struct timespec start;
    int shown;       /* the bar has been drawn                          */
    int enabled;     /* stderr is a terminal and the caller allows it   */
    int last_percent;
} progress_bar;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

static int progress_draw(void *ud, int64_t done, int64_t total)
{
    progress_bar *bar = ud;
    if (!bar->enabled || seconds_since(&bar->start) < 1.0)
        return 0;
    int percent = (int)(100 * done / total);
    if (bar->shown && percent == bar->last_percent)
        return 0;
    char cells[41];
    int filled = percent * 40 / 100;
    for (int i = 0; i < 40; i++)
        cells[i] = i < filled ? '#' : '.';
    cells[40] = '\0';
    fprintf(stderr, "\rsimulate [%s] %3d%% %lld/%lld trials", cells, percent,
            (long long)done, (long long)total);
    fflush(stderr);
    bar->shown = 1;
    bar->last_percent = percent;
    return 0;
}

/* ---- s:simulate{...} --------------------------------------------------- */

static void aux_finish_close(lk_busy *busy)
{
    sim_handle *handle = (sim_handle *)(void *)((char *)busy -
                                                offsetof(sim_handle, busy));
    ks_sim_result_free(handle->closing);
    handle->closing = NULL;
}

/* sampling = "mc" | "lhs"; copula = "gaussian" | "rank": in the order of
 * ks_sim_sampling and ks_sim_copula */
static const char *const sampling_names[] = { "mc", "lhs", NULL };
static const char *const copula_names[] = { "gaussian", "rank", NULL };

/* A string field naming one of `names`; its index, 0 when absent. */
static int opt_choice(lua_State *L, const char *name,
                      const char *const names[])
{
    int type = lk_rawfield(L, OPTIONS, name);
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    const char *given = type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    for (int i = 0; given && names[i]; i++)
        if (strcmp(given, names[i]) == 0) {
            lua_pop(L, 1);
            return i;
        }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 0; names[i]; i++) {
        luaL_addstring(&b, i == 0 ? "'" : names[i + 1] ? ", '" : " or '");
        luaL_addstring(&b, names[i]);
        luaL_addchar(&b, '\'');
    }
    luaL_pushresult(&b);
    const char *expected = lua_tostring(L, -1);
    const char *got = given ? lua_pushfstring(L, "'%s'", given)
                            : luaL_typename(L, -2);
    int count = 0;
    while (names[count])
        count++;
    const char *nearest =
        given ? ks_suggest(given, strlen(given), names, count) : NULL;
    return luaL_argerror(L, OPTIONS, lua_pushfstring(L,
        "field '%s': %s expected, got %s%s%s%s", name, expected, got,
        nearest ? " (did you mean '" : "", nearest ? nearest : "",
        nearest ? "'?)" : ""));
}

/* A statistic named "mean", or "pQ" with Q from 0 to 100 ("p95", "p99.9",
 * "p50"); raises at argument `arg` otherwise. */
static ks_sim_stat aux_check_stat(lua_State *L, int arg, const char *name)
{
    ks_sim_stat stat = { KS_SIM_STAT_MEAN, 0 };
    if (strcmp(name, "mean") == 0)
        return stat;
    char *end = NULL;
    double q = name[0] == 'p' && name[1] ? strtod(name + 1, &end) : NAN;
    if (!end || *end || !(q >= 0 && q <= 100) || name[1] == ' ')
        luaL_argerror(L, arg, lua_pushfstring(L, "statistic '%s': \"mean\" "
                                                 "or a percentile \"p0\" to "
                                                 "\"p100\" (\"p95\") expected",
                                              name));
    stat.kind = KS_SIM_STAT_PERCENTILE;
    stat.q = q;
    return stat;
}

/* A number field of a table at idx: `fallback` when absent (NAN:
 * required); raises unless it is a number in (lo, hi). */
static double opt_level(lua_State *L, int idx, const char *table,
                        const char *name, double fallback, double lo,
                        double hi)
{
    int type = lk_rawfield(L, idx, name);
    double value = type == LUA_TNUMBER ? lua_tonumber(L, -1) : fallback;
    lua_pop(L, 1);
    if ((type != LUA_TNIL && type != LUA_TNUMBER) || !(value > lo && value < hi))
        luaL_argerror(L, OPTIONS, lua_pushfstring(L, "field '%s.%s' must be a "
                                                     "number between %f and %f",
                                                  table, name, lo, hi));
    return value;
}

/* stop = {cell =, stat =, rel =, confidence =, max_trials =} into *stop
 * (anchored); the maximum of trials into *trials. */
static const ks_sim_stop *opt_stop(lua_State *L, ks_sim_stop *stop,
                                   int64_t *trials)
{
    static const char *const known[] = { "cell", "stat", "rel", "confidence",
                                         "max_trials", NULL };
    int type = lk_rawfield(L, OPTIONS, "stop");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    if (type != LUA_TTABLE)
        luaL_argerror(L, OPTIONS, "field 'stop' must be a table {cell = ..., "
                                  "stat = ..., rel = ...}");
    int at = lua_gettop(L);
    lk_check_keys(L, OPTIONS, at, "stop", 0, known, 0);
    if (lk_rawfield(L, at, "cell") != LUA_TSTRING || lk_has_zero(L, -1))
        luaL_argerror(L, OPTIONS, "field 'stop.cell' must be an output cell");
    stop->cell = lua_tostring(L, -1);
    opt_anchor(L, -1);
    lua_pop(L, 1);
    if (lk_rawfield(L, at, "stat") == LUA_TNIL)
        stop->stat.kind = KS_SIM_STAT_MEAN;
    else if (lua_type(L, -1) != LUA_TSTRING)
        luaL_argerror(L, OPTIONS, "field 'stop.stat' must be \"mean\" or a "
                                  "percentile (\"p95\")");
    else
        stop->stat = aux_check_stat(L, OPTIONS, lua_tostring(L, -1));
    lua_pop(L, 1);
    stop->rel = opt_level(L, at, "stop", "rel", NAN, 0, HUGE_VAL);
    stop->confidence = opt_level(L, at, "stop", "confidence", 0.95, 0, 1);
    int has_max = lk_rawfield(L, at, "max_trials") != LUA_TNIL;
    int has_trials = lk_rawfield(L, OPTIONS, "trials") != LUA_TNIL;
    lua_pop(L, 2);
    if (has_max && has_trials)
        luaL_argerror(L, OPTIONS, "give 'trials' or 'stop.max_trials' (the "
                                  "most trials to run), not both");
    if (has_max)
        *trials = (int64_t)opt_integer_in(L, at, "max_trials",
                                          "stop.max_trials", 0, 1,
                                          KS_SIM_TRIALS_MAX);
    lua_pop(L, 1);
    return stop;
}

/* ---- the state's pool of simulation threads ----------------------------------- */

typedef struct pool_handle {
    ks_sim_pool *pool; /* NULL: none started */
} pool_handle;

/* The state's pool handle, made (without a pool) on first use. */
static pool_handle *pool_handle_get(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, LK_SIM_POOL_KEY) == LUA_TUSERDATA) {
        pool_handle *handle = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return handle;
    }
    lua_pop(L, 1);
    pool_handle *handle = lua_newuserdatauv(L, sizeof *handle, 0);
    handle->pool = NULL;
    luaL_setmetatable(L, LK_SIM_POOL);
    lua_setfield(L, LUA_REGISTRYINDEX, LK_SIM_POOL_KEY);
    return handle;
}

/* Replace the state's pool by one of `threads` (none for 1). */
static ks_status pool_restart(pool_handle *handle, int threads, ks_error *err)
{
    ks_sim_pool_free(handle->pool);
    handle->pool = NULL;
    if (threads <= 1)
        return KS_OK;
    return ks_sim_pool_new(threads, NULL, &handle->pool, err);
}

static int pool_gc(lua_State *L)
{
    pool_handle *handle = luaL_checkudata(L, 1, LK_SIM_POOL);
    ks_sim_pool_free(handle->pool);
    handle->pool = NULL;
    return 0;
}

/* kessan.threads([n]): start the state's pool of n simulation threads
 * (1: none; the pool there was ends), or with no argument read it; returns
 * the threads a simulation may use without starting any. */
static int k_threads(lua_State *L)
{
    pool_handle *handle = pool_handle_get(L);
    if (!lua_isnoneornil(L, 1)) {
        lua_Integer threads = luaL_checkinteger(L, 1);
        luaL_argcheck(L, threads >= 1 && threads <= KS_SIM_THREADS_MAX, 1,
                      lua_pushfstring(L, "threads must be from 1 to %d",
                                      KS_SIM_THREADS_MAX));
        ks_error err;
        if (pool_restart(handle, (int)threads, &err) != KS_OK)
            return lk_raise(L, &err);
    }
    lua_pushinteger(L, ks_sim_pool_threads(handle->pool));
    return 1;
}

/* The pool for a run of `threads`: the state's, started or grown when it
 * has fewer; NULL when the system starts no threads (the run then starts
 * its own, as without a pool). */
static ks_sim_pool *pool_for_run(lua_State *L, int threads)
{
    if (threads <= 1)
        return NULL;
    pool_handle *handle = pool_handle_get(L);
    ks_error err;
    if (ks_sim_pool_threads(handle->pool) < threads &&
        pool_restart(handle, threads, &err) != KS_OK)
        return NULL;
    return handle->pool;
}

static int m_simulate(lua_State *L)
{
    static const char *const known[] = {
        "trials", "seed", "threads", "draws", "outputs", "correlate",
        "progress", "sampling", "copula", "keep", "stop", NULL
    };
    lk_check_model(L, 1);
    luaL_checktype(L, OPTIONS, LUA_TTABLE);
    lk_check_options(L, OPTIONS, known);
    lua_settop(L, OPTIONS);
    lua_newtable(L);                          /* ANCHORS */
    ks_model *model = lk_pin_model(L, 1);
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    ks_sim_stop stop;
    memset(&stop, 0, sizeof stop);
    int64_t max_trials = 0;
    spec.stop = opt_stop(L, &stop, &max_trials);
    spec.trials = max_trials > 0 ? max_trials
                                 : (int64_t)opt_integer(L, "trials", 0, 1,
                                                        KS_SIM_TRIALS_MAX);
    spec.keep = lk_rawfield(L, OPTIONS, "keep") != LUA_TNIL &&
                lua_toboolean(L, -1);
    if (lua_type(L, -1) != LUA_TNIL && lua_type(L, -1) != LUA_TBOOLEAN)
        luaL_argerror(L, OPTIONS, "field 'keep' must be true or false");
    lua_pop(L, 1);
    spec.seed = (uint64_t)opt_integer(L, "seed", 1, 0, LUA_MAXINTEGER);
    spec.threads = (int)opt_integer(L, "threads", 1, 1, KS_SIM_THREADS_MAX);
    spec.pool = pool_for_run(L, spec.threads);
    spec.draws = opt_draws(L, &spec.draw_count);
    spec.outputs = opt_outputs(L, &spec.output_count);
    spec.correlations = opt_correlate(L, &spec.correlation_count);
    spec.sampling = (ks_sim_sampling)opt_choice(L, "sampling",
                                                sampling_names);
    spec.copula = (ks_sim_copula)opt_choice(L, "copula", copula_names);
    int show = lk_rawfield(L, OPTIONS, "progress") == LUA_TNIL ||
               lua_toboolean(L, -1);
    lua_pop(L, 1);
    progress_bar bar = { {0, 0}, 0, show && isatty(STDERR_FILENO), -1 };
    clock_gettime(CLOCK_MONOTONIC, &bar.start);
    spec.progress = progress_draw;
    spec.progress_data = &bar;

    sim_handle *handle = lua_newuserdatauv(L, sizeof *handle, 0);
    memset(handle, 0, sizeof *handle);
    handle->busy.finish_close = aux_finish_close;
    luaL_setmetatable(L, LK_SIMULATION);
    ks_error err;
    ks_status status = ks_simulate(model, &spec, &handle->result, &err);
    if (bar.shown)
        fputc('\n', stderr);
    if (status != KS_OK)
        return lk_raise(L, &err);
    for (int o = 0; o < ks_sim_output_count(handle->result); o++)
        if (ks_sim_count(handle->result, o) == 0)
            return luaL_error(L, "simulate: %s gave no number in any of its "
                                 "%I trials; the first: %s",
                              ks_sim_output_name(handle->result, o),
                              (lua_Integer)ks_sim_trials(handle->result),
                              ks_sim_invalid_reason(handle->result, o));
    return 1;
}

/* ---- the result ------------------------------------------------------------- */

/* The open result at 1, pinned for the rest of the call (reading the
 * arguments may run Lua code that closes it).  The method takes `nargs`
 * arguments, self included: the stack is set to that many first, so the
 * pin lies above them and an argument left out reads as nil, never as
 * the pin. */
ks_sim_result *lk_check_simulation(lua_State *L, int nargs)
{
    lua_settop(L, nargs);
    sim_handle *handle = luaL_checkudata(L, 1, LK_SIMULATION);
    lk_pin(L, 1, &handle->busy);
    if (!handle->result)
        luaL_error(L, "attempt to use a closed simulation");
    return handle->result;
}

/* The output named at idx; raises naming the outputs there are. */
int lk_check_sim_output(lua_State *L, ks_sim_result *result, int idx)
{
    const char *cell = lk_check_string(L, idx);
    int output = ks_sim_output_find(result, cell);
    if (output >= 0)
        return output;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int o = 0; o < ks_sim_output_count(result); o++) {
        if (o > 0)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, ks_sim_output_name(result, o));
    }
    luaL_pushresult(&b);
    return luaL_argerror(L, idx, lua_pushfstring(L, "'%s' is not an output of "
                                                    "this simulation (outputs: %s)",
                                                 cell, lua_tostring(L, -1)));
}

typedef double (*stat_fn)(const ks_sim_result *, int);

static int aux_stat(lua_State *L, stat_fn fn)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    int output = lk_check_sim_output(L, result, 2);
    double value = fn(result, output);
    if (isnan(value))
        lua_pushnil(L);
    else
        lua_pushnumber(L, value);
    return 1;
}

static int r_mean(lua_State *L) { return aux_stat(L, ks_sim_mean); }
static int r_sd(lua_State *L) { return aux_stat(L, ks_sim_sd); }
static int r_min(lua_State *L) { return aux_stat(L, ks_sim_min); }
static int r_max(lua_State *L) { return aux_stat(L, ks_sim_max); }

/* r:count(cell), r:invalid(cell): trials that gave a number, and not */
static int r_count(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    lua_pushinteger(L, ks_sim_count(result, lk_check_sim_output(L, result, 2)));
    return 1;
}

static int r_invalid(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    lua_pushinteger(L, ks_sim_invalid(result, lk_check_sim_output(L, result, 2)));
    return 1;
}

/* r:overflow(cell): the invalid trials whose output was too large to hold */
static int r_overflow(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    lua_pushinteger(L, ks_sim_overflow(result, lk_check_sim_output(L, result, 2)));
    return 1;
}

static int r_percentile(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 3);
    int output = lk_check_sim_output(L, result, 2);
    double q = luaL_checknumber(L, 3);
    if (!(q >= 0 && q <= 100))
        return luaL_argerror(L, 3, "q must be from 0 to 100");
    double value;
    ks_error err;
    if (ks_sim_percentile(result, output, q, &value, &err) != KS_OK) {
        if (err.code == KS_EINVAL) { /* no numbers at all */
            lua_pushnil(L);
            return 1;
        }
        return lk_raise(L, &err);
    }
    lua_pushnumber(L, value);
    return 1;
}

/* A finite or infinite number at idx, never NaN: a level (x, a, b). */
static double aux_check_level(lua_State *L, int idx, const char *name)
{
    double x = luaL_checknumber(L, idx);
    if (isnan(x))
        return luaL_argerror(L, idx, lua_pushfstring(L, "%s must be a number, "
                                                        "got nan", name));
    return x;
}

static int aux_push_share(lua_State *L, double share)
{
    if (isnan(share))
        lua_pushnil(L);
    else
        lua_pushnumber(L, share);
    return 1;
}

/* r:prob(cell, op, x): the share where `cell op x`; r:prob(cell, a, b):
 * the share with a <= cell <= b */
static int r_prob(lua_State *L)
{
    static const char *const ops[] = { "<", "<=", ">", ">=", NULL };
    ks_sim_result *result = lk_check_simulation(L, 4);
    int output = lk_check_sim_output(L, result, 2);
    if (lua_type(L, 3) == LUA_TNUMBER) {
        double a = aux_check_level(L, 3, "a");
        double b = aux_check_level(L, 4, "b");
        return aux_push_share(L, ks_sim_prob_range(result, output, a, b));
    }
    lk_check_string(L, 3);
    int op = luaL_checkoption(L, 3, NULL, ops);
    double x = aux_check_level(L, 4, "x");
    return aux_push_share(L, ks_sim_prob(result, output, (ks_sim_op)op, x));
}

/* r:se(cell, stat): the standard error of "mean" or a percentile "p95" */
static int r_se(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 3);
    int output = lk_check_sim_output(L, result, 2);
    ks_sim_stat stat = aux_check_stat(L, 3, lk_opt_string(L, 3, "mean"));
    double se;
    ks_error err;
    if (ks_sim_se(result, output, stat, &se, &err) != KS_OK)
        return lk_raise(L, &err);
    lua_pushnumber(L, se);
    return 1;
}

/* r:ci(cell, stat, level) -> lo, hi (level default 0.95) */
static int r_ci(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 4);
    int output = lk_check_sim_output(L, result, 2);
    ks_sim_stat stat = aux_check_stat(L, 3, lk_opt_string(L, 3, "mean"));
    double level = lua_isnoneornil(L, 4) ? 0.95
                                         : aux_check_level(L, 4, "level");
    if (!(level > 0 && level < 1))
        return luaL_argerror(L, 4, "level must be between 0 and 1");
    double lo, hi;
    ks_error err;
    if (ks_sim_ci(result, output, stat, level, &lo, &hi, &err) != KS_OK)
        return lk_raise(L, &err);
    lua_pushnumber(L, lo);
    lua_pushnumber(L, hi);
    return 2;
}

/* r:values(cell): the kept trials of an output or drawn cell, a table of
 * r:trials() numbers in trial order, NaN where the output gave none */
static int r_values(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    const char *cell = lk_check_string(L, 2);
    if (!ks_sim_kept(result))
        return luaL_error(L, "values: the trials were not kept (simulate "
                             "with keep = true)");
    int output = ks_sim_output_find(result, cell);
    int draw = output < 0 ? ks_sim_draw_find(result, cell) : -1;
    if (output < 0 && draw < 0)
        return luaL_argerror(L, 2, lua_pushfstring(L, "'%s' is neither an output "
                                                      "nor a drawn cell of this "
                                                      "simulation", cell));
    const double *values = output >= 0 ? ks_sim_output_values(result, output)
                                       : ks_sim_draw_values(result, draw);
    int64_t trials = ks_sim_trials(result);
    if (trials > INT_MAX - 1)
        return luaL_error(L, "values: too many trials for a table");
    lua_createtable(L, (int)trials, 0);
    for (int64_t t = 0; t < trials; t++) {
        lua_pushnumber(L, values[t]);
        lua_rawseti(L, -2, (lua_Integer)t + 1);
    }
    return 1;
}

/* r:export(path): the kept trials as CSV; true, or nil and a message */
static int r_export(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    const char *path = lk_check_string(L, 2);
    if (!ks_sim_kept(result))
        return luaL_error(L, "export: the trials were not kept (simulate "
                             "with keep = true)");
    lk_check_path(L, path, LK_PATH_WRITE);
    ks_error err;
    if (ks_sim_export_csv(result, path, &err) != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* r:converged(): whether the stop rule held (false without one) */
static int r_converged(lua_State *L)
{
    lua_pushboolean(L, ks_sim_stop_held(lk_check_simulation(L, 1)));
    return 1;
}

/* r:reason(cell): why its first invalid trial was, or nil */
static int r_reason(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    const char *why = ks_sim_invalid_reason(result, lk_check_sim_output(L, result, 2));
    if (why[0])
        lua_pushstring(L, why);
    else
        lua_pushnil(L);
    return 1;
}

/* r:histogram(cell, bins) -> counts, edges (bins + 1 edges from min to max) */
static int r_histogram(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 3);
    int output = lk_check_sim_output(L, result, 2);
    lua_Integer bins = luaL_optinteger(L, 3, 20);
    luaL_argcheck(L, bins >= 1 && bins <= 1000000, 3,
                  "bins must be from 1 to 1000000");
    int64_t *counts = lua_newuserdatauv(L, (size_t)bins * sizeof *counts, 0);
    double lo, hi;
    ks_error err;
    if (ks_sim_histogram(result, output, (int)bins, counts, &lo, &hi, &err) !=
        KS_OK)
        return lk_raise(L, &err);
    lua_createtable(L, (int)bins, 0);
    for (lua_Integer i = 0; i < bins; i++) {
        lua_pushinteger(L, counts[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_createtable(L, (int)bins + 1, 0);
    for (lua_Integer i = 0; i <= bins && !isnan(lo); i++) {
        lua_pushnumber(L, i == bins ? hi : lo + (hi - lo) * (double)i / (double)bins);
        lua_rawseti(L, -2, i + 1);
    }
    return 2;
}

static int r_outputs(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 1);
    int count = ks_sim_output_count(result);
    lua_createtable(L, count, 0);
    for (int o = 0; o < count; o++) {
        lua_pushstring(L, ks_sim_output_name(result, o));
        lua_rawseti(L, -2, o + 1);
    }
    return 1;
}

static int r_trials(lua_State *L)
{
    lua_pushinteger(L, ks_sim_trials(lk_check_simulation(L, 1)));
    return 1;
}

/* A statistic through the core's display formatter (not a number: "-"):
 * whole from 1,000 on, where a simulated figure's decimals are noise,
 * else the formatter's automatic precision. */
static void aux_stat_cell(lua_State *L, lk_text_table *table, double value)
{
    char text[64];
    ks_number_style style = ks_number_style_for_unit(
        NULL, fabs(value) >= 1000 ? 0 : KS_DECIMALS_AUTO);
    ks_format_display(text, sizeof text, value, &style);
    lk_text_cell(L, table, text);
}

/* The output's distribution in one line of SPARK_BINS block characters,
 * each bin's height its count over the largest's (an empty bin a space). */
#define SPARK_BINS 16
static void aux_spark_cell(lua_State *L, lk_text_table *table,
                           ks_sim_result *result, int output)
{
    static const char *const blocks[] = { "\u2581", "\u2582", "\u2583",
                                          "\u2584", "\u2585", "\u2586",
                                          "\u2587", "\u2588" };
    int64_t counts[SPARK_BINS];
    double lo, hi;
    if (ks_sim_histogram(result, output, SPARK_BINS, counts, &lo, &hi, NULL) !=
            KS_OK || isnan(lo)) {
        lk_text_cell(L, table, "");
        return;
    }
    if (lo == hi) { /* one value: a single bar */
        lk_text_cell(L, table, blocks[7]);
        return;
    }
    int64_t top = 1;
    for (int b = 0; b < SPARK_BINS; b++)
        top = counts[b] > top ? counts[b] : top;
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int b = 0; b < SPARK_BINS; b++) {
        if (counts[b] == 0) {
            luaL_addchar(&buffer, ' ');
            continue;
        }
        int level = (int)((counts[b] * 8 - 1) / top); /* 0 .. 7 */
        luaL_addstring(&buffer, blocks[level]);
    }
    luaL_pushresult(&buffer);
    lk_text_cell(L, table, lua_tostring(L, -1));
    lua_pop(L, 1);
}

static int r_tostring(lua_State *L)
{
    sim_handle *handle = luaL_checkudata(L, 1, LK_SIMULATION);
    if (!handle->result) {
        lua_pushliteral(L, "kessan.Simulation (closed)");
        return 1;
    }
    ks_sim_result *result = lk_check_simulation(L, 1);
    static const char *const heads[] = { "output", "mean", "sd", "p5", "p50",
                                         "p95", "min", "max", "distribution" };
    lk_text_table table;
    lk_text_begin(L, &table, 9);
    for (int h = 0; h < 9; h++)
        lk_text_cell(L, &table, heads[h]);
    int outputs = ks_sim_output_count(result);
    for (int o = 0; o < outputs; o++) {
        lk_text_cell(L, &table, ks_sim_output_name(result, o));
        aux_stat_cell(L, &table, ks_sim_mean(result, o));
        aux_stat_cell(L, &table, ks_sim_sd(result, o));
        static const double qs[] = { 5, 50, 95 };
        for (int k = 0; k < 3; k++) {
            double value = NAN;
            if (ks_sim_percentile(result, o, qs[k], &value, NULL) != KS_OK)
                value = NAN;
            aux_stat_cell(L, &table, value);
        }
        aux_stat_cell(L, &table, ks_sim_min(result, o));
        aux_stat_cell(L, &table, ks_sim_max(result, o));
        aux_spark_cell(L, &table, result, o);
    }
    lua_pushfstring(L, "kessan.Simulation (%I trials%s)",
                    (lua_Integer)ks_sim_trials(result),
                    ks_sim_kept(result) ? ", kept" : "");
    lk_text_end(L, &table, lua_tostring(L, -1));
    lua_remove(L, -2); /* the title */
    /* the outputs some trials of which gave no number, and why */
    int text = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    lua_pushvalue(L, text);
    luaL_addvalue(&buffer);
    for (int o = 0; o < outputs; o++) {
        int64_t invalid = ks_sim_invalid(result, o);
        if (invalid == 0)
            continue;
        lua_pushfstring(L, "\n%s: %I of %I trials gave no number; the first, "
                           "%s", ks_sim_output_name(result, o),
                        (lua_Integer)invalid, (lua_Integer)ks_sim_trials(result),
                        ks_sim_invalid_reason(result, o));
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    lua_remove(L, text);
    return 1;
}

/* r:close(), __gc, __close: free the result once; a pinned result reads
 * as closed now and is freed at its last unpin. */
static int r_close(lua_State *L)
{
    sim_handle *handle = luaL_checkudata(L, 1, LK_SIMULATION);
    ks_sim_result *result = handle->result;
    handle->result = NULL;
    if (result && lk_busy_defer_close(&handle->busy)) {
        handle->closing = result;
        return 0;
    }
    ks_sim_result_free(result);
    return 0;
}

/* ---- registration ------------------------------------------------------------ */

static const luaL_Reg dist_functions[] = {
    {"fixed", dist_fixed},
    {"normal", dist_normal},
    {"lognormal", dist_lognormal},
    {"uniform", dist_uniform},
    {"triangular", dist_triangular},
    {"pert", dist_pert},
    {"discrete", dist_discrete},
    {"threads", k_threads},
    {NULL, NULL}
};

static const luaL_Reg dist_methods[] = {
    {"mean", dist_mean},
    {"variance", dist_variance},
    {NULL, NULL}
};

static const luaL_Reg result_methods[] = {
    {"mean", r_mean},
    {"sd", r_sd},
    {"min", r_min},
    {"max", r_max},
    {"percentile", r_percentile},
    {"prob", r_prob},
    {"histogram", r_histogram},
    {"count", r_count},
    {"invalid", r_invalid},
    {"overflow", r_overflow},
    {"outputs", r_outputs},
    {"trials", r_trials},
    {"se", r_se},
    {"ci", r_ci},
    {"values", r_values},
    {"export", r_export},
    {"converged", r_converged},
    {"reason", r_reason},
    {"close", r_close},
    {NULL, NULL}
};

static void aux_metatable(lua_State *L, const char *name,
                          const luaL_Reg *methods, lua_CFunction tostring,
                          lua_CFunction gc)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    if (gc) {
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__close");
    }
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
}

void lk_sim_add_result_methods(lua_State *L, const luaL_Reg *methods)
{
    luaL_getmetatable(L, LK_SIMULATION);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, methods, 0);
    lua_pop(L, 2);
}

void lk_simulate_register(lua_State *L)
{
    static const luaL_Reg model_methods[] = {
        {"simulate", m_simulate},
        {NULL, NULL}
    };
    int module = lua_gettop(L);
    aux_metatable(L, LK_DISTRIBUTION, dist_methods, dist_tostring, NULL);
    aux_metatable(L, LK_SIMULATION, result_methods, r_tostring, r_close);
    luaL_newmetatable(L, LK_SIM_POOL);
    lua_pushcfunction(L, pool_gc);
    lua_setfield(L, -2, "__gc");
    lk_protect_metatable(L, -1);
    lua_pop(L, 1);
    luaL_setfuncs(L, dist_functions, 0);
    lk_model_add_methods(L, model_methods);
    lua_settop(L, module);
}
