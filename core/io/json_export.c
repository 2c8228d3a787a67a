/*
 * json_export.c -- a model's values as one JSON object (json.h): the cells
 * csv_export.c's walk hands over, the model's and then, with the scenario
 * column on a model, each saved scenario's own, written as they come.
 */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "kessan/json.h"
#include "kessan/text.h"
#include "model/model.h"

typedef struct json_file {
    ks_text_sink out;
    const char *scenario; /* the model being written's name, or NULL      */
    int written;          /* values written so far                          */
} json_file;

static ks_status write_value(void *context, const ks_export_cell *cell,
                             ks_error *err)
{
    (void)err;
    json_file *file = context;
    ks_text_puts(&file->out, file->written++ ? ",\n    {\"item\": "
                                             : "\n    {\"item\": ");
    ks_text_json_string(&file->out, cell->item);
    ks_text_puts(&file->out, ", \"period\": ");
    ks_text_json_string(&file->out, cell->period);
    ks_text_puts(&file->out, ", \"value\": ");
    if (cell->value.kind == KS_NUMBER)
        ks_text_json_number(&file->out, cell->value.number);
    else
        ks_text_puts(&file->out, "null");
    if (cell->value.kind == KS_ERROR) {
        ks_text_puts(&file->out, ", \"error\": ");
        ks_text_json_string(&file->out, cell->value.error
                                            ? cell->value.error : "error");
    }
    if (file->scenario) {
        ks_text_puts(&file->out, ", \"scenario\": ");
        ks_text_json_string(&file->out, file->scenario);
    }
    ks_text_puts(&file->out, "}");
    return KS_OK;
}

static ks_status write_model(json_file *file, ks_model *model,
                             int overrides_only,
                             const ks_export_options *options, ks_error *err)
{
    if (options->with_scenario_column)
        file->scenario = ks_model_name(model);
    return ks_export_walk(model, overrides_only, options, write_value, file,
                          err);
}

/* Each saved scenario's own values, after the model's. */
static ks_status write_saved(json_file *file, ks_model *model,
                             const ks_export_options *options, ks_error *err)
{
    ks_status status = KS_OK;
    int count = ks_model_is_scenario(model) ? 0
                                            : ks_saved_scenario_count(model);
    for (int i = 0; status == KS_OK && i < count; i++) {
        ks_model *scenario = NULL;
        status = ks_check_interrupt(ks_model_allocator(model), err,
                                    "exporting saved scenarios");
        if (status == KS_OK)
            status = ks_saved_scenario_open(model, i, &scenario, err);
        if (status == KS_OK)
            status = write_model(file, scenario, 1, options, err);
        ks_model_free(scenario);
    }
    return status;
}

static ks_status write_json(FILE *out, void *context_model,
                            const ks_export_options *options, ks_error *err)
{
    static const ks_export_options defaults = { .cells = KS_EXPORT_INPUTS };
    ks_model *model = context_model;
    if (!options)
        options = &defaults;
    json_file file = { ks_text_sink_stream(out), NULL, 0 };
    ks_text_puts(&file.out, "{\"model\": ");
    ks_text_json_string(&file.out, ks_setting(model, "name"));
    ks_text_puts(&file.out, ", \"scenario\": ");
    ks_text_json_string(&file.out, ks_model_name(model));
    ks_text_printf(&file.out, ", \"cells\": \"%s\",\n  \"values\": [",
                   options->cells == KS_EXPORT_ALL ? "all" : "inputs");
    ks_status status = write_model(&file, model, 0, options, err);
    if (status == KS_OK && options->with_scenario_column)
        status = write_saved(&file, model, options, err);
    ks_text_puts(&file.out, file.written ? "\n  ]}\n" : "]}\n");
    return status;
}

ks_status ks_export_json_stream(ks_model *model, FILE *out,
                                const ks_export_options *options,
                                ks_error *err)
{
    if (!model || !out)
        return ks_error_set(err, KS_EINVAL, "no model or stream to export");
    return write_json(out, model, options, err);
}

typedef struct json_job {
    ks_model *model;
    const ks_export_options *options;
} json_job;

static ks_status write_job(FILE *out, void *context, ks_error *err)
{
    const json_job *job = context;
    return write_json(out, job->model, job->options, err);
}

ks_status ks_export_json(ks_model *model, const char *path,
                         const ks_export_options *options, ks_error *err)
{
    if (!model)
        return ks_error_set(err, KS_EINVAL, "no model to export");
    json_job job = { model, options };
    return ks_atomic_write(ks_model_allocator(model), path, write_job, &job,
                           err);
}
