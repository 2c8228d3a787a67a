/*
 * lsim_analysis.c -- analysis of a simulation's result in Lua:
 * r:sensitivity(cell), the sensitivity of an output to each drawn cell
 * (needs keep = true), and r:score(actuals [, options]), each output
 * scored against what happened (PIT, CRPS, pinball losses, whether a low
 * and high scenario held it) with a calibration summary.
 */
#include <math.h>
#include <string.h>

#include "binding/lkessan.h"
#include "binding/lsimulate.h"
#include "kessan/sim_analysis.h"

/* t[name] = value, t the table on top */
static void set_number(lua_State *L, const char *name, double value)
{
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name);
}

/* r:sensitivity(cell) -> { {cell =, rank_correlation =, contribution =}, ... } */
static int r_sensitivity(lua_State *L)
{
    ks_sim_result *result = lk_check_simulation(L, 2);
    int output = lk_check_sim_output(L, result, 2);
    int draws = ks_sim_draw_count(result);
    ks_sim_sensitivity *rows = lua_newuserdatauv(
        L, ((size_t)draws + 1) * sizeof *rows, 0);
    ks_error err;
    if (ks_sim_sensitivity_of(result, output, rows, &err) != KS_OK)
        return lk_raise(L, &err);
    lua_createtable(L, draws, 0);
    for (int d = 0; d < draws; d++) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, ks_sim_draw_name(result, rows[d].draw));
        lua_setfield(L, -2, "cell");
        set_number(L, "rank_correlation", rows[d].rank_correlation);
        set_number(L, "contribution", rows[d].contribution);
        lua_rawseti(L, -2, d + 1);
    }
    return 1;
}

/* ---- score --------------------------------------------------------------- */

/* the arguments, the result's pin (lk_check_simulation), the actuals'
 * model */
enum { SELF = 1, ACTUALS, OPTIONS, PIN, MODEL_SLOT };

#define LEVELS_MAX 64

/* The number a model or scenario holds at `cell`, or NaN (none there, or
 * the cell is not in it).  With `from_file` (a scenario a values file was
 * read into), only a figure the file gave, or one its figures changed (a
 * year's total from the file's quarter): a cell the file left empty or
 * did not name holds the model's own figure, which is no actual. */
static double model_number(ks_model *model, const char *cell, int from_file)
{
    int item, period;
    ks_error err;
    ks_value value, base;
    if (ks_cell_lookup(model, cell, &item, &period, &err) != KS_OK ||
        ks_get(model, item, period, &value, &err) != KS_OK ||
        value.kind != KS_NUMBER)
        return NAN;
    if (!from_file ||
        ks_get(ks_model_base(model), item, period, &base, &err) != KS_OK ||
        base.kind != KS_NUMBER || base.number != value.number)
        return value.number;
    int given = value.provenance == KS_PROV_OVERRIDDEN &&
                base.provenance != KS_PROV_OVERRIDDEN;
    return given ? value.number : NAN;
}

/* actual[o] for every output: from `model`, or from the table at ACTUALS
 * {[cell] = number} (a cell as given to simulate or as the model writes
 * it; a key that is no output, or a value that is no number, raises);
 * NaN where there is none. */
static void actuals_of(lua_State *L, ks_sim_result *result, ks_model *model,
                       double *actual)
{
    int outputs = ks_sim_output_count(result);
    int from_file = lua_type(L, ACTUALS) == LUA_TSTRING;
    for (int o = 0; o < outputs; o++)
        actual[o] = model ? model_number(model, ks_sim_output_name(result, o),
                                         from_file)
                          : NAN;
    if (model)
        return;
    lua_pushnil(L);
    while (lua_next(L, ACTUALS)) {
        int output = lua_type(L, -2) == LUA_TSTRING
                         ? ks_sim_output_find(result, lua_tostring(L, -2))
                         : -1;
        if (output < 0) { /* raised as the actuals argument, which the
                             key takes: the table is walked no more */
            lua_pushvalue(L, -2);
            lua_replace(L, ACTUALS);
            lk_check_sim_output(L, result, ACTUALS);
        }
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "score: the actual of '%s' must be a number, got %s",
                       lua_tostring(L, -2), luaL_typename(L, -1));
        actual[output] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
}

/* The actuals as a model: the Model or Scenario given, or a values file
 * imported into a scenario of options.model (left at MODEL_SLOT). */
static ks_model *actuals_model(lua_State *L)
{
    if (lk_to_handle(L, ACTUALS)) {
        lua_pushvalue(L, ACTUALS);
        lua_replace(L, MODEL_SLOT);
        return lk_pin_model(L, MODEL_SLOT);
    }
    if (lua_type(L, ACTUALS) != LUA_TSTRING)
        return NULL;
    const char *path = lk_check_string(L, ACTUALS);
    if (lk_rawfield(L, OPTIONS, "model") == LUA_TNIL)
        luaL_argerror(L, OPTIONS, "a values file needs the model it belongs "
                                  "to: r:score(path, {model = m})");
    int given = lua_gettop(L);
    lk_handle *owner = lk_to_handle(L, given);
    if (!owner)
        luaL_argerror(L, OPTIONS, "field 'model' must be a Model or Scenario");
    ks_model *base = lk_pin_model(L, given);
    int parent = given;
    if (owner->is_scenario) { /* a scenario's scenario is on its Model */
        lua_getiuservalue(L, given, 1);
        parent = lua_gettop(L);
    }
    lk_check_path(L, path, LK_PATH_READ);
    lk_handle *handle = lk_new_handle(L, 1, parent);
    ks_error err;
    if (ks_scenario_new(base, "actuals", &handle->model, &err) != KS_OK)
        lk_raise(L, &err);
    lk_live_add(handle->live, handle->model);
    ks_import_options options = { .provenance = KS_PROV_OVERRIDDEN,
                                  .override = 1, .sheet = NULL };
    if (ks_import_values_with(handle->model, path, &options, &err) != KS_OK)
        lk_raise(L, &err);
    /* the new scenario stays on the stack, a copy at MODEL_SLOT */
    lua_pushvalue(L, -1);
    lua_replace(L, MODEL_SLOT);
    return handle->model;
}

/* options.quantiles: levels in (0, 1); default 0.1, 0.5, 0.9. */
static int levels_of(lua_State *L, double *levels)
{
    if (lk_rawfield(L, OPTIONS, "quantiles") == LUA_TNIL) {
        lua_pop(L, 1);
        levels[0] = 0.1;
        levels[1] = 0.5;
        levels[2] = 0.9;
        return 3;
    }
    if (!lua_istable(L, -1))
        luaL_argerror(L, OPTIONS, "field 'quantiles' must be a list of levels "
                                  "in (0, 1)");
    int count = (int)lua_rawlen(L, -1);
    if (count < 1 || count > LEVELS_MAX)
        luaL_argerror(L, OPTIONS, "field 'quantiles' must hold 1 to 64 levels");
    for (int i = 0; i < count; i++) {
        lua_rawgeti(L, -1, i + 1);
        int is_number = lua_type(L, -1) == LUA_TNUMBER;
        levels[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (!is_number || !(levels[i] > 0 && levels[i] < 1))
            luaL_argerror(L, OPTIONS, lua_pushfstring(
                                          L, "quantiles[%d] must be a number in "
                                             "(0, 1)", i + 1));
    }
    lua_pop(L, 1);
    return count;
}

/* options.low and options.high: the scenarios whose range should hold the
 * actual (both or neither). */
static int range_of(lua_State *L, ks_model **low, ks_model **high)
{
    int top = lua_gettop(L);
    int has_low = lk_rawfield(L, OPTIONS, "low") != LUA_TNIL;
    int has_high = lk_rawfield(L, OPTIONS, "high") != LUA_TNIL;
    if (has_low != has_high)
        luaL_argerror(L, OPTIONS, "give both 'low' and 'high' scenarios, or "
                                  "neither");
    if (!has_low) {
        lua_settop(L, top);
        return 0;
    }
    *low = lk_pin_model(L, top + 1);
    *high = lk_pin_model(L, top + 2);
    return 1;
}

static void push_score(lua_State *L, ks_sim_result *result, int output,
                       const ks_sim_score *score, const double *levels,
                       int level_count, ks_model *low, ks_model *high)
{
    lua_createtable(L, 0, 8);
    lua_pushstring(L, ks_sim_output_name(result, output));
    lua_setfield(L, -2, "cell");
    set_number(L, "actual", score->actual);
    set_number(L, "pit", score->pit);
    set_number(L, "crps", score->crps);
    set_number(L, "crps_bound", score->crps_bound);
    lua_pushboolean(L, score->exact);
    lua_setfield(L, -2, "exact");
    lua_createtable(L, level_count, 0);
    for (int i = 0; i < level_count; i++) {
        double loss;
        ks_error err;
        if (ks_sim_pinball(result, output, score->actual, levels[i], &loss,
                           &err) != KS_OK)
            lk_raise(L, &err);
        lua_pushnumber(L, levels[i]);
        lua_pushnumber(L, loss);
        lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "pinball");
    if (low) {
        const char *cell = ks_sim_output_name(result, output);
        double a = model_number(low, cell, 0), b = model_number(high, cell, 0);
        set_number(L, "low", a);
        set_number(L, "high", b);
        if (isfinite(a) && isfinite(b)) { /* else unknown: held is nil */
            lua_pushboolean(L, score->actual >= fmin(a, b) &&
                                   score->actual <= fmax(a, b));
            lua_setfield(L, -2, "held");
        }
    }
}

static void push_summary(lua_State *L, const ks_sim_score *scores, int count)
{
    ks_score_summary summary;
    ks_score_summarize(scores, count, &summary);
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, summary.count);
    lua_setfield(L, -2, "count");
    set_number(L, "mean_pit", summary.mean_pit);
    set_number(L, "mean_crps", summary.mean_crps);
    set_number(L, "inside_50", summary.inside_50);
    set_number(L, "inside_90", summary.inside_90);
    set_number(L, "ks_distance", summary.ks_distance);
}

/* r:score(actuals [, {quantiles =, low =, high =, model =}]) -> {
 *   {cell =, actual =, pit =, crps =, crps_bound =, exact =, pinball =
 *    {[level] = loss}, low =, high =, held =}, ..., summary = {...} } */
static int r_score(lua_State *L)
{
    static const char *const known[] = { "quantiles", "low", "high", "model",
                                         NULL };
    ks_sim_result *result = lk_check_simulation(L, 3);
    if (lua_isnoneornil(L, OPTIONS)) {
        lua_newtable(L);
        lua_replace(L, OPTIONS);
    }
    luaL_checktype(L, OPTIONS, LUA_TTABLE);
    lk_check_options(L, OPTIONS, known);
    lua_settop(L, MODEL_SLOT);
    ks_model *model = actuals_model(L);
    if (!model && !lua_istable(L, ACTUALS))
        luaL_argerror(L, ACTUALS, "actuals must be a Model or Scenario, a "
                                  "values file, or a table {[cell] = number}");
    double levels[LEVELS_MAX];
    int level_count = levels_of(L, levels);
    ks_model *low = NULL, *high = NULL;
    range_of(L, &low, &high);
    int outputs = ks_sim_output_count(result);
    ks_sim_score *scores = lua_newuserdatauv(
        L, ((size_t)outputs + 1) * sizeof *scores, 0);
    double *actual = lua_newuserdatauv(L, ((size_t)outputs + 1) *
                                              sizeof *actual, 0);
    actuals_of(L, result, model, actual);
    int scored = 0;
    lua_createtable(L, outputs, 1);
    for (int o = 0; o < outputs; o++) {
        if (!isfinite(actual[o]) || ks_sim_count(result, o) == 0)
            continue;
        ks_error err;
        if (ks_sim_score_of(result, o, actual[o], &scores[scored], &err) !=
            KS_OK)
            return lk_raise(L, &err);
        push_score(L, result, o, &scores[scored], levels, level_count, low,
                   high);
        lua_rawseti(L, -2, ++scored);
    }
    push_summary(L, scores, scored);
    lua_setfield(L, -2, "summary");
    return 1;
}

void lk_sim_analysis_register(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "sensitivity", r_sensitivity },
        { "score", r_score },
        { NULL, NULL }
    };
    lk_sim_add_result_methods(L, methods);
}
