/*
 * xlsx_export_sheet.c -- the sheets of the workbook export as XML (their
 * names are xlsx_export_names.c's): a sheet of items by periods (header
 * row of period ids; English label, Japanese label and id in columns A-C,
 * indented and bold as `kessan show` prints them; each cell an input, a
 * formula with kessan's value cached, or empty), the Inputs sheet in the
 * wide values form, and a caller's table; and the report's notes of the
 * cells the workbook cannot give as kessan holds them (a formula written
 * as its value, a number outside Excel's range).  A sheet is produced a
 * few rows at a time as the package deflates it (xlsx_package.h), in the
 * order a worksheet's elements go: dimension, sheetViews, sheetFormatPr,
 * cols, sheetData, pageMargins, legacyDrawing.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_export.h"
#include "kessan/text.h"

/* The most a cell's text holds (characters: UTF-16 code units). */
#define CELL_TEXT_MAX 32767
/* What one call produces before the package deflates it. */
#define PIECE_BYTES 65536

/* ---- cells ------------------------------------------------------------- */

static void put(ks_xlsx_text *out, const char *text)
{
    ks_xlsx_put(out, text);
}

/* <c r="D5" s="3" */
static void cell_start(ks_xlsx_text *out, int row, int column, int style)
{
    ks_xlsx_put_bytes(out, "<c r=\"", 6);
    ks_xlsx_put_column(out, column);
    ks_xlsx_put_int(out, row + 1);
    if (style) {
        ks_xlsx_put_bytes(out, "\" s=\"", 5);
        ks_xlsx_put_int(out, style);
    }
    ks_xlsx_put_bytes(out, "\"", 1);
}

/* The bytes of `text` a cell holds. */
static size_t cell_text_length(const char *text)
{
    return ks_xlsx_text_prefix(text, CELL_TEXT_MAX);
}

/* A string cell (text already ks_xlsx_xml_safe). */
static void put_string(ks_xlsx_text *out, int row, int column, int style,
                       const char *text)
{
    size_t length = cell_text_length(text);
    cell_start(out, row, column, style);
    int keep = length > 0 && (strchr(" \t\n\r", text[0]) ||
                              strchr(" \t\n\r", text[length - 1]));
    put(out, keep ? " t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                  : " t=\"inlineStr\"><is><t>");
    ks_xlsx_put_content(out, text, length);
    ks_xlsx_put_bytes(out, "</t></is></c>", 13);
}

static void put_number_cell(ks_xlsx_text *out, int row, int column,
                            int style, double number)
{
    cell_start(out, row, column, style);
    ks_xlsx_put_bytes(out, "><v>", 4);
    ks_xlsx_put_value(out, number);
    ks_xlsx_put_bytes(out, "</v></c>", 8);
}

/* Excel's error for kessan's, as the cached result of a formula that
 * gives one: the error the formula gives when recalculated (an offset to
 * no period is NA()). */
static const char *error_text(const ks_value *value)
{
    const char *what = value->error ? value->error : "";
    if (strncmp(what, "division by zero", 16) == 0)
        return "#DIV/0!";
    if (strncmp(what, "offset", 6) == 0)
        return "#N/A";
    return "#NUM!";
}

static void put_formula_cell(ks_xlsx_text *out, int row, int column,
                             int style, const char *formula,
                             const ks_value *value)
{
    cell_start(out, row, column, style);
    if (value->kind == KS_NUMBER)
        ks_xlsx_put_bytes(out, "><f>", 4);
    else if (value->kind == KS_ERROR)
        put(out, " t=\"e\"><f>"); /* an error value, not its text */
    else
        put(out, " t=\"str\"><f>"); /* "": missing */
    ks_xlsx_put_content(out, formula, strlen(formula));
    ks_xlsx_put_bytes(out, "</f><v>", 7);
    if (value->kind == KS_NUMBER)
        ks_xlsx_put_value(out, value->number);
    else if (value->kind == KS_ERROR)
        put(out, error_text(value));
    ks_xlsx_put_bytes(out, "</v></c>", 8);
}

/* ---- what the workbook cannot give as kessan holds it ------------------ */

static const char TINY[] =
    "Excel reads and computes a number nearer 0 than 2.2250738585072014e-308 "
    "(a subnormal) as 0";
static const char HUGE_TYPED[] =
    "Excel takes no number beyond 9.99999999999999e307 typed into a cell "
    "(its formulas compute up to about 1.8e308)";

/* Why Excel would not hold `number` as it is, or NULL.  `typed`: written
 * as a value, not a formula's result (which Excel computes itself, up to
 * DBL_MAX, when it opens the workbook). */
static const char *beyond_excel(double number, int typed)
{
    if (number != 0 && fabs(number) < DBL_MIN)
        return TINY;
    if (typed && fabs(number) > KS_XLSX_TYPED_MAX)
        return HUGE_TYPED;
    return NULL;
}

/* An entry of the report for the cell at row, column of `sheet_name`:
 * item@period, or (item < 0) a table's cell. */
static ks_status note_cell(ks_xlsx_book *book, const char *sheet_name,
                           int item, int period, int row, int column,
                           ks_xlsx_unexpressed **out, ks_error *err)
{
    ks_xlsx_report *report = book->report;
    size_t capacity = report->unexpressed_count;
    if (ks_mem_grow(&report->alloc, (void **)&report->unexpressed, &capacity,
                    report->unexpressed_count + 1,
                    sizeof *report->unexpressed) != 0)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing a report");
    ks_xlsx_unexpressed *entry =
        &report->unexpressed[report->unexpressed_count++];
    memset(entry, 0, sizeof *entry);
    snprintf(entry->sheet, sizeof entry->sheet, "%s", sheet_name);
    ks_xlsx_text address;
    ks_xlsx_text_init(&address, book->alloc);
    ks_xlsx_put_cell(&address, NULL, row, column);
    snprintf(entry->address, sizeof entry->address, "%s",
             address.data ? address.data : "");
    int failed = address.failed;
    ks_xlsx_text_release(&address);
    if (failed)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing a report");
    if (item >= 0) {
        ks_item_info info;
        ks_item_get(book->model, item, &info);
        char period_id[16];
        snprintf(entry->cell, sizeof entry->cell, "%s@%s", info.id,
                 ks_period_id(book->model, period, period_id,
                              sizeof period_id));
    }
    *out = entry;
    return KS_OK;
}

static ks_status note_unexpressed(ks_xlsx_book *book, const char *sheet_name,
                                  int item, int period, int row, int column,
                                  const char *reason, ks_error *err)
{
    ks_xlsx_unexpressed *entry;
    ks_status status = note_cell(book, sheet_name, item, period, row, column,
                                 &entry, err);
    if (status == KS_OK)
        entry->reason = reason;
    return status;
}

/* The cell noted when Excel would not hold its number as it is. */
static ks_status check_range(ks_xlsx_book *book, const char *sheet_name,
                             int item, int period, int row, int column,
                             double number, int typed, ks_error *err)
{
    const char *reason = beyond_excel(number, typed);
    if (!reason)
        return KS_OK;
    ks_xlsx_unexpressed *entry;
    ks_status status = note_cell(book, sheet_name, item, period, row, column,
                                 &entry, err);
    if (status != KS_OK)
        return status;
    entry->reason = reason;
    entry->beyond_excel = 1;
    entry->number = number;
    return KS_OK;
}

/* The cell's comment, kept for the sheet's comments part; or, when this
 * pass writes none for the sheet, the book told to write the package
 * again with one. */
static ks_status add_comment(ks_xlsx_sheet *sheet, int row, int column,
                             const char *reason, ks_error *err)
{
    ks_xlsx_book *book = sheet->book;
    if (!sheet->comment_number) {
        book->wants_comments[sheet->number - 1] = 1;
        book->retry = 1;
        return KS_OK;
    }
    if (ks_mem_grow(book->alloc, (void **)&sheet->comments,
                    &sheet->comment_capacity, sheet->comment_count + 1,
                    sizeof *sheet->comments) != 0)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing comments");
    ks_xlsx_comment *comment = &sheet->comments[sheet->comment_count++];
    comment->row = row;
    comment->column = column;
    comment->reason = reason;
    return KS_OK;
}

/* ---- items by periods --------------------------------------------------- */

static ks_status write_cell(ks_xlsx_sheet *sheet, ks_xlsx_text *out,
                            int row, int column, int item, int period,
                            const ks_xlsx_cell *cell, ks_error *err)
{
    ks_xlsx_book *book = sheet->book;
    const ks_xlsx_item_style *style = &book->item_styles[item];
    ks_xlsx_role role = cell->is_override ? KS_XLSX_OVERRIDE
                        : cell->is_input  ? KS_XLSX_INPUT
                                          : KS_XLSX_COMPUTED;
    double number = cell->value.kind == KS_NUMBER ? cell->value.number : 0;
    int format = ks_xlsx_value_format(&book->styles, style, role, number);
    if (cell->kind == KS_XLSX_NUMBER) {
        put_number_cell(out, row, column, format, number);
        book->report->values++;
    } else if (cell->kind == KS_XLSX_FORMULA) {
        put_formula_cell(out, row, column, format, sheet->formula.data,
                         &cell->value);
        book->report->formulas++;
    } else if (cell->unexpressed && cell->value.kind == KS_ERROR) {
        put_string(out, row, column, format, error_text(&cell->value));
    }
    ks_status status = KS_OK;
    if (cell->unexpressed) {
        status = add_comment(sheet, row, column, cell->unexpressed, err);
        if (status == KS_OK)
            status = note_unexpressed(book, sheet->name, item, period, row,
                                      column, cell->unexpressed, err);
    }
    /* a reference to the Inputs sheet: noted there, where it is held */
    int reference = cell->is_input && cell->kind == KS_XLSX_FORMULA;
    if (status == KS_OK && cell->value.kind == KS_NUMBER && !reference)
        status = check_range(book, sheet->name, item, period, row, column,
                             number, cell->kind == KS_XLSX_NUMBER, err);
    return status;
}

static void item_labels(ks_xlsx_book *book, ks_xlsx_text *out, int row,
                        int item)
{
    ks_item_info info;
    ks_item_get(book->model, item, &info);
    int format = ks_xlsx_label_format(&book->styles,
                                      &book->item_styles[item]);
    put_string(out, row, 0,
               format, ks_xlsx_xml_safe(book, info.label && info.label[0]
                                                  ? info.label
                                                  : info.id));
    if (info.label_ja && info.label_ja[0])
        put_string(out, row, 1, format,
                   ks_xlsx_xml_safe(book, info.label_ja));
    put_string(out, row, 2, 0, ks_xlsx_xml_safe(book, info.id));
}

static ks_status items_row(ks_xlsx_sheet *sheet, ks_xlsx_text *out,
                           ks_error *err)
{
    ks_xlsx_book *book = sheet->book;
    const ks_xlsx_view *view = sheet->view;
    int item = sheet->items[sheet->next], row = view->row[item];
    ks_xlsx_put_bytes(out, "<row r=\"", 8);
    ks_xlsx_put_int(out, row + 1);
    ks_xlsx_put_bytes(out, "\">", 2);
    item_labels(book, out, row, item);
    if (book->scratch.failed)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory writing a workbook's labels");
    for (int p = 0; p < book->period_count; p++) {
        int period = book->periods[p];
        ks_xlsx_cell cell;
        ks_status status = ks_xlsx_cell_of(view, sheet->view_sheet, item,
                                           period, &sheet->formula, &cell,
                                           err);
        if (status == KS_OK)
            status = write_cell(sheet, out, row, view->column[period], item,
                                period, &cell, err);
        if (status != KS_OK)
            return status;
    }
    ks_xlsx_put_bytes(out, "</row>", 6);
    return KS_OK;
}

/* ---- the Inputs sheet --------------------------------------------------- */

static ks_status inputs_row(ks_xlsx_sheet *sheet, ks_xlsx_text *out,
                            ks_error *err)
{
    ks_xlsx_book *book = sheet->book;
    int item = sheet->items[sheet->next], row = sheet->next + 1;
    ks_item_info info;
    ks_item_get(book->model, item, &info);
    ks_xlsx_put_bytes(out, "<row r=\"", 8);
    ks_xlsx_put_int(out, row + 1);
    ks_xlsx_put_bytes(out, "\">", 2);
    put_string(out, row, 0, 0, ks_xlsx_xml_safe(book, info.id));
    for (int p = 0; p < book->period_count; p++) {
        int period = book->periods[p];
        if (!ks_is_input(book->model, item, period))
            continue;
        ks_value value;
        ks_status status = ks_get(book->model, item, period, &value, err);
        if (status != KS_OK)
            return status;
        int column = KS_XLSX_INPUTS_FIRST_COLUMN + p;
        book->report->values++;
        if (value.kind != KS_NUMBER) {
            put_string(out, row, column, 0, "-");
            continue;
        }
        put_number_cell(out, row, column,
                        ks_xlsx_value_format(&book->styles,
                                             &book->item_styles[item],
                                             KS_XLSX_INPUT, value.number),
                        value.number);
        status = check_range(book, sheet->name, item, period, row, column,
                             value.number, 1, err);
        if (status != KS_OK)
            return status;
    }
    ks_xlsx_put_bytes(out, "</row>", 6);
    return KS_OK;
}

/* ---- a caller's table --------------------------------------------------- */

static ks_status table_row(ks_xlsx_sheet *sheet, ks_xlsx_text *out,
                           ks_error *err)
{
    ks_xlsx_book *book = sheet->book;
    const ks_xlsx_table *table = sheet->table;
    int r = sheet->next, format = r == 0 ? book->styles.header - 1 : 0;
    ks_xlsx_put_bytes(out, "<row r=\"", 8);
    ks_xlsx_put_int(out, r + 1);
    ks_xlsx_put_bytes(out, "\">", 2);
    for (int c = 0; c < table->columns; c++) {
        const ks_xlsx_table_cell *cell =
            &table->cells[(size_t)r * (size_t)table->columns + (size_t)c];
        if (cell->text) {
            put_string(out, r, c, format,
                       ks_xlsx_xml_safe(book, cell->text));
        } else if (isfinite(cell->number)) {
            put_number_cell(out, r, c, format, cell->number);
            ks_status status = check_range(book, sheet->name, -1, 0, r, c,
                                           cell->number, 1, err);
            if (status != KS_OK)
                return status;
        } else {
            continue; /* empty: nothing written */
        }
        if (book->scratch.failed)
            return ks_error_set(err, KS_ENOMEM,
                                "out of memory writing a table");
        book->report->values++;
    }
    ks_xlsx_put_bytes(out, "</row>", 6);
    return KS_OK;
}

/* ---- the sheet's frame -------------------------------------------------- */

static const char WORKSHEET[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
    "main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships\">";

static void put_address(ks_xlsx_text *out, int row, int column)
{
    ks_xlsx_put_column(out, column);
    ks_xlsx_put_int(out, row + 1);
}

/* Frozen: the header row and the columns before `columns`. */
static void put_frozen_view(ks_xlsx_text *out, int columns, int first)
{
    put(out, first ? "<sheetViews><sheetView tabSelected=\"1\" "
                     "workbookViewId=\"0\"><pane xSplit=\""
                   : "<sheetViews><sheetView workbookViewId=\"0\">"
                     "<pane xSplit=\"");
    ks_xlsx_put_int(out, columns);
    put(out, "\" ySplit=\"1\" topLeftCell=\"");
    put_address(out, 1, columns);
    put(out, "\" activePane=\"bottomRight\" state=\"frozen\"/>"
             "<selection pane=\"topRight\" activeCell=\"");
    put_address(out, 0, columns);
    put(out, "\" sqref=\"");
    put_address(out, 0, columns);
    put(out, "\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" "
             "sqref=\"A2\"/><selection pane=\"bottomRight\"/>"
             "</sheetView></sheetViews>");
}

/* <col> of columns first..last (0-based), `width` characters wide. */
static void put_column_width(ks_xlsx_text *out, int first, int last,
                             int width)
{
    if (last < first)
        return;
    put(out, "<col min=\"");
    ks_xlsx_put_int(out, first + 1);
    put(out, "\" max=\"");
    ks_xlsx_put_int(out, last + 1);
    put(out, "\" width=\"");
    ks_xlsx_put_int(out, width);
    put(out, ".7109375\" customWidth=\"1\"/>");
}

static void put_header_cells(ks_xlsx_sheet *sheet, ks_xlsx_text *out,
                             int first_column)
{
    ks_xlsx_book *book = sheet->book;
    for (int k = 0; k < book->period_count; k++) {
        char id[16];
        ks_period_id(book->model, book->periods[k], id, sizeof id);
        put_string(out, 0, first_column + k, book->styles.header - 1, id);
    }
}

static void put_head(ks_xlsx_sheet *sheet, ks_xlsx_text *out)
{
    ks_xlsx_book *book = sheet->book;
    int header = book->styles.header - 1;
    int last_row = sheet->count, last_column;
    if (sheet->kind == KS_XLSX_ITEMS_SHEET)
        last_column = KS_XLSX_FIRST_PERIOD_COLUMN + book->period_count - 1;
    else if (sheet->kind == KS_XLSX_INPUTS_SHEET)
        last_column = KS_XLSX_INPUTS_FIRST_COLUMN + book->period_count - 1;
    else {
        last_row = sheet->table->rows - 1;
        last_column = sheet->table->columns - 1;
    }
    put(out, WORKSHEET);
    put(out, "<dimension ref=\"A1");
    if (last_row > 0 || last_column > 0) {
        put(out, ":");
        put_address(out, last_row > 0 ? last_row : 0,
                    last_column > 0 ? last_column : 0);
    }
    put(out, "\"/>");
    if (sheet->kind == KS_XLSX_TABLE_SHEET)
        put(out, sheet->number == 1
                     ? "<sheetViews><sheetView tabSelected=\"1\" "
                       "workbookViewId=\"0\"/></sheetViews>"
                     : "<sheetViews><sheetView workbookViewId=\"0\"/>"
                       "</sheetViews>");
    else
        put_frozen_view(out,
                        sheet->kind == KS_XLSX_ITEMS_SHEET
                            ? KS_XLSX_FIRST_PERIOD_COLUMN
                            : KS_XLSX_INPUTS_FIRST_COLUMN,
                        sheet->number == 1);
    put(out, "<sheetFormatPr defaultRowHeight=\"15\"/><cols>");
    if (sheet->kind == KS_XLSX_ITEMS_SHEET) {
        put_column_width(out, 0, 0, 36);
        put_column_width(out, 1, 1, 20);
        put_column_width(out, 2, 2, 16);
        put_column_width(out, KS_XLSX_FIRST_PERIOD_COLUMN, last_column, 13);
    } else {
        put_column_width(out, 0, 0, 24);
    }
    put(out, "</cols><sheetData>");
    if (sheet->kind == KS_XLSX_ITEMS_SHEET) {
        put(out, "<row r=\"1\">");
        put_string(out, 0, 0, header, "Label");
        put_string(out, 0, 1, header, "\xe9\xa0\x85\xe7\x9b\xae"); /* 項目 */
        put_string(out, 0, 2, header, "id");
        put_header_cells(sheet, out, KS_XLSX_FIRST_PERIOD_COLUMN);
        put(out, "</row>");
    } else if (sheet->kind == KS_XLSX_INPUTS_SHEET) {
        put(out, "<row r=\"1\">");
        put_string(out, 0, 0, header, "item");
        put_header_cells(sheet, out, KS_XLSX_INPUTS_FIRST_COLUMN);
        put(out, "</row>");
    }
}

static void put_tail(ks_xlsx_sheet *sheet, ks_xlsx_text *out)
{
    put(out, "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" "
             "top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
             "footer=\"0.3\"/>");
    if (sheet->comment_number)
        put(out, "<legacyDrawing r:id=\"rId1\"/>");
    put(out, "</worksheet>");
}

static int row_count(const ks_xlsx_sheet *sheet)
{
    return sheet->kind == KS_XLSX_TABLE_SHEET ? sheet->table->rows
                                              : sheet->count;
}

static ks_status next_row(ks_xlsx_sheet *sheet, ks_xlsx_text *out,
                          ks_error *err)
{
    if (sheet->kind == KS_XLSX_ITEMS_SHEET)
        return items_row(sheet, out, err);
    if (sheet->kind == KS_XLSX_INPUTS_SHEET)
        return inputs_row(sheet, out, err);
    return table_row(sheet, out, err);
}

ks_status ks_xlsx_sheet_fill(void *context, ks_xlsx_text *out, int *done,
                             ks_error *err)
{
    ks_xlsx_sheet *sheet = context;
    if (sheet->phase == 0) {
        put_head(sheet, out);
        sheet->phase = 1;
        sheet->next = 0;
    }
    size_t start = out->length;
    while (sheet->next < row_count(sheet) &&
           out->length - start < PIECE_BYTES && !out->failed) {
        /* every row: one of 800 periods of long sums is megabytes */
        ks_status status = ks_check_interrupt(sheet->book->alloc, err,
                                              "writing a workbook");
        if (status == KS_OK)
            status = next_row(sheet, out, err);
        if (status != KS_OK)
            return status;
        sheet->next++;
    }
    if (sheet->next < row_count(sheet))
        return KS_OK;
    put_tail(sheet, out);
    *done = 1;
    return KS_OK;
}

void ks_xlsx_sheet_release(ks_xlsx_sheet *sheet)
{
    const ks_allocator *alloc = sheet->book ? sheet->book->alloc : NULL;
    if (!alloc)
        return;
    ks_xlsx_text_release(&sheet->formula);
    ks_mem_free(alloc, sheet->comments);
    sheet->comments = NULL;
    sheet->comment_count = sheet->comment_capacity = 0;
}
