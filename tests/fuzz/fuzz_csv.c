/*
 * fuzz_csv.c -- libFuzzer harness for CSV: the reader and values import.
 *
 * The first byte picks what the rest of the input is fed to:
 *   0  values import (long or wide, by its header) into a small model as
 *      reported figures, then every cell read and the model exported;
 *   1  the same into a scenario as overrides;
 *   2  the CSV reader, whole and then in chunks of a size taken from the
 *      second byte: both must give the same records, positions and error;
 *   3  values import with an allocator that fails from the n-th allocation
 *      on (n from the second and third bytes): KS_ENOMEM or success.
 * A failed import must leave every cell as it was (value, kind and
 * provenance), and nothing may leak (the allocator counts live blocks).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/fuzz_scratch.h"
#include "../support/test_alloc.h"
#include "io/csv_read.h"
#include "kessan/kessan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the model -------------------------------------------------------------- */

static ks_model *small_model(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_new(&calendar, alloc, &model, &err) != KS_OK)
        return NULL;
    static const char *const ids[] = { "rev.total", "cost.total", "bs.cash" };
    static const ks_rule rules[] = { KS_RULE_SUM, KS_RULE_SUM, KS_RULE_LAST };
    for (int i = 0; i < 3; i++) {
        ks_item_info info = { ids[i], ids[i], NULL, "JPY thousands", "is",
                              NULL, NULL, rules[i] };
        if (ks_item_add(model, &info, NULL, &err) != KS_OK)
            goto fail;
    }
    if (ks_define(model, "op_income", "rev.total - cost.total", NULL, &err)
        != KS_OK)
        goto fail;
    ks_item_info ratio = { "op_margin", "Operating margin", NULL, "ratio",
                           "kpi", NULL, NULL, KS_RULE_FORMULA };
    if (ks_define(model, "op_margin", "op_income / rev.total", &ratio, &err)
        != KS_OK)
        goto fail;
    if (ks_set(model, 0, ks_period_at(model, 0), 100, &err) != KS_OK
        || ks_set(model, 1, ks_period_at(model, 0), 80, &err) != KS_OK)
        goto fail;
    return model;
fail:
    ks_model_free(model);
    return NULL;
}

typedef struct cell_state {
    ks_kind kind;
    ks_provenance provenance;
    double number;
    int is_input;
} cell_state;

enum { MAX_CELLS = 5 * 16 };

static int snapshot(ks_model *model, cell_state *cells)
{
    int n = 0;
    ks_error err;
    for (int item = 0; item < ks_item_count(model); item++)
        for (int i = 0; i < ks_period_count(model); i++) {
            int period = ks_period_at(model, i);
            ks_value value;
            if (n >= MAX_CELLS
                || ks_get(model, item, period, &value, &err) != KS_OK)
                return -1;
            cell_state cell = { value.kind, value.provenance,
                                value.kind == KS_NUMBER ? value.number : 0,
                                ks_is_input(model, item, period) };
            cells[n++] = cell;
        }
    return n;
}

static const char *scratch_path(void)
{
    static char path[FUZZ_PATH_MAX];
    if (!path[0])
        fuzz_scratch("csv", ".csv", path, sizeof path);
    return path;
}

static void fuzz_import(const uint8_t *data, size_t size, int on_scenario,
                        long fail_from)
{
    test_alloc count = { 0 };
    ks_allocator alloc = test_allocator(&count);
    ks_model *model = small_model(&alloc);
    if (!model)
        abort();
    ks_model *target = model;
    ks_error err;
    if (on_scenario && ks_scenario_new(model, "low", &target, &err) != KS_OK)
        abort();
    static cell_state before[MAX_CELLS], after[MAX_CELLS];
    int cells = snapshot(target, before);
    if (cells < 0)
        abort();
    test_alloc_arm(&count, fail_from, 1);
    ks_status status = ks_import_csv_buffer(
        target, "values.csv", (const char *)data, size,
        on_scenario ? KS_PROV_OVERRIDDEN : KS_PROV_REPORTED, &err);
    test_alloc_disarm(&count);
    if (fail_from && status != KS_OK && status != KS_ENOMEM
        && count.calls >= fail_from) {
        /* an input error found before the failing allocation is fine */
        if (err.code != status)
            abort();
    }
    if (status != KS_OK) {
        if (err.code != status || !memchr(err.message, '\0', KS_MESSAGE_MAX))
            abort();
        if (snapshot(target, after) != cells
            || memcmp(before, after, sizeof(cell_state) * (size_t)cells) != 0) {
            fprintf(stderr, "failed import changed the model: %s\n",
                    err.message);
            abort();
        }
    } else {
        if (snapshot(target, after) != cells)
            abort();
        ks_export_options options = {
            .with_scenario_column = on_scenario,
            .cells = 0
        };
        if (ks_export_csv(target, scratch_path(), &options, &err) != KS_OK)
            abort();
    }
    if (target != model)
        ks_model_free(target);
    ks_model_free(model);
    if (count.live != 0) {
        fprintf(stderr, "%ld blocks leaked\n", count.live);
        abort();
    }
}

/* ---- the reader, whole and in chunks ---------------------------------------- */

typedef struct transcript {
    char *text;
    size_t length, capacity;
} transcript;

static void append(transcript *out, const void *bytes, size_t length)
{
    if (out->length + length > out->capacity) {
        size_t capacity = (out->length + length) * 2 + 64;
        char *grown = realloc(out->text, capacity);
        if (!grown)
            abort();
        out->text = grown;
        out->capacity = capacity;
    }
    memcpy(out->text + out->length, bytes, length);
    out->length += length;
}

static ks_status record_to_transcript(void *user_data,
                                      const ks_csv_record *record,
                                      ks_error *err)
{
    (void)err;
    transcript *out = user_data;
    int head[3] = { record->number, record->line, record->count };
    append(out, head, sizeof head);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        if (!field->text || field->text[field->length] != '\0')
            abort();
        double number;
        int is_missing, decimals;
        ks_parse_number(field->text, field->length, &number, &is_missing,
                        &decimals);
        int where[4] = { field->line, field->column, field->is_null,
                         (int)field->length };
        append(out, where, sizeof where);
        append(out, field->text, field->length);
    }
    return KS_OK;
}

static void fuzz_reader(const uint8_t *data, size_t size, size_t chunk)
{
    transcript whole = { NULL, 0, 0 }, chunked = { NULL, 0, 0 };
    ks_error whole_err, chunked_err;
    ks_status whole_status = ks_csv_read_buffer(
        NULL, "in.csv", data, size, record_to_transcript, &whole, &whole_err);

    ks_csv_reader reader;
    ks_csv_reader_init(&reader, NULL, "in.csv", record_to_transcript,
                       &chunked);
    ks_status chunked_status = KS_OK;
    for (size_t at = 0; at < size && chunked_status == KS_OK; at += chunk) {
        size_t length = size - at < chunk ? size - at : chunk;
        chunked_status = ks_csv_reader_feed(&reader, data + at, length,
                                            &chunked_err);
    }
    if (chunked_status == KS_OK)
        chunked_status = ks_csv_reader_finish(&reader, &chunked_err);
    ks_csv_reader_release(&reader);

    if (whole_status != chunked_status || whole.length != chunked.length
        || (whole.length && memcmp(whole.text, chunked.text, whole.length)))
        abort();
    if (whole_status != KS_OK
        && strcmp(whole_err.message, chunked_err.message) != 0) {
        fprintf(stderr, "whole: %s\nchunks of %zu: %s\n", whole_err.message,
                chunk, chunked_err.message);
        abort();
    }
    free(whole.text);
    free(chunked.text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 1 << 16)
        return 0;
    int mode = data[0] & 3;
    switch (mode) {
    case 0:
    case 1:
        fuzz_import(data + 1, size - 1, mode, 0);
        break;
    case 2:
        fuzz_reader(data + 2, size - 2, 1 + data[1] % 64);
        break;
    default:
        fuzz_import(data + 3, size - 3, data[0] & 4,
                    1 + ((long)data[1] << 8 | data[2]) % 2000);
        break;
    }
    return 0;
}
