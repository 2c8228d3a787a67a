/*
 * test_layout.c -- statements laid out as printed: display width, IIJ's
 * statement of operations, balance sheet and cash flow in text, Japanese,
 * USD, Markdown and CSV, and a small model's separators, parentheses and
 * headings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "kessan/kessan.h"
#include "kessan/layout.h"
#include "kessan/text.h"
#include "kessan/text.h"

/* Render into a fresh buffer; the caller releases it. */
static ks_layout_text render(ks_model *model, ks_layout_options *options)
{
    ks_layout_text text;
    ks_layout_text_init(&text, NULL);
    ks_error err;
    ks_status status = ks_layout_render(model, options, &text, &err);
    if (status != KS_OK)
        fail_msg("%s", err.message);
    assert_non_null(text.data);
    return text;
}

/* The line of `text` that starts with `start` (after its indentation when
 * `indent` is NULL), copied into buf. */
static const char *line_with(const char *text, const char *start, char *buf,
                             size_t size)
{
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        const char *at = line;
        while (*at == ' ')
            at++;
        if (strncmp(at, start, strlen(start)) == 0) {
            snprintf(buf, size, "%.*s", (int)length, line);
            return buf;
        }
        line = end ? end + 1 : NULL;
    }
    fail_msg("no line starting '%s'", start);
    return NULL;
}

static void display_width(void **state)
{
    (void)state;
    assert_int_equal(ks_wcwidth('A'), 1);
    assert_int_equal(ks_wcwidth(0x3042), 2);  /* hiragana a */
    assert_int_equal(ks_wcwidth(0x55B6), 2);  /* CJK ideograph */
    assert_int_equal(ks_wcwidth(0xFF08), 2);  /* fullwidth ( */
    assert_int_equal(ks_wcwidth(0x0301), 0);  /* combining acute */
    assert_int_equal(ks_wcwidth(0x2013), 1);  /* en dash */
    assert_int_equal(ks_display_width("abc"), 3);
    assert_int_equal(ks_display_width("営業収益"), 8);
    assert_int_equal(ks_display_width("IP サービス"), 11);
    assert_int_equal(ks_layout_parse_with("pct,qoq", &(unsigned){0}), 0);
    unsigned with;
    assert_int_equal(ks_layout_parse_with("yoy", &with), 0);
    assert_int_equal(with, KS_LAYOUT_YOY);
    assert_int_equal(ks_layout_parse_with("pct,eps", &with), -1);
}

static void iij_statement_of_operations_text(void **state)
{
    (void)state;
    ks_model *model = open_iij();
    int periods[3] = { period_of(model, "3Q02"), period_of(model, "3Q01"),
                       period_of(model, "2Q02") };
    ks_layout_options options = { "is", periods, 3,
                                  KS_LAYOUT_PCT | KS_LAYOUT_YOY |
                                  KS_LAYOUT_QOQ, NULL, NULL, KS_LAYOUT_TEXT };
    ks_layout_text text = render(model, &options);
    char line[512];
    /* figures as the release prints them */
    line_with(text.data, "Total revenues", line, sizeof line);
    assert_non_null(strstr(line, "10,563,578"));
    assert_non_null(strstr(line, "9,933,634"));
    assert_non_null(strstr(line, "100.0"));
    assert_non_null(strstr(line, "6.3"));
    line_with(text.data, "Operating income (loss)", line, sizeof line);
    assert_non_null(strstr(line, "(566,520)"));
    assert_non_null(strstr(line, "(5.4)"));
    assert_non_null(strstr(line, "(474.2)"));
    assert_non_null(strstr(line, "192.3"));
    line_with(text.data, "Dedicated access services", line, sizeof line);
    assert_non_null(strstr(line, "32.2"));
    assert_non_null(strstr(line, "(3.8)"));
    assert_non_null(strstr(line, "(4.0)"));
    assert_true(strncmp(line, "    Dedicated", 13) == 0); /* depth 2 */
    line_with(text.data, "Total connectivity", line, sizeof line);
    assert_true(strncmp(line, "  Total connectivity", 20) == 0);
    line_with(text.data, "Basic Net Loss Per ADS", line, sizeof line);
    assert_non_null(strstr(line, "(50.40)"));
    line_with(text.data, "Basic Net Loss Per Share", line, sizeof line);
    assert_non_null(strstr(line, "(100,802)"));
    /* headings are label rows */
    line_with(text.data, "Revenues:", line, sizeof line);
    assert_string_equal(line, "Revenues:");
    ks_layout_text_release(&text);
    ks_model_free(model);
}

static void iij_balance_sheet_japanese_aligned(void **state)
{
    (void)state;
    ks_model *model = open_iij();
    ks_layout_options options = { "bs", NULL, 0, KS_LAYOUT_PCT, NULL, "ja",
                                  KS_LAYOUT_TEXT };
    ks_layout_text text = render(model, &options);
    char line[512];
    /* the title names the company as the Japanese summary does */
    assert_memory_equal(text.data, "株式会社インターネットイニシアティブ",
                        strlen("株式会社インターネットイニシアティブ"));
    line_with(text.data, "資産合計", line, sizeof line);
    assert_non_null(strstr(line, "37,360,341"));
    line_with(text.data, "資本合計", line, sizeof line);
    assert_non_null(strstr(line, "(586,087)"));
    /* every row with figures ends at the same display column */
    size_t width = 0;
    int rows = 0;
    const char *at = strchr(text.data, '\n') + 1; /* after the title */
    at = strchr(at, '\n') + 1;                    /* after the header */
    while (*at) {
        const char *end = strchr(at, '\n');
        char copy[512];
        snprintf(copy, sizeof copy, "%.*s", (int)(end - at), at);
        if (strchr(copy, ',')) {
            if (!width)
                width = ks_display_width(copy);
            assert_int_equal(ks_display_width(copy), width);
            rows++;
        }
        at = end + 1;
    }
    assert_true(rows > 20);
    ks_layout_text_release(&text);
    ks_model_free(model);
}

static void iij_cash_flow_in_usd(void **state)
{
    (void)state;
    ks_model *model = open_iij();
    int periods[1] = { period_of(model, "3Q02") };
    ks_layout_options options = { "cf", periods, 1, 0, "USD", NULL,
                                  KS_LAYOUT_TEXT };
    ks_layout_text text = render(model, &options);
    char line[512];
    assert_non_null(strstr(text.data, "USD thousands at 118.75 per USD"));
    line_with(text.data, "Cash, End of Period", line, sizeof line);
    assert_non_null(strstr(line, "35,963"));
    line_with(text.data, "Net cash provided by", line, sizeof line);
    assert_non_null(strstr(line, "10,545"));
    line_with(text.data, "Net cash used in financing", line, sizeof line);
    assert_non_null(strstr(line, "(9,885)"));
    ks_layout_text_release(&text);

    options.currency = "EUR";
    ks_layout_text_init(&text, NULL);
    ks_error err;
    assert_int_equal(ks_layout_render(model, &options, &text, &err),
                     KS_EINVAL);
    options.currency = NULL;
    options.statement = "pl";
    assert_int_equal(ks_layout_render(model, &options, &text, &err),
                     KS_EUNKNOWN);
    assert_non_null(strstr(err.message, "is, bs, cf, kpi"));
    ks_layout_text_release(&text);
    ks_model_free(model);
}

static void iij_markdown_and_csv(void **state)
{
    (void)state;
    ks_model *model = open_iij();
    int periods[2] = { period_of(model, "3Q02"), period_of(model, "2Q02") };
    ks_layout_options options = { "bs", periods, 2, KS_LAYOUT_PCT, NULL,
                                  NULL, KS_LAYOUT_MD };
    ks_layout_text text = render(model, &options);
    assert_true(strncmp(text.data, "| | 3Q02 | % | 2Q02 | % |\n"
                        "|---|---:|---:|---:|---:|\n", 50) == 0);
    assert_non_null(strstr(text.data, "| &nbsp;&nbsp;&nbsp;&nbsp;"
                           "Accounts receivable, net | 7,305,169 |"));
    ks_layout_text_release(&text);

    /* CSV: the numbers themselves (a share as its fraction, read back by
     * the data formatter's rule), lines ended "\n" */
    options.format = KS_LAYOUT_CSV;
    text = render(model, &options);
    assert_true(strncmp(text.data, "item,level,label,3Q02,3Q02 %,2Q02,"
                        "2Q02 %\n", 40) == 0);
    assert_null(strchr(text.data, '\r'));
    char share[2][KS_DATA_NUMBER_MAX], expected[200];
    for (int i = 0; i < 2; i++) {
        ks_value part, whole;
        ks_get(model, ks_item_find(model, "bs.receivables"), periods[i],
               &part, NULL);
        ks_get(model, ks_item_find(model, "bs.total_assets"), periods[i],
               &whole, NULL);
        ks_format_data(share[i], sizeof share[i], part.number / whole.number);
    }
    snprintf(expected, sizeof expected, "\nbs.receivables,2,\"Accounts "
             "receivable, net\",7305169,%s,7844256,%s\n", share[0], share[1]);
    assert_non_null(strstr(text.data, expected));
    assert_non_null(strstr(text.data, "\nbs.equity,1,Total "
                           "shareholders' equity,-586087,"));
    ks_layout_text_release(&text);
    ks_model_free(model);
}

static void small_model_signs_and_separators(void **state)
{
    (void)state;
    ks_calendar calendar = { 12, 2023, 2024 };
    ks_model *model = empty_model(&calendar, NULL);
    ks_error err;
    ks_item_info heading = { "h", "Results:", NULL, NULL, "x", NULL, NULL,
                             KS_RULE_FORMULA };
    ks_item_info loss = { "loss", "Loss", NULL, "USD thousands", "x", "h",
                          NULL, KS_RULE_SUM };
    assert_int_equal(ks_item_add(model, &heading, NULL, &err), KS_OK);
    assert_int_equal(ks_item_add(model, &loss, NULL, &err), KS_OK);
    int period = period_of(model, "4Q24");
    assert_int_equal(ks_set(model, 1, period, -1234567.4, &err), KS_OK);
    ks_layout_options options = { "x", &period, 1, 0, NULL, NULL,
                                  KS_LAYOUT_TEXT };
    ks_layout_text text = render(model, &options);
    assert_string_equal(text.data, "x\n"
                                   "                 4Q24\n"
                                   "Results:\n"
                                   "  Loss    (1,234,567)\n");
    ks_layout_text_release(&text);
    ks_model_free(model);
}

/* Figures of any size are shown whole or in scientific notation, never
 * cut short; CSV keeps every digit. */
static void huge_figures(void **state)
{
    (void)state;
    ks_calendar calendar = { 12, 2023, 2024 };
    ks_model *model = empty_model(&calendar, NULL);
    ks_error err;
    ks_item_info big = { "big", "Big", NULL, "USD thousands", "x", NULL, NULL,
                         KS_RULE_SUM };
    ks_item_info small = { "small", "Small", NULL, "USD thousands", "x", NULL,
                           NULL, KS_RULE_SUM };
    assert_int_equal(ks_item_add(model, &big, NULL, &err), KS_OK);
    assert_int_equal(ks_item_add(model, &small, NULL, &err), KS_OK);
    int periods[2] = { period_of(model, "4Q24"), period_of(model, "3Q24") };
    assert_int_equal(ks_set(model, 0, periods[0], -1e300, &err), KS_OK);
    assert_int_equal(ks_set(model, 0, periods[1], 1.7976931348623157e308,
                            &err), KS_OK);
    assert_int_equal(ks_set(model, 1, periods[0], 1e20, &err), KS_OK);
    assert_int_equal(ks_set(model, 1, periods[1], 4.9e-324, &err), KS_OK);
    ks_layout_options options = { "x", periods, 2, KS_LAYOUT_QOQ, NULL, NULL,
                                  KS_LAYOUT_TEXT };
    ks_layout_text text = render(model, &options);
    assert_non_null(strstr(text.data, "(1e+300)"));
    assert_non_null(strstr(text.data, "1.79769313486232e+308"));
    if (!strstr(text.data, "100,000,000,000,000,000,000"))
        fail_msg("%s", text.data);
    ks_layout_text_release(&text);
    options.format = KS_LAYOUT_CSV;
    text = render(model, &options);
    assert_non_null(strstr(text.data, ",-1e+300,"));
    assert_non_null(strstr(text.data, "1.7976931348623157e+308"));
    assert_non_null(strstr(text.data, ",1e+20,"));
    assert_non_null(strstr(text.data, "4.94065645841247e-324"));
    ks_layout_text_release(&text);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(display_width),
        cmocka_unit_test(iij_statement_of_operations_text),
        cmocka_unit_test(iij_balance_sheet_japanese_aligned),
        cmocka_unit_test(iij_cash_flow_in_usd),
        cmocka_unit_test(iij_markdown_and_csv),
        cmocka_unit_test(small_model_signs_and_separators),
        cmocka_unit_test(huge_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
