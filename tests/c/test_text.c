/*
 * test_text.c -- the text module (kessan/text.h): UTF-8 decoding, valid
 * and not; display width of ASCII, Japanese, combining marks and emoji;
 * digit grouping; numbers in the C locale's form; CSV fields and rows;
 * tables as aligned text (Japanese lined up) and Markdown; sinks that fail
 * and lines longer than the formatting buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kessan/text.h"

/* ---- a sink into a fixed buffer ------------------------------------------ */

typedef struct memory {
    char data[4096];
    size_t length;
    int writes;
    int fail_after; /* writes that succeed before one fails; -1: never */
} memory;

static int memory_write(void *context, const char *bytes, size_t size)
{
    memory *m = context;
    if (m->fail_after >= 0 && m->writes >= m->fail_after)
        return -1;
    m->writes++;
    assert_true(m->length + size < sizeof m->data);
    memcpy(m->data + m->length, bytes, size);
    m->length += size;
    m->data[m->length] = '\0';
    return 0;
}

static ks_text_sink memory_sink(memory *m)
{
    memset(m, 0, sizeof *m);
    m->fail_after = -1;
    return ks_text_sink_of(memory_write, m);
}

/* A table written as text (or Markdown) into m; returns the text. */
static const char *written(memory *m, const ks_text_table *table, int md)
{
    ks_text_sink sink = memory_sink(m);
    if (md)
        ks_text_table_write_md(&sink, table);
    else
        ks_text_table_write(&sink, table);
    assert_int_equal(sink.failed, 0);
    return m->data;
}

/* ---- UTF-8 ------------------------------------------------------------------ */

static size_t decode(const char *bytes, size_t size, uint32_t *code_point)
{
    *code_point = 0xDEADu;
    return ks_utf8_decode(bytes, size, code_point);
}

static void utf8_valid(void **state)
{
    (void)state;
    uint32_t c;
    assert_int_equal(decode("A", 1, &c), 1);
    assert_int_equal(c, 'A');
    assert_int_equal(decode("\xC3\xA9", 2, &c), 2); /* é */
    assert_int_equal(c, 0xE9);
    assert_int_equal(decode("\xE5\x96\xB6", 3, &c), 3); /* 営 */
    assert_int_equal(c, 0x55B6);
    assert_int_equal(decode("\xF0\x9F\x98\x80", 4, &c), 4); /* 😀 */
    assert_int_equal(c, 0x1F600);
    assert_int_equal(decode("\xF4\x8F\xBF\xBF", 4, &c), 4); /* U+10FFFF */
    assert_int_equal(c, 0x10FFFF);
    assert_int_equal(ks_utf8_decode("\xE5\x96\xB6", 3, NULL), 3);
}

static void utf8_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t size;
    } invalid[] = {
        { "\x80", 1 },                /* a continuation byte alone      */
        { "\xBF", 1 },
        { "\xC0\x80", 2 },            /* overlong NUL                   */
        { "\xC1\xBF", 2 },            /* overlong                       */
        { "\xE0\x80\x80", 3 },        /* overlong                       */
        { "\xED\xA0\x80", 3 },        /* a surrogate                    */
        { "\xF0\x80\x80\x80", 4 },    /* overlong                       */
        { "\xF4\x90\x80\x80", 4 },    /* beyond U+10FFFF                */
        { "\xF5\x80\x80\x80", 4 },
        { "\xFF", 1 },
        { "\xE5\x96", 2 },            /* cut off by the end             */
        { "\xE5\x96\xB6", 2 },        /* cut off by the size given      */
        { "\xE5" "A\xB6", 3 },        /* a continuation missing         */
        { "\xC3\xC3", 2 },
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        uint32_t c;
        assert_int_equal(decode(invalid[i].bytes, invalid[i].size, &c), 0);
        assert_int_equal(c, 0xDEADu); /* untouched */
    }
}

/* ---- display width -------------------------------------------------------- */

static void width_of_code_points(void **state)
{
    (void)state;
    assert_int_equal(ks_wcwidth('A'), 1);
    assert_int_equal(ks_wcwidth(' '), 1);
    assert_int_equal(ks_wcwidth('\t'), 0);      /* a control */
    assert_int_equal(ks_wcwidth(0x7F), 0);
    assert_int_equal(ks_wcwidth(0xE9), 1);      /* é */
    assert_int_equal(ks_wcwidth(0x2013), 1);    /* en dash */
    assert_int_equal(ks_wcwidth(0x0301), 0);    /* combining acute */
    assert_int_equal(ks_wcwidth(0x3099), 0);    /* combining voiced mark */
    assert_int_equal(ks_wcwidth(0x200D), 0);    /* zero-width joiner */
    assert_int_equal(ks_wcwidth(0xFE0F), 0);    /* variation selector 16 */
    assert_int_equal(ks_wcwidth(0x3042), 2);    /* hiragana a */
    assert_int_equal(ks_wcwidth(0x30B5), 2);    /* katakana sa */
    assert_int_equal(ks_wcwidth(0x55B6), 2);    /* CJK ideograph */
    assert_int_equal(ks_wcwidth(0x3000), 2);    /* ideographic space */
    assert_int_equal(ks_wcwidth(0xFF08), 2);    /* fullwidth ( */
    assert_int_equal(ks_wcwidth(0xFF61), 1);    /* halfwidth 。 */
    assert_int_equal(ks_wcwidth(0xAC00), 2);    /* hangul ga */
    assert_int_equal(ks_wcwidth(0x1F600), 2);   /* 😀 */
    assert_int_equal(ks_wcwidth(0x1F4C8), 2);   /* 📈 */
    assert_int_equal(ks_wcwidth(0x20B9F), 2);   /* CJK extension B */
    assert_int_equal(ks_wcwidth(0x1F1E6), 1);   /* regional indicator A */
}

static void width_of_strings(void **state)
{
    (void)state;
    assert_int_equal(ks_display_width(""), 0);
    assert_int_equal(ks_display_width("abc"), 3);
    assert_int_equal(ks_display_width("営業収益"), 8);
    assert_int_equal(ks_display_width("IP サービス"), 11);
    assert_int_equal(ks_display_width("（百万円）"), 10);
    assert_int_equal(ks_display_width("e\xCC\x81"), 1);          /* é, two code points */
    assert_int_equal(ks_display_width("\xE3\x81\x8B\xE3\x82\x99"), 2); /* か + ゙ */
    assert_int_equal(ks_display_width("up 📈"), 5);
    assert_int_equal(ks_display_width("\xE2\x9D\xA4\xEF\xB8\x8F"), 1); /* ❤️ */
    /* an invalid byte counts one column, and decoding goes on after it */
    assert_int_equal(ks_display_width("a\xFF" "b"), 3);
    assert_int_equal(ks_display_width("\xE5\x96" "A"), 3);
    /* a length: only those bytes, NULs included */
    assert_int_equal(ks_text_width("営業収益", 6), 4);
    assert_int_equal(ks_text_width("営業収益", 4), 3); /* 営, then 2 bad bytes */
    assert_int_equal(ks_text_width("a\0b", 3), 2);
}

/* ---- numbers -------------------------------------------------------------- */

static void grouping(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "0", "0" },
        { "-0", "-0" },
        { "7", "7" },
        { "999", "999" },
        { "1000", "1,000" },
        { "-1000", "-1,000" },
        { "+123456", "+123,456" },
        { "1234567.891", "1,234,567.891" },
        { "-1234567.89", "-1,234,567.89" },
        { "-566520", "-566,520" },
        { "0.12345", "0.12345" },
        { "12345678901234567890", "12,345,678,901,234,567,890" },
        { "1234%", "1,234%" },
        { "", "" },
        { "-", "-" },
        { "abc", "abc" },
        { "1e21", "1e21" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        int length = ks_group_digits(buf, sizeof buf, cases[i][0]);
        assert_string_equal(buf, cases[i][1]);
        assert_int_equal(length, (int)strlen(cases[i][1]));
    }
    char small[8];
    assert_int_equal(ks_group_digits(small, sizeof small, "1234567"), -1);
    assert_string_equal(small, "");
    assert_int_equal(ks_group_digits(small, sizeof small, "123456"), 7);
    assert_string_equal(small, "123,456");
    assert_int_equal(ks_group_digits(small, 0, "1"), -1);
}

static void c_locale_numbers(void **state)
{
    (void)state;
    char *end;
    assert_true(ks_strtod_c("1.5", &end) == 1.5);
    assert_int_equal(*end, '\0');
    assert_true(ks_strtod_c("-2.5e3x", &end) == -2500.0);
    assert_string_equal(end, "x");
    assert_true(ks_strtod_c("0.1", NULL) == 0.1);
    assert_true(ks_strtod_c("1,5", &end) == 1.0); /* ',' ends the number */
    assert_string_equal(end, ",5");
    char buf[64];
    assert_int_equal(ks_snprintf_c(buf, sizeof buf, "%.17g", 0.1), 19);
    assert_string_equal(buf, "0.10000000000000001");
    ks_snprintf_c(buf, sizeof buf, "%+.*f|%g|%s", 2, -1.005, 118.75, "a,b");
    assert_string_equal(buf, "-1.00|118.75|a,b");
    assert_int_equal(ks_snprintf_c(buf, 4, "%.3f", 3.14159), 5); /* cut */
    assert_string_equal(buf, "3.1");
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_fields(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "plain", "plain" },
        { "", "" },
        { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "\"", "\"\"\"\"" },
        { "line\nbreak", "\"line\nbreak\"" },
        { "cr\r", "\"cr\r\"" },
        { " lead", "\" lead\"" },
        { "trail ", "\"trail \"" },
        { "\ttab", "\"\ttab\"" },
        { "tab\t", "\"tab\t\"" },
        { "in side", "in side" },
        { "営業収益", "営業収益" },
        { "-1,234.5", "\"-1,234.5\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memory m;
        ks_text_sink sink = memory_sink(&m);
        ks_text_csv_field(&sink, cases[i][0]);
        assert_string_equal(m.data, cases[i][1]);
        assert_int_equal(sink.failed, 0);
    }
    memory m;
    ks_text_sink sink = memory_sink(&m);
    ks_text_csv_field(&sink, NULL);
    assert_int_equal(m.length, 0);
}

static void csv_rows(void **state)
{
    (void)state;
    memory m;
    ks_text_sink sink = memory_sink(&m);
    const char *fields[] = { "rev.total", "3Q02", NULL, "a \"b\", c" };
    ks_text_csv_row(&sink, fields, 4, "\r\n");
    ks_text_csv_row(&sink, fields, 2, "\n");
    ks_text_csv_row(&sink, fields, 0, "\n");
    assert_string_equal(m.data, "rev.total,3Q02,,\"a \"\"b\"\", c\"\r\n"
                                "rev.total,3Q02\n"
                                "\n");
}

/* ---- tables -------------------------------------------------------------- */

static void text_table_aligns_japanese(void **state)
{
    (void)state;
    const char *cells[] = {
        "",          "3Q02",       "YoY %",
        "営業収益",  "10,563,578", "7.3",
        "IP サービス", "913,152",  NULL,   /* ends the row */
        "Revenue",   "(566,520)",  "",
    };
    int depth[] = { 0, 0, 1, 0 };
    size_t widths[3];
    ks_text_table table = { cells, 4, 3, NULL, depth, 2, widths };
    memory m;
    assert_string_equal(written(&m, &table, 0),
                        "                     3Q02  YoY %\n"
                        "営業収益       10,563,578    7.3\n"
                        "  IP サービス     913,152\n"
                        "Revenue         (566,520)       \n");
    assert_int_equal(widths[0], 13);
    assert_int_equal(widths[1], 10);
    assert_int_equal(widths[2], 5);
    /* every full line has the same display width */
    assert_int_equal(ks_display_width("営業収益       10,563,578    7.3"),
                     ks_display_width("                     3Q02  YoY %"));
}

static void text_table_short_rows_and_alignment(void **state)
{
    (void)state;
    const char *cells[] = {
        "id",   "name",   "n",
        "a",    "営業",   "1",
        "long", "x",      "22",
        "z",    NULL,     NULL,
    };
    static const ks_text_align align[] = { KS_TEXT_LEFT, KS_TEXT_LEFT,
                                           KS_TEXT_RIGHT };
    size_t widths[3];
    ks_text_table table = { cells, 4, 3, align, NULL, 1, widths };
    memory m;
    assert_string_equal(written(&m, &table, 0), "id   name  n\n"
                                "a    営業  1\n"
                                "long x    22\n"
                                "z\n");
    /* no rows: nothing */
    table.rows = 0;
    assert_string_equal(written(&m, &table, 0), "");
}

static void markdown_table(void **state)
{
    (void)state;
    const char *cells[] = {
        "",            "3Q02",
        "Revenue",     "1,234",
        "a | b",       NULL,
        "営業収益",    "-",
    };
    int depth[] = { 0, 0, 2, 1 };
    ks_text_table table = { cells, 4, 2, NULL, depth, 2, NULL };
    memory m;
    assert_string_equal(written(&m, &table, 1),
                        "| | 3Q02 |\n"
                        "|---|---:|\n"
                        "| Revenue | 1,234 |\n"
                        "| &nbsp;&nbsp;&nbsp;&nbsp;a \\| b |  |\n"
                        "| &nbsp;&nbsp;営業収益 | - |\n");
    ks_text_sink sink = memory_sink(&m);
    const char *row[] = { "x|y", NULL, "1" };
    ks_text_md_row(&sink, row, 3);
    assert_string_equal(m.data, "| x\\|y |  | 1 |\n");
}

/* ---- sinks ----------------------------------------------------------------- */

static void failed_sink_stays_failed(void **state)
{
    (void)state;
    memory m;
    ks_text_sink sink = memory_sink(&m);
    m.fail_after = 2;
    ks_text_puts(&sink, "a");
    ks_text_puts(&sink, "b");
    assert_int_equal(sink.failed, 0);
    ks_text_puts(&sink, "c");
    assert_int_equal(sink.failed, 1);
    m.fail_after = -1; /* the sink would take more; nothing is written */
    ks_text_puts(&sink, "d");
    ks_text_printf(&sink, "%d", 5);
    ks_text_csv_field(&sink, "e,f");
    ks_text_spaces(&sink, 3);
    assert_string_equal(m.data, "ab");
    assert_int_equal(sink.failed, 1);
}

static void spaces_and_long_lines(void **state)
{
    (void)state;
    memory m;
    ks_text_sink sink = memory_sink(&m);
    ks_text_spaces(&sink, 0);
    ks_text_spaces(&sink, 100);
    assert_int_equal(m.length, 100);
    assert_int_equal(strspn(m.data, " "), 100);
    char long_text[1500];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    sink = memory_sink(&m);
    ks_text_printf(&sink, "[%s] %.2f", long_text, 1.5);
    assert_int_equal(sink.failed, 0);
    assert_int_equal(m.length, 1499 + 2 + 5);
    assert_string_equal(m.data + 1501, " 1.50");
}

static void stream_sink(void **state)
{
    (void)state;
    FILE *file = tmpfile();
    assert_non_null(file);
    ks_text_sink sink = ks_text_sink_stream(file);
    ks_text_printf(&sink, "%s,%g\n", "x", 0.5);
    const char *fields[] = { "a b ", "c" };
    ks_text_csv_row(&sink, fields, 2, "\r\n");
    rewind(file);
    char buf[64] = "";
    size_t read = fread(buf, 1, sizeof buf - 1, file);
    assert_int_equal(read, strlen("x,0.5\n\"a b \",c\r\n"));
    assert_string_equal(buf, "x,0.5\n\"a b \",c\r\n");
    fclose(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_valid),
        cmocka_unit_test(utf8_invalid),
        cmocka_unit_test(width_of_code_points),
        cmocka_unit_test(width_of_strings),
        cmocka_unit_test(grouping),
        cmocka_unit_test(c_locale_numbers),
        cmocka_unit_test(csv_fields),
        cmocka_unit_test(csv_rows),
        cmocka_unit_test(text_table_aligns_japanese),
        cmocka_unit_test(text_table_short_rows_and_alignment),
        cmocka_unit_test(markdown_table),
        cmocka_unit_test(failed_sink_stays_failed),
        cmocka_unit_test(spaces_and_long_lines),
        cmocka_unit_test(stream_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
