/*
 * lkessan.h -- declarations shared by the files of the Lua binding of the
 * kessan engine (module `kessan`).  The binding checks arguments, calls the
 * core and converts results; the model itself lives in core/.
 *
 * Userdata
 *   kessan.Model     a model handle (lk_handle); user value 2: the anchors
 *                    of its key cache; its own metatable (lmodel.c)
 *   kessan.Scenario  a scenario handle (lk_handle); user value 1: its Model
 *   kessan.Series    one item across periods (lk_series), attached to a
 *                    handle (user value 1) or detached (its own values)
 * Engine memory goes through the state's allocator (lalloc.c); the bridge
 * only calls the lua_Alloc, so it is as thread-safe as that function (the
 * kessan host's and stock lua5.4's are).
 * Rule for memory: no Lua error is raised while C memory the binding owns
 * is live; the C work is done and released first, then the error raised.
 * Rules for Lua code run during a call (docs/lua-api.md, "What the binding
 * guarantees"): argument and option tables are read raw (no metamethod of
 * a script's table is invoked), strings taken from Lua are real strings
 * (or numbers) without an embedded zero, and a call that holds a core
 * pointer across anything that may run Lua code (an allocation may run a
 * finalizer) pins its object (lpin.c).
 */
#ifndef LKESSAN_H
#define LKESSAN_H

#include <lauxlib.h>
#include <lua.h>

#include "kessan/kessan.h"

#define LK_MODEL "kessan.Model"
#define LK_SCENARIO "kessan.Scenario"
#define LK_SERIES "kessan.Series"
#define LK_EXPLAIN "kessan.Explain"
#define LK_COMPARISON "kessan.Comparison"
#define LK_ALLOCATOR "kessan.Allocator"
#define LK_METHODS "kessan.methods" /* the Model and Scenario methods */

/*
 * Ids seen by m:get and m:set, by the address of their Lua string: a hit
 * is one pointer compare instead of hashing and parsing.  Each cached
 * string is anchored in the handle's user value 2 (a table), so it cannot
 * be collected and its address reused while its entry stands.
 */
#define LK_KEY_CACHE 16
enum { LK_CACHE_ITEM, LK_CACHE_PERIOD, LK_CACHE_CELL, LK_CACHE_KINDS };
typedef struct lk_key_cache {
    const char *key[LK_CACHE_KINDS][LK_KEY_CACHE];
    int item[LK_CACHE_KINDS][LK_KEY_CACHE];
    int period[LK_CACHE_KINDS][LK_KEY_CACHE];
} lk_key_cache;

/* ---- llive.c: every model the state holds, freed at close at the latest */
typedef struct lk_live lk_live;
/* The state's list, created with the module (before any handle). */
lk_live *lk_live_get(lua_State *L);
/* Room for one more model, or a Lua memory error. */
void lk_live_reserve(lua_State *L, lk_live *live);
/* List a model (after lk_live_reserve: cannot fail). */
void lk_live_add(lk_live *live, ks_model *model);
/* Unlist a model: 1 if it was listed (then it is the caller's to free). */
int lk_live_remove(lk_live *live, ks_model *model);

/* ---- lpin.c: an object kept usable for the length of a call ----------- */
typedef struct lk_busy {
    int count;          /* pins held by calls under way                   */
    int close_pending;  /* closed while busy: finish at the last unpin    */
    void (*finish_close)(struct lk_busy *busy);
} lk_busy;
/* Register the pin's metatable (before any pin is made). */
void lk_pin_open(lua_State *L);
/* Pin the object at idx, whose count is `busy`, until the running C
 * function returns or raises: pushes the pin into a to-be-closed slot
 * (pop it only with lua_settop or lua_pop; do not move what is below it).
 * May run Lua code (it allocates): re-read what the object holds after. */
void lk_pin(lua_State *L, int idx, lk_busy *busy);
/* When `busy` is pinned: remember the close for the last unpin and return
 * 1; otherwise 0 (the caller closes now). */
int lk_busy_defer_close(lk_busy *busy);

/* ---- lmodel.c: a Model or Scenario handle ------------------------------
 * `model` is NULL once closed.  User values: 1 the Model of a scenario,
 * 2 the anchors of the key cache. */
typedef struct lk_handle {
    ks_model *model;
    ks_model *closing; /* closed while busy: freed at the last unpin    */
    lk_live *live;    /* where model is listed                         */
    int is_scenario;
    lk_busy busy;
    lk_key_cache cache;
} lk_handle;

/* ---- what a host lends the binding ---------------------------------------
 * A host (the kessan program) may put these in the registry, as light
 * userdata under the names below, before `require "kessan"`; the binding
 * reads them when it needs them.  Absent, nothing is refused or stopped.
 */
#define LK_HOST_INTERRUPT "kessan.host_interrupt"
#define LK_HOST_PATHS "kessan.host_paths"

/* Polled by the core's long calls (ks_allocator.interrupted); nonzero
 * stops them with KS_EINTERRUPTED.  Thread-safe. */
typedef struct lk_host_interrupt {
    int (*interrupted)(void *user_data);
    void *user_data;
} lk_host_interrupt;

/* What a file function of the binding does with a path. */
typedef enum lk_path_access {
    LK_PATH_READ = 0,   /* open a file or a model directory, import   */
    LK_PATH_WRITE       /* export, save: create or replace a file     */
} lk_path_access;

/* Asked before every file the binding opens or writes (m:export,
 * m:import, kessan.open, g:export, ...).  Returns 0 to allow; else writes
 * why into message (NUL-terminated, at most `size` bytes) and the binding
 * raises "PATH: MESSAGE". */
typedef struct lk_host_paths {
    int (*check)(void *user_data, const char *path, lk_path_access access,
                 char *message, size_t size);
    void *user_data;
} lk_host_paths;

/* ---- lkessan.c: the module ---------------------------------------------- */
#if defined(__GNUC__)
#define LK_EXPORT __attribute__((visibility("default")))
#else
#define LK_EXPORT
#endif
LK_EXPORT int luaopen_kessan(lua_State *L);

/* ---- lalloc.c: the core's allocations through the state's allocator ----- */
/* The allocator models of this state use (created on first call). */
const ks_allocator *lk_allocator(lua_State *L);

/* ---- lmodel.c: Model and Scenario ------------------------------------- */
/* Register the Model and Scenario classes and their methods (leaves
 * nothing on the stack).  Methods added to the template (registry
 * LK_METHODS) before the first handle is made belong to every handle. */
void lk_model_open(lua_State *L);
/* Add methods to Model and Scenario (call from luaopen_kessan, after
 * lk_model_open); their upvalues 1 and 2 are the class tables. */
void lk_model_add_methods(lua_State *L, const luaL_Reg *methods);
/* Push a new, closed handle (model NULL); the caller then opens the core
 * model into handle->model, so a Lua memory error cannot leak it.  For a
 * scenario `parent` is the stack index of its Model, kept alive by it. */
lk_handle *lk_new_handle(lua_State *L, int is_scenario, int parent);
/* The handle at idx, or NULL when idx is not a Model or Scenario. */
lk_handle *lk_to_handle(lua_State *L, int idx);
/* The open model of the handle at idx; raises on a wrong type or a closed
 * handle ("attempt to use a closed model"). */
ks_model *lk_check_model(lua_State *L, int idx);
/* lk_check_model for a call that may run Lua code while it holds the
 * model: pins the handle (and a scenario's Model) first (see lk_pin). */
ks_model *lk_pin_model(lua_State *L, int idx);
/* Raise "model is in use by a running call" when the handle at idx (or,
 * for a scenario, its Model) is pinned: what would change a model is
 * refused while a call holds it. */
void lk_check_changeable(lua_State *L, int idx);

/* ---- lkessan.c: strings, fields and paths from Lua ---------------------- */
/* The string (or number, converted) argument at idx; raises on another
 * type or an embedded zero ("string contains an embedded zero"). */
const char *lk_check_string(lua_State *L, int idx);
/* lk_check_string, or `fallback` when the argument is none or nil. */
const char *lk_opt_string(lua_State *L, int idx, const char *fallback);
/* Whether the string at idx (a string) holds an embedded zero. */
int lk_has_zero(lua_State *L, int idx);
/* Push t[name] of the table at idx, raw (no metamethod); its type. */
int lk_rawfield(lua_State *L, int idx, const char *name);
/* Raise unless every key of the options table at idx is a known option:
 * "bad argument #ARG to 'f' (unknown option 'draw' (did you mean
 * 'draws'?))".  Keys are read raw (lua_next: no metamethod runs); a key
 * may be a string of `known` (NULL-terminated, or NULL: none) or an
 * integer from 1 to `entries` (the positional parts of a table; 0: none).
 * Any other key (another string, a number, a table, ...) raises, naming
 * it and the nearest known option, or what the table takes; of several,
 * the same one whatever the traversal order (strings first, by bytes).  `field`,
 * when not NULL, names the option the table is ("field 'rows': ..."),
 * and `entry`, when positive, the entry of it ("field 'inputs': entry 2:
 * ..."). */
void lk_check_keys(lua_State *L, int arg, int idx, const char *field,
                   int entry, const char *const known[], lua_Integer entries);
/* lk_check_keys for the options table at argument idx itself. */
void lk_check_options(lua_State *L, int idx, const char *const known[]);
/* Ask the host's path policy (LK_HOST_PATHS) about `path`; raises
 * "PATH: MESSAGE" when refused.  Without a policy, allows everything. */
void lk_check_path(lua_State *L, const char *path, lk_path_access access);

/* ---- lkessan.c: shared conversions ------------------------------------- */
/* Raise the core's error (never returns).  err lives on the C stack. */
int lk_raise(lua_State *L, const ks_error *err);
/* Return `nil, message` (for failures of files; memory and interrupts
 * raise). */
int lk_fail(lua_State *L, const ks_error *err);
/* Push a cell value: a number, or nil for missing, or nil and the error's
 * description.  Returns the number of values pushed (1 or 2). */
int lk_push_value(lua_State *L, const ks_value *value);
/* Push what m:get gives for the cell (item, period) of `model`, whose
 * value is `value`: the number; nil and why it is missing ("missing:
 * rev.equipment@4Q02 has no value", ks_missing_reason); nil and the
 * error's description.  Returns the number of values pushed. */
int lk_push_cell(lua_State *L, ks_model *model, int item, int period,
                 const ks_value *value);
/* Index of the item named by the string at idx; raises with the core's
 * message (and its suggestion) when unknown. */
int lk_check_item(lua_State *L, ks_model *model, int idx);
/* Index of the period named at idx ("3Q02"); raises when not a period. */
int lk_check_period(lua_State *L, ks_model *model, int idx);
/* A cell from arguments idx, idx+1: ("id", "3Q02") or ("id@3Q02") (told
 * apart by the '@').  Returns the number of arguments used (1 or 2). */
int lk_check_cell(lua_State *L, ks_model *model, int idx, int *item,
                  int *period);
/* Read one cell; raises on a failure of the core (not on error values). */
void lk_get(lua_State *L, ks_model *model, int item, int period,
            ks_value *out);
/* Set __metatable of the metatable at idx to its __name, so scripts can
 * neither read nor change it (getmetatable gives the name). */
void lk_protect_metatable(lua_State *L, int idx);
/* The sentinel value kessan.missing (a light userdata). */
int lk_is_missing_sentinel(lua_State *L, int idx);
void lk_push_missing_sentinel(lua_State *L);
/* ltext.c: a number for tables, by the core's display formatter
 * (kessan/text.h): grouping, negatives in parentheses, automatic
 * precision; lk_format_figure in the style of a unit ("ratio" a
 * percentage, "JPY thousands" whole; NULL: automatic). */
void lk_format_number(double number, char *buf, size_t size);
void lk_format_figure(double number, const char *unit, char *buf,
                      size_t size);

/* ltext.c: kessan.format(x [, unit | {unit =, decimals =, percent =}])
 * -> x as a text table prints it (the core's display formatter). */
int lk_format(lua_State *L);

/* lshow.c: m:show(statement [, opts]) and s:show -> the statement's text
 * (a method of models and scenarios). */
int lk_show(lua_State *L);

/* ---- lseries.c ---------------------------------------------------------- */
void lk_series_open(lua_State *L);
/* Push a Series attached to item `item` of the handle at `handle_idx`. */
void lk_push_series(lua_State *L, int handle_idx, int item);

/* ---- lexplain.c --------------------------------------------------------- */
void lk_explain_open(lua_State *L);
/* m:explain(item, period) */
int lk_explain(lua_State *L);
/* kessan.format_explain(tree) */
int lk_format_explain(lua_State *L);

/* ---- lwhatif.c: goalseek, datatable, tornado (lk_model_add_methods) ---- */
void lk_whatif_open(lua_State *L);

/* ---- lcompare.c --------------------------------------------------------- */
void lk_compare_open(lua_State *L);
/* kessan.compare{m, low, high, items = {...}, periods = {...}} */
int lk_compare(lua_State *L);

/* ---- ltext.c: plain text tables for __tostring ------------------------- */
typedef struct lk_text_table {
    int index;           /* stack index of the table of cell strings    */
    int columns;
    int count;           /* cells added so far                         */
} lk_text_table;
/* Cells are added row by row after lk_text_begin (which pushes a table);
 * lk_text_end replaces that table with the laid-out text (one string).
 * The first column is left aligned, the others right aligned. */
void lk_text_begin(lua_State *L, lk_text_table *table, int columns);
void lk_text_cell(lua_State *L, lk_text_table *table, const char *text);
void lk_text_end(lua_State *L, lk_text_table *table, const char *title);

#endif
