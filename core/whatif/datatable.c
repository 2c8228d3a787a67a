/*
 * datatable.c -- data tables (ks_datatable): one or two input cells run
 * over lists of values, one or more output cells read at every point, as
 * Excel's Data Table.  Owns the private scenario the what-if tools work on
 * (ks_copy_overrides: a scenario of the same base carrying a handle's
 * overrides, so the handle itself is never touched), the grid (with why
 * an output has no number where it has none), and its CSV export (long
 * form, numbers by text.h's data formatter, written beside the path and
 * renamed into place).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/value.h"
#include "io/atomic_file.h"
#include "kessan/text.h"
#include "kessan/whatif.h"
#include "model/model.h"

/* Points computed between two interrupt polls within a row: a point is a
 * ks_set and a ks_get, microseconds on a large model, so a poll costs
 * nothing measurable and a 1,500-column row still stops within 50 ms. */
#define POLL_CELLS 16

/* ---- cells and the private scenario ------------------------------------- */

const char *ks_cell_name(const ks_model *model, ks_cell_ref cell, char *buf,
                         size_t size)
{
    ks_item_info info;
    char period[16];
    if (ks_item_get(model, cell.item, &info) != KS_OK || cell.period < 0 ||
        cell.period >= ks_period_count(model)) {
        snprintf(buf, size, "cell(%d,%d)", cell.item, cell.period);
        return buf;
    }
    snprintf(buf, size, "%s@%s", info.id,
             ks_period_id(model, cell.period, period, sizeof period));
    return buf;
}

static int same_value(const ks_value *a, const ks_value *b)
{
    if (a->kind != b->kind || a->provenance != b->provenance)
        return 0;
    return a->kind != KS_NUMBER || a->number == b->number;
}

/* Copy one input of `from` into `to` unless the base holds it already. */
static ks_status copy_cell(ks_model *from, ks_model *base, ks_model *to,
                           int item, int period, ks_error *err)
{
    ks_value mine;
    ks_status status = ks_get(from, item, period, &mine, err);
    if (status != KS_OK)
        return status;
    if (ks_is_input(base, item, period)) {
        ks_value underneath;
        if ((status = ks_get(base, item, period, &underneath, err)) != KS_OK)
            return status;
        if (same_value(&mine, &underneath))
            return KS_OK;
    }
    double boxed = mine.kind == KS_NUMBER ? mine.number : ks_box_missing();
    return ks_set_input(to, item, period, boxed, mine.provenance, err);
}

ks_status ks_copy_overrides(ks_model *from, ks_model *to, ks_error *err)
{
    ks_model *base = ks_model_base(from);
    if (ks_model_base(to) != base || to == base)
        return ks_error_set(err, KS_EMISUSE, "copying overrides: '%s' is not "
                            "a scenario of the base of '%s'",
                            ks_model_name(to), ks_model_name(from));
    if (from == base)
        return KS_OK;
    int items = ks_item_count(from), periods = ks_period_count(from);
    for (int item = 0; item < items; item++)
        for (int period = 0; period < periods; period++) {
            if (!ks_is_input(from, item, period))
                continue;
            ks_status status = copy_cell(from, base, to, item, period, err);
            if (status != KS_OK)
                return status;
        }
    return KS_OK;
}

/* ---- the grid ------------------------------------------------------------- */

void ks_grid_free(ks_grid *grid)
{
    if (!grid)
        return;
    const ks_allocator *alloc = &grid->alloc;
    ks_mem_free(alloc, grid->row_name);
    ks_mem_free(alloc, grid->col_name);
    for (int k = 0; k < grid->output_count; k++) {
        if (grid->output_names)
            ks_mem_free(alloc, grid->output_names[k]);
        if (grid->output_why)
            ks_mem_free(alloc, grid->output_why[k]);
    }
    ks_mem_free(alloc, grid->output_names);
    ks_mem_free(alloc, grid->output_why);
    ks_mem_free(alloc, grid->output_styles);
    ks_mem_free(alloc, grid->row_values);
    ks_mem_free(alloc, grid->col_values);
    ks_mem_free(alloc, grid->points);
    ks_mem_free(alloc, grid);
}

static char *copy_name(const ks_allocator *alloc, ks_model *model,
                       ks_cell_ref cell)
{
    char name[128];
    return ks_mem_strdup(alloc, ks_cell_name(model, cell, name, sizeof name));
}

/* How a cell is shown: its unit's style; a varied cell's values, which
 * the script chose, at automatic precision unless a ratio's. */
static ks_number_style style_of(ks_model *model, ks_cell_ref cell, int varied)
{
    ks_item_info info;
    ks_number_style style = ks_number_style_for_unit(
        ks_item_get(model, cell.item, &info) == KS_OK ? info.unit : NULL, -1);
    if (varied && style.percent == KS_PERCENT_NONE)
        style.decimals = KS_DECIMALS_AUTO;
    return style;
}

static ks_grid *new_grid(ks_model *model, const ks_table_axis *rows,
                         const ks_table_axis *cols,
                         const ks_cell_ref *outputs, int output_count)
{
    const ks_allocator *alloc = ks_model_allocator(model);
    ks_grid *grid = ks_mem_calloc(alloc, 1, sizeof *grid);
    if (!grid)
        return NULL;
    grid->alloc = *alloc;
    alloc = &grid->alloc;
    grid->row_count = rows->count;
    grid->col_count = cols ? cols->count : 1;
    grid->has_cols = cols != NULL;
    grid->output_count = output_count;
    size_t points = (size_t)output_count * (size_t)grid->row_count *
                    (size_t)grid->col_count;
    grid->row_name = copy_name(alloc, model, rows->cell);
    grid->col_name = cols ? copy_name(alloc, model, cols->cell) : NULL;
    grid->output_names = ks_mem_calloc(alloc, (size_t)output_count,
                                       sizeof *grid->output_names);
    grid->row_values = ks_mem_calloc(alloc, (size_t)rows->count,
                                     sizeof *grid->row_values);
    grid->col_values = ks_mem_calloc(alloc, (size_t)grid->col_count,
                                     sizeof *grid->col_values);
    grid->points = ks_mem_calloc(alloc, points, sizeof *grid->points);
    grid->output_why = ks_mem_calloc(alloc, (size_t)output_count,
                                     sizeof *grid->output_why);
    grid->output_styles = ks_mem_calloc(alloc, (size_t)output_count,
                                        sizeof *grid->output_styles);
    int complete = grid->row_name && (!cols || grid->col_name) &&
                   grid->output_names && grid->row_values &&
                   grid->col_values && grid->points && grid->output_why &&
                   grid->output_styles;
    for (int k = 0; complete && k < output_count; k++) {
        complete = (grid->output_names[k] =
                        copy_name(alloc, model, outputs[k])) != NULL;
        grid->output_styles[k] = style_of(model, outputs[k], 0);
    }
    grid->row_style = style_of(model, rows->cell, 1);
    grid->col_style = cols ? style_of(model, cols->cell, 1)
                           : ks_number_style_for_unit(NULL, -1);
    if (!complete) {
        ks_grid_free(grid);
        return NULL;
    }
    memcpy(grid->row_values, rows->values,
           (size_t)rows->count * sizeof *grid->row_values);
    if (cols)
        memcpy(grid->col_values, cols->values,
               (size_t)cols->count * sizeof *grid->col_values);
    return grid;
}

/* ---- computing the points ---------------------------------------------------- */

static ks_status check_table(ks_model *model, const ks_table_axis *rows,
                             const ks_table_axis *cols, int output_count,
                             ks_error *err)
{
    if (!rows || rows->count < 1 || !rows->values)
        return ks_error_set(err, KS_EINVAL, "data table: no row values");
    if (cols && (cols->count < 1 || !cols->values))
        return ks_error_set(err, KS_EINVAL, "data table: no column values");
    if (output_count < 1)
        return ks_error_set(err, KS_EINVAL, "data table: no output cell");
    if (cols && cols->cell.item == rows->cell.item &&
        cols->cell.period == rows->cell.period) {
        char name[128];
        return ks_error_set(err, KS_EINVAL, "data table: %s is both the row "
                            "and the column input",
                            ks_cell_name(model, rows->cell, name,
                                         sizeof name));
    }
    return KS_OK;
}

/* " (when rev.si@4Q02 is 3,000,000[ and cost@4Q02 is 0.8])": the point. */
static void point_text(const ks_grid *grid, int row, int col, char *buf,
                       size_t size)
{
    char x[48], y[48];
    ks_format_display(x, sizeof x, grid->row_values[row], &grid->row_style);
    if (!grid->has_cols) {
        snprintf(buf, size, " (when %.100s is %.47s)", grid->row_name, x);
        return;
    }
    ks_format_display(y, sizeof y, grid->col_values[col], &grid->col_style);
    snprintf(buf, size, " (when %.100s is %.47s and %.100s is %.47s)",
             grid->row_name, x, grid->col_name, y);
}

/* Why output k has no number at this point, kept for its first such
 * point: missing and the inputs behind it, or the error it holds. */
static ks_status note_why(ks_model *work, ks_grid *grid,
                          const ks_cell_ref *output, int k,
                          const ks_value *value, int row, int col,
                          ks_error *err)
{
    if (grid->output_why[k])
        return KS_OK;
    char why[384] = "", when[330], text[KS_MESSAGE_MAX];
    if (value->kind == KS_MISSING) {
        ks_status status = ks_missing_reason_beyond(
            work, output->item, output->period, why, sizeof why, err);
        if (status != KS_OK)
            return status;
    } else
        snprintf(why, sizeof why, "an error: %.300s",
                 value->error ? value->error : "not a number");
    point_text(grid, row, col, when, sizeof when);
    snprintf(text, sizeof text, "%.128s is %.300s%.300s",
             grid->output_names[k], why[0] ? why : "missing", when);
    grid->output_why[k] = ks_mem_strdup(&grid->alloc, text);
    if (!grid->output_why[k])
        return ks_error_set(err, KS_ENOMEM, "data table: out of memory");
    return KS_OK;
}

static ks_status read_outputs(ks_model *work, ks_grid *grid,
                              const ks_cell_ref *outputs, int row, int col,
                              ks_error *err)
{
    for (int k = 0; k < grid->output_count; k++) {
        ks_value value;
        ks_status status = ks_get(work, outputs[k].item, outputs[k].period,
                                  &value, err);
        if (status != KS_OK)
            return status;
        ks_point *point = &grid->points[((size_t)k * (size_t)grid->row_count +
                                         (size_t)row) *
                                            (size_t)grid->col_count +
                                        (size_t)col];
        point->kind = value.kind;
        point->number = value.kind == KS_NUMBER ? value.number : 0;
        if (value.kind != KS_NUMBER &&
            (status = note_why(work, grid, &outputs[k], k, &value, row, col,
                               err)) != KS_OK)
            return status;
    }
    return KS_OK;
}

/* The host's poll, at every row and every POLL_CELLS points of a row. */
static ks_status poll(ks_model *work, ks_error *err)
{
    return ks_check_interrupt(ks_model_allocator(work), err,
                              "computing a data table");
}

static ks_status fill(ks_model *work, ks_grid *grid, const ks_table_axis *rows,
                      const ks_table_axis *cols, const ks_cell_ref *outputs,
                      ks_error *err)
{
    for (int i = 0; i < grid->row_count; i++) {
        ks_status status = poll(work, err);
        if (status == KS_OK)
            status = ks_set(work, rows->cell.item, rows->cell.period,
                            rows->values[i], err);
        for (int j = 0; status == KS_OK && j < grid->col_count; j++) {
            if (j % POLL_CELLS == POLL_CELLS - 1)
                status = poll(work, err);
            if (status == KS_OK && cols)
                status = ks_set(work, cols->cell.item, cols->cell.period,
                                cols->values[j], err);
            if (status == KS_OK)
                status = read_outputs(work, grid, outputs, i, j, err);
        }
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

ks_status ks_datatable(ks_model *model, const ks_table_axis *rows,
                       const ks_table_axis *cols, const ks_cell_ref *outputs,
                       int output_count, ks_grid **out, ks_error *err)
{
    *out = NULL;
    ks_status status = check_table(model, rows, cols, output_count, err);
    if (status != KS_OK)
        return status;
    ks_grid *grid = new_grid(model, rows, cols, outputs, output_count);
    if (!grid)
        return ks_error_set(err, KS_ENOMEM, "data table: out of memory for "
                            "%d x %d points", rows->count,
                            cols ? cols->count : 1);
    ks_model *work = NULL;
    status = ks_scenario_new_blank(model, "datatable", &work, err);
    if (status == KS_OK)
        status = ks_copy_overrides(model, work, err);
    if (status == KS_OK)
        status = fill(work, grid, rows, cols, outputs, err);
    ks_model_free(work);
    if (status != KS_OK) {
        ks_grid_free(grid);
        return status;
    }
    *out = grid;
    return KS_OK;
}

/* ---- CSV export -------------------------------------------------------------- */

/* By text.h's data formatter; empty unless a finite number. */
static void format_point(ks_point point, char *buffer, size_t size)
{
    buffer[0] = '\0';
    if (point.kind == KS_NUMBER)
        ks_format_data(buffer, size, point.number);
}

static void write_field(ks_text_sink *sink, int first, const char *text)
{
    if (!first)
        ks_text_put(sink, ",", 1);
    ks_text_csv_field(sink, text);
}

static void write_point(ks_text_sink *sink, int first, ks_point point)
{
    char text[KS_DATA_NUMBER_MAX];
    format_point(point, text, sizeof text);
    write_field(sink, first, text);
}

/* The header (the varied cells' names, then the outputs'), then a line
 * per point; write errors show on the stream. */
static ks_status write_grid(FILE *out, void *context, ks_error *err)
{
    (void)err;
    const ks_grid *grid = context;
    ks_text_sink sink = ks_text_sink_stream(out);
    write_field(&sink, 1, grid->row_name);
    if (grid->has_cols)
        write_field(&sink, 0, grid->col_name);
    for (int k = 0; k < grid->output_count; k++)
        write_field(&sink, 0, grid->output_names[k]);
    ks_text_puts(&sink, KS_CSV_LINE_END);
    for (int i = 0; i < grid->row_count; i++)
        for (int j = 0; j < grid->col_count; j++) {
            write_point(&sink, 1, (ks_point){ KS_NUMBER, grid->row_values[i] });
            if (grid->has_cols)
                write_point(&sink, 0,
                            (ks_point){ KS_NUMBER, grid->col_values[j] });
            for (int k = 0; k < grid->output_count; k++)
                write_point(&sink, 0, ks_grid_at(grid, k, i, j));
            ks_text_puts(&sink, KS_CSV_LINE_END);
        }
    return KS_OK;
}

ks_status ks_grid_export_csv(const ks_grid *grid, const char *path,
                             ks_error *err)
{
    if (!path || !*path)
        return ks_error_set(err, KS_EINVAL, "no path to export the table to");
    return ks_atomic_write(&grid->alloc, path, write_grid, (void *)grid,
                           err);
}
