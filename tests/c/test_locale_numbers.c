/*
 * test_locale_numbers.c -- numbers read and written the same whatever
 * LC_NUMERIC says.  A host may call setlocale(LC_ALL, "") under
 * LC_NUMERIC=de_DE, where strtod reads "1.5" as 1 and printf writes 1.5 as
 * "1,5".  This test makes that situation for real: it compiles a locale
 * whose decimal point is ',' with localedef (glibc's libc-bin, present
 * wherever the C library is; no locale package needed: the locale's
 * source and an ASCII character map are written here) into its scratch
 * directory, points LOCPATH at it, and checks that formulas, the tie-out
 * check, the statement layout, the values export and ks_parse_number read
 * and print numbers exactly as in the C locale.  Without localedef the
 * test fails: it does not skip.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kessan/check.h"
#include "kessan/kessan.h"
#include "kessan/layout.h"
#include "kessan/text.h"

#define COMMA_LOCALE "kstest_comma"
#define MODEL KESSAN_SOURCE_DIR "/data/iij"

static char locale_dir[1024];

static void write_file(const char *name, const char *text)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", locale_dir, name);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    assert_int_equal(fclose(file), 0);
}

/* An ASCII character map: every code point below 128 as its own byte. */
static void write_charmap(void)
{
    char map[8192];
    size_t at = (size_t)snprintf(map, sizeof map,
                                 "<code_set_name> ANSI_X3.4-1968\n"
                                 "<mb_cur_min> 1\n<mb_cur_max> 1\nCHARMAP\n");
    for (int c = 0; c < 128; c++)
        at += (size_t)snprintf(map + at, sizeof map - at,
                               "<U%04X> \\x%02x\n", c, c);
    snprintf(map + at, sizeof map - at, "END CHARMAP\n");
    write_file("ascii.map", map);
}

/* LC_NUMERIC as in de_DE: ',' for the point, '.' between thousands. */
static int make_comma_locale(void **state)
{
    (void)state;
    snprintf(locale_dir, sizeof locale_dir, "%s/locale", KESSAN_TEST_TMP);
    mkdir(locale_dir, 0755);
    write_charmap();
    write_file("comma.src", "LC_NUMERIC\n"
                            "decimal_point \"<U002C>\"\n"
                            "thousands_sep \"<U002E>\"\n"
                            "grouping 3;3\n"
                            "END LC_NUMERIC\n");
    char command[4096];
    /* -c: write the locale although it defines LC_NUMERIC alone (localedef
     * then warns and exits 1; what matters is the locale it wrote) */
    snprintf(command, sizeof command,
             "localedef -c -f '%s/ascii.map' -i '%s/comma.src' '%s/%s' "
             ">/dev/null 2>&1",
             locale_dir, locale_dir, locale_dir, COMMA_LOCALE);
    int status = system(command);
    char made[1200];
    snprintf(made, sizeof made, "%s/%s/LC_NUMERIC", locale_dir, COMMA_LOCALE);
    struct stat info;
    if (stat(made, &info) != 0) {
        fprintf(stderr, "localedef (libc-bin) made no locale (status %d): "
                        "it is needed to test a comma decimal point\n",
                status);
        return -1;
    }
    setenv("LOCPATH", locale_dir, 1);
    return 0;
}

static void use_numeric(const char *name)
{
    if (!setlocale(LC_NUMERIC, name))
        fail_msg("setlocale(LC_NUMERIC, \"%s\") failed", name);
}

static int back_to_c(void **state)
{
    (void)state;
    use_numeric("C");
    return 0;
}

static ks_model *open_model(void)
{
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_open(MODEL, NULL, &model, &err) != KS_OK)
        fail_msg("%s", err.message);
    return model;
}

static double cell(ks_model *model, const char *id, const char *period)
{
    char name[128];
    snprintf(name, sizeof name, "%s@%s", id, period);
    int item, at;
    ks_error err;
    assert_int_equal(ks_cell_lookup(model, name, &item, &at, &err), KS_OK);
    ks_value value;
    assert_int_equal(ks_get(model, item, at, &value, &err), KS_OK);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

/* ---- the situation is real -------------------------------------------------- */

static void the_locale_has_a_comma(void **state)
{
    (void)state;
    use_numeric(COMMA_LOCALE);
    assert_string_equal(localeconv()->decimal_point, ",");
    char buf[32];
    snprintf(buf, sizeof buf, "%.1f", 1.5);
    assert_string_equal(buf, "1,5"); /* what the C library does now */
    assert_true(strtod("1.5", NULL) == 1.0);
    ks_snprintf_c(buf, sizeof buf, "%.1f", 1.5); /* and what kessan does */
    assert_string_equal(buf, "1.5");
    assert_true(ks_strtod_c("1.5", NULL) == 1.5);
}

/* ---- reading ------------------------------------------------------------- */

static void formulas_read_decimal_literals(void **state)
{
    (void)state;
    use_numeric(COMMA_LOCALE);
    ks_model *model = open_model();
    ks_item_info info = { "t.scaled", "Scaled", NULL, "JPY thousands",
                          "zz", NULL, NULL, KS_RULE_FORMULA };
    ks_error err;
    assert_int_equal(ks_define(model, "t.scaled",
                               "rev.total * 1.5 + 2.5e-1 + .125", &info, &err),
                     KS_OK);
    double revenue = cell(model, "rev.total", "3Q02");
    assert_true(cell(model, "t.scaled", "3Q02") ==
                revenue * 1.5 + 0.25 + 0.125);
    ks_model_free(model);
}

static void numbers_in_files_read_alike(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "0.10000000000000001", "-1,234.5678901234567", "(3.8%)",
        "123456789012345678", "1.5e-3", "32.2%",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        double in_c, in_comma;
        int missing, decimals_c, decimals_comma;
        use_numeric("C");
        assert_int_equal(ks_parse_number(texts[i], strlen(texts[i]), &in_c,
                                         &missing, &decimals_c), 0);
        use_numeric(COMMA_LOCALE);
        assert_int_equal(ks_parse_number(texts[i], strlen(texts[i]),
                                         &in_comma, &missing,
                                         &decimals_comma), 0);
        assert_memory_equal(&in_c, &in_comma, sizeof in_c);
        assert_int_equal(decimals_c, decimals_comma);
    }
    use_numeric(COMMA_LOCALE);
    double number;
    int missing;
    ks_parse_number("0.10000000000000001", 19, &number, &missing, NULL);
    assert_true(number == 0.1);
}

/* ---- writing ------------------------------------------------------------- */

/* Every statement in every format, in USD with % and YoY columns (the
 * rate is read from settings and printed in the title), in `locale`. */
static char *render_all(const char *locale, size_t *length)
{
    use_numeric(locale);
    ks_model *model = open_model();
    static const char *const statements[] = { "is", "bs", "cf", "kpi" };
    ks_layout_text text;
    ks_layout_text_init(&text, NULL);
    for (size_t s = 0; s < 4; s++)
        for (int format = KS_LAYOUT_TEXT; format <= KS_LAYOUT_CSV; format++)
            for (int usd = 0; usd < 2; usd++) {
                ks_layout_options options = { 0 };
                options.statement = statements[s];
                options.format = (ks_layout_format)format;
                options.with = KS_LAYOUT_PCT | KS_LAYOUT_YOY | KS_LAYOUT_QOQ;
                options.currency = usd ? "USD" : NULL;
                ks_error err;
                if (ks_layout_render(model, &options, &text, &err) != KS_OK)
                    fail_msg("%s", err.message);
            }
    ks_model_free(model);
    *length = text.length;
    return text.data; /* the default allocator's: free() */
}

/* What `make` writes in the C locale and in the comma one: the same
 * bytes, holding `expected`. */
static void assert_alike(char *(*make)(const char *locale, size_t *length),
                         const char *expected)
{
    size_t length_c, length_comma;
    char *in_c = make("C", &length_c);
    char *in_comma = make(COMMA_LOCALE, &length_comma);
    assert_int_equal(length_c, length_comma);
    assert_memory_equal(in_c, in_comma, length_c);
    assert_non_null(strstr(in_comma, expected));
    free(in_c);
    free(in_comma);
}

static void layout_prints_alike(void **state)
{
    (void)state;
    assert_alike(render_all, "at 118.75 per USD");
    assert_alike(render_all, "10,563,578");
}

/* The check's report as text: every figure and message. */
static char *check_all(const char *locale, size_t *length)
{
    use_numeric(locale);
    ks_model *model = open_model();
    ks_check_report *report = NULL;
    ks_error err;
    if (ks_check_run(model, &report, &err) != KS_OK)
        fail_msg("%s", err.message);
    size_t size = report->count * 400 + 100, at = 0;
    char *text = malloc(size);
    assert_non_null(text);
    at += (size_t)ks_snprintf_c(text, size, "%zu %d %d %d %d\n",
                                report->count, report->passed,
                                report->adjusted, report->breaks,
                                report->explained);
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        at += (size_t)ks_snprintf_c(text + at, size - at,
                                    "%s %d %.17g %.17g %.17g %s\n",
                                    ks_check_status_name(r->status),
                                    r->decimals, r->expected, r->printed,
                                    r->difference, r->message);
    }
    ks_check_free(report);
    ks_model_free(model);
    *length = at;
    return text;
}

static void check_reads_and_prints_alike(void **state)
{
    (void)state;
    assert_alike(check_all, "at 118.75 per USD");
}

static char *export_all(const char *locale, size_t *length)
{
    use_numeric(locale);
    ks_model *model = open_model();
    FILE *file = tmpfile();
    assert_non_null(file);
    ks_error err;
    ks_export_options every_cell = {
        .with_scenario_column = 0,
        .cells = KS_EXPORT_ALL
    };
    assert_int_equal(ks_export_csv_stream(model, file, &every_cell, &err),
                     KS_OK);
    ks_model_free(model);
    long end = ftell(file);
    assert_true(end > 0);
    *length = (size_t)end;
    rewind(file);
    char *text = malloc(*length + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, *length, file), *length);
    text[*length] = '\0';
    fclose(file);
    return text;
}

static void export_writes_alike(void **state)
{
    (void)state;
    assert_alike(export_all, "rev.total,3Q02,10563578\n");
    assert_alike(export_all, "eps,3Q01,-45810.89857651245\n");
}

/* A thread's own locale (uselocale) is honoured and left as it was.  The
 * comma locale is copied from the global one (glibc's newlocale leaks the
 * LOCPATH it reads, which the leak checker would report). */
static void thread_locale_is_restored(void **state)
{
    (void)state;
    use_numeric(COMMA_LOCALE);
    locale_t comma = duplocale(LC_GLOBAL_LOCALE);
    use_numeric("C");
    assert_non_null(comma);
    locale_t before = uselocale(comma);
    char buf[32];
    assert_true(ks_strtod_c("2.75", NULL) == 2.75);
    ks_snprintf_c(buf, sizeof buf, "%g", 2.75);
    assert_string_equal(buf, "2.75");
    assert_true(uselocale((locale_t)0) == comma);
    snprintf(buf, sizeof buf, "%g", 2.75);
    assert_string_equal(buf, "2,75");
    uselocale(before);
    freelocale(comma);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(the_locale_has_a_comma, back_to_c),
        cmocka_unit_test_teardown(formulas_read_decimal_literals, back_to_c),
        cmocka_unit_test_teardown(numbers_in_files_read_alike, back_to_c),
        cmocka_unit_test_teardown(layout_prints_alike, back_to_c),
        cmocka_unit_test_teardown(check_reads_and_prints_alike, back_to_c),
        cmocka_unit_test_teardown(export_writes_alike, back_to_c),
        cmocka_unit_test(thread_locale_is_restored),
    };
    return cmocka_run_group_tests(tests, make_comma_locale, NULL);
}
