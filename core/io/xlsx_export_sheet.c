/*
 * xlsx_export_sheet.c -- the sheets of the workbook export: sheet names
 * (unique, at most 31 characters, none of []:*?/\), a sheet of items by
 * periods (header row of period ids; English label, Japanese label and id
 * in columns A-C, indented and bold as `kessan show` prints them; each
 * cell an input, a formula with kessan's value cached, or empty), the
 * Inputs sheet in the wide values form, and a caller's table.  Rows are
 * written in order, so that libxlsxwriter may keep one row in memory.
 */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_export.h"
#include "kessan/text.h"

#define SHEET_NAME_MAX 31
#define INTERRUPT_ROWS 256

ks_status ks_xlsx_failure(lxw_error error, const char *what, ks_error *err)
{
    if (error == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return ks_error_set(err, KS_ENOMEM, "out of memory writing %s", what);
    return ks_error_set(err, KS_EIO, "writing %s: %s", what,
                        lxw_strerror(error));
}

/* ---- names -------------------------------------------------------------- */

/* At most `max` bytes of `text`, not cutting a UTF-8 sequence. */
static size_t utf8_prefix(const char *text, size_t max)
{
    size_t length = strlen(text);
    if (length <= max)
        return length;
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static int name_taken(const ks_xlsx_book *book, const char *name)
{
    for (int k = 0; k < book->name_count; k++)
        if (strcasecmp(book->names[k], name) == 0)
            return 1;
    return 0;
}

/* A sheet name a spreadsheet takes: none of []:*?/\, not empty, no
 * apostrophe first or last. */
static void clean_name(const char *wanted, char *out, size_t size)
{
    size_t n = 0;
    for (const char *c = wanted; *c && n + 1 < size; c++)
        out[n++] = strchr("[]:*?/\\", *c) ? '_' : *c;
    out[n] = '\0';
    if (n == 0)
        snprintf(out, size, "Sheet");
    if (out[0] == '\'')
        out[0] = '_';
    if (out[strlen(out) - 1] == '\'')
        out[strlen(out) - 1] = '_';
}

static ks_status sheet_prefix(ks_xlsx_book *book, const char *name,
                              char **prefix, ks_error *err)
{
    size_t length = strlen(name);
    char *text = ks_mem_alloc(book->alloc, length * 2 + 4);
    if (!text)
        return ks_error_set(err, KS_ENOMEM, "out of memory naming sheets");
    size_t n = 0;
    text[n++] = '\'';
    for (const char *c = name; *c; c++) {
        text[n++] = *c;
        if (*c == '\'')
            text[n++] = '\'';
    }
    text[n++] = '\'';
    text[n++] = '!';
    text[n] = '\0';
    *prefix = text;
    return KS_OK;
}

ks_status ks_xlsx_add_sheet(ks_xlsx_book *book, const char *wanted,
                            lxw_worksheet **sheet, char **prefix,
                            ks_error *err)
{
    char clean[4 * SHEET_NAME_MAX + 1], name[4 * SHEET_NAME_MAX + 16];
    clean_name(ks_xlsx_xml_safe(book, wanted), clean, sizeof clean);
    if (book->scratch.failed)
        return ks_error_set(err, KS_ENOMEM, "out of memory naming sheets");
    size_t keep = utf8_prefix(clean, SHEET_NAME_MAX);
    snprintf(name, sizeof name, "%.*s", (int)keep, clean);
    for (int n = 2; name_taken(book, name); n++) {
        char suffix[16];
        int length = snprintf(suffix, sizeof suffix, " (%d)", n);
        keep = utf8_prefix(clean, SHEET_NAME_MAX - (size_t)length);
        snprintf(name, sizeof name, "%.*s%s", (int)keep, clean, suffix);
    }
    if (name[strlen(name) - 1] == '\'') /* shortened to end in one */
        name[strlen(name) - 1] = '_';
    char *copy = ks_mem_strdup(book->alloc, name);
    if (!copy || ks_mem_grow(book->alloc, (void **)&book->names,
                             &(size_t){ (size_t)book->name_count },
                             (size_t)book->name_count + 1,
                             sizeof *book->names) != 0) {
        ks_mem_free(book->alloc, copy);
        return ks_error_set(err, KS_ENOMEM, "out of memory naming sheets");
    }
    book->names[book->name_count++] = copy;
    *sheet = workbook_add_worksheet(book->workbook, copy);
    if (!*sheet)
        return ks_error_set(err, KS_EINVAL, "cannot add a sheet named '%s'",
                            copy);
    book->report->sheets++;
    return prefix ? sheet_prefix(book, copy, prefix, err) : KS_OK;
}

/* ---- items by periods --------------------------------------------------- */

static void period_header(ks_xlsx_book *book, lxw_worksheet *sheet,
                          int first_column)
{
    for (int k = 0; k < book->period_count; k++) {
        char id[16];
        ks_period_id(book->model, book->periods[k], id, sizeof id);
        worksheet_write_string(sheet, 0, (lxw_col_t)(first_column + k), id,
                               book->styles.header);
    }
}

/* Excel's error for kessan's, as the cached result of a formula that
 * gives one (recalculation gives the real one). */
static const char *error_text(const ks_value *value)
{
    const char *what = value->error ? value->error : "";
    if (strncmp(what, "division by zero", 16) == 0)
        return "#DIV/0!";
    if (strncmp(what, "offset", 6) == 0)
        return "#REF!";
    return "#NUM!";
}

static ks_status note_unexpressed(ks_xlsx_book *book, const char *sheet_name,
                                  int item, int period, int row, int column,
                                  const char *reason, ks_error *err)
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
    ks_xlsx_text_release(&address);
    ks_item_info info;
    ks_item_get(book->model, item, &info);
    char period_id[16];
    snprintf(entry->cell, sizeof entry->cell, "%s@%s", info.id,
             ks_period_id(book->model, period, period_id, sizeof period_id));
    entry->reason = reason;
    return KS_OK;
}

static ks_status write_cell(ks_xlsx_book *book, lxw_worksheet *sheet,
                            const char *sheet_name, int row, int column,
                            int item, int period, const ks_xlsx_cell *cell,
                            const char *formula, ks_error *err)
{
    const ks_xlsx_item_style *style = &book->item_styles[item];
    ks_xlsx_role role = cell->is_override ? KS_XLSX_OVERRIDE
                        : cell->is_input  ? KS_XLSX_INPUT
                                          : KS_XLSX_COMPUTED;
    double number = cell->value.kind == KS_NUMBER ? cell->value.number : 0;
    lxw_format *format = ks_xlsx_value_format(&book->styles, style, role,
                                              number);
    lxw_row_t r = (lxw_row_t)row;
    lxw_col_t c = (lxw_col_t)column;
    lxw_error error = LXW_NO_ERROR;
    if (cell->kind == KS_XLSX_NUMBER) {
        error = worksheet_write_number(sheet, r, c, number, format);
        book->report->values++;
    } else if (cell->kind == KS_XLSX_FORMULA) {
        if (cell->value.kind == KS_NUMBER)
            error = worksheet_write_formula_num(sheet, r, c, formula, format,
                                                number);
        else
            error = worksheet_write_formula_str(
                sheet, r, c, formula, format,
                cell->value.kind == KS_ERROR ? error_text(&cell->value) : "");
        book->report->formulas++;
    } else if (cell->unexpressed && cell->value.kind == KS_ERROR) {
        error = worksheet_write_string(sheet, r, c, error_text(&cell->value),
                                       format);
    }
    if (error != LXW_NO_ERROR)
        return ks_xlsx_failure(error, "a cell", err);
    if (!cell->unexpressed)
        return KS_OK;
    char comment[512];
    snprintf(comment, sizeof comment,
             "kessan's value, not a formula: %s", cell->unexpressed);
    error = worksheet_write_comment(sheet, r, c, comment);
    if (error != LXW_NO_ERROR)
        return ks_xlsx_failure(error, "a comment", err);
    return note_unexpressed(book, sheet_name, item, period, row, column,
                            cell->unexpressed, err);
}

static void item_labels(ks_xlsx_book *book, lxw_worksheet *sheet, int row,
                        int item)
{
    ks_item_info info;
    ks_item_get(book->model, item, &info);
    lxw_format *format = ks_xlsx_label_format(&book->styles,
                                              &book->item_styles[item]);
    worksheet_write_string(sheet, (lxw_row_t)row, 0,
                           ks_xlsx_xml_safe(book, info.label && info.label[0]
                                                      ? info.label
                                                      : info.id),
                           format);
    if (info.label_ja && info.label_ja[0])
        worksheet_write_string(sheet, (lxw_row_t)row, 1,
                               ks_xlsx_xml_safe(book, info.label_ja), format);
    worksheet_write_string(sheet, (lxw_row_t)row, 2, info.id, NULL);
}

static void items_layout(ks_xlsx_book *book, lxw_worksheet *sheet)
{
    worksheet_write_string(sheet, 0, 0, "Label", book->styles.header);
    worksheet_write_string(sheet, 0, 1, "\xe9\xa0\x85\xe7\x9b\xae",
                           book->styles.header); /* 項目 */
    worksheet_write_string(sheet, 0, 2, "id", book->styles.header);
    period_header(book, sheet, KS_XLSX_FIRST_PERIOD_COLUMN);
    worksheet_set_column(sheet, 0, 0, 36, NULL);
    worksheet_set_column(sheet, 1, 1, 20, NULL);
    worksheet_set_column(sheet, 2, 2, 16, NULL);
    worksheet_set_column(sheet, KS_XLSX_FIRST_PERIOD_COLUMN,
                         (lxw_col_t)(KS_XLSX_FIRST_PERIOD_COLUMN +
                                     book->period_count - 1),
                         13, NULL);
    worksheet_freeze_panes(sheet, 1, KS_XLSX_FIRST_PERIOD_COLUMN);
}

ks_status ks_xlsx_write_items(ks_xlsx_book *book, const ks_xlsx_view *view,
                              lxw_worksheet *sheet, int sheet_index,
                              const char *sheet_name, const int *items,
                              int count, ks_error *err)
{
    items_layout(book, sheet);
    ks_xlsx_text text;
    ks_xlsx_text_init(&text, book->alloc);
    ks_status status = KS_OK;
    for (int k = 0; k < count && status == KS_OK; k++) {
        int item = items[k], row = view->row[item];
        if (k % INTERRUPT_ROWS == 0 &&
            (status = ks_check_interrupt(book->alloc, err,
                                         "writing a workbook")) != KS_OK)
            break;
        item_labels(book, sheet, row, item);
        if (book->scratch.failed)
            status = ks_error_set(err, KS_ENOMEM,
                                  "out of memory writing a workbook's labels");
        for (int p = 0; p < book->period_count && status == KS_OK; p++) {
            int period = book->periods[p];
            ks_xlsx_cell cell;
            status = ks_xlsx_cell_of(view, sheet_index, item, period,
                                     &text, &cell, err);
            if (status == KS_OK)
                status = write_cell(book, sheet, sheet_name, row,
                                    view->column[period], item, period,
                                    &cell, text.data, err);
        }
    }
    ks_xlsx_text_release(&text);
    return status;
}

/* ---- the Inputs sheet --------------------------------------------------- */

ks_status ks_xlsx_write_inputs(ks_xlsx_book *book, lxw_worksheet *sheet,
                               const int *items, int count, ks_error *err)
{
    worksheet_write_string(sheet, 0, 0, "item", book->styles.header);
    period_header(book, sheet, KS_XLSX_INPUTS_FIRST_COLUMN);
    worksheet_set_column(sheet, 0, 0, 24, NULL);
    worksheet_freeze_panes(sheet, 1, KS_XLSX_INPUTS_FIRST_COLUMN);
    for (int k = 0; k < count; k++) {
        int item = items[k];
        lxw_row_t row = (lxw_row_t)(k + 1);
        ks_item_info info;
        ks_item_get(book->model, item, &info);
        worksheet_write_string(sheet, row, 0, info.id, NULL);
        for (int p = 0; p < book->period_count; p++) {
            int period = book->periods[p];
            if (!ks_is_input(book->model, item, period))
                continue;
            ks_value value;
            ks_status status = ks_get(book->model, item, period, &value, err);
            if (status != KS_OK)
                return status;
            lxw_col_t column = (lxw_col_t)(KS_XLSX_INPUTS_FIRST_COLUMN + p);
            lxw_error error;
            if (value.kind == KS_NUMBER)
                error = worksheet_write_number(
                    sheet, row, column, value.number,
                    ks_xlsx_value_format(&book->styles,
                                         &book->item_styles[item],
                                         KS_XLSX_INPUT, value.number));
            else
                error = worksheet_write_string(sheet, row, column, "-", NULL);
            if (error != LXW_NO_ERROR)
                return ks_xlsx_failure(error, "the Inputs sheet", err);
            book->report->values++;
        }
    }
    return KS_OK;
}

/* ---- a caller's table --------------------------------------------------- */

ks_status ks_xlsx_write_table(ks_xlsx_book *book, const ks_xlsx_table *table,
                              ks_error *err)
{
    lxw_worksheet *sheet;
    ks_status status = ks_xlsx_add_sheet(
        book, table->name ? table->name : "Table", &sheet, NULL, err);
    if (status != KS_OK)
        return status;
    worksheet_set_column(sheet, 0, 0, 24, NULL);
    for (int r = 0; r < table->rows; r++) {
        for (int c = 0; c < table->columns; c++) {
            const ks_xlsx_table_cell *cell =
                &table->cells[(size_t)r * (size_t)table->columns + (size_t)c];
            lxw_format *format = r == 0 ? book->styles.header : NULL;
            lxw_error error = LXW_NO_ERROR;
            if (cell->text)
                error = worksheet_write_string(
                    sheet, (lxw_row_t)r, (lxw_col_t)c,
                    ks_xlsx_xml_safe(book, cell->text), format);
            else if (cell->number == cell->number &&
                     cell->number - cell->number == 0)
                error = worksheet_write_number(sheet, (lxw_row_t)r,
                                               (lxw_col_t)c, cell->number,
                                               format);
            if (error != LXW_NO_ERROR)
                return ks_xlsx_failure(error, "a table", err);
            if (book->scratch.failed)
                return ks_error_set(err, KS_ENOMEM,
                                    "out of memory writing a table");
            book->report->values++;
        }
    }
    return KS_OK;
}
