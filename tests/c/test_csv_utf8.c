/*
 * test_csv_utf8.c -- the CSV reader on the edges of UTF-8 and of its
 * input: every boundary of the encoding (the shortest and longest
 * sequence of each length, overlong forms, surrogates, beyond U+10FFFF,
 * bytes that never begin a sequence, a sequence cut short by a comma, a
 * quote or the end), a byte order mark whole, cut short or alone, columns
 * counted in characters, a reader stopped by its callback or finished,
 * and a reader without a name.  Each input is read as one buffer and fed
 * byte by byte (which takes the careful path instead of the whole-line
 * one): both must give the same records, or the same error at the same
 * line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "io/csv_read.h"

/* What the records were: "line:column=text|..." per record, one a line. */
typedef struct transcript {
    char text[2048];
    size_t length;
    int stop_at; /* a record number at which the callback says stop */
} transcript;

static ks_status on_record(void *user_data, const ks_csv_record *record,
                           ks_error *err)
{
    transcript *t = user_data;
    if (record->number == t->stop_at)
        return ks_error_at(err, KS_EDUP, record->line, 1,
                           "%s:%d: stopped here", record->name, record->line);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *f = &record->fields[i];
        t->length += (size_t)snprintf(t->text + t->length,
                                      sizeof t->text - t->length,
                                      "%s%d:%d=%s", i ? "|" : "", f->line,
                                      f->column, f->text);
    }
    t->length += (size_t)snprintf(t->text + t->length,
                                  sizeof t->text - t->length, "\n");
    return KS_OK;
}

typedef struct outcome {
    ks_status status;
    char message[KS_MESSAGE_MAX];
    transcript records;
} outcome;

static outcome read_whole(const char *data, size_t size, int stop_at)
{
    outcome o;
    memset(&o, 0, sizeof o);
    o.records.stop_at = stop_at;
    ks_error err;
    ks_error_clear(&err);
    o.status = ks_csv_read_buffer(NULL, "t.csv", data, size, on_record,
                                  &o.records, &err);
    snprintf(o.message, sizeof o.message, "%s", err.message);
    return o;
}

static outcome read_bytewise(const char *data, size_t size, int stop_at)
{
    outcome o;
    memset(&o, 0, sizeof o);
    o.records.stop_at = stop_at;
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, NULL, "t.csv", on_record, &o.records);
    ks_error err;
    ks_error_clear(&err);
    o.status = KS_OK;
    for (size_t i = 0; i < size && o.status == KS_OK; i++)
        o.status = ks_csv_reader_feed(&reader, data + i, 1, &err);
    if (o.status == KS_OK)
        o.status = ks_csv_reader_finish(&reader, &err);
    snprintf(o.message, sizeof o.message, "%s", err.message);
    ks_csv_reader_release(&reader);
    return o;
}

/* Both ways agree; the outcome. */
static outcome read_both(const char *data, size_t size)
{
    outcome whole = read_whole(data, size, 0);
    outcome bytewise = read_bytewise(data, size, 0);
    if (whole.status != bytewise.status ||
        strcmp(whole.message, bytewise.message) != 0 ||
        strcmp(whole.records.text, bytewise.records.text) != 0)
        fail_msg("whole: %d '%s'\n%s\nbyte by byte: %d '%s'\n%s",
                 whole.status, whole.message, whole.records.text,
                 bytewise.status, bytewise.message, bytewise.records.text);
    return whole;
}

static void expect_records(const char *data, const char *records)
{
    outcome o = read_both(data, strlen(data));
    if (o.status != KS_OK)
        fail_msg("'%s' refused: %s", data, o.message);
    assert_string_equal(o.records.text, records);
}

static void expect_invalid(const char *data, const char *message)
{
    outcome o = read_both(data, strlen(data));
    assert_int_equal(o.status, KS_EFORMAT);
    if (strcmp(o.message, message) != 0)
        fail_msg("got '%s', expected '%s'", o.message, message);
}

#define INVALID(line, column) \
    "t.csv:" #line ":" #column ": invalid UTF-8 (save the file as UTF-8)"

/* ---- the encoding's boundaries -------------------------------------------- */

static void test_valid_sequences_of_every_length(void **state)
{
    (void)state;
    /* U+0080, U+07FF; U+0800, U+D7FF, U+E000, U+FFFF; U+10000, U+10FFFF:
     * each one character wide, so the next field's column counts it once */
    expect_records("\xC2\x80,\xDF\xBF,x\n",
                   "1:1=\xC2\x80|1:3=\xDF\xBF|1:5=x\n");
    expect_records("\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,\xEF\xBF\xBF\n",
                   "1:1=\xE0\xA0\x80|1:3=\xED\x9F\xBF|1:5=\xEE\x80\x80|"
                   "1:7=\xEF\xBF\xBF\n");
    expect_records("\xF0\x90\x80\x80,\xF4\x8F\xBF\xBF,\xF3\xBF\xBF\xBF\n",
                   "1:1=\xF0\x90\x80\x80|1:3=\xF4\x8F\xBF\xBF|"
                   "1:5=\xF3\xBF\xBF\xBF\n");
    /* quoted, on a second line, after a CRLF */
    expect_records("a\r\n\"\xE6\x97\xA5,\xE6\x9C\xAC\",b\n",
                   "1:1=a\n2:1=\xE6\x97\xA5,\xE6\x9C\xAC|2:7=b\n");
    /* the last line without its newline */
    expect_records("x,\xF0\x9F\x98\x80", "1:1=x|1:3=\xF0\x9F\x98\x80\n");
}

static void test_invalid_sequences(void **state)
{
    (void)state;
    expect_invalid("a,\xE0\x9F\xBF\n", INVALID(1, 3));     /* overlong      */
    expect_invalid("a,\xF0\x8F\xBF\xBF\n", INVALID(1, 3)); /* overlong      */
    expect_invalid("\xC0\x80\n", INVALID(1, 1));           /* overlong      */
    expect_invalid("\xC1\xBF\n", INVALID(1, 1));
    expect_invalid("ab\xED\xA0\x80\n", INVALID(1, 3));     /* a surrogate   */
    expect_invalid("\xF4\x90\x80\x80\n", INVALID(1, 1));   /* past U+10FFFF */
    expect_invalid("\xF5\x80\x80\x80\n", INVALID(1, 1));
    expect_invalid("\xFF\n", INVALID(1, 1));
    expect_invalid("x,\x80\n", INVALID(1, 3));  /* a lone continuation */
    expect_invalid("a\nb,\xE6\x97,\n", INVALID(2, 3)); /* cut by a comma */
    expect_invalid("\"\xE6\x97\"\n", INVALID(1, 2));   /* cut by a quote */
    expect_invalid("a,\xF0\x9F\x98", INVALID(1, 3));   /* cut by the end */
    expect_invalid("\"a\xE6\"", INVALID(1, 3));
}

/* ---- byte order marks ---------------------------------------------------------- */

static void test_byte_order_marks(void **state)
{
    (void)state;
    expect_records("\xEF\xBB\xBFid,x\n", "1:1=id|1:4=x\n");
    /* a mark's first bytes that turn out to be a character */
    expect_records("\xEF\xBB\xBE,x\n", "1:1=\xEF\xBB\xBE|1:3=x\n");
    /* cut short by the end, or by a byte that cannot follow */
    expect_invalid("\xEF\xBB", INVALID(1, 1));
    expect_invalid("\xEF", INVALID(1, 1));
    expect_invalid("\xEF\xBBx\n", INVALID(1, 1));
    /* nothing but a mark: no records */
    expect_records("\xEF\xBB\xBF", "");
}

/* ---- the reader's other ends --------------------------------------------------------- */

static void test_nul_bytes(void **state)
{
    (void)state;
    static const char data[] = "ab,c\nd,\0e\n";
    outcome o = read_both(data, sizeof data - 1);
    assert_int_equal(o.status, KS_EFORMAT);
    assert_string_equal(o.message, "t.csv:2:3: NUL byte (is this a text "
                                   "file?)");
    /* the records before it were read */
    assert_string_equal(o.records.text, "1:1=ab|1:4=c\n");
}

static void test_a_stopped_reader_stays_stopped(void **state)
{
    (void)state;
    const char *data = "a\nb\nc\n";
    outcome whole = read_whole(data, strlen(data), 2);
    outcome bytewise = read_bytewise(data, strlen(data), 2);
    assert_int_equal(whole.status, KS_EDUP);
    assert_int_equal(bytewise.status, KS_EDUP);
    assert_string_equal(whole.message, "t.csv:2: stopped here");
    assert_string_equal(bytewise.message, whole.message);
    assert_string_equal(whole.records.text, "1:1=a\n");
    assert_string_equal(bytewise.records.text, "1:1=a\n");

    /* fed after the stop, or finished: the same error, nothing read */
    transcript t = { .stop_at = 1 };
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, NULL, "t.csv", on_record, &t);
    ks_error err;
    assert_int_equal(ks_csv_reader_feed(&reader, "x\n", 2, &err), KS_EDUP);
    strcpy(err.message, "changed");
    assert_int_equal(ks_csv_reader_feed(&reader, "y\n", 2, &err), KS_EDUP);
    assert_string_equal(err.message, "t.csv:1: stopped here");
    assert_int_equal(ks_csv_reader_finish(&reader, &err), KS_EDUP);
    assert_int_equal(ks_csv_reader_feed(&reader, "z\n", 2, NULL), KS_EDUP);
    assert_int_equal(t.length, 0);
    ks_csv_reader_release(&reader);
    ks_csv_reader_release(&reader); /* twice is harmless */

    /* a finished reader takes nothing more */
    transcript done = { 0 };
    ks_csv_reader_init(&reader, NULL, "t.csv", on_record, &done);
    assert_int_equal(ks_csv_reader_feed(&reader, "p", 1, &err), KS_OK);
    assert_int_equal(ks_csv_reader_finish(&reader, &err), KS_OK);
    assert_int_equal(ks_csv_reader_feed(&reader, "q\n", 2, &err), KS_OK);
    assert_int_equal(ks_csv_reader_finish(&reader, &err), KS_OK);
    assert_string_equal(done.text, "1:1=p\n");
    ks_csv_reader_release(&reader);
}

static void test_a_reader_without_a_name(void **state)
{
    (void)state;
    transcript t = { 0 };
    ks_error err;
    assert_int_equal(ks_csv_read_buffer(NULL, NULL, "\"a", 2, on_record, &t,
                                        &err), KS_EFORMAT);
    assert_string_equal(err.message, "(csv):1:1: quote opened here is never "
                                     "closed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_sequences_of_every_length),
        cmocka_unit_test(test_invalid_sequences),
        cmocka_unit_test(test_byte_order_marks),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_a_stopped_reader_stays_stopped),
        cmocka_unit_test(test_a_reader_without_a_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
