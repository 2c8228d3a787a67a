/*
 * host_chart.c -- `kessan chart MODEL KIND ARG... [--out FILE.svg]`: a
 * chart of a model as SVG (docs/charts.md, docs/cli.md).  The options are
 * read here; the chart is drawn by a short Lua program over the binding
 * (kessan.chart), run in a host state with the default limits, so that
 * the command and a script draw the same charts.
 */
#include <lauxlib.h>
#include <string.h>

#include "host/host.h"
#include "host/host_options.h"
#include "kessan/text.h"

/* The program: its one argument is the table of the command's options
 * and operands (model, kind, args, out, title, lang, depth, swing,
 * scenarios, forecast, unit). */
static const char host_chart_program[] =
    "local kessan = require 'kessan'\n"
    "local o = ...\n"
    "local m = assert(kessan.open(o.model))\n"
    "local function split(text)\n"
    "  local list = {}\n"
    "  for part in (text or ''):gmatch('[^,]+') do list[#list + 1] = part end\n"
    "  return list\n"
    "end\n"
    "local saved = {}\n"
    "for _, name in ipairs(m:scenarios()) do saved[name] = true end\n"
    "local function handles(names)\n"
    "  local list = {}\n"
    "  for _, name in ipairs(names) do\n"
    "    if name ~= 'base' and not saved[name] then\n"
    "      error('--scenarios: no scenario \\'' .. name .. '\\' saved in '\n"
    "        .. o.model .. ' (saved: base' .. (#m:scenarios() > 0 and ', '\n"
    "        .. table.concat(m:scenarios(), ', ') or '') .. ')', 0)\n"
    "    end\n"
    "    list[#list + 1] = name == 'base' and m or m:scenario(name)\n"
    "  end\n"
    "  return list\n"
    "end\n"
    "local function numbers(text, what)\n"
    "  local list = {}\n"
    "  for _, part in ipairs(split(text)) do\n"
    "    list[#list + 1] = tonumber(part) or error(what .. ': numbers '\n"
    "      .. 'separated by commas expected, got \\'' .. part .. '\\'', 0)\n"
    "  end\n"
    "  if #list == 0 then error(what .. ': values expected', 0) end\n"
    "  return list\n"
    "end\n"
    "local a = o.args\n"
    "local function need(n, usage)\n"
    "  if #a < n then error(o.kind .. ': expected ' .. usage, 0) end\n"
    "end\n"
    "local frame = { out = o.out, title = o.title, lang = o.lang,\n"
    "                unit = o.unit }\n"
    "local function with(t)\n"
    "  for k, v in pairs(frame) do t[k] = v end\n"
    "  return t\n"
    "end\n"
    "local svg, why\n"
    "if o.kind == 'waterfall' then\n"
    "  need(2, 'FROM_CELL TO_CELL')\n"
    "  svg, why = kessan.chart.waterfall(with{ model = m, from = a[1], to = a[2],\n"
    "                                     depth = o.depth })\n"
    "elseif o.kind == 'bars' then\n"
    "  need(1, 'CELL...')\n"
    "  local names = o.scenarios and split(o.scenarios) or { 'base' }\n"
    "  if not o.scenarios then\n"
    "    for _, name in ipairs(m:scenarios()) do names[#names + 1] = name end\n"
    "  end\n"
    "  svg, why = kessan.chart.bars(with{ scenarios = handles(names), cells = a })\n"
    "elseif o.kind == 'fan' then\n"
    "  need(2, 'ITEM PERIOD...')\n"
    "  local periods = table.move(a, 2, #a, 1, {})\n"
    "  local t = { model = m, item = a[1], periods = periods }\n"
    "  if o.scenarios then\n"
    "    t.scenarios = handles(split(o.scenarios))\n"
    "    t.forecast = split(o.forecast)\n"
    "  end\n"
    "  svg, why = kessan.chart.fan(with(t))\n"
    "elseif o.kind == 'tornado' then\n"
    "  need(2, 'OUT_CELL INPUT_CELL...')\n"
    "  local inputs = table.move(a, 2, #a, 1, {})\n"
    "  local t = m:tornado{ out = a[1], inputs = inputs, swing = o.swing }\n"
    "  svg, why = kessan.chart.tornado(with{ bars = t, model = m })\n"
    "elseif o.kind == 'heatmap' then\n"
    "  need(3, 'ROW_CELL VALUES [COL_CELL VALUES] OUT_CELL')\n"
    "  local spec = { rows = { a[1], numbers(a[2], a[1]) }, out = a[#a] }\n"
    "  if #a >= 5 then spec.cols = { a[3], numbers(a[4], a[3]) } end\n"
    "  local g = m:datatable(spec)\n"
    "  local _, _, cell_item = a[#a]:find('^([^@]+)')\n"
    "  local unit = frame.unit or (m:item(cell_item) or {}).unit\n"
    "  svg, why = kessan.chart.heatmap(with{ grid = g, unit = unit })\n"
    "else\n"
    "  error('unknown chart \\'' .. tostring(o.kind) .. '\\' (waterfall, '\n"
    "        .. 'bars, fan, tornado or heatmap; a distribution needs a '\n"
    "        .. 'simulation: r:chart in a script)', 0)\n"
    "end\n"
    "if svg == nil then error(why, 0) end\n"
    "if not o.out then io.write(svg) end\n";

enum {
    CHART_OUT = HOST_OPTION_FIRST,
    CHART_TITLE,
    CHART_LANG,
    CHART_DEPTH,
    CHART_SWING,
    CHART_SCENARIOS,
    CHART_FORECAST,
    CHART_UNIT
};

static const struct option chart_options[] = {
    { "out", required_argument, NULL, CHART_OUT },
    { "title", required_argument, NULL, CHART_TITLE },
    { "lang", required_argument, NULL, CHART_LANG },
    { "depth", required_argument, NULL, CHART_DEPTH },
    { "swing", required_argument, NULL, CHART_SWING },
    { "scenarios", required_argument, NULL, CHART_SCENARIOS },
    { "forecast", required_argument, NULL, CHART_FORECAST },
    { "unit", required_argument, NULL, CHART_UNIT },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

static const char *const chart_option_names[] = {
    "out", "title", "lang", "depth", "swing", "scenarios", "forecast", "unit"
};

/* Protected: the options table at 1 (argv's values), then run; returns
 * true, or false and the message of a bad chart (no traceback: the
 * command's own errors, not a script's). */
static int host_chart_protected(lua_State *L)
{
    if (luaL_loadbuffer(L, host_chart_program,
                        sizeof host_chart_program - 1, "=chart") != LUA_OK)
        return lua_error(L);
    lua_pushvalue(L, 1);
    int status = lua_pcall(L, 1, 0, 0);
    if (status == LUA_ERRMEM)
        return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_insert(L, -2 + (status == LUA_OK));
    return status == LUA_OK ? 1 : 2;
}

/* A message without the program's "chart:LINE: " (the position in the
 * program above says nothing to the user). */
static const char *without_position(const char *message)
{
    if (!message)
        return "(no message)";
    const char *at = message;
    if (strncmp(at, "chart:", 6) != 0)
        return message;
    at += 6;
    size_t digits = strspn(at, "0123456789");
    if (digits == 0 || strncmp(at + digits, ": ", 2) != 0)
        return message;
    return at + digits + 2;
}

typedef struct chart_args {
    const char *values[8];
    const char *operands[64];
    int operand_count;
} chart_args;

/* The arguments as a Lua table: model, kind, args, and each option (a
 * number for depth and swing). */
static int push_options(lua_State *L, const chart_args *args)
{
    lua_newtable(L);
    lua_pushstring(L, args->operands[0]);
    lua_setfield(L, -2, "model");
    lua_pushstring(L, args->operands[1]);
    lua_setfield(L, -2, "kind");
    lua_newtable(L);
    for (int i = 2; i < args->operand_count; i++) {
        lua_pushstring(L, args->operands[i]);
        lua_rawseti(L, -2, i - 1);
    }
    lua_setfield(L, -2, "args");
    for (int k = 0; k < 8; k++) {
        if (!args->values[k])
            continue;
        if (k == CHART_DEPTH - CHART_OUT || k == CHART_SWING - CHART_OUT) {
            char *end;
            double number = ks_strtod_c(args->values[k], &end);
            if (*end || end == args->values[k])
                return host_usage_error(&host_chart_command, "--%s takes a "
                                        "number, got '%s'",
                                        chart_option_names[k],
                                        args->values[k]);
            lua_pushnumber(L, number);
        } else
            lua_pushstring(L, args->values[k]);
        lua_setfield(L, -2, chart_option_names[k]);
    }
    return 0;
}

static int host_chart_draw(const chart_args *args)
{
    host_limits limits = { 0 };
    host_state *state = host_state_new(&limits);
    if (!state)
        return HOST_EXIT_FAILURE;
    lua_State *L = host_lua(state);
    lua_pushcfunction(L, host_chart_protected);
    if (push_options(L, args) != 0) {
        host_state_free(state);
        return HOST_EXIT_USAGE;
    }
    int status = host_call(state, 1, 2);
    int ok = status == LUA_OK && lua_toboolean(L, -2);
    if (status != LUA_OK)
        host_report(state, status);
    else if (!ok)
        host_error("chart", "%s", without_position(lua_tostring(L, -1)));
    host_state_free(state);
    return ok ? HOST_EXIT_OK : HOST_EXIT_FAILURE;
}

static int host_chart_main(int argc, char **argv)
{
    chart_args args;
    memset(&args, 0, sizeof args);
    host_options options;
    host_options_begin(&options, &host_chart_command, chart_options,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) != HOST_OPTIONS_END) {
        if (next == HOST_OPTIONS_HELP || next == HOST_OPTIONS_BAD)
            return host_options_exit(next);
        if (next == HOST_OPTIONS_OPERAND) {
            if (args.operand_count >= 64)
                return host_usage_error(&host_chart_command, "too many "
                                        "arguments");
            args.operands[args.operand_count++] = options.value;
        } else
            args.values[next - CHART_OUT] = options.value;
    }
    if (args.operand_count < 2)
        return host_usage_error(&host_chart_command, "expected MODEL and a "
                                "chart (waterfall, bars, fan, tornado, "
                                "heatmap)");
    return host_chart_draw(&args);
}

const host_command host_chart_command = {
    "chart",
    "chart MODEL KIND ARG... [--out FILE.svg] [--title T] [--lang en|ja]",
    "A chart of a model as SVG: waterfall, bars, fan, tornado, heatmap.",
    "charts:\n"
    "  waterfall FROM_CELL TO_CELL [--depth N]\n"
    "                     the bridge op_income@3Q02 -> op_income@4Q02 along\n"
    "                     the item's formula, opened N levels (default 2)\n"
    "  bars CELL... [--scenarios base,low,high]\n"
    "                     the cells in each scenario side by side (default:\n"
    "                     the model and its saved scenarios)\n"
    "  fan ITEM PERIOD... [--scenarios LOW,BASE,HIGH --forecast P,...]\n"
    "                     the item across the periods; the forecast periods\n"
    "                     from the three scenarios as a band\n"
    "  tornado OUT_CELL INPUT_CELL... [--swing 0.1]\n"
    "                     each input at -+swing, the output's range\n"
    "  heatmap ROW_CELL V1,V2,... [COL_CELL V1,V2,...] OUT_CELL\n"
    "                     a data table of OUT_CELL as a heat map\n"
    "options:\n"
    "  --out FILE.svg     write the chart there (default: standard output)\n"
    "  --title TEXT       the title (default: from the chart's data)\n"
    "  --lang en|ja       the labels' language (fonts for Japanese first)\n"
    "  --unit UNIT        the model's unit of the figures (default: the\n"
    "                     item's); JPY thousands are drawn as JPY bn\n"
    "  --help             this text\n",
    host_chart_main
};
