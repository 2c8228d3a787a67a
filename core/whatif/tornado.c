/*
 * tornado.c -- tornado sensitivity (ks_tornado_run): one output read with
 * each input alone at a low and a high value (a relative swing around its
 * own value, or a range given), the others at their values, ranked by the
 * spread of the output.  Works on a private scenario carrying the handle's
 * overrides (ks_copy_overrides), so the handle is never touched.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/error.h"
#include "kessan/whatif.h"
#include "model/model.h"

void ks_tornado_free(ks_tornado *tornado)
{
    if (!tornado)
        return;
    ks_allocator alloc = tornado->alloc;
    ks_mem_free(&alloc, tornado->bars);
    ks_mem_free(&alloc, tornado);
}

/* A cell that must hold a finite number. */
static ks_status read_number(ks_model *model, ks_cell_ref cell,
                             const char *role, double *number, ks_error *err)
{
    ks_value value;
    ks_status status = ks_get(model, cell.item, cell.period, &value, err);
    if (status != KS_OK)
        return status;
    if (value.kind == KS_NUMBER && isfinite(value.number)) {
        *number = value.number;
        return KS_OK;
    }
    char name[128], why[384] = "";
    if (value.kind == KS_MISSING) {
        status = ks_missing_reason_beyond(model, cell.item, cell.period, why,
                                          sizeof why, err);
        if (status != KS_OK)
            return status;
    }
    if (!why[0])
        snprintf(why, sizeof why, "missing");
    return ks_error_set(err, KS_EINVAL, "tornado: %s %s is %s", role,
                        ks_cell_name(model, cell, name, sizeof name),
                        value.kind == KS_ERROR && value.error ? value.error
                        : value.kind == KS_MISSING ? why
                                                   : "not a finite number");
}

/* The output with one input at x, then the input put back. */
static ks_status output_at(ks_model *work, const ks_tornado *tornado,
                           ks_cell_ref input, double x, double *out,
                           ks_error *err)
{
    ks_status status = ks_set(work, input.item, input.period, x, err);
    if (status != KS_OK)
        return status;
    return read_number(work, tornado->output, "output", out, err);
}

static ks_status swing_one(ks_model *work, const ks_tornado *tornado,
                           const ks_tornado_input *input, double swing,
                           ks_tornado_bar *bar, ks_error *err)
{
    bar->input = input->cell;
    int had_input = ks_is_input(work, input->cell.item, input->cell.period);
    ks_status status = read_number(work, input->cell, "input",
                                   &bar->base_value, err);
    if (status != KS_OK)
        return status;
    bar->low = input->has_range ? input->low : bar->base_value * (1 - swing);
    bar->high = input->has_range ? input->high : bar->base_value * (1 + swing);
    status = output_at(work, tornado, input->cell, bar->low, &bar->out_low,
                       err);
    if (status == KS_OK)
        status = output_at(work, tornado, input->cell, bar->high,
                           &bar->out_high, err);
    if (status != KS_OK)
        return status;
    bar->spread = fabs(bar->out_high - bar->out_low);
    /* put the input back: its own value, or no override */
    if (had_input)
        return ks_set(work, input->cell.item, input->cell.period,
                      bar->base_value, err);
    return ks_clear(work, input->cell.item, input->cell.period, err);
}

/* Widest first; equal spreads keep the order given (insertion sort). */
static void rank(ks_tornado_bar *bars, int count)
{
    for (int i = 1; i < count; i++) {
        ks_tornado_bar bar = bars[i];
        int j = i;
        for (; j > 0 && bars[j - 1].spread < bar.spread; j--)
            bars[j] = bars[j - 1];
        bars[j] = bar;
    }
}

static ks_status check_inputs(const ks_tornado_input *inputs, int count,
                              double swing, ks_error *err)
{
    if (count < 1 || !inputs)
        return ks_error_set(err, KS_EINVAL, "tornado: no inputs");
    if (!isfinite(swing) || swing < 0)
        return ks_error_set(err, KS_EINVAL, "tornado: swing must be a "
                            "non-negative number, not %g", swing);
    for (int i = 0; i < count; i++)
        if (inputs[i].has_range &&
            (!isfinite(inputs[i].low) || !isfinite(inputs[i].high)))
            return ks_error_set(err, KS_EINVAL, "tornado: input %d: low and "
                                "high must be finite numbers", i + 1);
    return KS_OK;
}

static ks_status run(ks_model *work, ks_tornado *tornado,
                     const ks_tornado_input *inputs, double swing,
                     ks_error *err)
{
    ks_status status = read_number(work, tornado->output, "output",
                                   &tornado->base_output, err);
    for (int i = 0; status == KS_OK && i < tornado->count; i++) {
        status = ks_check_interrupt(ks_model_allocator(work), err,
                                    "running a tornado");
        if (status == KS_OK)
            status = swing_one(work, tornado, &inputs[i], swing,
                               &tornado->bars[i], err);
    }
    return status;
}

ks_status ks_tornado_run(ks_model *model, ks_cell_ref output,
                         const ks_tornado_input *inputs, int count,
                         double swing, ks_tornado **out, ks_error *err)
{
    *out = NULL;
    ks_status status = check_inputs(inputs, count, swing, err);
    if (status != KS_OK)
        return status;
    const ks_allocator *alloc = ks_model_allocator(model);
    ks_tornado *tornado = ks_mem_calloc(alloc, 1, sizeof *tornado);
    ks_tornado_bar *bars = ks_mem_calloc(alloc, (size_t)count, sizeof *bars);
    if (!tornado || !bars) {
        ks_mem_free(alloc, tornado);
        ks_mem_free(alloc, bars);
        return ks_error_set(err, KS_ENOMEM, "tornado: out of memory for %d "
                            "inputs", count);
    }
    *tornado = (ks_tornado){ *alloc, output, 0, count, bars };
    ks_model *work = NULL;
    status = ks_scenario_new_blank(model, "tornado", &work, err);
    if (status == KS_OK)
        status = ks_copy_overrides(model, work, err);
    if (status == KS_OK)
        status = run(work, tornado, inputs, swing, err);
    ks_model_free(work);
    if (status != KS_OK) {
        ks_tornado_free(tornado);
        return status;
    }
    rank(tornado->bars, count);
    *out = tornado;
    return KS_OK;
}
