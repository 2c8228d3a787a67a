/*
 * test_xlsx_import.c -- values read from workbooks: data/iij's inputs
 * written as a workbook (libxlsxwriter, long and wide layouts, beside a
 * sheet of notes), and the workbook kessan itself exports, import back
 * to the same inputs as the model holds; the refusals of a workbook are
 * the CSV reader's, word for word after the position, which names the
 * cell (book.xlsx: Inputs!C2); and hostile
 * workbooks (damaged or encrypted containers, shared strings out of
 * range, a zip bomb, a million columns, entity declarations, malformed
 * cell references) are refused with a message, nothing imported.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "../support/xlsx_parts.h"
#include "base/error.h"
#include "io/xlsx_import.h"
#include "io/xlsx_import_book.h"
#include "io/xlsx_import_sheet.h"
#include "kessan/kessan.h"
#include "kessan/workbook.h"

#define TMP KESSAN_TEST_TMP
#define BOOK TMP "/book.xlsx"

/* ---- a small model ------------------------------------------------------ */

static ks_model *small_model(void)
{
    ks_model *model = empty_model(&(ks_calendar){ 3, 2001, 2002 }, NULL);
    add_input(model, "sales", KS_RULE_SUM);
    add_input(model, "cost", KS_RULE_SUM);
    define(model, "profit", "sales - cost", KS_RULE_SUM);
    put(model, "sales@3Q02", 5);
    return model;
}

/* Every cell's value and whether it is an input, to compare before and
 * after a refused import. */
typedef struct snapshot {
    double numbers[4096];
    int kinds[4096];
    int inputs[4096];
    int count;
} snapshot;

static void take(ks_model *model, snapshot *s)
{
    s->count = 0;
    for (int i = 0; i < ks_item_count(model); i++)
        for (int p = 0; p < ks_period_count(model); p++) {
            ks_value value;
            assert_true(s->count < 4096);
            assert_int_equal(ks_get(model, i, p, &value, NULL), KS_OK);
            s->numbers[s->count] = value.kind == KS_NUMBER ? value.number : 0;
            s->kinds[s->count] = (int)value.kind;
            s->inputs[s->count++] = ks_is_input(model, i, p);
        }
}

static void assert_unchanged(ks_model *model, const snapshot *before)
{
    static snapshot after;
    take(model, &after);
    assert_int_equal(after.count, before->count);
    for (int i = 0; i < after.count; i++) {
        assert_int_equal(after.kinds[i], before->kinds[i]);
        assert_int_equal(after.inputs[i], before->inputs[i]);
        assert_true(memcmp(&after.numbers[i], &before->numbers[i],
                           sizeof(double)) == 0);
    }
}

/* Import `path`; expect `status` and a message holding `part`; nothing
 * changed. */
static void expect_refused(const char *path, const char *sheet,
                           ks_status status, const char *part)
{
    ks_model *model = small_model();
    static snapshot before;
    take(model, &before);
    ks_import_options options = { .sheet = sheet };
    ks_error err;
    ks_status got = ks_import_values_with(model, path, &options, &err);
    if (got != status || !strstr(err.message, part))
        fail_msg("%s '%s'\nwanted %s with '%s'", ks_status_name(got),
                 err.message, ks_status_name(status), part);
    assert_unchanged(model, &before);
    ks_model_free(model);
}

/* ---- CSV and workbook side by side -------------------------------------- */

/* The cell name of field `index` (0-based) of row `row`. */
static void cell_name(int index, int row, char *out, size_t size)
{
    char letters[4] = { 0 };
    int n = 0;
    for (int c = index + 1; c > 0; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char name[4] = { 0 };
    for (int i = 0; i < n; i++)
        name[i] = letters[n - 1 - i];
    snprintf(out, size, "%s%d", name, row);
}

/* A sheet holding the CSV `text` (no quotes): each field an inline
 * string, or an error cell when it starts with '#', nothing when empty. */
static void sheet_of_csv(const char *text, char *xml, size_t size)
{
    size_t used = 0;
    int row = 0;
    used += (size_t)snprintf(xml + used, size - used, SHEET_OPEN);
    while (*text) {
        const char *end = strchr(text, '\n');
        size_t length = end ? (size_t)(end - text) : strlen(text);
        row++;
        used += (size_t)snprintf(xml + used, size - used, "<row r=\"%d\">",
                                 row);
        int field = 0;
        for (size_t at = 0; at <= length; field++) {
            size_t stop = at;
            while (stop < length && text[stop] != ',')
                stop++;
            char name[16];
            cell_name(field, row, name, sizeof name);
            int n = (int)(stop - at);
            if (n > 0 && text[at] == '#')
                used += (size_t)snprintf(xml + used, size - used,
                                         "<c r=\"%s\" t=\"e\"><v>%.*s</v>"
                                         "</c>", name, n, text + at);
            else if (n > 0)
                used += (size_t)snprintf(xml + used, size - used,
                                         "<c r=\"%s\" t=\"inlineStr\"><is>"
                                         "<t>%.*s</t></is></c>", name, n,
                                         text + at);
            at = stop + 1;
        }
        used += (size_t)snprintf(xml + used, size - used, "</row>");
        text += length + (end != NULL);
    }
    snprintf(xml + used, size - used, SHEET_CLOSE);
}

/* The message after its position: "v.csv:2:11: what" and "book.xlsx:
 * Inputs!C2: what" are both "what". */
static const char *what_of(const char *message, const char *prefix_end)
{
    const char *at = strstr(message, prefix_end);
    assert_non_null(at);
    at += strlen(prefix_end);
    for (int numbers = 0; numbers < 2 && *at >= '0' && *at <= '9';
         numbers++) {
        while (*at >= '0' && *at <= '9')
            at++;
        assert_int_equal(*at, ':');
        at++;
    }
    assert_int_equal(*at, ' ');
    return at + 1;
}

/* The CSV `text` refused as a file and as a workbook with the same
 * status and words; the workbook's message names cell `cell`. */
static void expect_same_refusal(const char *text, const char *cell)
{
    static char xml[1 << 16];
    write_file(TMP "/v.csv", text);
    sheet_of_csv(text, xml, sizeof xml);
    const char *names[] = { "Inputs" };
    const char *sheets[] = { xml };
    write_book(BOOK, names, sheets, 1, NULL);
    ks_model *model = small_model();
    static snapshot before;
    take(model, &before);
    ks_error csv_err, book_err;
    ks_status csv = ks_import_values(model, TMP "/v.csv", KS_PROV_REPORTED,
                                     &csv_err);
    ks_status book = ks_import_values(model, BOOK, KS_PROV_REPORTED,
                                      &book_err);
    assert_unchanged(model, &before);
    ks_model_free(model);
    if (csv == KS_OK || csv != book)
        fail_msg("csv %s '%s'\nbook %s '%s'", ks_status_name(csv),
                 csv_err.message, ks_status_name(book), book_err.message);
    char where[512];
    snprintf(where, sizeof where, BOOK ": Inputs!%s: ", cell);
    if (strncmp(book_err.message, where, strlen(where)) != 0)
        fail_msg("'%s' does not begin '%s'", book_err.message, where);
    const char *csv_what = what_of(csv_err.message, "v.csv:");
    const char *book_what = book_err.message + strlen(where);
    /* a duplicate names the row of the first: a line of the CSV */
    char wanted[KS_MESSAGE_MAX];
    snprintf(wanted, sizeof wanted, "%s", csv_what);
    char *line = strstr(wanted, "is on line");
    if (line)
        memcpy(line, "is on row ", 10), memmove(line + 10, line + 11,
                                                strlen(line + 11) + 1);
    assert_string_equal(book_what, wanted);
}

static void test_refusals_are_the_csv_readers(void **state)
{
    (void)state;
    expect_same_refusal("item,period,value\nsales,3Q02,abc\n", "C2");
    expect_same_refusal("item,period,value\nsails,3Q02,1\n", "A2");
    expect_same_refusal("item,period,value\nsales,5Q02,1\n", "B2");
    expect_same_refusal("item,period,value\nsales,3Q02,1\ncost,3Q02,2\n"
                        "sales,3Q02,3\n", "C4");
    expect_same_refusal("item,period,value\nprofit,3Q02,1\n", "C2");
    expect_same_refusal("item,period,value\nsales,3Q02,#DIV/0!\n", "C2");
    expect_same_refusal("item,period,value\nsales,3Q02,1e400\n", "C2");
    expect_same_refusal("item,period,valeu\nsales,3Q02,1\n", "C1");
    expect_same_refusal("item,3Q02,3Q02\nsales,1,2\n", "C1");
    expect_same_refusal("item,3Q02,4Q02\nsales,1,x\n", "C2");
    expect_same_refusal("thing,3Q02\nsales,1\n", "A1");
}

/* ---- values of every kind ----------------------------------------------- */

static double number_in(ks_model *model, const char *name)
{
    ks_value value = value_of(model, name);
    assert_int_equal(value.kind, KS_NUMBER);
    return value.number;
}

static void test_cell_kinds(void **state)
{
    (void)state;
    /* shared strings (one rich, one with a phonetic guide), numbers in
     * Excel's forms, an inline string, #N/A as missing, a formula's
     * cached value, a cell with no value (nothing imported) */
    write_sheet(BOOK,
                "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c>"
                "<c r=\"C2\" t=\"s\"><v>1</v></c><c r=\"D2\" t=\"s\">"
                "<v>2</v></c></row>"
                "<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>sales</t>"
                "</is></c><c r=\"C3\" t=\"s\"><v>3</v></c><c r=\"D3\">"
                "<v>1.5E+3</v></c></row>"
                "<row r=\"4\"><c r=\"B4\" t=\"s\"><v>4</v></c><c r=\"C4\" "
                "t=\"s\"><v>3</v></c><c r=\"D4\" t=\"e\"><v>#N/A</v></c>"
                "</row>"
                "<row r=\"5\"><c r=\"B5\" t=\"s\"><v>4</v></c><c r=\"C5\" "
                "t=\"str\"><v>4Q02</v></c><c r=\"D5\" t=\"str\"><f>A1</f>"
                "<v>(1,234.5)</v></c></row>"
                "<row r=\"6\"><c r=\"B6\" t=\"inlineStr\"><is><t>sales</t>"
                "</is></c><c r=\"C6\" t=\"inlineStr\"><is><t>1Q02</t></is>"
                "</c><c r=\"D6\" s=\"3\"/></row>",
                "<si><t>item</t></si>"
                "<si><r><t>per</t></r><r><rPr><b/></rPr><t>iod</t></r></si>"
                "<si><t>value</t><rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si>"
                "<si><t xml:space=\"preserve\">3Q02 </t></si>"
                "<si><t>cost</t></si>");
    ks_model *model = small_model();
    ks_error err;
    ks_import_options options = { .provenance = KS_PROV_REPORTED };
    if (ks_import_values_with(model, BOOK, &options, &err) != KS_OK)
        fail_msg("%s", err.message);
    assert_true(number_in(model, "sales@3Q02") == 1500);
    assert_int_equal(value_of(model, "cost@3Q02").kind, KS_MISSING);
    assert_true(ks_is_input(model, item_of(model, "cost"),
                            period_of(model, "3Q02")));
    assert_true(number_in(model, "cost@4Q02") == -1234.5);
    assert_false(ks_is_input(model, item_of(model, "sales"),
                             period_of(model, "1Q02")));
    ks_model_free(model);
    /* a boolean is no number */
    write_sheet(BOOK,
                "<row><c t=\"inlineStr\"><is><t>item</t></is></c><c "
                "t=\"inlineStr\"><is><t>3Q02</t></is></c></row>"
                "<row><c t=\"inlineStr\"><is><t>sales</t></is></c><c "
                "t=\"b\"><v>1</v></c></row>", NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Inputs!B2: expected a "
                   "number like 1,234 or (566,520), got 'TRUE'");
}

/* ---- data/iij through a workbook written by libxlsxwriter --------------- */

static ks_model *iij_chart(void)
{
    mkdir(TMP "/chart", 0755);
    copy_file(KESSAN_SOURCE_DIR "/data/iij/settings.csv",
              TMP "/chart/settings.csv");
    copy_file(KESSAN_SOURCE_DIR "/data/iij/items.csv",
              TMP "/chart/items.csv");
    return open_model(TMP "/chart", NULL);
}

/* data/iij's inputs as a long sheet "Inputs" and a wide sheet "Wide",
 * after a sheet of notes; numbers as numbers, missing as "-". */
static void write_iij_book(ks_model *iij, const char *path)
{
    lxw_workbook *book = workbook_new(path);
    assert_non_null(book);
    lxw_worksheet *notes = workbook_add_worksheet(book, "Notes");
    worksheet_write_string(notes, 0, 0, "IIJ, 3Q02 release", NULL);
    lxw_worksheet *rows = workbook_add_worksheet(book, "Inputs");
    lxw_worksheet *wide = workbook_add_worksheet(book, "Wide");
    worksheet_write_string(rows, 0, 0, "Item", NULL);
    worksheet_write_string(rows, 0, 1, "period", NULL);
    worksheet_write_string(rows, 0, 2, "VALUE", NULL);
    worksheet_write_string(wide, 0, 0, "item", NULL);
    char id[32];
    for (int p = 0; p < ks_period_count(iij); p++) {
        ks_period_id(iij, p, id, sizeof id);
        worksheet_write_string(wide, 0, (lxw_col_t)(p + 1), id, NULL);
    }
    lxw_row_t row = 1;
    for (int i = 0; i < ks_item_count(iij); i++) {
        ks_item_info info;
        assert_int_equal(ks_item_get(iij, i, &info), KS_OK);
        worksheet_write_string(wide, (lxw_row_t)(i + 1), 0, info.id, NULL);
        for (int p = 0; p < ks_period_count(iij); p++) {
            if (!ks_is_input(iij, i, p))
                continue;
            ks_value value;
            assert_int_equal(ks_get(iij, i, p, &value, NULL), KS_OK);
            ks_period_id(iij, p, id, sizeof id);
            worksheet_write_string(rows, row, 0, info.id, NULL);
            worksheet_write_string(rows, row, 1, id, NULL);
            if (value.kind == KS_NUMBER) {
                worksheet_write_number(rows, row, 2, value.number, NULL);
                worksheet_write_number(wide, (lxw_row_t)(i + 1),
                                       (lxw_col_t)(p + 1), value.number, NULL);
            } else {
                worksheet_write_string(rows, row, 2, "-", NULL);
                worksheet_write_string(wide, (lxw_row_t)(i + 1),
                                       (lxw_col_t)(p + 1), "-", NULL);
            }
            row++;
        }
    }
    assert_int_equal(workbook_close(book), LXW_NO_ERROR);
}

static void assert_same_inputs(ks_model *a, ks_model *b)
{
    int inputs = 0;
    assert_int_equal(ks_item_count(a), ks_item_count(b));
    for (int i = 0; i < ks_item_count(a); i++)
        for (int p = 0; p < ks_period_count(a); p++) {
            assert_int_equal(ks_is_input(a, i, p), ks_is_input(b, i, p));
            if (!ks_is_input(a, i, p))
                continue;
            inputs++;
            ks_value x, y;
            assert_int_equal(ks_get(a, i, p, &x, NULL), KS_OK);
            assert_int_equal(ks_get(b, i, p, &y, NULL), KS_OK);
            assert_int_equal(x.kind, y.kind);
            if (x.kind == KS_NUMBER)
                assert_true(memcmp(&x.number, &y.number, sizeof x.number)
                            == 0);
        }
    if (inputs < 250)
        fail_msg("only %d inputs", inputs);
}

static void test_iij_round_trip(void **state)
{
    (void)state;
    ks_model *iij = open_iij();
    write_iij_book(iij, BOOK);
    ks_error err;
    /* no sheet named: Notes holds no header with `item`, Inputs does */
    ks_model *chart = iij_chart();
    ks_import_options options = { .provenance = KS_PROV_REPORTED,
                                  .override = 1 };
    if (ks_import_values_with(chart, BOOK, &options, &err) != KS_OK)
        fail_msg("%s", err.message);
    assert_same_inputs(iij, chart);
    ks_model_free(chart);
    chart = iij_chart();
    options.sheet = "wide"; /* sheet names ignore case, as in Excel */
    if (ks_import_values_with(chart, BOOK, &options, &err) != KS_OK)
        fail_msg("%s", err.message);
    assert_same_inputs(iij, chart);
    ks_model_free(chart);
    ks_model_free(iij);
    expect_refused(BOOK, "Wdie", KS_EUNKNOWN, BOOK ": no sheet 'Wdie' (did "
                   "you mean 'Wide'?; the workbook has Notes, Inputs, Wide)");
    expect_refused(BOOK, "Notes", KS_EFORMAT, BOOK ": Notes!A1: expected a "
                   "header item,period,value");
}

/* A workbook kessan wrote (statements with live formulas, then the
 * Inputs sheet) gives back the inputs it was written from. */
static void test_kessan_workbook_round_trip(void **state)
{
    (void)state;
    ks_model *iij = open_iij();
    ks_error err;
    if (ks_export_xlsx(iij, TMP "/iij.xlsx", NULL, &err) != KS_OK)
        fail_msg("%s", err.message);
    ks_model *chart = iij_chart();
    ks_import_options options = { .provenance = KS_PROV_REPORTED,
                                  .override = 1 };
    if (ks_import_values_with(chart, TMP "/iij.xlsx", &options, &err)
        != KS_OK)
        fail_msg("%s", err.message);
    assert_same_inputs(iij, chart);
    ks_model_free(chart);
    ks_model_free(iij);
}

/* ---- hostile workbooks -------------------------------------------------- */

static void test_damaged_and_foreign_containers(void **state)
{
    (void)state;
    write_sheet(BOOK, "<row><c t=\"inlineStr\"><is><t>item</t></is></c>"
                "</row>", NULL);
    char *whole = read_file(BOOK);
    struct stat info;
    assert_int_equal(stat(BOOK, &info), 0);
    /* cut short: the central directory is gone */
    FILE *out = fopen(TMP "/cut.xlsx", "wb");
    assert_non_null(out);
    fwrite(whole, 1, (size_t)info.st_size / 2, out);
    fclose(out);
    expect_refused(TMP "/cut.xlsx", NULL, KS_EFORMAT, TMP "/cut.xlsx: not a "
                   "readable workbook (");
    /* a byte of the sheet's deflated data changed: it no longer inflates
     * to what its checksum says */
    static const char part[] = "xl/worksheets/sheet1.xml";
    off_t at = 0;
    while (at + 40 < info.st_size && memcmp(whole + at, part, 24) != 0)
        at++;
    assert_true(at + 40 < info.st_size);
    whole[at + 24 + 8] ^= 0x55;
    out = fopen(TMP "/flipped.xlsx", "wb");
    assert_non_null(out);
    fwrite(whole, 1, (size_t)info.st_size, out);
    fclose(out);
    free(whole);
    expect_refused(TMP "/flipped.xlsx", NULL, KS_EFORMAT, TMP "/flipped.xlsx: "
                   "xl/worksheets/sheet1.xml: ");
    /* an OLE container: what Excel writes for a workbook with a password */
    static const unsigned char ole[16] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1,
                                           0x1A, 0xE1 };
    out = fopen(TMP "/secret.xlsx", "wb");
    assert_non_null(out);
    fwrite(ole, 1, sizeof ole, out);
    fclose(out);
    expect_refused(TMP "/secret.xlsx", NULL, KS_EFORMAT, "password-protected");
    /* a zip that is no workbook */
    book_part parts[] = { { "hello.txt", "hello", 0 } };
    write_zip(TMP "/other.zip", parts, 1);
    expect_refused(TMP "/other.zip", NULL, KS_EFORMAT, TMP "/other.zip: a zip "
                   "but not a workbook (no xl/workbook.xml");
}

static void test_hostile_sheets(void **state)
{
    (void)state;
    const char *header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>"
                         "item</t></is></c><c r=\"B1\" t=\"inlineStr\"><is>"
                         "<t>3Q02</t></is></c></row>";
    char rows[4096];
    snprintf(rows, sizeof rows, "%s<row r=\"2\"><c r=\"A2\" t=\"s\"><v>7"
             "</v></c></row>", header);
    write_sheet(BOOK, rows, "<si><t>sales</t></si>");
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Inputs!A2: shared "
                   "string '7' out of range (the workbook has 1)");
    write_sheet(BOOK, rows, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "out of range (the workbook has "
                   "0)");
    snprintf(rows, sizeof rows, "%s<row r=\"2\"><c r=\"A2\" t=\"s\"><v>-1"
             "</v></c></row>", header);
    write_sheet(BOOK, rows, "<si><t>sales</t></si>");
    expect_refused(BOOK, NULL, KS_EFORMAT, "shared string '-1' out of range");
    /* a row reaching past the header: the row is named */
    write_sheet(BOOK, "<row><c t=\"inlineStr\"><is><t>item</t></is></c><c "
                "t=\"inlineStr\"><is><t>period</t></is></c><c t=\"inlineStr\">"
                "<is><t>value</t></is></c></row><row r=\"5\">"
                "<c t=\"inlineStr\"><is><t>sales</t></is></c><c t=\"inlineStr\"><is><t>3Q02</t>"
                "</is></c><c><v>1</v></c><c><v>2</v></c></row>", NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Inputs!5:5: expected 3 "
                   "fields as in the header, got 4");
    /* a value left of the table */
    write_sheet(BOOK, "<row><c r=\"B1\" t=\"inlineStr\"><is><t>item</t></is>"
                "</c><c r=\"C1\" t=\"inlineStr\"><is><t>3Q02</t></is></c>"
                "</row><row><c r=\"A2\"><v>1</v></c></row>", NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Inputs!A2: a value left "
                   "of the table (its header begins in column B)");
    /* cell references */
    const char *bad_refs[] = { "B", "2", "b2", "B0", "B02", "AB-2", "",
                               "B2B", "B99999999999" };
    for (size_t i = 0; i < sizeof bad_refs / sizeof bad_refs[0]; i++) {
        snprintf(rows, sizeof rows, "%s<row r=\"2\"><c r=\"%s\"><v>1</v>"
                 "</c></row>", header, bad_refs[i]);
        write_sheet(BOOK, rows, NULL);
        expect_refused(BOOK, NULL, KS_EFORMAT, "malformed cell reference");
    }
    snprintf(rows, sizeof rows, "%s<row r=\"2\"><c r=\"XFE2\"><v>1</v></c>"
             "</row>", header);
    write_sheet(BOOK, rows, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Inputs!2:2: cell 'XFE2' "
                   "is beyond column XFD");
    snprintf(rows, sizeof rows, "%s<row r=\"2\"><c r=\"B3\"><v>1</v></c>"
             "</row>", header);
    write_sheet(BOOK, rows, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "cell B3 is out of place");
    snprintf(rows, sizeof rows, "%s<row r=\"2\"><c r=\"C2\"><v>1</v></c>"
             "<c r=\"B2\"><v>1</v></c></row>", header);
    write_sheet(BOOK, rows, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "cell B2 is out of place");
    snprintf(rows, sizeof rows, "%s<row r=\"1\"/>", header);
    write_sheet(BOOK, rows, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "row 1 comes after row 1");
    snprintf(rows, sizeof rows, "%s<row r=\"1048577\"/>", header);
    write_sheet(BOOK, rows, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "row number '1048577'");
    /* not XML, or XML with an entity declaration */
    write_sheet(BOOK, "<row><c></row>", NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "xl/worksheets/sheet1.xml: not "
                   "well-formed XML at line 1");
    const char *laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;"
        "&b;&b;&b;\">]><worksheet><sheetData><row><c t=\"inlineStr\"><is><t>"
        "&c;</t></is></c></row></sheetData></worksheet>";
    const char *names[] = { "Inputs" };
    write_book(BOOK, names, &laughs, 1, NULL);
    expect_refused(BOOK, NULL, KS_EFORMAT, "xl/worksheets/sheet1.xml: a "
                   "document type declaration");
    write_book(BOOK, names, &laughs, 1, "<si><t>&c;</t></si>");
    expect_refused(BOOK, NULL, KS_EFORMAT, "xl/sharedStrings.xml: not "
                   "well-formed XML at line 1, column 100 (undefined "
                   "entity)");
}

/* A million columns, without references: the reader stops at XFD. */
static void test_a_million_columns(void **state)
{
    (void)state;
    size_t size = 1000000 * 16 + 1024;
    char *xml = malloc(size);
    assert_non_null(xml);
    size_t used = (size_t)snprintf(xml, size, SHEET_OPEN "<row>");
    for (int i = 0; i < 1000000; i++) {
        memcpy(xml + used, "<c><v>1</v></c>", 15);
        used += 15;
    }
    used += (size_t)snprintf(xml + used, size - used, "</row>" SHEET_CLOSE);
    const char *names[] = { "Wide" };
    const char *sheets[] = { xml };
    write_book(BOOK, names, sheets, 1, NULL);
    free(xml);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Wide!1:1: a cell beyond "
                   "column XFD");
}

/* A long shared string repeated along a row: the row's text is bounded,
 * whatever the XML's own size. */
static void test_shared_string_repeated(void **state)
{
    (void)state;
    size_t length = 1000000;
    char *strings = malloc(length + 64);
    assert_non_null(strings);
    memcpy(strings, "<si><t>", 7);
    memset(strings + 7, 'x', length);
    strcpy(strings + 7 + length, "</t></si>");
    char rows[4096];
    size_t used = (size_t)snprintf(rows, sizeof rows, "<row><c t=\"inlineStr"
                                   "\"><is><t>item</t></is></c></row><row>");
    for (int i = 0; i < 20; i++)
        used += (size_t)snprintf(rows + used, sizeof rows - used,
                                 "<c t=\"s\"><v>0</v></c>");
    snprintf(rows + used, sizeof rows - used, "</row>");
    write_sheet(BOOK, rows, strings);
    free(strings);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": Inputs!Q2: a row holds "
                   "more than 16 MB of text");
}

/* A sheet inflating to far more than its compressed size. */
static void test_zip_bomb(void **state)
{
    (void)state;
    size_t size = (size_t)64 << 20;
    char *xml = malloc(size + 1);
    assert_non_null(xml);
    size_t open = strlen(SHEET_OPEN);
    memcpy(xml, SHEET_OPEN, open);
    memset(xml + open, ' ', size - open);
    xml[size] = '\0';
    const char *names[] = { "Inputs" };
    const char *sheets[] = { xml };
    write_book(BOOK, names, sheets, 1, NULL);
    free(xml);
    expect_refused(BOOK, NULL, KS_EFORMAT, BOOK ": xl/worksheets/sheet1.xml: "
                   "inflates more than 200 times its compressed size");
}

/* ---- a large sheet read in two halves ------------------------------------ */

/* What a reader handed over, as text: each record's row, number and
 * fields (their positions, text and whether empty). */
typedef struct record_log {
    char *text;
    size_t length, capacity;
    int refuse;              /* refuse this record (its number; 0: none) */
} record_log;

static void log_text(record_log *log, const char *text)
{
    size_t length = strlen(text);
    if (log->length + length + 1 > log->capacity) {
        log->capacity = (log->length + length + 1) * 2;
        log->text = realloc(log->text, log->capacity);
        assert_non_null(log->text);
    }
    memcpy(log->text + log->length, text, length + 1);
    log->length += length;
}

static ks_status log_record(void *user_data, const ks_csv_record *record,
                            ks_error *err)
{
    record_log *log = user_data;
    char piece[256];
    snprintf(piece, sizeof piece, "%s %d #%d:", record->name, record->line,
             record->number);
    log_text(log, piece);
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        snprintf(piece, sizeof piece, " %d,%d%s'%.*s'", field->line,
                 field->column, field->is_null ? "(null)" : "",
                 (int)field->length, field->text);
        log_text(log, piece);
    }
    log_text(log, "\n");
    if (record->number == log->refuse)
        return ks_error_at(err, KS_EINVAL, record->line, 0, "record %d "
                           "refused", record->number);
    return KS_OK;
}

/* Read the workbook by one parse and in two halves (every sheet split,
 * whatever its size): the same records and the same end.  Returns
 * whether the halves were used. */
static int read_both_ways(const char *path, int refuse)
{
    record_log one = { NULL, 0, 0, refuse }, two = { NULL, 0, 0, refuse };
    ks_error err_one, err_two;
    int halves_one = -1, halves_two = -1;
    ks_status got_one = ks_xlsxin_read_records_with(NULL, path, path, NULL,
                                                    0, log_record, &one,
                                                    &halves_one, &err_one);
    ks_status got_two = ks_xlsxin_read_records_with(NULL, path, path, NULL,
                                                    1, log_record, &two,
                                                    &halves_two, &err_two);
    assert_int_equal(halves_one, 0);
    assert_int_equal(got_one, got_two);
    if (got_one != KS_OK)
        assert_string_equal(err_one.message, err_two.message);
    assert_non_null(one.text);
    assert_string_equal(one.text, two.text);
    free(one.text);
    free(two.text);
    return halves_two;
}

/* A long-layout sheet of `rows` rows; `change` (may be NULL) rewrites
 * rows `at` to `at + span`: it gets the row's number and writes what
 * stands in its place. */
typedef void (*row_change)(int row, char *out, size_t size);

static char *long_sheet(int rows, int at, int span, row_change change,
                        int references)
{
    size_t size = (size_t)rows * 400 + 4096;
    char *xml = malloc(size);
    assert_non_null(xml);
    size_t used = (size_t)snprintf(xml, size, "%s", SHEET_OPEN
                                   "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
                                   "<is><t>item</t></is></c><c r=\"B1\" "
                                   "t=\"s\"><v>0</v></c><c r=\"C1\" "
                                   "t=\"inlineStr\"><is><t>value</t></is></c>"
                                   "</row>");
    for (int row = 2; row <= rows; row++) {
        char line[360];
        if (change && row >= at && row <= at + span)
            change(row, line, sizeof line);
        else if (references)
            snprintf(line, sizeof line, "<row r=\"%d\"><c r=\"A%d\" t=\"s\">"
                     "<v>1</v></c><c r=\"B%d\" t=\"inlineStr\"><is><t>%dQ%02d"
                     "</t></is></c><c r=\"C%d\"><v>%d.5</v></c></row>", row,
                     row, row, row % 4 + 1, row % 100, row, row * 7);
        else
            snprintf(line, sizeof line, "<row><c t=\"s\"><v>1</v></c><c "
                     "t=\"inlineStr\"><is><t>%dQ%02d</t></is></c><c><v>%d.5"
                     "</v></c></row>", row % 4 + 1, row % 100, row * 7);
        used += (size_t)snprintf(xml + used, size - used, "%s", line);
    }
    snprintf(xml + used, size - used, "%s", SHEET_CLOSE);
    return xml;
}

static void write_long(const char *path, char *xml)
{
    const char *names[] = { "Inputs" };
    const char *sheets[] = { xml };
    write_book(path, names, sheets, 1, "<si><t>period</t></si><si><t>sales"
               "</t></si>");
    free(xml);
}

static void bad_reference(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\"><c r=\"A%d\"><v>1</v></c><c r=\"A%d\">"
             "<v>2</v></c></row>", row, row, row);
}

/* Rows that are not there: in a comment, in a CDATA section. */
static void commented_row(int row, char *out, size_t size)
{
    snprintf(out, size, "<!-- <row r=\"%d\"><c r=\"C%d\"><v>9</v></c>"
             "</row> -->", row, row);
}

static void cdata_row(int row, char *out, size_t size)
{
    snprintf(out, size, "<![CDATA[<row r=\"%d\"><c r=\"C%d\"><v>9</v></c>"
             "</row>]]>", row, row);
}

static void not_well_formed(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\"><c r=\"A%d\"><v>1</v></row>", row, row);
}

static void row_out_of_order(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\"><c r=\"A%d\"><v>1</v></c></row>",
             row - 5, row - 5);
}

static void shared_out_of_range(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>9</v></c>"
             "</row>", row, row);
}

/* Copy the workbook with one byte of its sheet's deflated data changed,
 * `eighth` eighths of the way from the sheet's local header to the end of
 * the file, and read the copy both ways. */
static void flip_sheet_byte(const char *path, const char *copy, int eighth)
{
    struct stat info;
    assert_int_equal(stat(path, &info), 0);
    char *whole = malloc((size_t)info.st_size);
    assert_non_null(whole);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    assert_int_equal(fread(whole, 1, (size_t)info.st_size, in),
                     (size_t)info.st_size);
    fclose(in);
    static const char part[] = "xl/worksheets/sheet1.xml";
    off_t at = 0;
    while (at + 64 < info.st_size && memcmp(whole + at, part, 24) != 0)
        at++;
    assert_true(at + 64 < info.st_size);
    off_t data = at + 24 + 8;
    whole[data + (info.st_size - data) * eighth / 8 / 2] ^= 0x55;
    FILE *out = fopen(copy, "wb");
    assert_non_null(out);
    fwrite(whole, 1, (size_t)info.st_size, out);
    fclose(out);
    free(whole);
    read_both_ways(copy, 0);
}

static void test_split_reads_as_one(void **state)
{
    (void)state;
    const char *path = TMP "/halves.xlsx";
    /* a plain sheet, and one whose rows give no number: both halves */
    write_long(path, long_sheet(3000, 0, 0, NULL, 1));
    assert_int_equal(read_both_ways(path, 0), 1);
    write_long(path, long_sheet(3000, 0, 0, NULL, 0));
    assert_int_equal(read_both_ways(path, 0), 0); /* its numbers unknown */
    /* a record refused in either half: the same records before it (in
     * the first, the second half is not waited for) */
    write_long(path, long_sheet(3000, 0, 0, NULL, 1));
    assert_int_equal(read_both_ways(path, 100), 0);
    assert_int_equal(read_both_ways(path, 2900), 1);
    /* the middle of the sheet all comments or CDATA that look like rows:
     * no half begins there */
    write_long(path, long_sheet(3000, 1000, 1000, commented_row, 1));
    assert_int_equal(read_both_ways(path, 0), 0);
    write_long(path, long_sheet(3000, 1000, 1000, cdata_row, 1));
    assert_int_equal(read_both_ways(path, 0), 0);
    /* a byte of the sheet's deflated data changed, early or late: it no
     * longer inflates to its checksum, whichever half reads it */
    write_long(path, long_sheet(3000, 0, 0, NULL, 1));
    for (int eighth = 1; eighth < 8; eighth += 2)
        flip_sheet_byte(path, TMP "/halves-flipped.xlsx", eighth);
    /* defects near the middle, early and late: the one-parse message */
    int places[] = { 50, 1400, 1500, 1550, 1600, 1650, 2990 };
    row_change changes[] = { bad_reference, commented_row, cdata_row,
                             not_well_formed, row_out_of_order,
                             shared_out_of_range };
    for (size_t c = 0; c < sizeof changes / sizeof changes[0]; c++)
        for (size_t p = 0; p < sizeof places / sizeof places[0]; p++) {
            write_long(path, long_sheet(3000, places[p], 0, changes[c], 1));
            read_both_ways(path, 0);
        }
}

/* ---- the file replaced between the two halves' opens -------------------- */

/* CRC-32 (zip's), and the same register run without its first and last
 * inversion: what a change of bytes adds to a message of the same length. */
static uint32_t crc_run(uint32_t crc, const unsigned char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; bit++)
            crc = crc >> 1 ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return crc;
}

static uint32_t crc32_of(const unsigned char *bytes, size_t n)
{
    return ~crc_run(0xFFFFFFFFu, bytes, n);
}

/* Flip some of the `count` padding bytes at `pad` ('A' to 'B') so that
 * `bytes` check to `want`: a forged checksum. */
static void forge_crc(unsigned char *bytes, size_t n, size_t pad, int count,
                      uint32_t want)
{
    uint32_t basis[32] = { 0 };
    uint64_t flips[32] = { 0 };
    for (int i = 0; i < count; i++) {
        unsigned char change[128] = { 0x03 };
        assert_true(n - pad - (size_t)i <= sizeof change);
        uint32_t adds = crc_run(0, change, n - pad - (size_t)i);
        uint64_t which = UINT64_C(1) << i;
        for (int b = 31; b >= 0 && adds; b--) {
            if (!(adds >> b & 1))
                continue;
            if (!basis[b]) {
                basis[b] = adds;
                flips[b] = which;
                break;
            }
            adds ^= basis[b];
            which ^= flips[b];
        }
    }
    uint32_t missing = crc32_of(bytes, n) ^ want;
    uint64_t which = 0;
    for (int b = 31; b >= 0; b--)
        if (missing >> b & 1) {
            assert_true(basis[b] != 0);
            missing ^= basis[b];
            which ^= flips[b];
        }
    for (int i = 0; i < count; i++)
        if (which >> i & 1)
            bytes[pad + (size_t)i] ^= 0x03;
    assert_int_equal(crc32_of(bytes, n), want);
}

/* A workbook whose sheet is `xml`, stored (not deflated): its directory
 * gives the sheet's size, compressed size and checksum. */
static void write_stored(const char *path, const char *xml)
{
    const char *names[] = { "Inputs" };
    const char *sheets[] = { xml };
    write_book(path, names, sheets, 1, "<si><t>period</t></si><si><t>sales"
               "</t></si>");
    int code = 0;
    zip_t *zip = zip_open(path, 0, &code);
    assert_non_null(zip);
    zip_int64_t index = zip_name_locate(zip, "xl/worksheets/sheet1.xml", 0);
    assert_true(index >= 0);
    assert_int_equal(zip_set_file_compression(zip, (zip_uint64_t)index,
                                              ZIP_CM_STORE, 0), 0);
    assert_int_equal(zip_close(zip), 0);
}

#define PAD 64

/* The long sheet with a comment of PAD letters after its root. */
static char *padded_sheet(void)
{
    char *xml = long_sheet(3000, 0, 0, NULL, 1);
    strcat(xml, "<!--");
    size_t at = strlen(xml);
    memset(xml + at, 'A', PAD);
    strcpy(xml + at + PAD, "-->");
    return xml;
}

/* Another workbook whose directory describes its sheet as `path`'s does
 * (sizes, checksum), with another value in its second half. */
static void write_forged(const char *path)
{
    char *xml = padded_sheet();
    size_t n = strlen(xml);
    uint32_t want = crc32_of((const unsigned char *)xml, n);
    char *value = strstr(xml, "<v>17500.5</v>"); /* row 2500, C */
    assert_non_null(value);
    value[8] = '9';
    forge_crc((unsigned char *)xml, n, n - 3 - PAD, PAD, want);
    write_stored(path, xml);
    free(xml);
}

static const char *swap_path;

static void swap_forged(const char *path)
{
    write_forged(TMP "/forged.xlsx");
    assert_int_equal(rename(TMP "/forged.xlsx", path), 0);
}

static void swap_fifo(const char *path)
{
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
}

static void swap_copy_link(const char *path)
{
    assert_int_equal(rename(path, TMP "/moved.xlsx"), 0);
    write_stored(TMP "/copy.xlsx", swap_path);
    assert_int_equal(symlink(TMP "/copy.xlsx", path), 0);
}

static void swap_directory(const char *path)
{
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
}

static unsigned char *read_whole(const char *path, size_t *size)
{
    struct stat info;
    assert_int_equal(stat(path, &info), 0);
    *size = (size_t)info.st_size;
    unsigned char *whole = malloc(*size);
    assert_non_null(whole);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    assert_int_equal(fread(whole, 1, *size, in), *size);
    fclose(in);
    return whole;
}

static uint32_t le32(const unsigned char *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
           (uint32_t)at[3] << 24;
}

static void put_le32(unsigned char *at, uint32_t value)
{
    for (int b = 0; b < 4; b++)
        at[b] = (unsigned char)(value >> (8 * b));
}

/* Where the record with `signature` whose name (at `name_at`) is the
 * sheet's begins in bytes[0, size). */
static size_t find_sheet_record(const unsigned char *bytes, size_t size,
                                const char *signature, size_t name_at)
{
    static const char part[] = "xl/worksheets/sheet1.xml";
    for (size_t at = 0; at + name_at + 24 <= size; at++)
        if (memcmp(bytes + at, signature, 4) == 0 &&
            memcmp(bytes + at + name_at, part, 24) == 0)
            return at;
    fail_msg("no %s record of the sheet", signature + 2);
    return 0;
}

/* The same file, rewritten where it stands (its device and inode kept):
 * the forged sheet's entry and a new directory that points the sheet at
 * it are appended, so that libzip opening the file now reads the forged
 * sheet, with the sizes and checksum of the first. */
static void swap_appended(const char *path)
{
    write_forged(TMP "/forged.xlsx");
    size_t forged_size, size;
    unsigned char *forged = read_whole(TMP "/forged.xlsx", &forged_size);
    unsigned char *whole = read_whole(path, &size);
    size_t local = find_sheet_record(forged, forged_size, "PK\3\4", 30);
    size_t entry = 30 + (forged[local + 26] | forged[local + 27] << 8) +
                   (forged[local + 28] | forged[local + 29] << 8) +
                   le32(forged + local + 18);
    const unsigned char *end = whole + size - 22;
    assert_int_equal(memcmp(end, "PK\5\6", 4), 0);
    size_t directory = le32(end + 16), directory_size = le32(end + 12);
    unsigned char *tail = malloc(directory_size + 22);
    assert_non_null(tail);
    memcpy(tail, whole + directory, directory_size);
    memcpy(tail + directory_size, end, 22);
    size_t central = find_sheet_record(tail, directory_size, "PK\1\2", 46);
    memcpy(forged + local + 10, tail + central + 12, 4); /* its date */
    put_le32(tail + central + 42, (uint32_t)size);
    put_le32(tail + directory_size + 16, (uint32_t)(size + entry));
    FILE *out = fopen(path, "ab");
    assert_non_null(out);
    assert_int_equal(fwrite(forged + local, 1, entry, out), entry);
    assert_int_equal(fwrite(tail, 1, directory_size + 22, out),
                     directory_size + 22);
    fclose(out);
    free(tail);
    free(whole);
    free(forged);
}

/* Open the workbook at `path`, let `swap` replace the file, then read its
 * sheet in two halves: the records of the workbook as it was opened, read
 * by one thread (the second open is not the first's file), in time. */
static void read_after_swap(const char *path, void (*swap)(const char *path))
{
    record_log one = { NULL, 0, 0, 0 }, two = { NULL, 0, 0, 0 };
    ks_error err_one, err_two;
    ks_status got_one = ks_xlsxin_read_records_with(NULL, path, path, NULL,
                                                    0, log_record, &one,
                                                    NULL, &err_one);
    ks_xlsxin_book book;
    assert_int_equal(ks_xlsxin_book_open(&book, path, path, NULL, &err_two),
                     KS_OK);
    swap(path);
    alarm(60); /* a half waiting on a FIFO for ever: killed, a failure */
    int halves = -1;
    ks_status got_two = ks_xlsxin_sheet_read(&book, 0, 1, log_record, &two,
                                             &halves, &err_two);
    alarm(0);
    ks_xlsxin_book_close(&book);
    assert_int_equal(got_one, KS_OK);
    assert_int_equal(got_two, KS_OK);
    assert_string_equal(one.text, two.text);
    assert_int_equal(halves, 0);
    free(one.text);
    free(two.text);
}

static void test_second_open_is_the_first_file(void **state)
{
    (void)state;
    const char *path = TMP "/swapped.xlsx";
    char *xml = padded_sheet();
    swap_path = xml;
    void (*swaps[])(const char *) = { swap_forged, swap_fifo,
                                      swap_copy_link, swap_directory,
                                      swap_appended };
    for (size_t s = 0; s < sizeof swaps / sizeof swaps[0]; s++) {
        remove(path);
        rmdir(path);
        write_stored(path, xml);
        assert_int_equal(read_both_ways(path, 0), 1); /* split when left */
        read_after_swap(path, swaps[s]);
    }
    remove(path);
    rmdir(path);
    remove(TMP "/moved.xlsx");
    remove(TMP "/copy.xlsx");
    free(xml);
}

/* A long sheet of `rows` numbered rows written at `path`, and the records
 * one parse of it hands over, as text. */
static char *write_and_read_once(const char *path, int rows)
{
    write_long(path, long_sheet(rows, 0, 0, NULL, 1));
    record_log one = { NULL, 0, 0, 0 };
    ks_error err;
    assert_int_equal(ks_xlsxin_read_records_with(NULL, path, path, NULL, 0,
                                                 log_record, &one, NULL,
                                                 &err), KS_OK);
    return one.text;
}

/* Every allocation of a read in two halves refused in turn, once and for
 * good (in either thread, in expat, in the rows kept and handed over):
 * the records of one reading, or out of memory; nothing left allocated. */
static void test_split_allocation_failures(void **state)
{
    (void)state;
    const char *path = TMP "/halves-memory.xlsx";
    record_log one = { write_and_read_once(path, 3000), 0, 0, 0 };
    ks_error err;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    for (int for_good = 0; for_good <= 1; for_good++) {
        int split = 0;
        for (long n = 1;; n += n < 200 ? 1 : 7) {
            record_log two = { NULL, 0, 0, 0 };
            int halves = 0;
            test_alloc_arm(&counts, n, for_good);
            ks_status got = ks_xlsxin_read_records_with(&alloc, path, path,
                                                        NULL, 1, log_record,
                                                        &two, &halves, &err);
            int failed = counts.failed;
            test_alloc_disarm(&counts);
            assert_int_equal(counts.live, 0);
            if (got == KS_OK) {
                assert_string_equal(one.text, two.text);
                split |= halves;
            } else {
                assert_true(failed);
                assert_int_equal(got, KS_ENOMEM);
                assert_non_null(strstr(err.message, "out of memory"));
            }
            free(two.text);
            if (!failed)
                break;
        }
        assert_true(for_good || split); /* some reads were in two halves */
    }
    free(one.text);
}

/* An interrupt poll two threads may call at once: stop from poll
 * number fire_at on. */
typedef struct shared_poll {
    atomic_long calls;
    long fire_at;
} shared_poll;

static int shared_poll_fires(void *data)
{
    shared_poll *poll = data;
    return atomic_fetch_add(&poll->calls, 1) + 1 >= poll->fire_at;
}

/* Interrupted at every poll in turn, in either half: one reading's
 * records, or "interrupted" in time; nothing left allocated, the second
 * thread joined. */
static void test_split_interrupted(void **state)
{
    (void)state;
    const char *path = TMP "/halves-interrupted.xlsx";
    record_log one = { write_and_read_once(path, 3000), 0, 0, 0 };
    ks_error err;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    alloc.interrupted = shared_poll_fires;
    for (long k = 1;; k++) {
        shared_poll poll = { 0, k };
        alloc.interrupt_data = &poll;
        record_log two = { NULL, 0, 0, 0 };
        ks_status got = ks_xlsxin_read_records_with(&alloc, path, path, NULL,
                                                    1, log_record, &two,
                                                    NULL, &err);
        assert_int_equal(counts.live, 0);
        free(two.text);
        if (got == KS_OK)
            break;
        assert_int_equal(got, KS_EINTERRUPTED);
        assert_non_null(strstr(err.message, "interrupted"));
    }
    free(one.text);
}

/* Two workbooks read at once in two threads, each in two halves and each
 * through an allocator of its own: expat's memory goes through the
 * allocator of the read that asked for it. */
typedef struct concurrent_read {
    const char *path;
    const char *expected;
    test_alloc counts;
    int matched;
} concurrent_read;

static void *read_repeatedly(void *data)
{
    concurrent_read *read = data;
    ks_allocator alloc = test_allocator(&read->counts);
    read->matched = 0;
    for (int i = 0; i < 6; i++) {
        record_log log = { NULL, 0, 0, 0 };
        ks_error err;
        int halves = 0;
        ks_status got = ks_xlsxin_read_records_with(&alloc, read->path,
                                                    read->path, NULL, 1,
                                                    log_record, &log,
                                                    &halves, &err);
        read->matched += got == KS_OK && halves && log.text &&
                         strcmp(log.text, read->expected) == 0 &&
                         read->counts.live == 0;
        free(log.text);
    }
    return NULL;
}

static void test_two_imports_at_once(void **state)
{
    (void)state;
    const char *paths[2] = { TMP "/at-once-1.xlsx", TMP "/at-once-2.xlsx" };
    char *expected[2] = { write_and_read_once(paths[0], 3000),
                          write_and_read_once(paths[1], 2500) };
    concurrent_read reads[2];
    for (int i = 0; i < 2; i++)
        reads[i] = (concurrent_read){ paths[i], expected[i], { 0 }, 0 };
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, read_repeatedly,
                                        &reads[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(reads[i].matched, 6);
        assert_int_equal(reads[i].counts.live, 0);
        assert_true(reads[i].counts.calls > 0);
        free(expected[i]);
    }
}

/* An allocator of at most `limit` bytes live (0: no limit) that notes its
 * peak, and a record callback that keeps every record's text through it,
 * as a model keeps the values it imports. */
typedef struct byte_budget {
    size_t live, peak, limit;
    void **kept;
    size_t kept_count;
    int last;                /* the last record's number                 */
    int records;             /* records handed over                      */
    size_t live_at_last;     /* live bytes when it was handed over       */
} byte_budget;

static void *budget_realloc(void *user_data, void *block, size_t size)
{
    byte_budget *budget = user_data;
    size_t *head = block ? (size_t *)block - 2 : NULL;
    size_t old = head ? head[0] : 0;
    if (size == 0) {
        budget->live -= old;
        free(head);
        return NULL;
    }
    if (budget->limit && budget->live - old + size > budget->limit)
        return NULL;
    size_t *grown = realloc(head, size + 2 * sizeof *grown);
    if (!grown)
        return NULL;
    grown[0] = size;
    budget->live = budget->live - old + size;
    if (budget->live > budget->peak)
        budget->peak = budget->live;
    return grown + 2;
}

static ks_status keep_record(void *user_data, const ks_csv_record *record,
                             ks_error *err)
{
    byte_budget *budget = user_data;
    void *copy = budget_realloc(budget, NULL, 256);
    void **kept = budget_realloc(budget, budget->kept,
                                 (budget->kept_count + 1) * sizeof *kept);
    if (!copy || !kept) {
        budget_realloc(budget, copy, 0);
        if (kept)
            budget->kept = kept;
        return ks_error_set(err, KS_ENOMEM, "record %d: out of memory",
                            record->number);
    }
    budget->kept = kept;
    budget->kept[budget->kept_count++] = copy;
    budget->records = record->number;
    if (record->number == budget->last)
        budget->live_at_last = budget->live;
    return KS_OK;
}

static void budget_release(byte_budget *budget)
{
    for (size_t i = 0; i < budget->kept_count; i++)
        budget_realloc(budget, budget->kept[i], 0);
    budget_realloc(budget, budget->kept, 0);
    budget->kept = NULL;
    budget->kept_count = 0;
}

static ks_status read_in_budget(const char *path, uint64_t split_size,
                                byte_budget *budget, int *halves)
{
    ks_allocator alloc = { budget_realloc, budget, NULL, NULL };
    ks_error err;
    budget->peak = budget->live = 0;
    ks_status status = ks_xlsxin_read_records_with(&alloc, path, path, NULL,
                                                   split_size, keep_record,
                                                   budget, halves, &err);
    budget_release(budget);
    assert_int_equal(budget->live, 0);
    return status;
}

/* The second half's rows kept, then not used (the first half meets no row
 * where the second began: here the middle is in a comment): they are
 * given back when the first half reads on alone, which then holds what
 * one parse holds. */
static void test_split_unused_rows_given_back(void **state)
{
    (void)state;
    const char *path = TMP "/halves-budget.xlsx";
    write_long(path, long_sheet(3000, 1400, 400, commented_row, 1));
    byte_budget budget = { 0 };
    budget.last = -1;
    int halves = -1;
    assert_int_equal(read_in_budget(path, 0, &budget, &halves), KS_OK);
    budget.last = budget.records;
    assert_int_equal(read_in_budget(path, 0, &budget, &halves), KS_OK);
    size_t one_parse = budget.live_at_last;
    assert_true(one_parse > 0);
    budget.live_at_last = 0;
    assert_int_equal(read_in_budget(path, 1, &budget, &halves), KS_OK);
    assert_int_equal(halves, 0);
    assert_true(budget.live_at_last > 0);
    assert_true(budget.live_at_last <= one_parse + (64 << 10));
}

/* More places a half could begin that are not a row of the sheet's
 * sheetData, or rows that only look like the one parse's. */
static void row_in_instruction(int row, char *out, size_t size)
{
    snprintf(out, size, "<?note <row r=\"%d\"><c r=\"C%d\"><v>9</v></c>"
             "</row> ?>", row, row);
}

static void row_in_attribute(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\" x=\"<row r='%d'>\"><c r=\"A%d\"><v>1"
             "</v></c></row>", row, row + 1, row);
}

static void row_prefixed(int row, char *out, size_t size)
{
    snprintf(out, size, "<x:row r=\"%d\"><x:c r=\"A%d\"><x:v>1</x:v></x:c>"
             "</x:row>", row, row);
}

static void row_repeated(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\"><c r=\"A%d\"><v>1</v></c></row>",
             row - 1, row - 1);
}

static void row_unnumbered(int row, char *out, size_t size)
{
    (void)row;
    snprintf(out, size, "<row><c><v>1</v></c><c t=\"inlineStr\"><is><t>u"
             "</t></is></c></row>");
}

static void row_undefined_entity(int row, char *out, size_t size)
{
    snprintf(out, size, "<row r=\"%d\"><c r=\"A%d\" t=\"inlineStr\"><is><t>"
             "&nbsp;</t></is></c></row>", row, row);
}

/* Rows 1000 to 2500 inside another element, open across the middle:
 * `open` before the first, its end after the last. */
static void wrapped(int row, char *out, size_t size, const char *open,
                    const char *close)
{
    snprintf(out, size, "%s<row r=\"%d\"><c r=\"A%d\"><v>1</v></c></row>%s",
             row == 1000 ? open : "", row, row, row == 2500 ? close : "");
}

static void rows_in_element(int row, char *out, size_t size)
{
    wrapped(row, out, size, "<g xmlns=\"urn:other\">", "</g>");
}

static void rows_in_sheet_data(int row, char *out, size_t size)
{
    wrapped(row, out, size, "<sheetData>", "</sheetData>");
}

static void rows_in_prefixed(int row, char *out, size_t size)
{
    wrapped(row, out, size, "<x:sheetData xmlns:x=\"urn:x\">",
            "</x:sheetData>");
}

static void sheet_data_again(int row, char *out, size_t size)
{
    wrapped(row, out, size, "</sheetData><sheetData>", "");
}

static void sheet_data_closed(int row, char *out, size_t size)
{
    wrapped(row, out, size, "</sheetData><other>", "</other><sheetData>");
}

static void test_split_points_crafted(void **state)
{
    (void)state;
    const char *path = TMP "/halves-crafted.xlsx";
    int places[] = { 1500, 1560, 1580, 1590, 1600, 1620 };
    row_change changes[] = { row_in_instruction, row_in_attribute,
                             row_prefixed, row_repeated, row_unnumbered,
                             row_undefined_entity };
    for (size_t c = 0; c < sizeof changes / sizeof changes[0]; c++)
        for (size_t p = 0; p < sizeof places / sizeof places[0]; p++) {
            write_long(path, long_sheet(3000, places[p], 0, changes[c], 1));
            read_both_ways(path, 0);
            write_long(path, long_sheet(3000, places[p], 100, changes[c],
                                        1));
            read_both_ways(path, 0);
        }
    /* the middle inside another element, or another sheetData: no half
     * begins there; in a sheetData begun again, one does */
    row_change spans[] = { rows_in_element, rows_in_sheet_data,
                           rows_in_prefixed, sheet_data_again,
                           sheet_data_closed };
    int split[] = { 0, 0, 0, 1, 0 };
    for (size_t c = 0; c < sizeof spans / sizeof spans[0]; c++) {
        write_long(path, long_sheet(3000, 1000, 1500, spans[c], 1));
        assert_int_equal(read_both_ways(path, 0), split[c]);
    }
}

/* The sheet's inflated size as its zip's directory and local header say,
 * rewritten to `claimed` in a copy; the copy read both ways: whether it
 * was read in two halves. */
static int lie_about_size(const char *path, const char *copy,
                          uint32_t claimed)
{
    struct stat info;
    assert_int_equal(stat(path, &info), 0);
    size_t size = (size_t)info.st_size;
    unsigned char *whole = malloc(size);
    assert_non_null(whole);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    assert_int_equal(fread(whole, 1, size, in), size);
    fclose(in);
    static const char part[] = "xl/worksheets/sheet1.xml";
    int patched = 0;
    for (size_t at = 0; at + 46 + 24 <= size; at++) {
        int local = memcmp(whole + at, "PK\3\4", 4) == 0 &&
                    memcmp(whole + at + 30, part, 24) == 0;
        int central = memcmp(whole + at, "PK\1\2", 4) == 0 &&
                      memcmp(whole + at + 46, part, 24) == 0;
        if (!local && !central)
            continue;
        unsigned char *field = whole + at + (local ? 22 : 24);
        for (int b = 0; b < 4; b++)
            field[b] = (unsigned char)(claimed >> (8 * b));
        patched++;
    }
    assert_int_equal(patched, 2);
    FILE *out = fopen(copy, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(whole, 1, size, out), size);
    fclose(out);
    free(whole);
    return read_both_ways(copy, 0);
}

/* A sheet just under, at and just over the size from which it is read in
 * two halves; and directories that claim less or more than it inflates
 * to: the same records and the same end. */
static void test_split_size_edges(void **state)
{
    (void)state;
    const char *path = TMP "/halves-edge.xlsx";
    char *xml = long_sheet(3000, 0, 0, NULL, 1);
    size_t length = strlen(xml);
    for (int delta = -1; delta <= 1; delta++) {
        record_log one = { NULL, 0, 0, 0 }, two = { NULL, 0, 0, 0 };
        ks_error err;
        int halves = -1;
        write_long(path, long_sheet(3000, 0, 0, NULL, 1));
        assert_int_equal(ks_xlsxin_read_records_with(NULL, path, path, NULL,
                                                     0, log_record, &one,
                                                     NULL, &err), KS_OK);
        assert_int_equal(ks_xlsxin_read_records_with(
                             NULL, path, path, NULL,
                             (uint64_t)((long)length + delta), log_record,
                             &two, &halves, &err), KS_OK);
        assert_int_equal(halves, delta <= 0);
        assert_string_equal(one.text, two.text);
        free(one.text);
        free(two.text);
    }
    free(xml);
    write_long(path, long_sheet(3000, 0, 0, NULL, 1));
    /* the second half begins past 53% of what the directory claims: of
     * the sheet as it is, or past its end (then none) */
    uint32_t claims[] = { 1, (uint32_t)length / 3, (uint32_t)length - 1,
                          (uint32_t)length + 1, (uint32_t)length * 2,
                          0xFFFFFFF0u };
    int split[] = { 1, 1, 1, 1, 0, 0 };
    for (size_t c = 0; c < sizeof claims / sizeof claims[0]; c++)
        assert_int_equal(lie_about_size(path, TMP "/halves-lying.xlsx",
                                        claims[c]), split[c]);
}

/* A callback that asks to stop once record `at` is handed over, and
 * counts the records handed over after it. */
typedef struct stop_after {
    atomic_int stop;
    int at, after;
} stop_after;

static int stop_requested(void *data)
{
    stop_after *stop = data;
    return atomic_load(&stop->stop);
}

static ks_status stop_at_record(void *user_data, const ks_csv_record *record,
                                ks_error *err)
{
    (void)err;
    stop_after *stop = user_data;
    if (record->number > stop->at)
        stop->after++;
    if (record->number == stop->at)
        atomic_store(&stop->stop, 1);
    return KS_OK;
}

/* Asked to stop while the second half's rows are handed over: it stops
 * as soon as one parse does (within a chunk's rows), not at the end of
 * the rows kept. */
static void test_split_handover_interrupted(void **state)
{
    (void)state;
    const char *path = TMP "/halves-handover.xlsx";
    write_long(path, long_sheet(6000, 0, 0, NULL, 1));
    for (uint64_t split_size = 0; split_size <= 1; split_size++) {
        stop_after stop = { 0, 3300, 0 };
        ks_allocator alloc = { NULL, NULL, stop_requested, &stop };
        ks_error err;
        int halves = -1;
        ks_status got = ks_xlsxin_read_records_with(&alloc, path, path, NULL,
                                                    split_size,
                                                    stop_at_record, &stop,
                                                    &halves, &err);
        assert_int_equal(got, KS_EINTERRUPTED);
        assert_int_equal(halves, (int)split_size);
        assert_string_equal(err.message, "interrupted while reading " TMP
                            "/halves-handover.xlsx");
        assert_true(stop.after < 1000); /* a 64 KB chunk: about 600 rows */
    }
}

/* The descriptors open beyond the standard three that a child started
 * now (another thread's exec) would inherit. */
static int inheritable_descriptors(void)
{
    DIR *directory = opendir("/proc/self/fd");
    if (!directory)
        return 0; /* no /proc: nothing to look at */
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        int fd = atoi(entry->d_name);
        if (entry->d_name[0] == '.' || fd <= 2 || fd == dirfd(directory))
            continue;
        int flags = fcntl(fd, F_GETFD);
        count += flags >= 0 && !(flags & FD_CLOEXEC);
    }
    closedir(directory);
    return count;
}

typedef struct fd_watch {
    int before, most;
} fd_watch;

static ks_status watch_descriptors(void *user_data,
                                   const ks_csv_record *record,
                                   ks_error *err)
{
    (void)err;
    fd_watch *watch = user_data;
    int now = inheritable_descriptors();
    if (record->number % 100 == 1 && now > watch->most)
        watch->most = now;
    return KS_OK;
}

/* While a workbook is read (in two halves or not), every file it holds
 * open is closed on exec, as libzip opens a file by name: a child another
 * thread starts meanwhile inherits none. */
static void test_workbook_descriptors_close_on_exec(void **state)
{
    (void)state;
    const char *path = TMP "/halves-fds.xlsx";
    write_long(path, long_sheet(3000, 0, 0, NULL, 1));
    for (uint64_t split_size = 0; split_size <= 1; split_size++) {
        fd_watch watch = { inheritable_descriptors(), 0 };
        watch.most = watch.before;
        ks_error err;
        int halves = -1;
        assert_int_equal(ks_xlsxin_read_records_with(NULL, path, path, NULL,
                                                     split_size,
                                                     watch_descriptors,
                                                     &watch, &halves, &err),
                         KS_OK);
        assert_int_equal(halves, (int)split_size);
        assert_int_equal(watch.most, watch.before);
        assert_int_equal(inheritable_descriptors(), watch.before);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals_are_the_csv_readers),
        cmocka_unit_test(test_cell_kinds),
        cmocka_unit_test(test_iij_round_trip),
        cmocka_unit_test(test_kessan_workbook_round_trip),
        cmocka_unit_test(test_damaged_and_foreign_containers),
        cmocka_unit_test(test_hostile_sheets),
        cmocka_unit_test(test_a_million_columns),
        cmocka_unit_test(test_shared_string_repeated),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_split_reads_as_one),
        cmocka_unit_test(test_second_open_is_the_first_file),
        cmocka_unit_test(test_split_allocation_failures),
        cmocka_unit_test(test_split_interrupted),
        cmocka_unit_test(test_two_imports_at_once),
        cmocka_unit_test(test_split_unused_rows_given_back),
        cmocka_unit_test(test_split_points_crafted),
        cmocka_unit_test(test_split_size_edges),
        cmocka_unit_test(test_split_handover_interrupted),
        cmocka_unit_test(test_workbook_descriptors_close_on_exec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
