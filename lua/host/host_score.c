/*
 * host_score.c -- `kessan score MODEL SCRIPT --actuals FILE`: a forecast
 * scored against what happened.  SCRIPT is called with the opened model
 * and returns its simulation (r, or r, low, high with the scenarios whose
 * range should hold each actual); FILE, a values file of the next
 * release's figures, is imported into a scenario of the model, and each
 * output with an actual is scored (r:score): its PIT, CRPS, pinball
 * losses at --quantiles, whether low-high held it, then the calibration
 * summary over them all.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/host_options.h"
#include "host/host_scenario.h"
#include "kessan/text.h"

typedef struct score_args {
    const char *model, *script, *actuals, *quantiles, *low, *high;
    int csv;
} score_args;

/* The report, in Lua over r:score: arguments model directory, the loaded
 * script, actuals path, quantile list text, low name, high name, csv, and
 * the data formatter (data_number).  Figures go through the one display
 * formatter (kessan.format: grouped, negatives in parentheses, the
 * output's unit) in the table, through the data formatter in CSV. */
static const char score_driver[] =
    "local model_dir, script, actuals, levels, low_name, high_name, csv, data,\n"
    "  traceback = ...\n"
    "local kessan = require 'kessan'\n"
    "local m = assert(kessan.open(model_dir))\n"
    "local called = table.pack(xpcall(script, traceback, m))\n"
    "if not called[1] then return called[2] end\n"
    "local r, low, high = called[2], called[3], called[4]\n"
    "if type(r) ~= 'userdata' or not pcall(function() return r:trials() end) then\n"
    "  error('the script must return its simulation (return r [, low, high])', 0)\n"
    "end\n"
    "local quantiles = {}\n"
    "for field in (levels .. ','):gmatch('([^,]*),') do\n"
    "  local q = tonumber(field)\n"
    "  if not q or not (q > 0 and q < 1) then\n"
    "    error(\"--quantiles: '\" .. field .. \"' is not a level in (0, 1)\", 0)\n"
    "  end\n"
    "  quantiles[#quantiles + 1] = q\n"
    "end\n"
    "if low_name then low = m:scenario(low_name) end\n"
    "if high_name then high = m:scenario(high_name) end\n"
    "local options = { model = m, quantiles = quantiles }\n"
    "if low and high then options.low, options.high = low, high end\n"
    "local scores = r:score(actuals, options)\n"
    "local function unit_of(cell)\n"
    "  local item = m:item((cell:match('^[^@]*')))\n"
    "  return item and item.unit\n"
    "end\n"
    "local function figure(x, unit)\n"
    "  if x == nil then return csv and '' or '-' end\n"
    "  if csv then return data(x) end\n"
    "  return kessan.format(x, unit)\n"
    "end\n"
    "local header = { 'cell', 'actual', 'pit', 'crps' }\n"
    "for _, q in ipairs(quantiles) do header[#header + 1] = 'pinball_' .. data(q) end\n"
    "if options.low then header[#header + 1] = 'low'; header[#header + 1] = 'high';\n"
    "  header[#header + 1] = 'held' end\n"
    "local rows = { header }\n"
    "for _, s in ipairs(scores) do\n"
    "  local unit = unit_of(s.cell)\n"
    "  local pit = csv and data(s.pit) or kessan.format(s.pit, { decimals = 4 })\n"
    "  local row = { s.cell, figure(s.actual, unit), pit, figure(s.crps, unit) }\n"
    "  for _, q in ipairs(quantiles) do row[#row + 1] = figure(s.pinball[q], unit) end\n"
    "  if options.low then\n"
    "    row[#row + 1] = figure(s.low, unit); row[#row + 1] = figure(s.high, unit)\n"
    "    row[#row + 1] = s.held == nil and '-' or s.held and 'yes' or 'no'\n"
    "  end\n"
    "  rows[#rows + 1] = row\n"
    "end\n"
    "if csv then\n"
    "  for _, row in ipairs(rows) do io.write(table.concat(row, ','), '\\n') end\n"
    "  return\n"
    "end\n"
    "local widths = {}\n"
    "for _, row in ipairs(rows) do for i, f in ipairs(row) do\n"
    "  widths[i] = math.max(widths[i] or 0, #f) end end\n"
    "for _, row in ipairs(rows) do\n"
    "  local out = {}\n"
    "  for i, f in ipairs(row) do\n"
    "    out[i] = i == 1 and f .. (' '):rep(widths[i] - #f) or (' '):rep(widths[i] - #f) .. f\n"
    "  end\n"
    "  io.write(table.concat(out, '  '), '\\n')\n"
    "end\n"
    "local s = scores.summary\n"
    "if s.count == 0 then io.write('no output has an actual in ', actuals, '\\n') return end\n"
    "local function share(x) return kessan.format(x, { percent = true, decimals = 0 }) end\n"
    "local function fraction(x) return kessan.format(x, { decimals = 3 }) end\n"
    "io.write(s.count, ' scored: mean PIT ', fraction(s.mean_pit), ' (0.5 calibrated), ',\n"
    "  'inside the central 50% ', share(s.inside_50), ', the central 90% ',\n"
    "  share(s.inside_90), ', KS distance of the PITs ', fraction(s.ks_distance),\n"
    "  ', mean CRPS ', kessan.format(s.mean_crps),\n"
    "  scores[1].exact and '' or ' (from the sketch)', '\\n')\n";

/* The script's message handler: its error with a traceback (the script's
 * own mistakes keep theirs, the command's are one line). */
static int score_traceback(lua_State *L)
{
    const char *message = lua_tostring(L, 1);
    luaL_traceback(L, L, message ? message : "(error object is not a "
                   "string)", 1);
    return 1;
}

/* The data formatter for the driver: a number's shortest text that reads
 * back as the same double (ks_format_data), "" when not finite. */
static int score_data_number(lua_State *L)
{
    char text[KS_DATA_NUMBER_MAX];
    ks_format_data(text, sizeof text, luaL_checknumber(L, 1));
    lua_pushstring(L, text);
    return 1;
}

typedef struct score_job {
    host_state *state;
    const score_args *args;
} score_job;

/* Protected: the driver under lua_pcall.  Returns the script's error
 * with its traceback (a string), or the driver's own error as a string
 * after `false`, or nothing on success. */
static int score_main(lua_State *L)
{
    score_job *job = lua_touserdata(L, 1);
    const score_args *args = job->args;
    if (luaL_loadbuffer(L, score_driver, sizeof score_driver - 1,
                        "=score") != LUA_OK)
        return lua_error(L);
    lua_pushstring(L, args->model);
    int loaded = host_load_file(job->state, args->script);
    if (loaded == LUA_ERRMEM)
        return lua_error(L);
    if (loaded != LUA_OK) { /* no such script, or one that does not parse */
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushstring(L, args->actuals);
    lua_pushstring(L, args->quantiles ? args->quantiles : "0.1,0.5,0.9");
    args->low ? (void)lua_pushstring(L, args->low) : lua_pushnil(L);
    args->high ? (void)lua_pushstring(L, args->high) : lua_pushnil(L);
    lua_pushboolean(L, args->csv);
    lua_pushcfunction(L, score_data_number);
    lua_pushcfunction(L, score_traceback);
    int base = lua_gettop(L) - 10;
    int status = lua_pcall(L, 9, LUA_MULTRET, 0);
    if (status == LUA_ERRMEM)
        return lua_error(L);
    if (status != LUA_OK) { /* the command's own: one line */
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
    }
    return lua_gettop(L) - base;
}

/* A message without the driver's "score:LINE: " (its position says
 * nothing to the user). */
static const char *without_driver_position(const char *message)
{
    if (!message)
        return "(error object is not a string)";
    if (strncmp(message, "score:", 6) != 0)
        return message;
    const char *p = message + 6;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > message + 6 && p[0] == ':' && p[1] == ' ' ? p + 2 : message;
}

/* --quantiles: comma-separated levels in (0, 1); 0, or -1 after
 * reporting the first that is not (exit 1, as cli.md says). */
static int check_quantiles(const char *list)
{
    const char *field = list;
    for (;;) {
        size_t length = strcspn(field, ",");
        char text[64] = "";
        char *end = NULL;
        double q = NAN;
        if (length < sizeof text) {
            memcpy(text, field, length);
            q = strtod(text, &end);
        }
        if (length == 0 || length >= sizeof text || *end != '\0' ||
            !(q > 0 && q < 1)) {
            host_error("score", "--quantiles: '%.*s' is not a level in "
                       "(0, 1)", (int)length, field);
            return -1;
        }
        if (field[length] == '\0')
            return 0;
        field += length + 1;
    }
}

/* --low and --high name scenarios saved in the model: 0, or -1 after
 * reporting the first that is not, with the nearest saved name. */
static int check_scenarios(const score_args *args)
{
    if (!args->low)
        return 0;
    ks_model *model = NULL, *scenario = NULL;
    ks_error err;
    const char *option = "--low";
    ks_status status = ks_model_open(args->model, NULL, &model, &err);
    if (status == KS_OK) {
        status = host_open_scenario(model, args->model, args->low, &scenario,
                                    &err);
        ks_model_free(scenario);
        scenario = NULL;
    }
    if (status == KS_OK) {
        option = "--high";
        status = host_open_scenario(model, args->model, args->high,
                                    &scenario, &err);
        ks_model_free(scenario);
    }
    ks_model_free(model);
    if (status == KS_OK)
        return 0;
    host_error("score", model ? "%s: %s" : "%.0s%s", option, err.message);
    return -1;
}

enum { SCORE_ACTUALS = HOST_OPTION_FIRST, SCORE_QUANTILES, SCORE_LOW,
       SCORE_HIGH, SCORE_FORMAT };

static const struct option score_options[] = {
    { "actuals", required_argument, NULL, SCORE_ACTUALS },
    { "quantiles", required_argument, NULL, SCORE_QUANTILES },
    { "low", required_argument, NULL, SCORE_LOW },
    { "high", required_argument, NULL, SCORE_HIGH },
    { "format", required_argument, NULL, SCORE_FORMAT },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

static const char *const score_formats[] = { "text", "csv", NULL };

/* One option or operand; 0, or -1 after reporting bad usage. */
static int take_argument(const host_options *options, int next,
                         score_args *args)
{
    const char **slot = next == SCORE_ACTUALS     ? &args->actuals
                        : next == SCORE_QUANTILES ? &args->quantiles
                        : next == SCORE_LOW       ? &args->low
                        : next == SCORE_HIGH      ? &args->high
                                                  : NULL;
    if (slot) {
        *slot = options->value;
        return 0;
    }
    if (next == SCORE_FORMAT) {
        int format = host_option_choice(options, "--format", score_formats,
                                        options->value);
        args->csv = format == 1;
        return format < 0 ? -1 : 0;
    }
    if (!args->model)
        args->model = options->value;
    else if (!args->script)
        args->script = options->value;
    else {
        host_usage_error(&host_score_command, "one model and one script, "
                         "got also '%s'", options->value);
        return -1;
    }
    return 0;
}

static int host_score_main(int argc, char **argv)
{
    score_args args;
    memset(&args, 0, sizeof args);
    host_options options;
    host_options_begin(&options, &host_score_command, score_options,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) > HOST_OPTIONS_END)
        if (take_argument(&options, next, &args) != 0)
            return HOST_EXIT_USAGE;
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    if (!args.model || !args.script)
        return host_usage_error(&host_score_command, "a model and a script "
                                "are needed");
    if (!args.actuals)
        return host_usage_error(&host_score_command, "--actuals FILE is "
                                "needed");
    if (!args.low != !args.high)
        return host_usage_error(&host_score_command, "give both --low and "
                                "--high, or neither");
    if (args.quantiles && check_quantiles(args.quantiles) != 0)
        return HOST_EXIT_FAILURE;
    if (check_scenarios(&args) != 0)
        return HOST_EXIT_FAILURE;
    host_limits limits;
    memset(&limits, 0, sizeof limits);
    host_state *state = host_state_new(&limits);
    if (!state)
        return HOST_EXIT_FAILURE;
    lua_State *L = host_lua(state);
    score_job job = { state, &args };
    lua_pushcfunction(L, score_main);
    lua_pushlightuserdata(L, &job);
    int below = lua_gettop(L) - 2; /* under the function and its job */
    int status = host_call(state, 1, LUA_MULTRET);
    int results = lua_gettop(L) - below;
    int ok = status == LUA_OK && results == 0;
    if (status != LUA_OK)
        host_report(state, status);
    else if (results == 1) /* the script's error, with its traceback */
        host_report(state, LUA_ERRRUN);
    else if (results == 2)
        host_error("score", "%s",
                   without_driver_position(lua_tostring(L, -1)));
    host_state_free(state);
    return ok ? HOST_EXIT_OK : HOST_EXIT_FAILURE;
}

const host_command host_score_command = {
    "score",
    "score MODEL SCRIPT --actuals FILE [--quantiles LIST] [--low NAME "
    "--high NAME] [--format text|csv]",
    "A forecast scored against actuals: PIT, CRPS, pinball losses.",
    "SCRIPT is called with the opened MODEL and returns its simulation:\n"
    "`return r`, or `return r, low, high` with the scenarios whose range\n"
    "should hold each actual.  FILE (a values file of what happened, the\n"
    "next release's figures) is imported into a scenario of MODEL, and\n"
    "every output of r with an actual there is scored: its PIT (the\n"
    "forecast's CDF at the actual), its CRPS, its pinball loss at each\n"
    "level, and whether low-high held it; last, the calibration summary\n"
    "over them all (mean PIT, shares inside the central 50% and 90%, the\n"
    "PITs' Kolmogorov-Smirnov distance from uniform, mean CRPS).  With\n"
    "keep = true the scores are exact; without, from the sketch.\n"
    "\noptions:\n"
    "  --actuals FILE     the values file of actual figures (required)\n"
    "  --quantiles LIST   pinball levels, comma-separated (default\n"
    "                     0.1,0.5,0.9)\n"
    "  --low NAME, --high NAME\n"
    "                     saved scenarios of MODEL for the range (over what\n"
    "                     the script returns)\n"
    "  --format text|csv  a table (default) or CSV rows\n"
    "  --help             this text\n",
    host_score_main
};
