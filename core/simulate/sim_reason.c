/*
 * sim_reason.c -- why a simulation output's trial gave no number: the
 * missing cells on its path (as ks_missing_reason names them, with the
 * drawn cells holding numbers), the model's own error, an error begun in
 * the trial, or an overflow.
 */
#include <stdio.h>

#include "base/value.h"
#include "simulate/simulate_internal.h"

/* The name a scratch scenario takes: no saved scenario is called so. */
#define SCRATCH_NAME "(the simulation's draws)"

/* The missing cells on the output's path, with every drawn cell set to a
 * number (its distribution's mean) in a scratch scenario over the model,
 * so that only what no draw reaches is named.  A scenario's own overrides
 * would be lost in a scenario over its base: there the scenario itself is
 * asked, and a drawn cell it holds no value for may be named too. */
static void missing_why(ks_model *model, const sim_plan *plan, int output,
                        char *buf, size_t size)
{
    const sim_output *out = &plan->outputs[output];
    ks_model *scratch = NULL, *where = model;
    ks_error err;
    if (!ks_model_is_scenario(model) &&
        ks_scenario_new(model, SCRATCH_NAME, &scratch, &err) == KS_OK) {
        for (int d = 0; d < plan->draw_count; d++) {
            double mean, variance;
            ks_dist_moments(&plan->draws[d].dist, &mean, &variance);
            (void)ks_set(scratch, plan->draws[d].item, plan->draws[d].period,
                         mean, &err);
        }
        where = scratch;
    }
    if (ks_missing_reason(where, out->item, out->period, buf, size, &err) !=
            KS_OK ||
        !buf[0])
        snprintf(buf, size, "missing (a cell it reads has no value)");
    if (scratch)
        ks_model_free(scratch);
}

char *ks_sim_reason_text(ks_model *model, const sim_plan *plan, int output,
                         int64_t trial, double value)
{
    char why[512];
    if (value == value) {
        snprintf(why, sizeof why, "overflow (infinite or beyond %g)",
                 KS_SIM_VALUE_MAX);
    } else if (ks_is_missing(value) || ks_is_none(value) ||
               (plan->outputs[output].slot < 0 && !ks_is_error(value))) {
        /* a constant output that is no number holds nothing (NaN) */
        missing_why(model, plan, output, why, sizeof why);
    } else if (ks_is_error(value) && ks_error_origin(value) != 0) {
        ks_value unboxed;
        ks_value_from_boxed(model, value, 0, &unboxed);
        snprintf(why, sizeof why, "error: %s",
                 unboxed.error ? unboxed.error : "an error in the model");
    } else {
        snprintf(why, sizeof why, "error: a division by zero, an overflow "
                                  "or a result that is no number, in the "
                                  "trial's formulas");
    }
    char text[600];
    snprintf(text, sizeof text, "trial %lld: %s", (long long)trial + 1, why);
    return ks_mem_strdup(plan->alloc, text);
}
