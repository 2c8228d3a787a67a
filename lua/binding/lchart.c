/*
 * lchart.c -- charts in Lua: kessan.chart and r:chart.  Under
 * construction: nothing is added yet.
 */
#include "binding/lsimulate.h"

void lk_chart_register(lua_State *L)
{
    (void)L;
}
