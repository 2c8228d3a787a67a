/*
 * fuzz_lua.c -- libFuzzer harness for the Lua binding: Lua 5.4 with the
 * kessan module linked in, driven by the input.
 *
 * A fixed driver script (below) decodes the input into a sequence of calls
 * on the tiny test model: get and set on ids and periods chosen from the
 * model or taken from the input, define with formula text from the input,
 * scenarios, series arithmetic and assignment, explain, compare, export and
 * import through scratch files, close, collectgarbage.  And what an
 * attacker writes: option and nested tables (and cells) whose metamethods
 * close the model or drop it and collect, finalizers that do the same in
 * the middle of the next call (queued under a collector set to step on
 * every allocation, then a call that allocates as it reads the model), simulate, goal seek, data tables and
 * tornadoes with such options and with NaN, infinite, huge and negative
 * counts and parameters, extreme distributions, NULs in every kind of
 * string, coroutines and bounded pcall loops, paths with NULs, ../ and
 * to a directory (all of them inside the scratch directory: this harness
 * has no sandbox).  Every call runs under pcall.  The state's lua_Alloc bounds memory: 64 MB, or a small
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

#include "../support/fuzz_scratch.h"
#include "binding/lkessan.h"

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

/* The driver, in pieces each within the length of a literal that C11
 * compilers must support; loaded one after the other by driver_reader. */
static const char *const driver[] = {
    "local data, dir, scratch, input, scratchdir, scratchname = ...\n"
    "local ops_again\n"
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
    "  return numbers[b % #numbers + 1] end\n",
    "local numbers2 = {0/0, 1/0, -1/0, 1e308, -1, 0, 0.5, 1e9, 2^53, 2^63,\n"
    "  math.mininteger, 5e-324, 1500, 1e300}\n"
    "-- counts that must be refused (no valid count that runs long: this\n"
    "-- harness has no timeout)\n"
    "local bad_counts = {0/0, 1/0, -1/0, -1, 0, 0.5, 2^63, math.mininteger,\n"
    "  1e300, 1e9 + 1}\n"
    "local function num2() local b = byte()\n"
    "  if b >= 200 then return num() end\n"
    "  return numbers2[b % #numbers2 + 1] end\n"
    "local function cell() local b = byte()\n"
    "  if b >= 250 then return text() end\n"
    "  local c = ids[b % #ids + 1] .. '@' .. periods[byte() % #periods + 1]\n"
    "  if b % 7 == 0 then c = c .. '\\0junk' end\n"
    "  return c end\n",
    "local handles = {kessan.open(dir)}\n"
    "local function closer() local h = handles[byte() % #handles + 1]\n"
    "  return function() pcall(h.close, h); collectgarbage() end end\n"
    "local function dropper() return function()\n"
    "  for i = #handles, 2, -1 do handles[i] = nil end\n"
    "  collectgarbage(); collectgarbage() end end\n"
    "local function attack() local b = byte() % 4\n"
    "  if b == 0 then return closer() end\n"
    "  if b == 1 then return dropper() end\n"
    "  if b == 2 then return function() error('attack') end end\n"
    "  return function() end end\n"
    "local function hostile(real) local run = attack()\n"
    "  if byte() % 3 == 0 then return real end\n"
    "  return setmetatable({}, {\n"
    "    __index = function(_, k) run(); return real[k] end,\n"
    "    __len = function() run(); return #real end,\n"
    "    __pairs = function() run(); return next, real, nil end}) end\n"
    "local function dist() local b = byte() % 9\n"
    "  if b == 0 then return kessan.normal(num2(), num2()) end\n"
    "  if b == 1 then return kessan.lognormal(num2(), num2()) end\n"
    "  if b == 2 then return kessan.uniform(num2(), num2()) end\n"
    "  if b == 3 then return kessan.triangular(num2(), num2(), num2()) end\n"
    "  if b == 4 then return kessan.pert(num2(), num2(), num2()) end\n"
    "  if b == 5 then return kessan.discrete(hostile{values =\n"
    "    hostile{num2(), num2()}, weights = hostile{num2(), num2()}}) end\n"
    "  if b == 6 then return kessan.fixed(num2()) end\n"
    "  if b == 7 then return kessan.normal(100, 10) end\n"
    "  return num2() end\n"
    "local grids, results = {}, {}\n"
    "local function path() local b = byte() % 6\n"
    "  if b == 0 then return scratch .. '\\0x' end\n"
    "  if b == 1 then return scratchdir end\n"
    "  if b == 2 then return scratchdir .. '/./' .. scratchname end\n"
    "  if b == 3 then return scratchdir .. '/nowhere/../' .. scratchname end\n"
    "  return scratch end\n"
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
    "  function() series, trees = {}, {}; collectgarbage() end,\n",
    "  function() return handle():export(path(), hostile{scenario = true,\n"
    "    inputs_only = byte() % 2 == 0}) end,\n"
    "  function() return handle():import(path(), hostile{reported = true})\n"
    "    end,\n"
    "  function() handle():define(id(), text(), hostile{label = text(),\n"
    "    rule = pick({'sum', 'last', 'formula'})}) end,\n"
    "  function() local h = handle(); add(results, h:simulate(hostile{\n"
    "    trials = byte() % 5 == 0 and pick(bad_counts) or 1 + byte() * 8,\n"
    "    seed = num2(), threads = 1 + byte() % 3,\n"
    "    draws = hostile{[cell()] = dist(), [cell()] = dist()},\n"
    "    correlate = byte() % 2 == 0 and hostile{hostile{cell(), cell(),\n"
    "      num2()}} or nil,\n"
    "    outputs = hostile{cell(), cell()}})) end,\n"
    "  function() local r = pick(results); return r:mean(cell()),\n"
    "    r:sd(cell()), r:prob(cell(), pick({'<', '<=', '>', '>=',\n"
    "    '>=\\0'}), num2()), r:percentile(cell(), num2()),\n"
    "    r:histogram(cell(), num2()), tostring(r) end,\n"
    "  function() return handle():goalseek(hostile{target = cell(),\n"
    "    value = num2(), vary = cell(), lo = num2(), hi = num2(),\n"
    "    tol = num2(), max_iter = byte() % 3 == 0 and num2() or 50}) end,\n"
    "  function() add(grids, handle():datatable(hostile{\n"
    "    rows = hostile{cell(), hostile{num2(), num2(), num2()}},\n"
    "    cols = byte() % 2 == 0 and {cell(), hostile{num2(), num2()}} or nil,\n"
    "    out = byte() % 2 == 0 and cell() or hostile{cell(), cell()}})) end,\n"
    "  function() local g = pick(grids); return tostring(g), g:out(num2()),\n"
    "    g:out(cell()), #g, g[1] and g[1][1], g:export(path()) end,\n"
    "  function() return tostring(handle():tornado(hostile{out = cell(),\n"
    "    inputs = hostile{cell(), hostile{cell(), num2(), num2()}},\n"
    "    swing = num2()})) end,\n"
    "  function() return tostring(kessan.compare(hostile{handle(), handle(),\n"
    "    items = byte() % 2 == 0 and hostile{id(), id()} or nil})) end,\n"
    "  function() return handle():get(setmetatable({}, {__tostring =\n"
    "    closer()})) end,\n"
    "  function() local run = attack(); for _ = 1, byte() % 16 do\n"
    "    setmetatable({}, {__gc = run}) end end,\n"
    "  function() collectgarbage('incremental', byte() % 50, 100 +\n"
    "    byte() * 4) end,\n"
    "  function() local co = coroutine.wrap(function()\n"
    "    local h = handle(); coroutine.yield(h:get(cell()))\n"
    "    h:close(); coroutine.yield(h:get(cell())) end)\n"
    "    co(); collectgarbage(); return co() end,\n"
    "  function() for _ = 1, byte() % 32 do pcall(ops_again) end end,\n"
    "  function() return handle():set(cell(), num2()) end,\n"
    "  function() local s = pick(series); s[num2()] = num2() end,\n"
    "  function() local mt = getmetatable(pick(grids) or pick(results) or\n"
    "    handle()); if type(mt) == 'table' then mt.__gc = nil end end,\n"
    "  function() error(setmetatable({}, {__tostring = closer()})) end,\n"
    "  function() local h, other = handle(), handle()\n"
    "    local calls = {function() return h:explain(cell()) end,\n"
    "      function() return tostring(kessan.compare{h, other}) end,\n"
    "      function() return h:scenario(text()) end,\n"
    "      function() return tostring(h) end,\n"
    "      function() return h:items(), h:periods(), h:scenarios() end,\n"
    "      function() return h:export(scratch, {scenario = true}) end,\n"
    "      function() return h:datatable{rows = {cell(), {1, 2, 3}},\n"
    "        out = {cell(), cell()}} end,\n"
    "      function() for _ in pairs(h[id()]) do end end}\n"
    "    collectgarbage('incremental', 1, 1000)\n"
    "    for _ = 1, 1 + byte() % 32 do setmetatable({}, {__gc = function()\n"
    "      pcall(h.close, h); pcall(other.close, other) end}) end\n"
    "    local ok, why = pcall(calls[byte() % #calls + 1])\n"
    "    collectgarbage('incremental', 200, 100)\n"
    "    if not ok then error(why, 0) end end,\n"
    "}\n"
    "ops_again = function() return ops[byte() % #ops + 1]() end\n"
    "while pos <= #data do\n"
    "  pcall(ops[byte() % #ops + 1])\n"
    "end\n",
};

static const char *scratch(const char *suffix, char *buf, size_t size)
{
    return fuzz_scratch("lua", suffix, buf, size);
}

static const char *driver_reader(lua_State *L, void *data, size_t *size)
{
    (void)L;
    size_t *piece = data;
    if (*piece >= sizeof driver / sizeof *driver)
        return NULL;
    const char *text = driver[(*piece)++];
    *size = strlen(text);
    return text;
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
    size_t piece = 0;
    if (lua_load(L, driver_reader, &piece, "=driver", "t") != LUA_OK)
        return lua_error(L);
    char export_path[FUZZ_PATH_MAX], input_path[FUZZ_PATH_MAX];
    lua_pushlstring(L, data, size);
    lua_pushstring(L, KESSAN_SOURCE_DIR "/tests/data/tiny");
    lua_pushstring(L, scratch(".csv", export_path, sizeof export_path));
    lua_pushstring(L, scratch("-in.csv", input_path, sizeof input_path));
    /* the scratch file's directory and name, for paths that reach it
     * through "dir/./name" and "dir/nowhere/../name" */
    const char *slash = strrchr(export_path, '/');
    lua_pushlstring(L, export_path, slash ? (size_t)(slash - export_path) : 0);
    lua_pushstring(L, slash ? slash + 1 : export_path);
    lua_call(L, 6, 0);
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
