/*
 * csv_export.c -- values CSV out (ks_export_csv): the long form, every item
 * in display order by every period in time order, numbers at full
 * precision ("%.17g", so that import gives back the same doubles).  By
 * default only the inputs are written (reported and set values; a missing
 * one as "-"), so that importing the file into the same chart gives back
 * the model; with KS_EXPORT_ALL every cell, a missing or error cell that is
 * not an input (and a number that is not finite) with an empty value.
 * The file is written through atomic_file.h: a temporary beside it renamed
 * over the path (on any failure the old file is untouched), or a FIFO or
 * device written in place.  ks_export_rows writes the rows to a stream
 * already open (saved_csv.c puts a model's and its saved scenarios' rows in
 * one file that way; ks_export_csv_stream, the public form, standard
 * output).  Fields are quoted and numbers written by text.h, so the same
 * whatever the locale.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "kessan/text.h"
#include "model/model.h"

typedef struct export_file {
    ks_model *model;
    ks_model *base;   /* a saved scenario's base: only its own inputs     */
    ks_text_sink out; /* where the rows go                                */
} export_file;

/* Whether a cell is written: an input always, any other cell
 * only when every cell is asked for; on a saved scenario's rows (`base`
 * not NULL) only the inputs the scenario holds itself. */
static int writes_cell(ks_model *model, ks_model *base, int item,
                       int period, const ks_export_options *options)
{
    if (options->cells == KS_EXPORT_ALL)
        return 1;
    if (!ks_is_input(model, item, period))
        return 0;
    return !base || ks_scenario_has_override(model, item, period);
}

static ks_status write_cell(export_file *file, int item, const char *item_id,
                            int period, const ks_export_options *options,
                            ks_error *err)
{
    if (!writes_cell(file->model, file->base, item, period, options))
        return KS_OK;
    ks_value value;
    ks_status status = ks_get(file->model, item, period, &value, err);
    if (status != KS_OK)
        return status;
    char period_id[16];
    ks_period_id(file->model, period, period_id, sizeof period_id);
    char number[40] = "";
    if (value.kind == KS_NUMBER && isfinite(value.number))
        ks_snprintf_c(number, sizeof number, "%.17g", value.number);
    else if (value.kind == KS_MISSING && ks_is_input(file->model, item, period))
        strcpy(number, "-");
    const char *fields[] = { item_id, period_id, number,
                             ks_model_name(file->model) };
    ks_text_csv_row(&file->out, fields, options->with_scenario_column ? 4 : 3,
                    "\n");
    return KS_OK;
}

static ks_status write_rows(export_file *file,
                            const ks_export_options *options, int header,
                            ks_error *err)
{
    if (header)
        ks_text_puts(&file->out, options->with_scenario_column
                                     ? "item,period,value,scenario\n"
                                     : "item,period,value\n");
    int items = ks_item_count(file->model);
    int periods = ks_period_count(file->model);
    for (int item = 0; item < items; item++) {
        ks_item_info info;
        ks_status status = ks_item_get(file->model, item, &info);
        for (int i = 0; status == KS_OK && i < periods; i++)
            status = write_cell(file, item, info.id,
                                ks_period_at(file->model, i), options, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

ks_status ks_export_rows(ks_model *model, FILE *out,
                         const ks_export_options *options, int header,
                         ks_error *err)
{
    static const ks_export_options defaults = {
        .with_scenario_column = 0,
        .cells = KS_EXPORT_INPUTS
    };
    export_file file = { model, NULL, ks_text_sink_stream(out) };
    return write_rows(&file, options ? options : &defaults, header, err);
}

ks_status ks_export_overrides(ks_model *scenario, FILE *out,
                              const ks_export_options *options, ks_error *err)
{
    export_file file = { scenario, ks_model_base(scenario),
                         ks_text_sink_stream(out) };
    return write_rows(&file, options, 0, err);
}

ks_status ks_export_csv_stream(ks_model *model, FILE *out,
                               const ks_export_options *options,
                               ks_error *err)
{
    if (!model || !out)
        return ks_error_set(err, KS_EINVAL, "no model or stream to export");
    return ks_export_rows(model, out, options, 1, err);
}

typedef struct export_job {
    ks_model *model;
    const ks_export_options *options;
} export_job;

static ks_status write_export(FILE *out, void *context, ks_error *err)
{
    const export_job *job = context;
    return ks_export_rows(job->model, out, job->options, 1, err);
}

ks_status ks_export_csv(ks_model *model, const char *path,
                        const ks_export_options *options, ks_error *err)
{
    export_job job = { model, options };
    return ks_atomic_write(ks_model_allocator(model), path, write_export,
                           &job, err);
}
