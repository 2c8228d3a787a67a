/*
 * host_scenario.c -- a saved scenario named on the command line
 * (host_scenario.h), looked up among the model's saved scenarios and
 * opened with its overrides.
 */
#include <stdio.h>
#include <string.h>

#include "host/host_scenario.h"

ks_status host_open_scenario(ks_model *model, const char *directory,
                             const char *name, ks_model **scenario,
                             ks_error *err)
{
    *scenario = NULL;
    if (!name || strcmp(name, "base") == 0)
        return KS_OK;
    int index;
    ks_status status = ks_saved_scenario_lookup(model, name, &index, err);
    if (status != KS_OK) {
        char why[KS_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        snprintf(err->message, sizeof err->message, "%.200s: %.500s",
                 directory, why);
        return status;
    }
    return ks_scenario_new(model, name, scenario, err);
}
