/*
 * csv_export.c -- values CSV out (ks_export_csv): the long form, every item
 * in display order by every period in time order, numbers by text.h's
 * data formatter (the shortest text that reads back as the same double,
 * so that import gives back the model bit for bit), lines ended "\n", or
 * for Excel (options->excel) a UTF-8 byte order mark first, "\r\n", and
 * the item's labels in two more columns (label, label_ja) that import
 * skips as columns of one's own.  By
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

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "kessan/text.h"
#include "model/model.h"

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

ks_status ks_export_walk(ks_model *model, int overrides_only,
                         const ks_export_options *options,
                         ks_export_cell_fn write, void *context,
                         ks_error *err)
{
    ks_model *base = overrides_only ? ks_model_base(model) : NULL;
    int items = ks_item_count(model);
    int periods = ks_period_count(model);
    for (int item = 0; item < items; item++) {
        ks_export_cell cell;
        memset(&cell, 0, sizeof cell);
        ks_item_info info;
        ks_status status = ks_item_get(model, item, &info);
        cell.item = info.id;
        cell.label = info.label;
        cell.label_ja = info.label_ja;
        for (int i = 0; status == KS_OK && i < periods; i++) {
            int period = ks_period_at(model, i);
            if (!writes_cell(model, base, item, period, options))
                continue;
            status = ks_get(model, item, period, &cell.value, err);
            if (status != KS_OK)
                return status;
            ks_period_id(model, period, cell.period, sizeof cell.period);
            cell.is_input = ks_is_input(model, item, period);
            status = write(context, &cell, err);
        }
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

typedef struct export_file {
    ks_model *model;
    const ks_export_options *options;
    ks_text_sink out; /* where the rows go                                */
} export_file;

static const char *line_end(const ks_export_options *options)
{
    return options->excel ? KS_CSV_EXCEL_LINE_END : KS_CSV_LINE_END;
}

/* Whether Excel would read a text field as a formula (or, with a tab or
 * CR first, let it pass as one): "=", "+", "-", "@", tab or CR first. */
static int reads_as_formula(const char *text)
{
    return text && text[0] && strchr("=+-@\t\r", text[0]) != NULL;
}

/* A label for Excel: one that would read as a formula gets a single quote
 * first (OWASP's neutralizing of CSV injection) in `*copy`, freed by the
 * caller; any other is written as it is. */
static ks_status excel_text(ks_model *model, const char *label,
                            const char **field, char **copy, ks_error *err)
{
    *field = label;
    if (!reads_as_formula(label))
        return KS_OK;
    size_t length = strlen(label);
    *copy = ks_mem_alloc(ks_model_allocator(model), length + 2);
    if (!*copy)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing a label");
    (*copy)[0] = '\'';
    memcpy(*copy + 1, label, length + 1);
    *field = *copy;
    return KS_OK;
}

/* Excel's columns: the scenario's name must come back as it is (a
 * quote first would make it another name), so one that would read as a
 * formula is refused; the labels are neutralized. */
static ks_status write_excel_row(export_file *file, const char **fields,
                                 size_t count, const ks_export_cell *cell,
                                 ks_error *err)
{
    if (file->options->with_scenario_column &&
        reads_as_formula(ks_model_name(file->model)))
        return ks_error_set(err, KS_EINVAL, "scenario '%s': a name that "
                            "begins with =, +, -, @, a tab or a CR is read "
                            "by Excel as a formula; export it without excel",
                            ks_model_name(file->model));
    char *copies[2] = { NULL, NULL };
    ks_status status = excel_text(file->model, cell->label, &fields[count],
                                  &copies[0], err);
    if (status == KS_OK)
        status = excel_text(file->model, cell->label_ja, &fields[count + 1],
                            &copies[1], err);
    if (status == KS_OK)
        ks_text_csv_row(&file->out, fields, count + 2,
                        KS_CSV_EXCEL_LINE_END);
    ks_mem_free(ks_model_allocator(file->model), copies[0]);
    ks_mem_free(ks_model_allocator(file->model), copies[1]);
    return status;
}

/* One row: a number by the data formatter, a missing input "-", any
 * other cell without a number empty. */
static ks_status write_cell(void *context, const ks_export_cell *cell,
                            ks_error *err)
{
    export_file *file = context;
    char number[KS_DATA_NUMBER_MAX] = "";
    if (cell->value.kind == KS_NUMBER)
        ks_format_data(number, sizeof number, cell->value.number);
    else if (cell->value.kind == KS_MISSING && cell->is_input)
        strcpy(number, "-");
    const char *fields[6] = { cell->item, cell->period, number };
    size_t count = 3;
    if (file->options->with_scenario_column)
        fields[count++] = ks_model_name(file->model);
    if (file->options->excel)
        /* for people reading the file in Excel: the item's labels, in
         * columns of their own that import skips */
        return write_excel_row(file, fields, count, cell, err);
    ks_text_csv_row(&file->out, fields, count, line_end(file->options));
    return KS_OK;
}

static ks_status write_rows(export_file *file, int overrides_only,
                            int header, ks_error *err)
{
    const ks_export_options *options = file->options;
    if (header && options->excel)
        ks_text_puts(&file->out, KS_CSV_EXCEL_BOM);
    if (header) {
        ks_text_puts(&file->out, options->with_scenario_column
                                     ? "item,period,value,scenario"
                                     : "item,period,value");
        if (options->excel)
            ks_text_puts(&file->out, ",label,label_ja");
        ks_text_puts(&file->out, line_end(options));
    }
    return ks_export_walk(file->model, overrides_only, options, write_cell,
                          file, err);
}

ks_status ks_export_rows(ks_model *model, FILE *out,
                         const ks_export_options *options, int header,
                         ks_error *err)
{
    static const ks_export_options defaults = {
        .with_scenario_column = 0,
        .cells = KS_EXPORT_INPUTS
    };
    export_file file = { model, options ? options : &defaults,
                         ks_text_sink_stream(out) };
    return write_rows(&file, 0, header, err);
}

ks_status ks_export_overrides(ks_model *scenario, FILE *out,
                              const ks_export_options *options, ks_error *err)
{
    export_file file = { scenario, options, ks_text_sink_stream(out) };
    return write_rows(&file, 1, 0, err);
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
