/*
 * lcheck.h -- m:check(), the tie-out audit (core/include/kessan/check.h) as a Lua table.
 * Register it in the Model methods table of lmodel.c as {"check", lk_check}.
 */
#ifndef LCHECK_H
#define LCHECK_H

#include <lua.h>

/* m:check() -> { {statement=, kind=, item=, period=, measure=, status=,
 * engine=, printed=, printed_text=, difference=, note=, note_text=,
 * message=}, ..., passed=, adjusted=, breaks=, explained= } */
int lk_check(lua_State *L);

#endif
