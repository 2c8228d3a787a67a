/*
 * sim_export.c -- a simulation's kept trials as CSV: a `trial` column,
 * then one column per output and drawn cell, one row a trial, written
 * atomically.
 */
#include <stdio.h>

#include "io/atomic_file.h"
#include "kessan/text.h"
#include "simulate/simulate_internal.h"

static void put_field(FILE *out, double value)
{
    char text[KS_DATA_NUMBER_MAX];
    int length = ks_format_data(text, sizeof text, value);
    if (length > 0)
        fwrite(text, 1, (size_t)length, out);
}

static ks_status write_trials(FILE *out, void *context, ks_error *err)
{
    const ks_sim_result *result = context;
    (void)err;
    ks_text_sink sink = ks_text_sink_stream(out);
    ks_text_csv_field(&sink, "trial");
    for (int o = 0; o < result->output_count; o++) {
        fputc(',', out);
        ks_text_csv_field(&sink, result->names[o]);
    }
    for (int d = 0; d < result->draw_count; d++) {
        fputc(',', out);
        ks_text_csv_field(&sink, result->draw_names[d]);
    }
    fputs(KS_CSV_LINE_END, out);
    for (int64_t t = 0; t < result->trials; t++) {
        fprintf(out, "%lld", (long long)t + 1);
        for (int o = 0; o < result->output_count; o++) {
            fputc(',', out);
            put_field(out, result->output_values[o][t]);
        }
        for (int d = 0; d < result->draw_count; d++) {
            fputc(',', out);
            put_field(out, result->draw_values[d][t]);
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
    return ks_atomic_write(&result->alloc, path, write_trials,
                           (void *)result, err);
}
