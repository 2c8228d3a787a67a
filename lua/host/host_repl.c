/*
 * host_repl.c -- `kessan repl [MODEL]`: an interactive calculator.  Each
 * line is tried as an expression first (`return LINE`), then as a
 * statement (text only: never a binary chunk); an incomplete chunk asks
 * for more lines.  Results print readably: tables as nested fields;
 * models, series and kessan's tables whose metatable is protected
 * (explain trees, comparisons) through their __tostring.  With MODEL,
 * the model is opened and bound to `m`; `kessan` and help() are globals
 * (host_repl_helper.c).  An error is its message alone, unless
 * --traceback asks for Lua's traceback too.  Lines, history and
 * completion: host_repl_line.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "host/host.h"
#include "host/host_options.h"
#include "host/host_repl.h"

#define HOST_PROMPT "kessan> "
#define HOST_PROMPT_MORE "    >> "

/* --traceback: errors with Lua's traceback. */
static int host_repl_traceback;

/* The printer of results, run once per line with the results as `...`. */
static const char host_printer_source[] =
    "local function show(v, indent, seen)\n"
    "  local mt = getmetatable(v)\n"
    "  if type(v) == 'string' then return string.format('%q', v) end\n"
    "  if type(v) == 'number' then return string.format('%.14g', v) end\n"
    "  if type(v) ~= 'table' or type(mt) == 'string'\n"
    "     or (type(mt) == 'table' and mt.__tostring) then\n"
    "    return tostring(v)\n"
    "  end\n"
    "  if seen[v] then return '<cycle>' end\n"
    "  seen[v] = true\n"
    "  local keys, n = {}, #v\n"
    "  for k in next, v do\n"
    "    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then\n"
    "      keys[#keys + 1] = k\n"
    "    end\n"
    "  end\n"
    "  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)\n"
    "  local inner, parts = indent .. '  ', {}\n"
    "  for i = 1, n do parts[#parts + 1] = inner .. show(v[i], inner, seen) end\n"
    "  for _, k in ipairs(keys) do\n"
    "    local name = type(k) == 'string' and k:match('^[%a_][%w_]*$') and k\n"
    "      or '[' .. show(k, inner, seen) .. ']'\n"
    "    parts[#parts + 1] = inner .. name .. ' = ' .. show(v[k], inner, seen)\n"
    "  end\n"
    "  seen[v] = nil\n"
    "  if #parts == 0 then return '{}' end\n"
    "  return '{\\n' .. table.concat(parts, ',\\n') .. '\\n' .. indent .. '}'\n"
    "end\n"
    "for i = 1, select('#', ...) do\n"
    "  print((show(select(i, ...), '', {})))\n"
    "end\n";

/* ---- errors ----------------------------------------------------------- */

/* Report the error on top as host_report does, its traceback cut off
 * unless --traceback. */
static void host_repl_report(host_state *state, int status)
{
    lua_State *L = host_lua(state);
    const char *message = lua_tostring(L, -1);
    const char *traceback = message ? strstr(message, "\nstack traceback:")
                                    : NULL;
    if (traceback && !host_repl_traceback) {
        lua_pushlstring(L, message, (size_t)(traceback - message));
        lua_replace(L, -2);
    }
    host_report(state, status);
}

/* ---- evaluating --------------------------------------------------------- */

static int host_incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX)
        return 0;
    size_t length;
    const char *message = lua_tolstring(L, -1, &length);
    const char *mark = "<eof>";
    size_t mark_length = strlen(mark);
    return message && length >= mark_length &&
           strcmp(message + length - mark_length, mark) == 0;
}

/* Protected: compile the chunk in upvalue-free argument 1 as an expression
 * or a statement; pushes the function, or false and the syntax message. */
static int host_compile(lua_State *L)
{
    size_t length;
    const char *chunk = luaL_checklstring(L, 1, &length);
    const char *expression = lua_pushfstring(L, "return %s;", chunk);
    if (luaL_loadbufferx(L, expression, strlen(expression), "=stdin",
                         "t") == LUA_OK)
        return 1;
    lua_pop(L, 2);
    int status = luaL_loadbufferx(L, chunk, length, "=stdin", "t");
    if (status == LUA_OK)
        return 1;
    lua_pushboolean(L, host_incomplete(L, status) ? 1 : 0);
    lua_insert(L, -2);
    lua_pushboolean(L, 0);
    lua_insert(L, -3);
    return 3; /* false, incomplete, message */
}

/* Protected: run the compiled function at 1 and print its results. */
static int host_evaluate(lua_State *L)
{
    lua_call(L, 0, LUA_MULTRET);
    int results = lua_gettop(L);
    if (results == 0)
        return 0;
    if (luaL_loadbuffer(L, host_printer_source,
                        sizeof host_printer_source - 1, "=printer") !=
        LUA_OK)
        return lua_error(L);
    lua_insert(L, 1);
    lua_call(L, results, 0);
    return 0;
}

/* Protected: the text at light userdata 1 as a Lua string, after the
 * chunk at 2 and a newline when there is one. */
static int host_join_line(lua_State *L)
{
    const char *text = lua_touserdata(L, 1);
    if (lua_gettop(L) < 2) {
        lua_pushstring(L, text);
        return 1;
    }
    lua_pushliteral(L, "\n");
    lua_pushstring(L, text);
    lua_concat(L, 3);
    return 1;
}

/* Push `text` as the chunk, or, with `after_chunk`, in place of the chunk
 * on top joined with it.  Copying a line may fail for memory (a line
 * larger than --max-memory allows): then it is reported like any other
 * error, nothing stays pushed (the old chunk is gone too) and 0 is
 * returned. */
static int host_push_line(host_state *state, const char *text,
                          int after_chunk)
{
    lua_State *L = host_lua(state);
    lua_pushcfunction(L, host_join_line);
    lua_pushlightuserdata(L, (void *)text);
    if (after_chunk)
        lua_pushvalue(L, -3);
    int status = host_call(state, after_chunk ? 2 : 1, 1);
    if (status != LUA_OK) {
        host_repl_report(state, status);
        if (after_chunk)
            lua_pop(L, 1);
        return 0;
    }
    if (after_chunk)
        lua_remove(L, -2);
    return 1;
}

/* Read one complete chunk (possibly several lines) into a Lua string on
 * the stack and compile it; returns 0 at end of input.  A chunk that
 * cannot be read or compiled leaves nil in its place. */
static int host_read_chunk(host_state *state)
{
    lua_State *L = host_lua(state);
    char *line = host_line_read(HOST_PROMPT);
    if (!line)
        return 0;
    int pushed = host_push_line(state, line[0] == '=' ? line + 1 : line, 0);
    free(line);
    if (!pushed) {
        lua_pushnil(L);
        return 1;
    }
    for (;;) {
        lua_pushcfunction(L, host_compile);
        lua_pushvalue(L, -2);
        int status = host_call(state, 1, 3);
        if (status != LUA_OK) {
            host_repl_report(state, status);
            lua_pop(L, 1);
            lua_pushnil(L);
            return 1;
        }
        if (lua_isfunction(L, -3)) {
            lua_pop(L, 2);
            lua_remove(L, -2);
            return 1;
        }
        if (!lua_toboolean(L, -2)) {
            host_error(NULL, "%s", lua_tostring(L, -1));
            lua_pop(L, 4);
            lua_pushnil(L);
            return 1;
        }
        lua_pop(L, 3);
        char *more = host_line_read(HOST_PROMPT_MORE);
        if (!more) {
            lua_pop(L, 1);
            return 0;
        }
        pushed = host_push_line(state, more, 1);
        free(more);
        if (!pushed) {
            lua_pushnil(L);
            return 1;
        }
    }
}

/* Protected: open the model at argument 1 and bind it to `m`; help() a
 * global.  Returns nothing, or the message when the model does not
 * open. */
static int host_bind_model(lua_State *L)
{
    host_open_help(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "kessan");
    lua_call(L, 1, 1);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "kessan");
    if (lua_isnoneornil(L, 1))
        return 0;
    lua_getfield(L, -1, "open");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 2);
    if (lua_isnil(L, -2))
        return 1;
    lua_pop(L, 1);
    lua_setglobal(L, "m");
    return 0;
}

static int host_repl_loop(host_state *state, const char *model)
{
    lua_State *L = host_lua(state);
    lua_pushcfunction(L, host_bind_model);
    if (model)
        lua_pushstring(L, model);
    else
        lua_pushnil(L);
    int status = host_call(state, 1, 1);
    if (status != LUA_OK) {
        host_repl_report(state, status);
        return HOST_EXIT_FAILURE;
    }
    if (lua_isstring(L, -1)) {
        host_error("repl", "the model does not open: %s", lua_tostring(L, -1));
        return HOST_EXIT_FAILURE;
    }
    lua_pop(L, 1);
    if (model)
        printf("kessan %s: model %s bound to m\n", LUA_RELEASE, model);
    host_line_begin(L);
    while (host_read_chunk(state)) {
        if (!lua_isfunction(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushcfunction(L, host_evaluate);
        lua_insert(L, -2);
        status = host_call(state, 1, 0);
        if (status != LUA_OK)
            host_repl_report(state, status);
        lua_settop(L, 0);
    }
    host_line_end();
    fputc('\n', stdout);
    return HOST_EXIT_OK;
}

enum { HOST_REPL_TRACEBACK = HOST_OPTION_FIRST + 100 };

/* The limit options of run, then --traceback. */
static const struct option host_repl_own_options[] = {
    { "traceback", no_argument, NULL, HOST_REPL_TRACEBACK },
    { NULL, 0, NULL, 0 }
};

static int host_repl(int argc, char **argv)
{
    host_limits limits = {0};
    const char *model = NULL;
    struct option table[HOST_LIMIT_TABLE_MAX];
    host_limit_table(table, host_repl_own_options);
    host_options options;
    host_options_begin(&options, &host_repl_command, table,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) > HOST_OPTIONS_END) {
        if (next == HOST_REPL_TRACEBACK)
            host_repl_traceback = 1;
        else if (next != HOST_OPTIONS_OPERAND) {
            if (host_take_limit(&host_repl_command, next, options.value,
                                &limits) != 0)
                return HOST_EXIT_USAGE;
        } else if (model)
            return host_usage_error(&host_repl_command,
                                    "more than one model given");
        else
            model = options.value;
    }
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    if (host_check_limits(&host_repl_command, &limits) != 0)
        return HOST_EXIT_USAGE;
    limits.model = model;
    host_state *state = host_state_new(&limits);
    if (!state)
        return HOST_EXIT_FAILURE;
    int status = host_repl_loop(state, model);
    host_state_free(state);
    return status;
}

const host_command host_repl_command = {
    "repl",
    "repl [--sandbox [--allow DIR]...] [--max-memory MB] "
    "[--timeout SECONDS] [--traceback] [MODEL]",
    "An interactive calculator; with MODEL, the model is bound to m.",
    "Type an expression to see its value (tables print readably) or a\n"
    "statement to run it; end of input (Ctrl-D) leaves.  Tab completes\n"
    "globals, fields and methods, and in a string item ids and periods;\n"
    "help() lists the functions, help(m.get) shows one.  History is kept\n"
    "in ~/.kessan_history (or $KESSAN_HISTORY), the last 1000 lines.\n\n"
    "options:\n"
    "  --traceback    errors with Lua's stack traceback\n"
    "  --sandbox, --allow DIR, --max-memory MB, --timeout SECONDS\n"
    "                 as for 'kessan run' (sandboxed, the model's directory\n"
    "                 is allowed in place of the script's)\n"
    "  --help         this text\n"
    "\nexample:\n"
    "  kessan repl data/iij\n"
    "  kessan> m:get(\"rev.total@3Q02\")\n",
    host_repl
};
