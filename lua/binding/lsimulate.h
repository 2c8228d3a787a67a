/*
 * lsimulate.h -- Monte Carlo in the Lua binding (lsimulate.c): the method
 * simulate of models and scenarios, the distribution constructors and the
 * kessan.Simulation result.
 */
#ifndef LSIMULATE_H
#define LSIMULATE_H

#include <lauxlib.h>
#include <lua.h>

#include "kessan/simulate.h"

/* With the module table on top of the stack (after lk_model_open): add
 * kessan.normal, lognormal, uniform, triangular, pert, discrete and fixed
 * to it, and `simulate` to the Model and Scenario methods.  Leaves the
 * stack as it was. */
void lk_simulate_register(lua_State *L);

/* Add methods to every kessan.Simulation result (after
 * lk_simulate_register): r:sensitivity and r:score (lsim_analysis.c),
 * r:chart (lchart.c). */
void lk_sim_add_result_methods(lua_State *L, const luaL_Reg *methods);

/* In a result method taking `nargs` arguments, self included: the open
 * result at 1, pinned for the rest of the call; raises on a closed one. */
ks_sim_result *lk_check_simulation(lua_State *L, int nargs);
/* The output named at idx ("id@PERIOD"); raises naming the outputs. */
int lk_check_sim_output(lua_State *L, ks_sim_result *result, int idx);

/* lsim_analysis.c: r:sensitivity, r:score and kin on results.  After
 * lk_simulate_register; leaves the stack as it was. */
void lk_sim_analysis_register(lua_State *L);

/* lchart.c: kessan.chart (a table of chart functions) on the module table
 * on top of the stack, r:chart on results.  Leaves the stack as it was. */
void lk_chart_register(lua_State *L);

#endif
