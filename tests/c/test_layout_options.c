/*
 * test_layout_options.c -- a statement laid out with each option and each
 * kind of figure the layout tells apart: ratios shown as percents, figures
 * not printed whole, money translated at rate.USD (per-unit to cents,
 * scaled money whole), % of base, YoY and QoQ columns only where they
 * mean something, the Japanese name; what it refuses (no model or
 * statement, a third currency, USD with no positive rate, an unknown
 * column name); and a render failing at each allocation, which leaves
 * what the buffer already held exactly as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "kessan/kessan.h"
#include "kessan/layout.h"

typedef struct sheet {
    ks_model *model;
    int periods[3]; /* 3Q02, 2Q02, FY02 */
} sheet;

static void add(ks_model *model, const char *id, const char *label,
                const char *unit, const char *parent, const char *formula)
{
    ks_item_info info = { id, label, NULL, unit, "is", parent, formula,
                          KS_RULE_SUM };
    add_item_info(model, &info);
}

static void put_at(ks_model *model, const char *id, const char *at,
                   double number)
{
    ks_error err;
    if (ks_set(model, ks_item_find(model, id), period_of(model, at), number,
               &err) != KS_OK)
        fail_msg("set %s@%s: %s", id, at, err.message);
}

/* Revenue (JPY thousands), its margin (a ratio), per-share earnings (JPY,
 * not whole) at 3Q02, 2Q02 and 3Q01. */
static sheet new_sheet(const ks_allocator *alloc)
{
    sheet s;
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_error err;
    if (ks_model_new(&calendar, alloc, &s.model, &err) != KS_OK)
        fail_msg("new: %s", err.message);
    add(s.model, "rev", "Revenue", "JPY thousands", NULL, NULL);
    add(s.model, "cost", "Cost", "JPY thousands", "rev", NULL);
    add(s.model, "margin", "Margin", "ratio", NULL, "cost / rev");
    add(s.model, "eps", "EPS", "JPY", NULL, NULL);
    static const char *const quarters[] = { "3Q01", "2Q02", "3Q02" };
    for (int i = 0; i < 3; i++) {
        put_at(s.model, "rev", quarters[i], 1000 * (i + 1));
        put_at(s.model, "cost", quarters[i], 250 * (i + 1));
        put_at(s.model, "eps", quarters[i], 7.5 * (i + 1));
    }
    set_setting(s.model, "name", "Tiny");
    set_setting(s.model, "name_ja", "タイニー");
    set_setting(s.model, "unit_money", "JPY thousands");
    set_setting(s.model, "currency", "JPY");
    set_setting(s.model, "pct_base.is", "rev");
    s.periods[0] = period_of(s.model, "3Q02");
    s.periods[1] = period_of(s.model, "2Q02");
    s.periods[2] = period_of(s.model, "FY02");
    return s;
}

static ks_layout_options options_for(sheet *s, int count, unsigned with,
                                     ks_layout_format format)
{
    ks_layout_options options = { "is", s->periods, count, with, NULL, NULL,
                                  format };
    return options;
}

static char *render(sheet *s, const ks_layout_options *options,
                    ks_layout_text *text)
{
    ks_layout_text_init(text, NULL);
    ks_error err;
    if (ks_layout_render(s->model, options, text, &err) != KS_OK)
        fail_msg("render: %s", err.message);
    return text->data;
}

static void expect_line(const char *text, const char *line)
{
    if (!strstr(text, line))
        fail_msg("no line '%s' in:\n%s", line, text);
}

/* ---- kinds of figures ------------------------------------------------------- */

static void test_ratios_and_figures_not_whole(void **state)
{
    (void)state;
    sheet s = new_sheet(NULL);
    ks_layout_options options = options_for(&s, 2, 0, KS_LAYOUT_CSV);
    ks_layout_text text;
    char *csv = render(&s, &options, &text);
    /* CSV holds the numbers themselves: a ratio as its fraction, EPS as
     * it is (text shows percent and decimals) */
    expect_line(csv, "margin,0,Margin,0.25,0.25\n");
    expect_line(csv, "eps,0,EPS,22.5,15\n");
    expect_line(csv, "rev,0,Revenue,3000,2000\n");
    ks_layout_text_release(&text);

    options.format = KS_LAYOUT_TEXT;
    char *plain = render(&s, &options, &text);
    assert_string_equal(plain, "Tiny: is (JPY thousands)\n"
                               "          3Q02   2Q02\n"
                               "Revenue  3,000  2,000\n"
                               "  Cost     750    500\n"
                               "Margin   25.0%  25.0%\n"
                               "EPS      22.50     15\n");
    ks_layout_text_release(&text);
    ks_model_free(s.model);
}

static void test_money_in_dollars(void **state)
{
    (void)state;
    sheet s = new_sheet(NULL);
    set_setting(s.model, "rate.USD", "120");
    ks_layout_options options = options_for(&s, 1, 0, KS_LAYOUT_CSV);
    options.currency = "USD";
    ks_layout_text text;
    char *csv = render(&s, &options, &text);
    /* money in dollars as computed (text rounds it), ratios untouched */
    expect_line(csv, "rev,0,Revenue,25\n");
    expect_line(csv, "eps,0,EPS,0.1875\n");
    expect_line(csv, "margin,0,Margin,0.25\n");
    ks_layout_text_release(&text);
    options.format = KS_LAYOUT_TEXT;
    char *plain = render(&s, &options, &text);
    expect_line(plain, "Tiny: is (USD thousands at 120 per USD)\n");
    ks_layout_text_release(&text);
    /* the model's own currency named: as if none were */
    options.currency = "JPY";
    plain = render(&s, &options, &text);
    expect_line(plain, "Tiny: is (JPY thousands)\n");
    ks_layout_text_release(&text);
    ks_model_free(s.model);
}

static void test_measure_columns(void **state)
{
    (void)state;
    sheet s = new_sheet(NULL);
    ks_layout_options options =
        options_for(&s, 3, KS_LAYOUT_PCT | KS_LAYOUT_YOY | KS_LAYOUT_QOQ,
                    KS_LAYOUT_CSV);
    ks_layout_text text;
    char *csv = render(&s, &options, &text);
    /* 2Q02 has no 2Q01 nor 1Q02 to compare with, and FY02 no figures: the
     * columns that would stay empty are left out */
    expect_line(csv, "item,level,label,3Q02,3Q02 %,3Q02 YoY %,3Q02 QoQ %,"
                     "2Q02,2Q02 %,FY02\n");
    /* revenue: 100% of itself, +200% on 3Q01, +50% on 2Q02 */
    expect_line(csv, "rev,0,Revenue,3000,1,2,0.5,2000,1,\n");
    /* cost: 25% of revenue */
    expect_line(csv, "cost,1,Cost,750,0.25,2,0.5,500,0.25,\n");
    /* a ratio has no % of base (another unit) nor changes */
    expect_line(csv, "margin,0,Margin,0.25,,,,0.25,,\n");
    /* per-unit money has no % of a base in thousands */
    expect_line(csv, "eps,0,EPS,22.5,,2,0.5,15,,\n");
    ks_layout_text_release(&text);
    ks_model_free(s.model);
}

static void test_japanese_name(void **state)
{
    (void)state;
    sheet s = new_sheet(NULL);
    ks_layout_options options = options_for(&s, 1, 0, KS_LAYOUT_TEXT);
    options.lang = "ja";
    ks_layout_text text;
    expect_line(render(&s, &options, &text),
                "タイニー: is (JPY thousands)\n");
    ks_layout_text_release(&text);
    options.lang = "en";
    expect_line(render(&s, &options, &text), "Tiny: is (JPY thousands)\n");
    ks_layout_text_release(&text);
    ks_model_free(s.model);
}

/* ---- refusals ------------------------------------------------------------------ */

static void expect_refused(ks_model *model, const ks_layout_options *options,
                           const char *words)
{
    ks_layout_text text;
    ks_layout_text_init(&text, NULL);
    ks_error err;
    assert_int_equal(ks_layout_render(model, options, &text, &err),
                     KS_EINVAL);
    if (!strstr(err.message, words))
        fail_msg("'%s' does not say '%s'", err.message, words);
    assert_int_equal(text.length, 0);
    ks_layout_text_release(&text);
}

static void test_what_render_refuses(void **state)
{
    (void)state;
    sheet s = new_sheet(NULL);
    ks_layout_options options = options_for(&s, 1, 0, KS_LAYOUT_TEXT);
    expect_refused(NULL, &options, "show: no model or statement");
    expect_refused(s.model, NULL, "show: no model or statement");
    ks_layout_options nameless = options;
    nameless.statement = NULL;
    expect_refused(s.model, &nameless, "show: no model or statement");
    ks_layout_options too_many = options;
    too_many.period_count = KS_LAYOUT_PERIODS_MAX + 1;
    expect_refused(s.model, &too_many, "show: 1 to 64 periods, got 65");
    too_many.period_count = 0;
    expect_refused(s.model, &too_many, "show: 1 to 64 periods, got 0");
    ks_error err;
    assert_int_equal(ks_layout_render(s.model, &options, NULL, &err),
                     KS_EINVAL);

    options.currency = "EUR";
    expect_refused(s.model, &options,
                   "show: currency 'EUR': only the model's (JPY) or USD");
    options.currency = "USD";
    expect_refused(s.model, &options,
                   "show: USD needs a positive setting rate.USD");
    set_setting(s.model, "rate.USD", "0");
    expect_refused(s.model, &options, "USD needs a positive");
    set_setting(s.model, "rate.USD", "cheap");
    expect_refused(s.model, &options, "USD needs a positive");
    ks_model_free(s.model);
}

static void test_column_names(void **state)
{
    (void)state;
    unsigned with = 99;
    assert_int_equal(ks_layout_parse_with("pct,yoy,qoq", &with), 0);
    assert_int_equal(with, KS_LAYOUT_PCT | KS_LAYOUT_YOY | KS_LAYOUT_QOQ);
    assert_int_equal(ks_layout_parse_with("qoq", &with), 0);
    assert_int_equal(with, KS_LAYOUT_QOQ);
    /* an empty list or entry is refused, as --periods refuses one */
    assert_int_equal(ks_layout_parse_with(",yoy,,", &with), -1);
    assert_int_equal(ks_layout_parse_with("yoy,", &with), -1);
    assert_int_equal(ks_layout_parse_with("pct,,yoy", &with), -1);
    assert_int_equal(ks_layout_parse_with(",", &with), -1);
    assert_int_equal(ks_layout_parse_with("", &with), -1);
    assert_int_equal(ks_layout_parse_with(NULL, &with), -1);
    assert_int_equal(ks_layout_parse_with("pct,yo", &with), -1);
    assert_int_equal(ks_layout_parse_with("pcts", &with), -1);
    assert_int_equal(ks_layout_parse_with("PCT", &with), -1);
}

/* ---- out of memory --------------------------------------------------------------- */

static void test_every_failed_allocation_keeps_the_buffer(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    sheet s = new_sheet(&alloc);
    ks_layout_options first = options_for(&s, 1, 0, KS_LAYOUT_CSV);
    ks_layout_options second =
        options_for(&s, 3, KS_LAYOUT_PCT | KS_LAYOUT_YOY, KS_LAYOUT_TEXT);
    static const ks_layout_format formats[] = { KS_LAYOUT_TEXT, KS_LAYOUT_MD,
                                                KS_LAYOUT_CSV, KS_LAYOUT_JSON };
    ks_value warm; /* recalculated first: the failures are the layout's */
    assert_int_equal(ks_get(s.model, 2, s.periods[0], &warm, NULL), KS_OK);
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        second.format = formats[f];
        ks_layout_text whole;
        ks_layout_text_init(&whole, &alloc);
        assert_int_equal(ks_layout_render(s.model, &second, &whole, NULL),
                         KS_OK);
        int completed = 0;
        for (long n = 1; n < 200 && !completed; n++) {
            ks_layout_text text;
            ks_layout_text_init(&text, &alloc);
            assert_int_equal(ks_layout_render(s.model, &first, &text, NULL),
                             KS_OK);
            char *before = malloc(text.length + 1);
            assert_non_null(before);
            memcpy(before, text.data, text.length + 1);
            size_t length = text.length;
            test_alloc_arm(&counts, n, 0);
            ks_error err;
            ks_status status = ks_layout_render(s.model, &second, &text, &err);
            int failed = counts.failed;
            test_alloc_disarm(&counts);
            if (!failed) {
                assert_int_equal(status, KS_OK);
                assert_int_equal(text.length, length + whole.length);
                assert_string_equal(text.data + length, whole.data);
                completed = 1;
            } else {
                if (status != KS_ENOMEM)
                    fail_msg("allocation %ld: %s", n, err.message);
                assert_string_equal(err.message, "show: out of memory");
                assert_int_equal(text.length, length);
                assert_string_equal(text.data, before);
            }
            free(before);
            ks_layout_text_release(&text);
        }
        assert_true(completed);
        ks_layout_text_release(&whole);
    }
    ks_model_free(s.model);
    assert_int_equal(counts.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratios_and_figures_not_whole),
        cmocka_unit_test(test_money_in_dollars),
        cmocka_unit_test(test_measure_columns),
        cmocka_unit_test(test_japanese_name),
        cmocka_unit_test(test_what_render_refuses),
        cmocka_unit_test(test_column_names),
        cmocka_unit_test(test_every_failed_allocation_keeps_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
