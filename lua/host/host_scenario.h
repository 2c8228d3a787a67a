/*
 * host_scenario.h -- a saved scenario named on the command line
 * (`kessan show --scenario`, `kessan export --scenario`).
 */
#ifndef KESSAN_HOST_SCENARIO_H
#define KESSAN_HOST_SCENARIO_H

#include "kessan/kessan.h"

/* Scenario `name` of the model as saved in it: a new handle in
 * *scenario, or NULL for NULL or "base" (the model itself).  An unknown
 * name is "DIRECTORY: no scenario 'S' (did you mean 'low'?)". */
ks_status host_open_scenario(ks_model *model, const char *directory,
                             const char *name, ks_model **scenario,
                             ks_error *err);

#endif
