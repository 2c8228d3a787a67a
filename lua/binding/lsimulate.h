/*
 * lsimulate.h -- Monte Carlo in the Lua binding (lsimulate.c): the method
 * simulate of models and scenarios, the distribution constructors and the
 * kessan.Simulation result.
 */
#ifndef LSIMULATE_H
#define LSIMULATE_H

#include <lua.h>

/* With the module table on top of the stack (after lk_model_open): add
 * kessan.normal, lognormal, uniform, triangular, pert, discrete and fixed
 * to it, and `simulate` to the Model and Scenario methods.  Leaves the
 * stack as it was. */
void lk_simulate_register(lua_State *L);

#endif
