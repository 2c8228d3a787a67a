/*
 * xlsx_export.c -- the model as an .xlsx workbook with live formulas
 * (kessan/workbook.h, docs/excel.md): which sheets there are and in what
 * order (a sheet per statement, Inputs, a sheet per saved scenario, the
 * caller's tables), where each item's row is, and the file written whole
 * or not at all.  libxlsxwriter writes a file of its own: it writes a
 * temporary file beside the target, which is then copied into place
 * through ks_atomic_write (io/atomic_file.h) and removed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/atomic_file.h"
#include "io/xlsx_export.h"
#include "model/model.h"

/* ---- statements --------------------------------------------------------- */

static const char *statement_title(const char *statement)
{
    static const char *const titles[][2] = {
        { "is", "Income statement" }, { "bs", "Balance sheet" },
        { "cf", "Cash flows" },       { "kpi", "KPI" },
    };
    if (!statement || !statement[0])
        return "Other";
    for (size_t k = 0; k < sizeof titles / sizeof titles[0]; k++)
        if (strcmp(titles[k][0], statement) == 0)
            return titles[k][1];
    return statement;
}

static int same_statement(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The items in statement order (statements in order of first item, items
 * in display order within), and each item's statement index. */
typedef struct statements {
    int count;
    const char **names;  /* per statement                                 */
    int *order;          /* items, statement by statement                 */
    int *first;          /* per statement: its first index in order       */
    int *size;           /* per statement: how many items                 */
    int *of_item;        /* per item: its statement                       */
} statements;

static void statements_free(const ks_allocator *alloc, statements *s)
{
    ks_mem_free(alloc, s->names);
    ks_mem_free(alloc, s->order);
    ks_mem_free(alloc, s->first);
    ks_mem_free(alloc, s->size);
    ks_mem_free(alloc, s->of_item);
}

static ks_status statements_of(ks_model *model, const ks_allocator *alloc,
                               statements *s, ks_error *err)
{
    int items = ks_item_count(model);
    size_t n = (size_t)items + 1;
    memset(s, 0, sizeof *s);
    s->names = ks_mem_calloc(alloc, n, sizeof *s->names);
    s->order = ks_mem_calloc(alloc, n, sizeof *s->order);
    s->first = ks_mem_calloc(alloc, n, sizeof *s->first);
    s->size = ks_mem_calloc(alloc, n, sizeof *s->size);
    s->of_item = ks_mem_calloc(alloc, n, sizeof *s->of_item);
    if (!s->names || !s->order || !s->first || !s->size || !s->of_item)
        return ks_error_set(err, KS_ENOMEM, "out of memory laying out sheets");
    for (int item = 0; item < items; item++) {
        ks_item_info info;
        ks_item_get(model, item, &info);
        int k = 0;
        while (k < s->count && !same_statement(s->names[k], info.statement))
            k++;
        if (k == s->count)
            s->names[s->count++] = info.statement;
        s->of_item[item] = k;
        s->size[k]++;
    }
    for (int k = 1; k < s->count; k++)
        s->first[k] = s->first[k - 1] + s->size[k - 1];
    int *fill = s->size; /* counts again while placing */
    for (int k = 0; k < s->count; k++)
        fill[k] = 0;
    for (int item = 0; item < items; item++) {
        int k = s->of_item[item];
        s->order[s->first[k] + fill[k]++] = item;
    }
    return KS_OK;
}

/* ---- the book ----------------------------------------------------------- */

static void book_free(ks_xlsx_book *book)
{
    const ks_allocator *alloc = book->alloc;
    ks_xlsx_formulas_free(book->model, book->formulas);
    ks_mem_free(alloc, book->item_styles);
    ks_mem_free(alloc, book->periods);
    ks_mem_free(alloc, book->column);
    for (int k = 0; k < book->name_count; k++)
        ks_mem_free(alloc, book->names[k]);
    ks_mem_free(alloc, book->names);
    ks_xlsx_text_release(&book->scratch);
}

static ks_status book_init(ks_xlsx_book *book, ks_model *model,
                           ks_xlsx_report *report, ks_error *err)
{
    memset(book, 0, sizeof *book);
    book->model = model;
    book->alloc = ks_model_allocator(model);
    book->report = report;
    ks_xlsx_text_init(&book->scratch, book->alloc);
    book->period_count = ks_period_count(model);
    size_t periods = (size_t)book->period_count + 1;
    size_t items = (size_t)ks_item_count(model) + 1;
    book->periods = ks_mem_calloc(book->alloc, periods, sizeof(int));
    book->column = ks_mem_calloc(book->alloc, periods, sizeof(int));
    book->item_styles = ks_mem_calloc(book->alloc, items,
                                      sizeof *book->item_styles);
    if (!book->periods || !book->column || !book->item_styles)
        return ks_error_set(err, KS_ENOMEM, "out of memory laying out sheets");
    for (int k = 0; k < book->period_count; k++) {
        book->periods[k] = ks_period_at(model, k);
        book->column[book->periods[k]] = KS_XLSX_FIRST_PERIOD_COLUMN + k;
    }
    ks_status status = ks_xlsx_item_styles(model, book->item_styles, err);
    if (status != KS_OK)
        return status;
    return ks_xlsx_formulas_parse(model, &book->formulas, err);
}

/* ---- views -------------------------------------------------------------- */

typedef struct view_store {
    ks_xlsx_view view;
    int sheets;
} view_store;

static void view_free(const ks_allocator *alloc, ks_xlsx_view *view)
{
    ks_mem_free(alloc, view->sheet);
    ks_mem_free(alloc, view->row);
    if (view->prefix)
        for (int k = 0; k < view->sheet_count; k++)
            ks_mem_free(alloc, view->prefix[k]);
    ks_mem_free(alloc, view->prefix);
    ks_mem_free(alloc, view->sure);
}

static ks_status view_init(ks_xlsx_book *book, ks_xlsx_view *view,
                           ks_model *model, int sheet_count, ks_error *err)
{
    memset(view, 0, sizeof *view);
    size_t items = (size_t)ks_item_count(book->model) + 1;
    view->model = model;
    view->column = book->column;
    view->sheet = ks_mem_calloc(book->alloc, items, sizeof(int));
    view->row = ks_mem_calloc(book->alloc, items, sizeof(int));
    view->prefix = ks_mem_calloc(book->alloc, (size_t)sheet_count + 1,
                                 sizeof(char *));
    view->sheet_count = sheet_count;
    view->formulas = book->formulas;
    view->period_count = book->period_count;
    view->sure = ks_mem_calloc(book->alloc, items * (size_t)book->period_count
                                                + 1, 1);
    if (!view->sheet || !view->row || !view->prefix || !view->sure)
        return ks_error_set(err, KS_ENOMEM, "out of memory laying out sheets");
    return KS_OK;
}

/* The Inputs sheet's rows: the items holding an input in some period. */
static ks_status inputs_rows(ks_xlsx_book *book, int **rows, int **items,
                             int *count, ks_error *err)
{
    int item_count = ks_item_count(book->model);
    *rows = ks_mem_calloc(book->alloc, (size_t)item_count + 1, sizeof(int));
    *items = ks_mem_calloc(book->alloc, (size_t)item_count + 1, sizeof(int));
    if (!*rows || !*items)
        return ks_error_set(err, KS_ENOMEM, "out of memory laying out sheets");
    *count = 0;
    for (int item = 0; item < item_count; item++) {
        (*rows)[item] = -1;
        for (int p = 0; p < book->period_count; p++) {
            if (!ks_is_input(book->model, item, book->periods[p]))
                continue;
            (*items)[*count] = item;
            (*rows)[item] = ++*count; /* row 0 is the header */
            break;
        }
    }
    return KS_OK;
}

/* ---- the scenarios' sheets ---------------------------------------------- */

static ks_status write_scenario(ks_xlsx_book *book, const statements *s,
                                ks_model *scenario, int *input_row,
                                const char *inputs_prefix, ks_error *err)
{
    ks_xlsx_view view;
    ks_status status = view_init(book, &view, scenario, 1, err);
    char title[KS_NAME_MAX + 16];
    snprintf(title, sizeof title, "Scenario %s", ks_model_name(scenario));
    lxw_worksheet *sheet = NULL;
    if (status == KS_OK)
        status = ks_xlsx_add_sheet(book, title, &sheet, &view.prefix[0], err);
    if (status == KS_OK) {
        int items = ks_item_count(book->model);
        for (int k = 0; k < items; k++) {
            view.sheet[s->order[k]] = 0;
            view.row[s->order[k]] = k + 1;
        }
        view.input_row = input_row;
        view.inputs_prefix = inputs_prefix;
        view.overrides_in_place = 1;
        status = ks_xlsx_write_items(book, &view, sheet, 0,
                                     book->names[book->name_count - 1],
                                     s->order, items, err);
    }
    view_free(book->alloc, &view);
    return status;
}

static ks_status write_scenarios(ks_xlsx_book *book, const statements *s,
                                 int *input_row, const char *inputs_prefix,
                                 ks_error *err)
{
    if (ks_model_is_scenario(book->model))
        return KS_OK;
    int count = ks_saved_scenario_count(book->model);
    for (int k = 0; k < count; k++) {
        ks_model *scenario = NULL;
        ks_status status = ks_saved_scenario_open(book->model, k, &scenario,
                                                  err);
        if (status == KS_OK)
            status = write_scenario(book, s, scenario, input_row,
                                    inputs_prefix, err);
        ks_model_free(scenario);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

/* ---- the workbook ------------------------------------------------------- */

static ks_status write_book(ks_xlsx_book *book, const ks_xlsx_options *xlsx,
                            ks_error *err)
{
    statements s;
    ks_xlsx_view view;
    int *input_row = NULL, *input_items = NULL, input_count = 0;
    char *inputs_prefix = NULL;
    lxw_worksheet **sheets = NULL, *inputs = NULL;
    ks_status status = statements_of(book->model, book->alloc, &s, err);
    memset(&view, 0, sizeof view);
    if (status == KS_OK)
        status = view_init(book, &view, book->model, s.count, err);
    if (status == KS_OK)
        status = inputs_rows(book, &input_row, &input_items, &input_count,
                             err);
    if (status == KS_OK &&
        !(sheets = ks_mem_calloc(book->alloc, (size_t)s.count + 1,
                                 sizeof *sheets)))
        status = ks_error_set(err, KS_ENOMEM, "out of memory adding sheets");
    for (int k = 0; k < s.count && status == KS_OK; k++) {
        status = ks_xlsx_add_sheet(book, statement_title(s.names[k]),
                                   &sheets[k], &view.prefix[k], err);
        for (int i = 0; i < s.size[k]; i++) {
            int item = s.order[s.first[k] + i];
            view.sheet[item] = k;
            view.row[item] = i + 1;
        }
    }
    if (status == KS_OK)
        status = ks_xlsx_add_sheet(book, "Inputs", &inputs, &inputs_prefix,
                                   err);
    view.input_row = input_row;
    view.inputs_prefix = inputs_prefix;
    for (int k = 0; k < s.count && status == KS_OK; k++)
        status = ks_xlsx_write_items(book, &view, sheets[k], k,
                                     book->names[k], s.order + s.first[k],
                                     s.size[k], err);
    if (status == KS_OK)
        status = ks_xlsx_write_inputs(book, inputs, input_items, input_count,
                                      err);
    if (status == KS_OK)
        status = write_scenarios(book, &s, input_row, inputs_prefix, err);
    for (int k = 0; xlsx && k < xlsx->table_count && status == KS_OK; k++)
        status = ks_xlsx_write_table(book, &xlsx->tables[k], err);
    ks_mem_free(book->alloc, sheets);
    ks_mem_free(book->alloc, input_row);
    ks_mem_free(book->alloc, input_items);
    ks_mem_free(book->alloc, inputs_prefix);
    view_free(book->alloc, &view);
    statements_free(book->alloc, &s);
    return status;
}

/* ---- the file ----------------------------------------------------------- */

static ks_status make_system_temporary(const char *path, char *buf,
                                       size_t size, ks_error *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, size, "%s/kessan-xlsx-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(buf);
    if (fd < 0)
        return ks_io_failure(path, "cannot make a temporary file", err);
    close(fd);
    return KS_OK;
}

/* A temporary file beside `path` (or in the system's temporary directory
 * when that directory takes none, or `path` is no regular file: a FIFO,
 * /dev/stdout): its name into buf. */
static ks_status make_temporary(const char *path, char *buf, size_t size,
                                ks_error *err)
{
    struct stat info;
    if (stat(path, &info) == 0 && !S_ISREG(info.st_mode))
        return make_system_temporary(path, buf, size, err);
    const char *slash = strrchr(path, '/');
    int dir_length = slash ? (int)(slash - path) : 1;
    const char *dir = slash ? (slash == path ? "/" : path) : ".";
    if (slash == path)
        dir_length = 1;
    if (snprintf(buf, size, "%.*s/.kessan-xlsx-XXXXXX", dir_length, dir) <
        (int)size) {
        int fd = mkstemp(buf);
        if (fd >= 0) {
            close(fd);
            return KS_OK;
        }
    }
    return make_system_temporary(path, buf, size, err);
}

static ks_status copy_file(FILE *out, void *context, ks_error *err)
{
    const char *temporary = context;
    FILE *in = fopen(temporary, "rb");
    if (!in)
        return ks_io_failure(temporary, "cannot read", err);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    int failed = ferror(in);
    fclose(in);
    return failed ? ks_io_failure(temporary, "cannot read", err) : KS_OK;
}

ks_status ks_export_xlsx_with(ks_model *model, const char *path,
                              const ks_xlsx_options *xlsx,
                              ks_xlsx_report *report, ks_error *err)
{
    ks_xlsx_report own;
    if (!report)
        report = &own;
    memset(report, 0, sizeof *report);
    report->alloc = *ks_model_allocator(model);
    if (!path || !path[0])
        return ks_error_set(err, KS_EINVAL, "no path to export to");
    char temporary[4096];
    ks_status status = make_temporary(path, temporary, sizeof temporary, err);
    if (status != KS_OK)
        return status;
    ks_xlsx_book book;
    status = book_init(&book, model, report, err);
    lxw_workbook_options options = { .constant_memory = LXW_TRUE };
    if (status == KS_OK) {
        book.workbook = workbook_new_opt(temporary, &options);
        if (!book.workbook)
            status = ks_error_set(err, KS_ENOMEM,
                                  "%s: cannot start a workbook", path);
    }
    if (status == KS_OK) {
        ks_xlsx_styles_init(&book.styles, book.workbook);
        status = write_book(&book, xlsx, err);
    }
    if (book.workbook) {
        lxw_error closed = workbook_close(book.workbook);
        if (status == KS_OK && closed != LXW_NO_ERROR)
            status = ks_xlsx_failure(closed, path, err);
    }
    if (status == KS_OK)
        status = ks_atomic_write(book.alloc, path, copy_file, temporary, err);
    remove(temporary);
    book_free(&book);
    if (report == &own)
        ks_xlsx_report_release(&own);
    return status;
}

ks_status ks_export_xlsx(ks_model *model, const char *path,
                         const ks_export_options *options, ks_error *err)
{
    (void)options;
    return ks_export_xlsx_with(model, path, NULL, NULL, err);
}

void ks_xlsx_report_release(ks_xlsx_report *report)
{
    if (!report || !report->unexpressed)
        return;
    ks_mem_free(&report->alloc, report->unexpressed);
    report->unexpressed = NULL;
    report->unexpressed_count = 0;
}
