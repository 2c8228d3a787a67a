/*
 * sim_export.c -- a simulation's kept trials as CSV: a `trial` column,
 * then one column per cell (each output, then each drawn cell that is no
 * output), one row a trial, written atomically.
 */
#include <stdio.h>
#include <string.h>

#include "io/atomic_file.h"
#include "kessan/text.h"
#include "simulate/simulate_internal.h"

/* The file's cell columns: a name and its trials. */
typedef struct export_columns {
    const ks_sim_result *result;
    int count;
    const char **names;
    const double **values;
} export_columns;

static int has_column(const export_columns *columns, const char *name)
{
    for (int c = 0; c < columns->count; c++)
        if (strcmp(columns->names[c], name) == 0)
            return 1;
    return 0;
}

static void add_column(export_columns *columns, const char *name,
                       const double *values)
{
    if (has_column(columns, name))
        return;
    columns->names[columns->count] = name;
    columns->values[columns->count] = values;
    columns->count++;
}

/* One column per cell: an output named twice, or drawn as well, has one,
 * its trials as an output (what r:values gives for it). */
static ks_status columns_of(const ks_sim_result *result,
                            export_columns *columns, ks_error *err)
{
    size_t most = (size_t)result->output_count + (size_t)result->draw_count;
    columns->result = result;
    columns->count = 0;
    columns->names = ks_mem_alloc(&result->alloc, most * sizeof *columns->names);
    columns->values = ks_mem_alloc(&result->alloc,
                                   most * sizeof *columns->values);
    if (!columns->names || !columns->values) {
        ks_mem_free(&result->alloc, columns->names);
        ks_mem_free(&result->alloc, columns->values);
        return ks_error_set(err, KS_ENOMEM, "simulate: export: out of memory "
                            "for the columns of %zu cells", most);
    }
    for (int o = 0; o < result->output_count; o++)
        add_column(columns, result->names[o], result->output_values[o]);
    for (int d = 0; d < result->draw_count; d++)
        add_column(columns, result->draw_names[d], result->draw_values[d]);
    return KS_OK;
}

static void columns_free(export_columns *columns)
{
    ks_mem_free(&columns->result->alloc, columns->names);
    ks_mem_free(&columns->result->alloc, columns->values);
}

static void put_field(FILE *out, double value)
{
    char text[KS_DATA_NUMBER_MAX];
    int length = ks_format_data(text, sizeof text, value);
    if (length > 0)
        fwrite(text, 1, (size_t)length, out);
}

static ks_status write_trials(FILE *out, void *context, ks_error *err)
{
    const export_columns *columns = context;
    (void)err;
    ks_text_sink sink = ks_text_sink_stream(out);
    ks_text_csv_field(&sink, "trial");
    for (int c = 0; c < columns->count; c++) {
        fputc(',', out);
        ks_text_csv_field(&sink, columns->names[c]);
    }
    fputs(KS_CSV_LINE_END, out);
    for (int64_t t = 0; t < columns->result->trials; t++) {
        fprintf(out, "%lld", (long long)t + 1);
        for (int c = 0; c < columns->count; c++) {
            fputc(',', out);
            put_field(out, columns->values[c][t]);
        }
        fputs(KS_CSV_LINE_END, out);
    }
    return KS_OK;
}

ks_status ks_sim_export_csv(const ks_sim_result *result, const char *path,
                            ks_error *err)
{
    if (!result->kept)
        return ks_error_set(err, KS_EMISUSE, "simulate: export: the trials "
                            "were not kept (simulate with keep = true)");
    export_columns columns;
    ks_status status = columns_of(result, &columns, err);
    if (status != KS_OK)
        return status;
    status = ks_atomic_write(&result->alloc, path, write_trials, &columns, err);
    columns_free(&columns);
    return status;
}
