/*
 * fuzz_xlsx.c -- libFuzzer harness for the workbook reader: values
 * imported from an .xlsx file made from the input.
 *
 * The first byte picks how the rest becomes a workbook:
 *   0  the bytes are the file itself (a zip or not: libzip's checks and
 *      the reader's refusals);
 *   1  the bytes are parts, split at each "\0\0": a sheet's XML, the
 *      shared strings' XML (<si> elements), and optionally the workbook
 *      part; a well-formed zip is made of them around a fixed package;
 *   2  as 1, with an allocator that fails from the n-th allocation on
 *      (n from the second byte).
 * The second byte also picks the sheet asked for: none, "Inputs", or
 * "inputs" (another case).  Each workbook goes to a small model; a failed
 * import must leave every cell as it was, its error a complete message,
 * and nothing may leak (the allocator counts live blocks).  Then its
 * records are read twice, by one parse and in two halves at once (as a
 * large sheet is read, here whatever the sheet's size): the same records,
 * the same status and message (and under a failing allocator, no leak).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "../support/fuzz_scratch.h"
#include "../support/test_alloc.h"
#include "io/xlsx_import.h"
#include "kessan/kessan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ks_model *small_model(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_new(&calendar, alloc, &model, &err) != KS_OK)
        return NULL;
    static const char *const ids[] = { "sales", "cost" };
    for (int i = 0; i < 2; i++) {
        ks_item_info info = { ids[i], ids[i], "\xe5\xa3\xb2\xe4\xb8\x8a",
                              "JPY", "is", NULL, NULL, KS_RULE_SUM };
        if (ks_item_add(model, &info, NULL, &err) != KS_OK)
            goto fail;
    }
    if (ks_define(model, "profit", "sales - cost", NULL, &err) != KS_OK ||
        ks_set(model, 0, ks_period_at(model, 0), 100, &err) != KS_OK)
        goto fail;
    return model;
fail:
    ks_model_free(model);
    return NULL;
}

enum { MAX_CELLS = 3 * 16 };

typedef struct cell_state {
    ks_kind kind;
    double number;
    int is_input;
} cell_state;

static int snapshot(ks_model *model, cell_state *cells)
{
    int n = 0;
    for (int item = 0; item < ks_item_count(model); item++)
        for (int i = 0; i < ks_period_count(model); i++) {
            ks_value value;
            int period = ks_period_at(model, i);
            if (n >= MAX_CELLS ||
                ks_get(model, item, period, &value, NULL) != KS_OK)
                return -1;
            memset(&cells[n], 0, sizeof cells[n]);
            cells[n].kind = value.kind;
            cells[n].number = value.kind == KS_NUMBER ? value.number : 0;
            cells[n].is_input = ks_is_input(model, item, period);
            n++;
        }
    return n;
}

/* ---- workbooks ------------------------------------------------------------- */

#define RELS                                                                 \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/" \
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://x/"             \
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
#define BOOK_RELS                                                            \
    "<Relationships><Relationship Id=\"rId1\" Type=\"http://x/worksheet\" "  \
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\""    \
    "http://x/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"            \
    "<Relationship Id=\"rId3\" Type=\"http://x/sharedStrings\" Target=\""    \
    "sharedStrings.xml\"/></Relationships>"
#define WORKBOOK                                                             \
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"Notes\" r:id=\"rId2\"/>"  \
    "<sheet name=\"Inputs\" r:id=\"rId1\"/></sheets></workbook>"
#define NOTES                                                                \
    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>notes</t></is>"    \
    "</c></row></sheetData></worksheet>"

/* The input's pieces between "\0\0" separators (at most `most`). */
static int split_parts(const uint8_t *data, size_t size, const char **parts,
                       size_t *lengths, int most)
{
    int count = 0;
    size_t start = 0;
    for (size_t i = 0; i + 1 < size && count < most - 1; i++)
        if (data[i] == 0 && data[i + 1] == 0) {
            parts[count] = (const char *)data + start;
            lengths[count++] = i - start;
            start = i + 2;
            i++;
        }
    parts[count] = (const char *)data + start;
    lengths[count++] = size - start;
    return count;
}

static int add(zip_t *zip, const char *name, const char *bytes,
               size_t length)
{
    zip_source_t *source = zip_source_buffer(zip, bytes, length, 0);
    if (!source)
        return -1;
    if (zip_file_add(zip, name, source, ZIP_FL_OVERWRITE) < 0) {
        zip_source_free(source);
        return -1;
    }
    return 0;
}

static int write_parts(const char *path, const uint8_t *data, size_t size)
{
    const char *parts[3];
    size_t lengths[3];
    int count = split_parts(data, size, parts, lengths, 3);
    int code = 0;
    zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!zip)
        return -1;
    const char *sst = count > 1 ? parts[1] : "";
    size_t sst_length = count > 1 ? lengths[1] : 0;
    int failed =
        add(zip, "_rels/.rels", RELS, strlen(RELS)) ||
        add(zip, "xl/_rels/workbook.xml.rels", BOOK_RELS, strlen(BOOK_RELS)) ||
        add(zip, "xl/workbook.xml", count > 2 ? parts[2] : WORKBOOK,
            count > 2 ? lengths[2] : strlen(WORKBOOK)) ||
        add(zip, "xl/worksheets/sheet2.xml", NOTES, strlen(NOTES)) ||
        add(zip, "xl/worksheets/sheet1.xml", parts[0], lengths[0]) ||
        add(zip, "xl/sharedStrings.xml", sst, sst_length);
    if (failed) {
        zip_discard(zip);
        return -1;
    }
    return zip_close(zip) == 0 ? 0 : -1;
}

static int write_raw(const char *path, const uint8_t *data, size_t size)
{
    FILE *out = fopen(path, "wb");
    if (!out)
        return -1;
    int ok = fwrite(data, 1, size, out) == size;
    return fclose(out) == 0 && ok ? 0 : -1;
}

/* ---- the import --------------------------------------------------------------- */

static void fuzz_import(const char *path, const char *sheet, long fail_from)
{
    test_alloc count = { 0 };
    ks_allocator alloc = test_allocator(&count);
    ks_model *model = small_model(&alloc);
    if (!model)
        abort();
    static cell_state before[MAX_CELLS], after[MAX_CELLS];
    int cells = snapshot(model, before);
    if (cells < 0)
        abort();
    ks_import_options options = { .provenance = KS_PROV_REPORTED,
                                  .sheet = sheet };
    ks_error err;
    test_alloc_arm(&count, fail_from, 1);
    ks_status status = ks_import_values_with(model, path, &options, &err);
    test_alloc_disarm(&count);
    if (status != KS_OK) {
        if (err.code != status || !memchr(err.message, '\0', KS_MESSAGE_MAX)
            || err.message[0] == '\0')
            abort();
        if (snapshot(model, after) != cells ||
            memcmp(before, after, sizeof(cell_state) * (size_t)cells) != 0) {
            fprintf(stderr, "failed import changed the model: %s\n",
                    err.message);
            abort();
        }
    }
    ks_model_free(model);
    if (count.live != 0) {
        fprintf(stderr, "%ld blocks leaked\n", count.live);
        abort();
    }
}

/* ---- one parse against two halves ----------------------------------------- */

typedef struct record_hash {
    uint64_t hash;           /* FNV-1a over every record handed over      */
    long records;
} record_hash;

static void hash_bytes(record_hash *h, const void *bytes, size_t length)
{
    const unsigned char *at = bytes;
    for (size_t i = 0; i < length; i++)
        h->hash = (h->hash ^ at[i]) * UINT64_C(0x100000001b3);
}

static ks_status hash_record(void *user_data, const ks_csv_record *record,
                             ks_error *err)
{
    (void)err;
    record_hash *h = user_data;
    int head[3] = { record->line, record->number, record->count };
    hash_bytes(h, head, sizeof head);
    hash_bytes(h, record->name, strlen(record->name));
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        int where[3] = { field->line, field->column, field->is_null };
        hash_bytes(h, where, sizeof where);
        hash_bytes(h, &field->length, sizeof field->length);
        hash_bytes(h, field->text, field->length + 1); /* its NUL too */
    }
    h->records++;
    return KS_OK;
}

static void read_both_ways(const char *path, const char *sheet,
                           long fail_from)
{
    test_alloc count = { 0 };
    ks_allocator alloc = test_allocator(&count);
    record_hash one = { UINT64_C(0xcbf29ce484222325), 0 }, two = one;
    ks_error err_one, err_two;
    ks_status got_one = ks_xlsxin_read_records_with(&alloc, path, path, sheet,
                                                    0, hash_record, &one,
                                                    NULL, &err_one);
    test_alloc_arm(&count, fail_from, 1);
    ks_status got_two = ks_xlsxin_read_records_with(&alloc, path, path, sheet,
                                                    1, hash_record, &two,
                                                    NULL, &err_two);
    test_alloc_disarm(&count);
    if (count.live != 0) {
        fprintf(stderr, "%ld blocks leaked reading in halves\n", count.live);
        abort();
    }
    if (fail_from > 0)
        return; /* the halves allocate otherwise: another failure */
    if (got_one != got_two || one.hash != two.hash ||
        one.records != two.records ||
        (got_one != KS_OK && strcmp(err_one.message, err_two.message) != 0)) {
        fprintf(stderr, "two halves read otherwise than one parse: %s '%s' "
                "(%ld records) against %s '%s' (%ld)\n",
                ks_status_name(got_one), got_one ? err_one.message : "",
                one.records, ks_status_name(got_two),
                got_two ? err_two.message : "", two.records);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[FUZZ_PATH_MAX];
    if (!path[0])
        fuzz_scratch("xlsx", ".xlsx", path, sizeof path);
    if (size < 2 || size > 1 << 16)
        return 0;
    static const char *const sheets[] = { NULL, "Inputs", "inputs" };
    const char *sheet = sheets[data[1] % 3];
    int mode = data[0] % 3;
    int written = mode == 0 ? write_raw(path, data + 2, size - 2)
                            : write_parts(path, data + 2, size - 2);
    if (written == 0) {
        fuzz_import(path, sheet, mode == 2 ? 1 + data[1] % 200 : 0);
        read_both_ways(path, sheet, mode == 2 ? 1 + data[1] % 200 : 0);
    }
    unlink(path);
    return 0;
}
