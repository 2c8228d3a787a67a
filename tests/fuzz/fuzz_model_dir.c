/*
 * fuzz_model_dir.c -- libFuzzer harness for opening a whole model
 * directory.
 *
 * After a first byte of options, the input is split at the byte 0x1E into
 * settings.csv, items.csv, values.csv, printed.csv and notes.csv (a part
 * not given is a file not written), written into a scratch directory and
 * opened with ks_model_open.  An open model has every cell read, one cell
 * of each item explained, and is exported.  Option bit 0 makes the
 * allocator fail from the n-th allocation on (n from the second and third
 * bytes): the open must then fail with KS_ENOMEM or succeed.  The
 * allocator counts live blocks: nothing may leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fuzz_scratch.h"
#include "../support/test_alloc.h"
#include "kessan/kessan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEPARATOR 0x1E

static const char *const file_names[] = {
    "settings.csv", "items.csv", "values.csv", "printed.csv", "notes.csv"
};
enum { FILES = 5 };

static const char *scratch_dir(void)
{
    static char path[FUZZ_PATH_MAX];
    if (!path[0]) {
        fuzz_scratch("model", "", path, sizeof path);
        mkdir(path, 0700);
    }
    return path;
}

static void write_part(const char *name, const uint8_t *bytes, size_t length,
                       int present)
{
    char path[FUZZ_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", scratch_dir(), name);
    if (!present) {
        remove(path);
        return;
    }
    FILE *file = fopen(path, "wb");
    if (!file)
        abort();
    if (length && fwrite(bytes, 1, length, file) != length)
        abort();
    fclose(file);
}

static void write_parts(const uint8_t *data, size_t size)
{
    size_t start = 0;
    for (int part = 0; part < FILES; part++) {
        if (start > size) {
            write_part(file_names[part], NULL, 0, 0);
            continue;
        }
        const uint8_t *end = memchr(data + start, SEPARATOR, size - start);
        size_t length = end ? (size_t)(end - (data + start)) : size - start;
        write_part(file_names[part], data + start, length, 1);
        start += length + 1;
        if (!end)
            start = size + 1;
    }
}

static void use_model(ks_model *model)
{
    ks_error err;
    for (int item = 0; item < ks_item_count(model); item++) {
        ks_item_info info;
        if (ks_item_get(model, item, &info) != KS_OK || !info.id)
            abort();
        for (int i = 0; i < ks_period_count(model); i++) {
            ks_value value;
            ks_status status = ks_get(model, item, ks_period_at(model, i),
                                      &value, &err);
            if (status != KS_OK)
                abort();
            if (value.kind == KS_ERROR && !value.error)
                abort();
        }
        ks_explain_node *tree = NULL;
        int period = ks_period_at(model, item % ks_period_count(model));
        if (ks_explain(model, item, period, &tree, &err) == KS_OK)
            ks_explain_free(model, tree);
    }
    char path[FUZZ_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/export.out", scratch_dir());
    ks_export_options options = { .with_scenario_column = 0, .cells = 0 };
    if (ks_export_csv(model, path, &options, &err) != KS_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 1 << 17)
        return 0;
    long fail_from = 0;
    if (data[0] & 1)
        fail_from = 1 + ((long)data[1] << 8 | data[2]);
    write_parts(data + 3, size - 3);

    test_alloc count = { .fail_at = fail_from, .fail_for_good = 1 };
    ks_allocator alloc = test_allocator(&count);
    ks_model *model = (ks_model *)&count;
    ks_error err;
    ks_status status = ks_model_open(scratch_dir(), &alloc, &model, &err);
    if (status == KS_OK) {
        test_alloc_disarm(&count);
        if (!model)
            abort();
        use_model(model);
        ks_model_free(model);
    } else if (model || err.code != status
               || !memchr(err.message, '\0', KS_MESSAGE_MAX)) {
        abort();
    }
    if (count.live != 0) {
        fprintf(stderr, "%ld blocks leaked (%s)\n", count.live,
                ks_status_name(status));
        abort();
    }
    return 0;
}
