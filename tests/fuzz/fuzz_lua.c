/*
 * fuzz_lua.c -- libFuzzer harness for the Lua binding: Lua 5.4 with the
 * kessan module linked in, driven by the input.
 *
 * A fixed driver script (below) decodes the input into a sequence of calls
 * on the tiny test model: get and set on ids and periods chosen from the
 * model or taken from the input, define with formula text from the input,
 * scenarios, series arithmetic and assignment, explain, compare, export and
 * import through scratch files, close, collectgarbage.  Every call runs
 * under pcall.  The state's lua_Alloc bounds memory: 64 MB, or a small
 * limit taken from the input (first byte odd) so that memory runs out in
 * the middle of the binding's and the engine's work.  After lua_close the
 * allocator must hold no block: the engine allocates through the same
 * lua_Alloc, so a leak in either is caught here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "scratch.h"
#include "lkessan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct bounded {
    size_t used;
    size_t limit;
    long blocks;
} bounded;

static void *bounded_alloc(void *ud, void *block, size_t old_size,
                           size_t new_size)
{
    bounded *memory = ud;
    if (!block)
        old_size = 0;
    if (new_size == 0) {
        if (block) {
            memory->used -= old_size;
            memory->blocks--;
        }
        free(block);
        return NULL;
    }
    if (new_size > old_size && memory->used - old_size + new_size
                                   > memory->limit)
        return NULL;
    void *grown = realloc(block, new_size);
    if (!grown)
        return NULL;
    memory->used = memory->used - old_size + new_size;
    if (!block)
        memory->blocks++;
    return grown;
}

static const char driver[] =
    "local data, dir, scratch, input = ...\n"
    "local kessan = require 'kessan'\n"
    "local pos = 1\n"
    "local function byte()\n"
    "  local b = data:byte(pos) or 0; pos = pos + 1; return b\n"
    "end\n"
    "local function text()\n"
    "  local n = byte() % 40\n"
    "  local s = data:sub(pos, pos + n - 1); pos = pos + n; return s\n"
    "end\n"
    "local ids = {'rev.a', 'rev.b', 'rev.total', 'cost.total', 'op_income',\n"
    "  'op_margin', 'rev.total_yoy', 'bs.cash', 'gross', 'new.x'}\n"
    "local periods = {'1Q01', '2Q01', '3Q01', '4Q01', '1H01', '2H01',\n"
    "  '9M01', 'FY01', '1Q02', '2Q02', '3Q02', '4Q02', '1H02', '2H02',\n"
    "  '9M02', 'FY02', 'FY2002', '3Q99', '5Q02'}\n"
    "local numbers = {0, 1, -1, 0.5, 1e6, -566520, 1e308, -1e308, 1/0,\n"
    "  -1/0, 0/0, math.maxinteger, math.mininteger, 4.6e6, 1e-300}\n"
    "local function pick(list) return list[byte() % #list + 1] end\n"
    "local function id() local b = byte()\n"
    "  if b >= 230 then return text() end\n"
    "  return ids[b % #ids + 1] end\n"
    "local function period() local b = byte()\n"
    "  if b >= 240 then return text() end\n"
    "  return periods[b % #periods + 1] end\n"
    "local function num() local b = byte()\n"
    "  if b >= 128 then return (b - 192) * 1000.25 end\n"
    "  return numbers[b % #numbers + 1] end\n"
    "local handles = {kessan.open(dir)}\n"
    "local series, trees = {}, {}\n"
    "local function handle() return pick(handles) end\n"
    "local function add(list, value)\n"
    "  if value ~= nil then list[(#list % 8) + 1] = value end end\n"
    "local ops = {\n"
    "  function() return handle():get(id(), period()) end,\n"
    "  function() return handle():get(id() .. '@' .. period()) end,\n"
    "  function() handle():set(id(), period(), num()) end,\n"
    "  function() handle():set(id(), period(), kessan.missing) end,\n"
    "  function() handle():define(id(), text(), {label = text(),\n"
    "    rule = pick({'sum', 'last', 'formula'})}) end,\n"
    "  function() handle():define(id(), nil) end,\n"
    "  function() add(handles, handle():scenario(text())) end,\n"
    "  function() add(series, handle()[id()]) end,\n"
    "  function() add(series, pick(series) + pick(series)) end,\n"
    "  function() add(series, pick(series) - num()) end,\n"
    "  function() add(series, num() * pick(series)) end,\n"
    "  function() add(series, pick(series) / pick(series)) end,\n"
    "  function() add(series, -pick(series)) end,\n"
    "  function() local s = pick(series); s[period()] = num() end,\n"
    "  function() local s = pick(series); return s[period()], tostring(s),\n"
    "    #s end,\n"
    "  function() for _ in pairs(pick(series)) do end end,\n"
    "  function() add(series, pick(series):detach()) end,\n"
    "  function() local t = handle():explain(id(), period())\n"
    "    add(trees, t); return tostring(t) end,\n"
    "  function() return kessan.format_explain(pick(trees)) end,\n"
    "  function() return tostring(kessan.compare{handle(), handle()}) end,\n"
    "  function() return tostring(handle()) end,\n"
    "  function() local h = handle(); return h:items(), h:periods(),\n"
    "    h:item(id()), h:name() end,\n"
    "  function() return handle():export(scratch) end,\n"
    "  function() return handle():import(scratch) end,\n"
    "  function() local f = assert(io.open(input, 'wb'))\n"
    "    f:write('item,period,value\\n', id(), ',', period(), ',', text(),\n"
    "      '\\n', text()); f:close()\n"
    "    return handle():import(input) end,\n"
    "  function() handle():close() end,\n"
    "  function() add(handles, kessan.open(dir)) end,\n"
    "  function() add(handles, kessan.new{first_year = 1990 + byte() % 20,\n"
    "    last_year = 2000 + byte() % 12,\n"
    "    fiscal_year_end_month = byte() % 14}) end,\n"
    "  function() collectgarbage() end,\n"
    "  function() series, trees = {}, {}; collectgarbage() end,\n"
    "}\n"
    "while pos <= #data do\n"
    "  pcall(ops[byte() % #ops + 1])\n"
    "end\n";

static const char *scratch(const char *suffix, char *buf, size_t size)
{
    return fuzz_scratch("lua", suffix, buf, size);
}

static int run_driver(lua_State *L)
{
    const char *data = lua_touserdata(L, 1);
    size_t size = (size_t)lua_tointeger(L, 2);
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_kessan);
    lua_setfield(L, -2, "kessan");
    lua_pop(L, 1);
    if (luaL_loadbufferx(L, driver, sizeof driver - 1, "=driver", "t")
        != LUA_OK)
        return lua_error(L);
    char export_path[FUZZ_PATH_MAX], input_path[FUZZ_PATH_MAX];
    lua_pushlstring(L, data, size);
    lua_pushstring(L, KESSAN_SOURCE_DIR "/tests/data/tiny");
    lua_pushstring(L, scratch(".csv", export_path, sizeof export_path));
    lua_pushstring(L, scratch("-in.csv", input_path, sizeof input_path));
    lua_call(L, 4, 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    bounded memory = { 0, (size_t)64 << 20, 0 };
    if (data[0] & 1)
        memory.limit = ((size_t)160 << 10) + ((size_t)data[1] << 11);
    lua_State *L = lua_newstate(bounded_alloc, &memory);
    if (!L)
        return 0;
    lua_pushcfunction(L, run_driver);
    lua_pushlightuserdata(L, (void *)(data + 2));
    lua_pushinteger(L, (lua_Integer)(size - 2));
    int status = lua_pcall(L, 2, 0, 0);
    if (status != LUA_OK && status != LUA_ERRMEM && status != LUA_ERRRUN) {
        fprintf(stderr, "driver: status %d\n", status);
        abort();
    }
    if (status == LUA_ERRRUN && memory.limit > ((size_t)32 << 20)) {
        /* with room to spare the driver itself must run to its end */
        fprintf(stderr, "driver: %s\n", lua_tostring(L, -1));
        abort();
    }
    /* Closing runs every __gc; Lua skips a finalizer it cannot call for
     * want of memory (a warning, no retry), and that would leak what the
     * handle owns.  The bound is for the script, not for closing it. */
    memory.limit = SIZE_MAX;
    lua_close(L);
    if (memory.blocks != 0 || memory.used != 0) {
        fprintf(stderr, "%ld blocks (%zu bytes) left after lua_close\n",
                memory.blocks, memory.used);
        abort();
    }
    return 0;
}
