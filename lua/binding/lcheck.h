/*
 * lcheck.h -- m:check(), the tie-out audit (core/include/kessan/check.h)
 * as a Lua table.  luaopen_kessan (lkessan.c) adds it to the methods of
 * Model and Scenario with lk_model_add_methods.
 */
#ifndef LCHECK_H
#define LCHECK_H

#include <lua.h>

/* m:check() -> { {statement=, kind=, item=, period=, measure=, status=,
 * engine=, printed=, printed_text=, difference=, note=, note_text=,
 * message=}, ..., passed=, adjusted=, breaks=, explained= } */
int lk_check(lua_State *L);

#endif
