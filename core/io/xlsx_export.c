/*
 * xlsx_export.c -- the model as an .xlsx workbook with live formulas
 * (kessan/workbook.h, docs/excel.md): which sheets there are and in what
 * order (a sheet per statement, Inputs, a sheet per saved scenario, the
 * caller's tables), where each item's row is, and the file written whole
 * or not at all.  The package (io/xlsx_package.h) is written once,
 * straight into the target's atomic temporary (io/atomic_file.h), which
 * is committed when the package is whole.  Which sheets
 * carry comments (cells written as values) is known only once they are
 * written, and the package's parts are named before: a pass that finds
 * one it did not plan for is thrown away and the package written again
 * with those sheets' comments (only models with such formulas pay it).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/atomic_file.h"
#include "io/xlsx_export.h"
#include "io/xlsx_package.h"
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

/* SOURCE_DATE_EPOCH (seconds since 1970, as reproducible builds set it)
 * when it is one from 1980 on, a zip's first year; else now. */
static time_t written_time(void)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && epoch[0] >= '0' && epoch[0] <= '9') {
        char *end;
        errno = 0;
        long long seconds = strtoll(epoch, &end, 10);
        if (!*end && errno == 0 && seconds >= 315532800LL &&
            seconds <= 4102444799LL) /* 1980-01-01 .. 2099-12-31 */
            return (time_t)seconds;
    }
    return time(NULL);
}

static void book_free(ks_xlsx_book *book)
{
    const ks_allocator *alloc = book->alloc;
    ks_xlsx_formulas_free(book->model, book->formulas);
    ks_mem_free(alloc, book->item_styles);
    ks_mem_free(alloc, book->periods);
    ks_mem_free(alloc, book->column);
    ks_mem_free(alloc, book->wants_comments);
    ks_xlsx_text_release(&book->scratch);
}

static ks_status book_init(ks_xlsx_book *book, ks_model *model,
                           const char *path, ks_xlsx_report *report,
                           ks_error *err)
{
    memset(book, 0, sizeof *book);
    book->model = model;
    book->alloc = ks_model_allocator(model);
    book->report = report;
    book->path = path;
    book->written = written_time();
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

/* ---- a pass: the sheets planned, the package written -------------------- */

typedef struct book_pass {
    statements s;
    ks_xlsx_view view;          /* the statements' sheets                 */
    int *input_row, *input_items, input_count;
    char *inputs_prefix;
    ks_model **scenarios;       /* per saved scenario, opened             */
    ks_xlsx_view *scenario_views;
    int scenario_count;
} book_pass;

static void pass_end(ks_xlsx_book *book, book_pass *pass)
{
    const ks_allocator *alloc = book->alloc;
    for (int k = 0; k < pass->scenario_count; k++) {
        view_free(alloc, &pass->scenario_views[k]);
        ks_model_free(pass->scenarios[k]);
    }
    ks_mem_free(alloc, pass->scenarios);
    ks_mem_free(alloc, pass->scenario_views);
    ks_mem_free(alloc, pass->input_row);
    ks_mem_free(alloc, pass->input_items);
    ks_mem_free(alloc, pass->inputs_prefix);
    view_free(alloc, &pass->view);
    statements_free(alloc, &pass->s);
    for (int k = 0; k < book->name_count; k++) {
        ks_xlsx_sheet_release(&book->sheets[k]);
        ks_mem_free(alloc, book->names[k]);
    }
    ks_mem_free(alloc, book->names);
    ks_mem_free(alloc, book->sheets);
    book->names = NULL;
    book->sheets = NULL;
    book->name_count = 0;
}

static ks_xlsx_sheet *last_sheet(ks_xlsx_book *book)
{
    return &book->sheets[book->name_count - 1];
}

static ks_status plan_scenario(ks_xlsx_book *book, book_pass *pass, int k,
                               ks_error *err)
{
    ks_model *scenario = NULL;
    ks_status status = ks_saved_scenario_open(book->model, k, &scenario,
                                              err);
    if (status != KS_OK)
        return status;
    pass->scenarios[pass->scenario_count] = scenario;
    ks_xlsx_view *view = &pass->scenario_views[pass->scenario_count++];
    status = view_init(book, view, scenario, 1, err);
    char title[KS_NAME_MAX + 16];
    snprintf(title, sizeof title, "Scenario %s", ks_model_name(scenario));
    if (status == KS_OK)
        status = ks_xlsx_add_sheet(book, title, KS_XLSX_ITEMS_SHEET,
                                   &view->prefix[0], err);
    if (status != KS_OK)
        return status;
    int items = ks_item_count(book->model);
    for (int i = 0; i < items; i++) {
        view->sheet[pass->s.order[i]] = 0;
        view->row[pass->s.order[i]] = i + 1;
    }
    view->input_row = pass->input_row;
    view->inputs_prefix = pass->inputs_prefix;
    view->overrides_in_place = 1;
    ks_xlsx_sheet *sheet = last_sheet(book);
    sheet->view = view;
    sheet->items = pass->s.order;
    sheet->count = items;
    return KS_OK;
}

static ks_status plan_scenarios(ks_xlsx_book *book, book_pass *pass,
                                ks_error *err)
{
    if (ks_model_is_scenario(book->model))
        return KS_OK;
    int count = ks_saved_scenario_count(book->model);
    pass->scenarios = ks_mem_calloc(book->alloc, (size_t)count + 1,
                                    sizeof *pass->scenarios);
    pass->scenario_views = ks_mem_calloc(book->alloc, (size_t)count + 1,
                                         sizeof *pass->scenario_views);
    if (!pass->scenarios || !pass->scenario_views)
        return ks_error_set(err, KS_ENOMEM, "out of memory adding sheets");
    ks_status status = KS_OK;
    for (int k = 0; k < count && status == KS_OK; k++)
        status = plan_scenario(book, pass, k, err);
    return status;
}

static ks_status plan_statements(ks_xlsx_book *book, book_pass *pass,
                                 ks_error *err)
{
    statements *s = &pass->s;
    ks_status status = KS_OK;
    for (int k = 0; k < s->count && status == KS_OK; k++) {
        status = ks_xlsx_add_sheet(book, statement_title(s->names[k]),
                                   KS_XLSX_ITEMS_SHEET, &pass->view.prefix[k],
                                   err);
        if (status != KS_OK)
            break;
        ks_xlsx_sheet *sheet = last_sheet(book);
        sheet->view = &pass->view;
        sheet->view_sheet = k;
        sheet->items = s->order + s->first[k];
        sheet->count = s->size[k];
        for (int i = 0; i < s->size[k]; i++) {
            int item = s->order[s->first[k] + i];
            pass->view.sheet[item] = k;
            pass->view.row[item] = i + 1;
        }
    }
    return status;
}

/* Every sheet named and told what it shows, in the workbook's order: the
 * statements, Inputs, the saved scenarios, the caller's tables. */
static ks_status plan_book(ks_xlsx_book *book, book_pass *pass,
                           const ks_xlsx_options *xlsx, ks_error *err)
{
    memset(pass, 0, sizeof *pass);
    ks_status status = statements_of(book->model, book->alloc, &pass->s,
                                     err);
    if (status == KS_OK)
        status = view_init(book, &pass->view, book->model, pass->s.count,
                           err);
    if (status == KS_OK)
        status = inputs_rows(book, &pass->input_row, &pass->input_items,
                             &pass->input_count, err);
    if (status == KS_OK)
        status = plan_statements(book, pass, err);
    if (status == KS_OK)
        status = ks_xlsx_add_sheet(book, "Inputs", KS_XLSX_INPUTS_SHEET,
                                   &pass->inputs_prefix, err);
    if (status != KS_OK)
        return status;
    last_sheet(book)->items = pass->input_items;
    last_sheet(book)->count = pass->input_count;
    pass->view.input_row = pass->input_row;
    pass->view.inputs_prefix = pass->inputs_prefix;
    status = plan_scenarios(book, pass, err);
    for (int k = 0; xlsx && k < xlsx->table_count && status == KS_OK; k++) {
        const ks_xlsx_table *table = &xlsx->tables[k];
        status = ks_xlsx_add_sheet(book, table->name ? table->name : "Table",
                                   KS_XLSX_TABLE_SHEET, NULL, err);
        if (status == KS_OK)
            last_sheet(book)->table = table;
    }
    return status;
}

/* The sheets an earlier pass found cells needing comments on get them. */
static ks_status plan_comments(ks_xlsx_book *book, ks_error *err)
{
    if (!book->wants_comments) {
        book->wants_comments = ks_mem_calloc(
            book->alloc, (size_t)book->name_count + 1, sizeof(int));
        book->wants_capacity = book->name_count;
        if (!book->wants_comments)
            return ks_error_set(err, KS_ENOMEM,
                                "out of memory adding sheets");
    }
    int n = 0;
    for (int k = 0; k < book->name_count && k < book->wants_capacity; k++)
        if (book->wants_comments[k])
            book->sheets[k].comment_number = ++n;
    return KS_OK;
}

static ks_status write_package(ks_xlsx_book *book, ks_atomic_file *file,
                               ks_error *err)
{
    ks_xlsx_package package;
    ks_status status = ks_xlsx_package_open(&package, book->alloc, file,
                                            book->written, err);
    if (status == KS_OK)
        status = ks_xlsx_add_book_parts(book, &package, err);
    for (int k = 0; k < book->name_count && status == KS_OK; k++)
        status = ks_xlsx_add_sheet_parts(&book->sheets[k], &package, err);
    if (status == KS_OK)
        status = ks_xlsx_add_styles_part(book, &package, err);
    if (status == KS_OK)
        status = ks_xlsx_package_close(&package, err);
    ks_xlsx_package_end(&package);
    return status;
}

static void report_reset(ks_xlsx_report *report)
{
    ks_xlsx_report_release(report);
    report->formulas = report->values = 0;
    report->sheets = 0;
}

/* One pass over the workbook into `file`. */
static ks_status write_book(ks_xlsx_book *book, const ks_xlsx_options *xlsx,
                            ks_atomic_file *file, ks_error *err)
{
    book_pass pass;
    report_reset(book->report);
    ks_xlsx_styles_init(&book->styles);
    book->retry = 0;
    ks_status status = plan_book(book, &pass, xlsx, err);
    if (status == KS_OK)
        status = plan_comments(book, err);
    if (status == KS_OK)
        status = write_package(book, file, err);
    pass_end(book, &pass);
    return status;
}

/* ---- the file ----------------------------------------------------------- */

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
    /* the model brought up to date before any file is made: the longest
     * recalculation is over (or interrupted) with nothing on disk */
    ks_status status = ks_model_refresh(model, err);
    if (status != KS_OK)
        return status;
    ks_xlsx_book book;
    status = book_init(&book, model, path, report, err);
    ks_atomic_file file;
    if (status == KS_OK)
        status = ks_atomic_begin(&file, book.alloc, path, err);
    else
        file = (ks_atomic_file){ .directory = -1 }; /* nothing to end */
    if (status == KS_OK)
        status = write_book(&book, xlsx, &file, err);
    if (status != KS_OK && book.retry == KS_XLSX_RETRY_ASKED)
        status = write_book(&book, xlsx, &file, err);
    if (status == KS_OK)
        status = ks_atomic_commit(&file, err);
    ks_atomic_end(&file);
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
