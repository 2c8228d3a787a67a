/*
 * lsim_analysis.c -- analysis of a simulation's result in Lua: the
 * sensitivity of each output to each drawn cell and the score of a
 * forecast against actuals.  Under construction: nothing is added yet.
 */
#include "binding/lsimulate.h"

void lk_sim_analysis_register(lua_State *L)
{
    (void)L;
}
