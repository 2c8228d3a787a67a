/*
 * test_csv.c -- the CSV reader (records with positions, every malformed
 * input refused with line:column, chunk boundaries that cannot matter) and
 * values import and export (errors, atomicity, bit-identical round trip,
 * allocation failure).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/dir_entries.h"
#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "base/error.h"
#include "io/csv_file.h"
#include "io/csv_read.h"
#include "kessan/kessan.h"

/* ---- records written out as text, to compare --------------------------- */

typedef struct text_buffer {
    char *data;
    size_t length, capacity;
} text_buffer;

static void append(text_buffer *out, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char piece[256];
    int n = vsnprintf(piece, sizeof piece, format, args);
    va_end(args);
    assert_true(n >= 0 && (size_t)n < sizeof piece);
    if (out->length + (size_t)n + 1 > out->capacity) {
        out->capacity = (out->length + (size_t)n + 1) * 2;
        out->data = realloc(out->data, out->capacity);
        assert_non_null(out->data);
    }
    memcpy(out->data + out->length, piece, (size_t)n + 1);
    out->length += (size_t)n;
}

static ks_status dump_record(void *user_data, const ks_csv_record *record,
                             ks_error *err)
{
    (void)err;
    text_buffer *out = user_data;
    append(out, "%d@%d:", record->number, record->line);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        assert_int_equal(strlen(field->text), field->length);
        append(out, "%s%d.%d", i ? "|" : "", field->line, field->column);
        if (field->is_null)
            append(out, "~");
        else if (field->length > 64)
            append(out, "[%zu bytes]", field->length);
        else
            append(out, "[%s]", field->text);
    }
    append(out, "\n");
    return KS_OK;
}

/* Read `input` in chunks of `chunk` bytes; the records, then any error. */
static char *read_chunked(const char *input, size_t size, size_t chunk)
{
    text_buffer out = { NULL, 0, 0 };
    append(&out, "");
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, NULL, "t.csv", dump_record, &out);
    ks_error err;
    ks_status status = KS_OK;
    for (size_t at = 0; at < size && status == KS_OK; at += chunk) {
        size_t piece = size - at < chunk ? size - at : chunk;
        status = ks_csv_reader_feed(&reader, input + at, piece, &err);
    }
    if (status == KS_OK)
        status = ks_csv_reader_finish(&reader, &err);
    if (status != KS_OK)
        append(&out, "error %s: %s", ks_status_name(status), err.message);
    ks_csv_reader_release(&reader);
    return out.data;
}

typedef struct reader_case {
    const char *name;
    const char *input;
    size_t size; /* 0: strlen(input) */
    const char *expected;
} reader_case;

#define CASE(name, input, expected) { name, input, 0, expected }

static const reader_case reader_cases[] = {
    CASE("empty file", "", ""),
    CASE("header only", "item,period,value\n",
         "1@1:1.1[item]|1.6[period]|1.13[value]\n"),
    CASE("no final newline", "a,b\nc,d",
         "1@1:1.1[a]|1.3[b]\n2@2:2.1[c]|2.3[d]\n"),
    CASE("CRLF", "a,b\r\nc,d\r\n",
         "1@1:1.1[a]|1.3[b]\n2@2:2.1[c]|2.3[d]\n"),
    CASE("lone CR", "a,b\rc,d\r",
         "1@1:1.1[a]|1.3[b]\n2@2:2.1[c]|2.3[d]\n"),
    CASE("blank lines skipped but counted", "a\n\n\r\n\nb\n\n",
         "1@1:1.1[a]\n2@5:5.1[b]\n"),
    CASE("BOM dropped", "\xEF\xBB\xBF" "a,b\n", "1@1:1.1[a]|1.3[b]\n"),
    CASE("empty fields", ",,\"\"\n",
         "1@1:1.1~|1.2~|1.3[]\n"),
    CASE("spaces kept", " a , b \n", "1@1:1.1[ a ]|1.5[ b ]\n"),
    CASE("quoted comma, quote and newline",
         "x,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",y\nz\n",
         "1@1:1.1[x]|1.3[a,b]|1.9[say \"hi\"]|1.22[two\nlines]|2.8[y]\n"
         "2@3:3.1[z]\n"),
    CASE("columns count characters", "\xE6\x97\xA5\xE6\x9C\xAC,x\n",
         "1@1:1.1[\xE6\x97\xA5\xE6\x9C\xAC]|1.4[x]\n"),
    CASE("quoted last field without newline", "a,\"b\"",
         "1@1:1.1[a]|1.3[b]\n"),
    CASE("stray quote in a field", "a,b\nc,d\"e\n",
         "1@1:1.1[a]|1.3[b]\n"
         "error EFORMAT: t.csv:2:4: stray quote (a field holding a quote "
         "must be quoted, with the quote doubled: \"a \"\"b\"\"\")"),
    CASE("text after a closing quote", "\"ab\"c,d\n",
         "error EFORMAT: t.csv:1:4: stray quote (a field holding a quote "
         "must be quoted, with the quote doubled: \"a \"\"b\"\"\")"),
    CASE("quote never closed", "a,b\nc,\"d,e\nf,g\n",
         "1@1:1.1[a]|1.3[b]\n"
         "error EFORMAT: t.csv:2:3: quote opened here is never closed"),
    CASE("truncated inside a quote", "a,\"bc",
         "error EFORMAT: t.csv:1:3: quote opened here is never closed"),
    CASE("invalid UTF-8 byte", "a,b\nc,d\xFF\n",
         "1@1:1.1[a]|1.3[b]\n"
         "error EFORMAT: t.csv:2:4: invalid UTF-8 (save the file as UTF-8)"),
    CASE("Latin-1 text", "caf\xE9,x\n",
         "error EFORMAT: t.csv:1:4: invalid UTF-8 (save the file as UTF-8)"),
    CASE("overlong encoding", "a\xC0\xAF\n",
         "error EFORMAT: t.csv:1:2: invalid UTF-8 (save the file as UTF-8)"),
    CASE("surrogate", "\xED\xA0\x80\n",
         "error EFORMAT: t.csv:1:1: invalid UTF-8 (save the file as UTF-8)"),
    CASE("truncated UTF-8 at the end", "ab\xE6\x97",
         "error EFORMAT: t.csv:1:3: invalid UTF-8 (save the file as UTF-8)"),
    CASE("lone continuation byte", "a\x80",
         "error EFORMAT: t.csv:1:2: invalid UTF-8 (save the file as UTF-8)"),
    CASE("half a BOM", "\xEF\xBB" "a\n",
         "error EFORMAT: t.csv:1:1: invalid UTF-8 (save the file as UTF-8)"),
    { "NUL byte", "a,b\nc\0d\n", 8,
      "1@1:1.1[a]|1.3[b]\n"
      "error EFORMAT: t.csv:2:2: NUL byte (is this a text file?)" },
};

static void test_reader_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof reader_cases / sizeof reader_cases[0]; i++) {
        const reader_case *c = &reader_cases[i];
        size_t size = c->size ? c->size : strlen(c->input);
        char *whole = read_chunked(c->input, size, size ? size : 1);
        if (strcmp(whole, c->expected) != 0)
            fail_msg("%s:\n got: %s\nwant: %s", c->name, whole, c->expected);
        free(whole);
    }
}

/* libcsv's own habit: every chunk size from 1 to the length. */
static void test_reader_chunk_sizes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof reader_cases / sizeof reader_cases[0]; i++) {
        const reader_case *c = &reader_cases[i];
        size_t size = c->size ? c->size : strlen(c->input);
        for (size_t chunk = 1; chunk <= size; chunk++) {
            char *got = read_chunked(c->input, size, chunk);
            if (strcmp(got, c->expected) != 0)
                fail_msg("%s at chunk %zu:\n got: %s\nwant: %s", c->name,
                         chunk, got, c->expected);
            free(got);
        }
    }
}

static void test_reader_megabyte_field(void **state)
{
    (void)state;
    size_t big = 1u << 20;
    char *input = malloc(big + 16);
    assert_non_null(input);
    memcpy(input, "a,\"", 3);
    memset(input + 3, 'x', big);
    memcpy(input + 3 + big, "\",b\n", 4);
    char *got = read_chunked(input, big + 7, 4096);
    char expected[128];
    snprintf(expected, sizeof expected, "1@1:1.1[a]|1.3[%zu bytes]|1.%zu[b]\n",
             big, big + 6);
    assert_string_equal(got, expected);
    free(got);
    /* the same field without its closing quote */
    got = read_chunked(input, big + 3, 65536);
    assert_string_equal(got, "error EFORMAT: t.csv:1:3: quote opened here "
                             "is never closed");
    free(got);
    free(input);
}

static ks_status stop_at_second(void *user_data, const ks_csv_record *record,
                                ks_error *err)
{
    int *seen = user_data;
    ++*seen;
    if (record->number == 2)
        return ks_error_at(err, KS_EUNKNOWN, record->line,
                           record->fields[0].column, "%s:%d:%d: no '%s'",
                           record->name, record->line,
                           record->fields[0].column, record->fields[0].text);
    return KS_OK;
}

static void test_reader_callback_stops(void **state)
{
    (void)state;
    int seen = 0;
    ks_error err;
    const char *input = "a\nb\nc\nd\n";
    ks_status status = ks_csv_read_buffer(NULL, "s.csv", input, strlen(input),
                                          stop_at_second, &seen, &err);
    assert_int_equal(status, KS_EUNKNOWN);
    assert_int_equal(seen, 2);
    assert_string_equal(err.message, "s.csv:2:1: no 'b'");
    assert_int_equal(err.line, 2);
}

static void test_reader_missing_file(void **state)
{
    (void)state;
    ks_error err;
    int seen = 0;
    ks_status status = ks_csv_file_read(NULL, "tests/data/csv/no-such.csv",
                                        NULL, stop_at_second, &seen, &err);
    assert_int_equal(status, KS_EIO);
    assert_non_null(strstr(err.message, "tests/data/csv/no-such.csv: "));
}

/* Every allocation failing in turn, once and for good: ENOMEM, no leak. */
static void test_reader_allocation_failure(void **state)
{
    (void)state;
    size_t size = 3000;
    char *input = malloc(size);
    assert_non_null(input);
    for (size_t i = 0; i < size; i++)
        input[i] = i % 50 == 49 ? '\n' : (i % 7 == 6 ? ',' : 'v');
    for (int for_good = 0; for_good <= 1; for_good++) {
        for (long n = 1;; n++) {
            test_alloc counts = { 0 };
            ks_allocator alloc = test_allocator(&counts);
            test_alloc_arm(&counts, n, for_good);
            text_buffer out = { NULL, 0, 0 };
            ks_error err;
            ks_status status = ks_csv_read_buffer(&alloc, "m.csv", input, size,
                                                  dump_record, &out, &err);
            free(out.data);
            assert_int_equal(counts.live, 0);
            if (status == KS_OK && counts.calls < n)
                break;
            if (status != KS_OK) {
                assert_int_equal(status, KS_ENOMEM);
                assert_string_equal(err.message,
                                    "m.csv: out of memory reading CSV");
            } else {
                /* libcsv halves its request and retries: one failure in
                 * its buffer can be absorbed. */
                assert_false(for_good);
            }
            assert_true(n < 1000);
        }
    }
    free(input);
}


/* ---- import and export -------------------------------------------------- */

static const ks_calendar calendar = { 3, 2001, 2002 };

/* rev.total and cost are inputs; op_income and margin are formulas. */
static ks_model *small_model(const ks_allocator *alloc)
{
    ks_model *model = empty_model(&calendar, alloc);
    ks_error err;
    static const char *const ids[] = { "rev.total", "cost" };
    for (int i = 0; i < 2; i++) {
        ks_item_info info = { ids[i], ids[i], NULL, "JPY thousands", "is",
                              NULL, NULL, KS_RULE_SUM };
        assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_OK);
    }
    assert_int_equal(ks_define(model, "op_income", "rev.total - cost", NULL,
                               &err), KS_OK);
    ks_item_info ratio = { "margin", "Margin", NULL, "ratio", "kpi", NULL,
                           NULL, KS_RULE_FORMULA };
    assert_int_equal(ks_define(model, "margin", "op_income / rev.total",
                               &ratio, &err), KS_OK);
    return model;
}

/* Every cell as bits, kind, provenance and whether it is an input. */
typedef struct snapshot {
    size_t count;
    uint64_t *bits;
    int *kinds;
} snapshot;

static snapshot take(ks_model *model)
{
    int items = ks_item_count(model), periods = ks_period_count(model);
    snapshot shot = { (size_t)items * (size_t)periods, NULL, NULL };
    shot.bits = calloc(shot.count ? shot.count : 1, sizeof *shot.bits);
    shot.kinds = calloc(shot.count ? shot.count : 1, sizeof *shot.kinds);
    assert_true(shot.bits && shot.kinds);
    for (int i = 0; i < items; i++)
        for (int p = 0; p < periods; p++) {
            ks_value value;
            ks_error err;
            size_t at = (size_t)i * (size_t)periods + (size_t)p;
            assert_int_equal(ks_get(model, i, p, &value, &err), KS_OK);
            if (value.kind == KS_NUMBER)
                memcpy(&shot.bits[at], &value.number, sizeof value.number);
            shot.kinds[at] = (int)value.kind * 100
                           + (int)value.provenance * 10
                           + ks_is_input(model, i, p);
        }
    return shot;
}

static void assert_same(snapshot a, snapshot b)
{
    assert_int_equal(a.count, b.count);
    for (size_t i = 0; i < a.count; i++) {
        if (a.bits[i] != b.bits[i] || a.kinds[i] != b.kinds[i])
            fail_msg("cell %zu differs: %016llx/%d against %016llx/%d", i,
                     (unsigned long long)a.bits[i], a.kinds[i],
                     (unsigned long long)b.bits[i], b.kinds[i]);
    }
    free(a.bits);
    free(a.kinds);
    free(b.bits);
    free(b.kinds);
}

static ks_status import_text(ks_model *model, const char *text,
                             ks_error *err)
{
    return ks_import_csv_buffer(model, "v.csv", text, strlen(text),
                                KS_PROV_REPORTED, err);
}

static void test_import_long_form(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_error err;
    const char *text = "value,item,period\n"
                       "\"3,404,016\",rev.total,3Q02\n"
                       "(566520),cost,3Q02\n"
                       "-,cost,2Q02\n";
    assert_int_equal(import_text(model, text, &err), KS_OK);
    ks_value value = value_of(model, "rev.total@3Q02");
    assert_true(value.kind == KS_NUMBER && value.number == 3404016.0);
    assert_int_equal(value.provenance, KS_PROV_REPORTED);
    value = value_of(model, "cost@3Q02");
    assert_true(value.number == -566520.0);
    assert_int_equal(value_of(model, "cost@2Q02").kind, KS_MISSING);
    ks_cell_ref cost = cell(model, "cost@2Q02");
    assert_true(ks_is_input(model, cost.item, cost.period));
    /* the formula sees the imported inputs */
    value = value_of(model, "op_income@3Q02");
    assert_true(value.number == 3404016.0 - -566520.0);
    ks_model_free(model);
}

static void test_import_wide_form_with_bom_and_crlf(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_error err;
    assert_int_equal(ks_import_csv(model, "tests/data/csv/values_wide.csv",
                                   KS_PROV_OVERRIDDEN, &err), KS_OK);
    ks_value value = value_of(model, "rev.total@2Q02");
    assert_true(value.number == 9954367.0);
    assert_int_equal(value.provenance, KS_PROV_OVERRIDDEN);
    assert_true(value_of(model, "cost@3Q02").number == 0.322);
    assert_int_equal(value_of(model, "cost@2Q02").kind, KS_MISSING);
    ks_model_free(model);
}

static void test_import_scenario_column(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_model *low = NULL;
    ks_error err;
    assert_int_equal(ks_scenario_new(model, "low", &low, &err), KS_OK);
    const char *text = "item,period,value,scenario\n"
                       "rev.total,3Q02,100,low\n"
                       "rev.total,2Q02,200,\n";
    assert_int_equal(import_text(low, text, &err), KS_OK);
    assert_true(value_of(low, "rev.total@3Q02").number == 100.0);
    assert_int_equal(value_of(model, "rev.total@3Q02").kind, KS_MISSING);
    assert_int_equal(import_text(model, text, &err), KS_EINVAL);
    assert_string_equal(err.message, "v.csv:2:20: a value for scenario 'low', "
                                     "but this is 'base'");
    ks_model_free(low);
    ks_model_free(model);
}

typedef struct import_case {
    const char *text;
    ks_status status;
    const char *message; /* the start of the message */
} import_case;

static const import_case import_cases[] = {
    { "item,period,value\nrev.total,3Q02,1\nrev.totl,3Q02,2\n", KS_EUNKNOWN,
      "v.csv:3:1: unknown item 'rev.totl' (did you mean 'rev.total'?)" },
    { "item,period,value\nrev.total,3Q02,1\nrev.total,5Q02,2\n", KS_ESYNTAX,
      "v.csv:3:11: bad period '5Q02'" },
    { "item,period,value\nrev.total,3Q02,1\nrev.total,3Q09,2\n", KS_ERANGE,
      "v.csv:3:11: period '3Q09' is outside" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,abc\n", KS_EFORMAT,
      "v.csv:3:11: expected a number like 1,234 or (566,520), got 'abc'" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,\"1,23\"\n", KS_EFORMAT,
      "v.csv:3:11: expected a number like 1,234 or (566,520), got '1,23'" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02\n", KS_EFORMAT,
      "v.csv:3: expected 3 fields as in the header, got 2" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,1,2\n", KS_EFORMAT,
      "v.csv:3: expected 3 fields as in the header, got 4" },
    { "item,3Q02,2Q02\nrev.total,1,2\ncost,1\n", KS_EFORMAT,
      "v.csv:3: expected 3 fields (item and 2 periods, as in the header), "
      "got 2" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,2\nrev.total,3Q02,3\n",
      KS_EDUP, "v.csv:4:16: a second value for rev.total@3Q02 (the first is "
      "on line 2)" },
    { "item,3Q02,3Q02\nrev.total,1,2\n", KS_EDUP,
      "v.csv:1:11: the same period is also an earlier column" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,\"12\n", KS_EFORMAT,
      "v.csv:3:11: quote opened here is never closed" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,1\"2\n", KS_EFORMAT,
      "v.csv:3:12: stray quote" },
    { "item,period,value,valeu\n", KS_EFORMAT,
      "v.csv:1:19: unknown column 'valeu' (did you mean 'value'?)" },
    { "item,period,period,value\n", KS_EFORMAT,
      "v.csv:1:13: second column 'period'" },
    { "item,period\n", KS_EFORMAT, "v.csv:1: no 'value' column" },
    { "id,3Q02\n", KS_EFORMAT, "v.csv:1:1: expected a header" },
    { "", KS_EFORMAT, "v.csv: empty file" },
    { "\n\n", KS_EFORMAT, "v.csv: empty file" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,\xC3\n", KS_EFORMAT,
      "v.csv:3:11: invalid UTF-8" },
    { "item,period,value\nrev.total,3Q02,1\ncost,3Q02,1,scenario\n",
      KS_EFORMAT, "v.csv:3: expected 3 fields" },
    { "item,period,value,scenario\nrev.total,3Q02,1,base\ncost,3Q02,1,low\n",
      KS_EINVAL,
      "v.csv:3:13: a value for scenario 'low', but this is 'base'" },
};

static void test_import_errors_leave_model_unchanged(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    put(model, "rev.total@3Q02", 42.0);
    put(model, "cost@1Q02", 7.0);
    for (size_t i = 0; i < sizeof import_cases / sizeof import_cases[0]; i++) {
        const import_case *c = &import_cases[i];
        snapshot before = take(model);
        ks_error err;
        ks_status status = import_text(model, c->text, &err);
        if (status != c->status
            || strncmp(err.message, c->message, strlen(c->message)) != 0)
            fail_msg("case %zu: %s: %s\nwant %s: %s", i,
                     ks_status_name(status), err.message,
                     ks_status_name(c->status), c->message);
        assert_same(before, take(model));
    }
    ks_model_free(model);
}

static void test_import_nul_byte_and_missing_file(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_error err;
    static const char text[] = "item,period,value\nrev.total,3Q02,1\0\n";
    assert_int_equal(ks_import_csv_buffer(model, "v.csv", text,
                                          sizeof text - 1, KS_PROV_REPORTED,
                                          &err), KS_EFORMAT);
    assert_string_equal(err.message, "v.csv:2:17: NUL byte (is this a text "
                                     "file?)");
    assert_int_equal(ks_import_csv(model, "tests/data/csv/none.csv",
                                   KS_PROV_REPORTED, &err), KS_EIO);
    assert_int_equal(ks_import_csv(model, "tests/data/csv/bad_quote.csv",
                                   KS_PROV_REPORTED, &err), KS_EFORMAT);
    assert_string_equal(err.message, "tests/data/csv/bad_quote.csv:3:11: "
                                     "quote opened here is never closed");
    assert_int_equal(value_of(model, "rev.total@3Q02").kind, KS_MISSING);
    ks_model_free(model);
}

static char *temp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", KESSAN_TEST_TMP, name);
    return path;
}

static void test_export_round_trip_is_bit_identical(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    put(model, "rev.total@1Q01", 0.1);
    put(model, "rev.total@2Q01", 1.0 / 3.0);
    put(model, "rev.total@3Q01", 1e-300);
    put(model, "rev.total@4Q01", -0.0);
    put(model, "rev.total@1Q02", 123456789012345678.0);
    put(model, "rev.total@2Q02", 5e-324);
    put(model, "cost@4Q02", -1.7976931348623157e308);
    put(model, "cost@2Q01", 2.0 / 3.0);
    put(model, "cost@3Q02", 0.0); /* margin errors where rev.total is 0 */
    ks_cell_ref cost = cell(model, "cost@4Q01");
    ks_error err;
    assert_int_equal(ks_set_missing(model, cost.item, cost.period, &err),
                     KS_OK);
    const char *path = temp_path("round.csv");
    assert_int_equal(ks_export_csv(model, path, NULL, &err), KS_OK);

    ks_model *back = small_model(NULL);
    if (ks_import_csv(back, path, KS_PROV_REPORTED, &err) != KS_OK)
        fail_msg("%s", err.message);
    int items = ks_item_count(model), periods = ks_period_count(model);
    for (int i = 0; i < items; i++)
        for (int p = 0; p < periods; p++) {
            ks_value a, b;
            assert_int_equal(ks_get(model, i, p, &a, &err), KS_OK);
            assert_int_equal(ks_get(back, i, p, &b, &err), KS_OK);
            /* the inputs came back, so every computed cell too: the
             * missing input as "-", errors computed again */
            assert_int_equal(b.kind, a.kind);
            if (a.kind == KS_NUMBER)
                assert_memory_equal(&a.number, &b.number, sizeof a.number);
        }
    assert_true(signbit(value_of(back, "rev.total@4Q01").number));
    /* a second export of what came back is the same file */
    char *first = read_file(path);
    assert_int_equal(ks_export_csv(back, path, NULL, &err), KS_OK);
    char *second = read_file(path);
    assert_string_equal(first, second);
    free(first);
    free(second);
    assert_int_equal(temporaries_in(KESSAN_TEST_TMP), 0);
    ks_model_free(back);
    ks_model_free(model);
}

static void test_export_order_and_options(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    put(model, "rev.total@3Q02", 1.5);
    put(model, "cost@1Q01", 2.0);
    ks_error err;
    const char *path = temp_path("inputs.csv");
    ks_export_options options = {
        .with_scenario_column = 1,
        .cells = KS_EXPORT_INPUTS
    };
    assert_int_equal(ks_export_csv(model, path, &options, &err), KS_OK);
    char *text = read_file(path);
    assert_string_equal(text, "item,period,value,scenario\n"
                              "rev.total,3Q02,1.5,base\n"
                              "cost,1Q01,2,base\n");
    free(text);
    /* the default is the same inputs, without the scenario column */
    assert_int_equal(ks_export_csv(model, path, NULL, &err), KS_OK);
    text = read_file(path);
    assert_string_equal(text, "item,period,value\n"
                              "rev.total,3Q02,1.5\n"
                              "cost,1Q01,2\n");
    free(text);
    /* every cell: items in display order, periods in time order */
    options = (ks_export_options){ .cells = KS_EXPORT_ALL };
    assert_int_equal(ks_export_csv(model, path, &options, &err), KS_OK);
    text = read_file(path);
    const char *line = strchr(text, '\n') + 1;
    int rows = 0;
    for (int i = 0; i < ks_item_count(model); i++) {
        ks_item_info info;
        ks_item_get(model, i, &info);
        for (int p = 0; p < ks_period_count(model); p++, rows++) {
            char id[16], start[64];
            ks_period_id(model, ks_period_at(model, p), id, sizeof id);
            snprintf(start, sizeof start, "%s,%s,", info.id, id);
            assert_memory_equal(line, start, strlen(start));
            line = strchr(line, '\n') + 1;
        }
    }
    assert_int_equal(*line, '\0');
    assert_int_equal(rows, 4 * 16);
    free(text);
    ks_model_free(model);
}

static void test_export_fails_cleanly(void **state)
{
    (void)state;
    ks_model *model = small_model(NULL);
    ks_error err;
    const char *path = temp_path("no-such-dir/out.csv");
    assert_int_equal(ks_export_csv(model, path, NULL, &err), KS_EIO);
    assert_non_null(strstr(err.message, "no-such-dir/out.csv: cannot create "
                                        "a temporary file"));
    struct stat info;
    assert_int_equal(stat(temp_path("no-such-dir"), &info), -1);
    assert_int_equal(temporaries_in(KESSAN_TEST_TMP), 0);
    ks_model_free(model);
}

/* Fail allocation n = 1, 2, ... (once, then for good) until export works:
 * the old file stays as it was and no temporary file is left. */
static void test_export_allocation_failure(void **state)
{
    (void)state;
    const char *path = temp_path("alloc.csv");
    FILE *old = fopen(path, "w");
    assert_non_null(old);
    fputs("old contents\n", old);
    fclose(old);
    for (int for_good = 0; for_good <= 1; for_good++) {
        for (long n = 1;; n++) {
            test_alloc counts = { 0 };
            ks_allocator alloc = test_allocator(&counts);
            ks_model *model = small_model(&alloc);
            put(model, "rev.total@3Q02", 3.0);
            test_alloc_arm(&counts, n, for_good);
            ks_error err;
            ks_status status = ks_export_csv(model, path, NULL, &err);
            long calls = counts.calls;
            test_alloc_disarm(&counts);
            ks_model_free(model);
            assert_int_equal(counts.live, 0);
            assert_int_equal(temporaries_in(KESSAN_TEST_TMP), 0);
            if (status == KS_OK && calls < n)
                break;
            if (status == KS_OK)
                continue;
            assert_int_equal(status, KS_ENOMEM);
            char *text = read_file(path);
            assert_string_equal(text, "old contents\n");
            free(text);
            assert_true(n < 10000);
        }
        old = fopen(path, "w");
        fputs("old contents\n", old);
        fclose(old);
    }
}

/* The same for import: KS_ENOMEM, nothing leaked, the model unchanged. */
static void test_import_allocation_failure(void **state)
{
    (void)state;
    char text[4096] = "item,period,value\n";
    static const char *const periods[] = { "1Q01", "2Q01", "3Q01", "4Q01",
                                           "1Q02", "2Q02", "3Q02", "4Q02" };
    for (int i = 0; i < 8; i++) {
        char row[64];
        snprintf(row, sizeof row, "rev.total,%s,\"%d,000\"\ncost,%s,(%d)\n",
                 periods[i], i + 1, periods[i], i);
        strcat(text, row);
    }
    for (int for_good = 0; for_good <= 1; for_good++) {
        long failures = 0;
        for (long n = 1;; n++) {
            test_alloc counts = { 0 };
            ks_allocator alloc = test_allocator(&counts);
            ks_model *model = small_model(&alloc);
            put(model, "rev.total@3Q02", 9.0);
            snapshot before = take(model);
            long live = counts.live;
            test_alloc_arm(&counts, n, for_good);
            ks_error err;
            ks_status status = import_text(model, text, &err);
            test_alloc_disarm(&counts);
            if (status == KS_OK && counts.calls < n) {
                ks_model_free(model);
                assert_int_equal(counts.live, 0);
                free(before.bits);
                free(before.kinds);
                break;
            }
            if (status != KS_OK) {
                failures++;
                assert_int_equal(status, KS_ENOMEM);
                assert_int_equal(counts.live, live);
                assert_same(before, take(model));
            } else {
                free(before.bits);
                free(before.kinds);
            }
            ks_model_free(model);
            assert_int_equal(counts.live, 0);
            assert_true(n < 10000);
        }
        assert_true(failures > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_cases),
        cmocka_unit_test(test_reader_chunk_sizes),
        cmocka_unit_test(test_reader_megabyte_field),
        cmocka_unit_test(test_reader_callback_stops),
        cmocka_unit_test(test_reader_missing_file),
        cmocka_unit_test(test_reader_allocation_failure),
        cmocka_unit_test(test_import_long_form),
        cmocka_unit_test(test_import_wide_form_with_bom_and_crlf),
        cmocka_unit_test(test_import_scenario_column),
        cmocka_unit_test(test_import_errors_leave_model_unchanged),
        cmocka_unit_test(test_import_nul_byte_and_missing_file),
        cmocka_unit_test(test_import_allocation_failure),
        cmocka_unit_test(test_export_round_trip_is_bit_identical),
        cmocka_unit_test(test_export_order_and_options),
        cmocka_unit_test(test_export_fails_cleanly),
        cmocka_unit_test(test_export_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
