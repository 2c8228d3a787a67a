/*
 * layout.c -- a statement as the release prints it (layout.h): choosing
 * rows and columns, formatting figures, and writing text, Markdown or CSV.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "kessan/layout.h"
#include "kessan/text.h"
#include "model/model.h"

#define CELL_MAX 48
#define DEPTH_MAX 16

/* ---- the text buffer ------------------------------------------------------- */

void ks_layout_text_init(ks_layout_text *text, const ks_allocator *alloc)
{
    memset(text, 0, sizeof *text);
    text->alloc = *(alloc ? alloc : ks_default_allocator());
}

void ks_layout_text_release(ks_layout_text *text)
{
    ks_mem_free(&text->alloc, text->data);
    text->data = NULL;
    text->length = text->capacity = 0;
}

/* A sink's write: append to a ks_layout_text. */
static int append(void *context, const char *bytes, size_t length)
{
    ks_layout_text *text = context;
    if (ks_mem_grow(&text->alloc, (void **)&text->data, &text->capacity,
                    text->length + length + 1, 1) != 0)
        return -1;
    memcpy(text->data + text->length, bytes, length);
    text->length += length;
    text->data[text->length] = '\0';
    return 0;
}

/* ---- numbers ------------------------------------------------------------------ */

/* Figures are written by text.h's two formatters: for people (text and
 * Markdown) ks_format_display, for data (CSV and JSON) ks_format_data,
 * the number itself (a ratio as its fraction, money in the currency
 * shown), so that a spreadsheet or a script reads back what the engine
 * computed. */
#define DECIMALS_MAX 12

static int clamp_decimals(int decimals)
{
    return decimals < 0 ? 0 : decimals > DECIMALS_MAX ? DECIMALS_MAX : decimals;
}

/* ---- the table being built ------------------------------------------------------- */

typedef enum column_kind { COL_VALUE, COL_PCT, COL_YOY, COL_QOQ } column_kind;

typedef struct column {
    column_kind kind;
    int period;
    char header[24];
    int used; /* some row has a figure in it                          */
} column;

typedef struct row {
    int item;
    int depth;
    int heading;
    const char *label;
    const char *id;
} row;

typedef struct table {
    ks_model *model;
    const ks_allocator *alloc;
    const ks_layout_options *options;
    row *rows;
    int row_count;
    column *columns;
    int column_count;
    char *cells;          /* row_count x column_count x CELL_MAX        */
    double *numbers;      /* the same cells' numbers; NaN: none         */
    int base_item;        /* the % base, or -1                          */
    const char *base_unit;
    double usd_rate;      /* > 0 when showing USD                       */
    signed char *decimals;    /* per item: printed decimals, or -1      */
    unsigned char *percent;   /* per item: printed as a percentage      */
} table;

static char *cell_at(table *t, int r, int c)
{
    return t->cells + ((size_t)r * (size_t)t->column_count + (size_t)c) *
                          CELL_MAX;
}

static double *number_at(table *t, int r, int c)
{
    return t->numbers + (size_t)r * (size_t)t->column_count + (size_t)c;
}

static int cell_number(ks_model *model, int item, int period, double *out)
{
    ks_value value;
    if (period < 0 || ks_get(model, item, period, &value, NULL) != KS_OK ||
        value.kind != KS_NUMBER)
        return 0;
    *out = value.number;
    return 1;
}

/* ---- rows ----------------------------------------------------------------------------- */

static int depth_of(ks_model *model, int item)
{
    int depth = 0;
    ks_item_info info;
    while (depth < DEPTH_MAX && ks_item_get(model, item, &info) == KS_OK &&
           info.parent && (item = ks_item_find(model, info.parent)) >= 0)
        depth++;
    return depth;
}

static int has_any_value(ks_model *model, int item)
{
    double number;
    for (int p = 0; p < ks_period_count(model); p++)
        if (cell_number(model, item, p, &number))
            return 1;
    return 0;
}

static ks_status statement_error(ks_model *model, const char *statement,
                                 ks_error *err)
{
    char known[160] = "";
    size_t at = 0;
    for (int item = 0; item < ks_item_count(model); item++) {
        ks_item_info info;
        ks_item_get(model, item, &info);
        if (!info.statement)
            continue;
        char probe[40];
        snprintf(probe, sizeof probe, " %.30s,", info.statement);
        if (!strstr(known, probe) && at + strlen(probe) < sizeof known) {
            memcpy(known + at, probe, strlen(probe) + 1);
            at += strlen(probe);
        }
    }
    if (at)
        known[at - 1] = '\0';
    return ks_error_set(err, KS_EUNKNOWN,
                        "show: unknown statement '%.40s' (the model has%s)",
                        statement, known);
}

static ks_status collect_rows(table *t, ks_error *err)
{
    ks_model *model = t->model;
    int japanese = t->options->lang && strcmp(t->options->lang, "ja") == 0;
    t->rows = ks_mem_calloc(t->alloc, (size_t)ks_item_count(model) + 1,
                            sizeof *t->rows);
    if (!t->rows)
        return ks_error_set(err, KS_ENOMEM, "show: out of memory");
    for (int item = 0; item < ks_item_count(model); item++) {
        ks_item_info info;
        ks_item_get(model, item, &info);
        /* an item defined with no statement is on none */
        if (!info.statement || strcmp(info.statement, t->options->statement))
            continue;
        row *r = &t->rows[t->row_count++];
        r->item = item;
        r->id = info.id;
        r->depth = depth_of(model, item);
        r->heading = !has_any_value(model, item);
        r->label = japanese && info.label_ja && *info.label_ja
                       ? info.label_ja : info.label ? info.label : info.id;
    }
    if (t->row_count == 0)
        return statement_error(model, t->options->statement, err);
    return KS_OK;
}

/* Per item: the decimals and percent form its figures are printed with. */
static ks_status collect_printed_forms(table *t, ks_error *err)
{
    size_t items = (size_t)ks_item_count(t->model) + 1;
    t->decimals = ks_mem_alloc(t->alloc, items);
    t->percent = ks_mem_calloc(t->alloc, items, 1);
    if (!t->decimals || !t->percent)
        return ks_error_set(err, KS_ENOMEM, "show: out of memory");
    memset(t->decimals, -1, items);
    for (int i = 0; i < ks_printed_count(t->model); i++) {
        const ks_printed *printed = ks_printed_at(t->model, i);
        if (printed->measure != KS_MEASURE_VALUE || printed->is_missing)
            continue;
        if (printed->decimals > t->decimals[printed->item])
            t->decimals[printed->item] =
                (signed char)clamp_decimals(printed->decimals);
        if (printed->is_percent)
            t->percent[printed->item] = 1;
    }
    return KS_OK;
}

/* ---- columns --------------------------------------------------------------------------- */

static int period_is_printed(table *t, int period)
{
    for (int r = 0; r < t->row_count; r++)
        if (ks_printed_find(t->model, t->rows[r].item, period,
                            KS_MEASURE_VALUE))
            return 1;
    return 0;
}

/* Whether a scenario shows a figure of the statement otherwise than its
 * base does in this period (a forecast it makes, a figure it changes). */
static int scenario_changes(table *t, int period)
{
    ks_model *base = ks_model_base(t->model);
    if (base == t->model)
        return 0;
    for (int r = 0; r < t->row_count; r++) {
        double mine, theirs;
        int has_mine = cell_number(t->model, t->rows[r].item, period, &mine);
        int has_theirs = cell_number(base, t->rows[r].item, period, &theirs);
        if (has_mine != has_theirs || (has_mine && mine != theirs))
            return 1;
    }
    return 0;
}

/* Without a choice: the printed periods, and on a scenario those whose
 * figures it changes, quarters first, latest first. */
static int default_periods(table *t, int *periods)
{
    int count = 0, total = ks_period_count(t->model);
    for (int pass = 0; pass < 2; pass++)
        for (int i = total - 1; i >= 0; i--) {
            int period = ks_period_at(t->model, i);
            int quarter = ks_period_kind_of(t->model, period) == KS_QUARTER;
            if (quarter == (pass == 0) &&
                (period_is_printed(t, period) || scenario_changes(t, period)))
                periods[count++] = period;
        }
    return count;
}

static void add_column(table *t, column_kind kind, int period,
                       const char *header)
{
    column *c = &t->columns[t->column_count++];
    c->kind = kind;
    c->period = period;
    c->used = kind == COL_VALUE;
    snprintf(c->header, sizeof c->header, "%s", header);
}

static ks_status collect_columns(table *t, ks_error *err)
{
    int total = ks_period_count(t->model);
    int *periods = ks_mem_calloc(t->alloc, (size_t)total + 1,
                                 sizeof *periods);
    t->columns = ks_mem_calloc(t->alloc, (size_t)total * 4 + 4,
                               sizeof *t->columns);
    if (!periods || !t->columns) {
        ks_mem_free(t->alloc, periods);
        return ks_error_set(err, KS_ENOMEM, "show: out of memory");
    }
    int count = t->options->periods ? t->options->period_count
                                    : default_periods(t, periods);
    const int *chosen = t->options->periods ? t->options->periods : periods;
    if (count > total) { /* a period twice or more: every column kept */
        column *more = ks_mem_realloc(t->alloc, t->columns,
                                      ((size_t)count * 4 + 4) *
                                          sizeof *t->columns);
        if (!more) {
            ks_mem_free(t->alloc, periods);
            return ks_error_set(err, KS_ENOMEM, "show: out of memory");
        }
        t->columns = more;
    }
    for (int i = 0; i < count; i++) {
        int period = chosen[i];
        char id[16];
        ks_period_id(t->model, period, id, sizeof id);
        add_column(t, COL_VALUE, period, id);
        if ((t->options->with & KS_LAYOUT_PCT) && t->base_item >= 0)
            add_column(t, COL_PCT, period, "%");
        if ((t->options->with & KS_LAYOUT_YOY) &&
            ks_period_shift(t->model, period, -4) >= 0)
            add_column(t, COL_YOY, period, "YoY %");
        if ((t->options->with & KS_LAYOUT_QOQ) &&
            ks_period_kind_of(t->model, period) == KS_QUARTER &&
            ks_period_shift(t->model, period, -1) >= 0)
            add_column(t, COL_QOQ, period, "QoQ %");
    }
    ks_mem_free(t->alloc, periods);
    return KS_OK;
}

/* ---- cells -------------------------------------------------------------------------------- */

static int is_money(const char *unit)
{
    return unit && strncmp(unit, "JPY", 3) == 0;
}

/* Money in thousands or millions: shown whole. */
static int is_scaled(const char *unit)
{
    return unit && (strstr(unit, "thousands") || strstr(unit, "millions"));
}

/* The style a row's figures are shown in: a percentage where the release
 * prints one or the unit is a ratio; else the decimals the release prints
 * them with, money in USD to the cent per share and to the unit in a
 * scale, other figures not printed whole with two decimals. */
static ks_number_style value_style(table *t, const row *r,
                                   const ks_item_info *info, double value)
{
    int printed = t->decimals[r->item];
    ks_number_style style = ks_number_style_for_unit(info->unit, printed);
    if (t->percent[r->item]) {
        style.percent = KS_PERCENT_SIGN;
        style.decimals = printed >= 0 ? printed : 1;
    }
    if (style.percent != KS_PERCENT_NONE)
        return style;
    int per_unit = info->unit && strcmp(info->unit, "JPY") == 0;
    if (t->usd_rate > 0 && is_money(info->unit))
        style.decimals = per_unit ? 2 : 0;
    else if (printed < 0)
        style.decimals = !is_scaled(info->unit) &&
                                 fabs(value - round(value)) > 1e-9
                             ? 2 : 0;
    return style;
}

/* A change or a share: a fraction, shown times 100 with one decimal under
 * a header that says % . */
static const ks_number_style percent_column = { 1, KS_PERCENT_BARE, 0 };

/* The number of a cell (a figure, in the currency shown; a share or a
 * change as a fraction) and the style it is shown in; 0 when the cell has
 * none. */
static int cell_figure(table *t, const row *r, const column *c,
                       double *number, ks_number_style *style)
{
    double value, other;
    if (r->heading || !cell_number(t->model, r->item, c->period, &value))
        return 0;
    ks_item_info info;
    ks_item_get(t->model, r->item, &info);
    int ratio = t->percent[r->item] ||
                (info.unit && strcmp(info.unit, "ratio") == 0);
    *style = percent_column;
    switch (c->kind) {
    case COL_VALUE:
        if (!ratio && t->usd_rate > 0 && is_money(info.unit))
            value /= t->usd_rate;
        *number = value;
        *style = value_style(t, r, &info, value);
        return 1;
    case COL_PCT:
        if (!info.unit || !t->base_unit || strcmp(info.unit, t->base_unit) ||
            !cell_number(t->model, t->base_item, c->period, &other) ||
            other == 0)
            return 0;
        *number = value / other;
        return 1;
    case COL_YOY:
    case COL_QOQ: {
        int earlier = ks_period_shift(t->model, c->period,
                                      c->kind == COL_YOY ? -4 : -1);
        if (ratio || !cell_number(t->model, r->item, earlier, &other) ||
            other == 0)
            return 0;
        *number = value / other - 1.0;
        return 1;
    }
    }
    return 0;
}

static void fill_cell(table *t, const row *r, column *c, char *buf,
                      double *number)
{
    ks_number_style style;
    buf[0] = '\0';
    *number = NAN;
    if (!cell_figure(t, r, c, number, &style)) {
        if (c->kind == COL_VALUE && !r->heading)
            snprintf(buf, CELL_MAX, "-");
        return;
    }
    ks_format_display(buf, CELL_MAX, *number, &style);
    c->used = 1;
}

static ks_status fill_cells(table *t, ks_error *err)
{
    size_t cells = (size_t)t->row_count * (size_t)t->column_count + 1;
    t->cells = ks_mem_calloc(t->alloc, cells, CELL_MAX);
    t->numbers = ks_mem_calloc(t->alloc, cells, sizeof *t->numbers);
    if (!t->cells || !t->numbers)
        return ks_error_set(err, KS_ENOMEM, "show: out of memory");
    for (int r = 0; r < t->row_count; r++)
        for (int c = 0; c < t->column_count; c++)
            fill_cell(t, &t->rows[r], &t->columns[c], cell_at(t, r, c),
                      number_at(t, r, c));
    return KS_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct writer {
    table *t;
    ks_text_sink sink;
    const char **cells;   /* the table handed to text.h: header + rows     */
    int *depth;
    size_t *widths;
    size_t columns;       /* the label and the used columns               */
} writer;

/* "JPY thousands", or "USD thousands" when translated. */
static void title_unit(table *t, char *buf, size_t size)
{
    const char *unit = ks_setting(t->model, "unit_money");
    if (!unit)
        unit = "";
    char rate[48];
    ks_format_display(rate, sizeof rate, t->usd_rate, NULL);
    if (t->usd_rate > 0)
        snprintf(buf, size, "USD%.40s at %s per USD",
                 strncmp(unit, "JPY", 3) == 0 ? unit + 3 : "", rate);
    else
        snprintf(buf, size, "%.60s", unit);
}

/* The title line: "Name: is (JPY thousands)". */
static void write_title(writer *w)
{
    table *t = w->t;
    const char *name = ks_setting(t->model, "name");
    const char *lang = t->options->lang;
    if (lang && strcmp(lang, "ja") == 0 && ks_setting(t->model, "name_ja"))
        name = ks_setting(t->model, "name_ja");
    char unit[96];
    title_unit(t, unit, sizeof unit);
    char scenario[80] = "";
    if (ks_model_base(t->model) != t->model)
        snprintf(scenario, sizeof scenario, ", scenario %.60s",
                 ks_model_name(t->model));
    ks_text_printf(&w->sink, "%.120s%s%.40s%s%s%s%s\n", name ? name : "",
                   name ? ": " : "", t->options->statement, scenario,
                   *unit ? " (" : "", unit, *unit ? ")" : "");
}

/* The header and one row per item, over the used columns; a heading's
 * figures are NULL (text shows its label alone). */
static ks_text_table fill_text_table(writer *w)
{
    table *t = w->t;
    size_t at = 0;
    w->cells[at++] = "";
    for (int c = 0; c < t->column_count; c++)
        if (t->columns[c].used)
            w->cells[at++] = t->columns[c].header;
    w->depth[0] = 0;
    for (int r = 0; r < t->row_count; r++) {
        w->depth[r + 1] = t->rows[r].depth;
        w->cells[at++] = t->rows[r].label;
        for (int c = 0; c < t->column_count; c++)
            if (t->columns[c].used)
                w->cells[at++] = t->rows[r].heading ? NULL : cell_at(t, r, c);
    }
    ks_text_table text = { w->cells, (size_t)t->row_count + 1, w->columns,
                           NULL, w->depth, 2, w->widths };
    return text;
}

static void write_text(writer *w)
{
    write_title(w);
    ks_text_table text = fill_text_table(w);
    ks_text_table_write(&w->sink, &text);
}

static void write_md(writer *w)
{
    ks_text_table text = fill_text_table(w);
    ks_text_table_write_md(&w->sink, &text);
}

/* A column's name in CSV and JSON: "3Q02", "3Q02 %", "3Q02 YoY %". */
static void column_name(table *t, const column *c, char *buf, size_t size)
{
    char id[16];
    ks_period_id(t->model, c->period, id, sizeof id);
    if (c->kind == COL_VALUE)
        snprintf(buf, size, "%s", id);
    else
        snprintf(buf, size, "%s %s", id, c->header);
}

/* CSV: the numbers themselves (text.h's data formatter), a missing one
 * empty, lines ended as every CSV of kessan's (KS_CSV_LINE_END). */
static void write_csv(writer *w)
{
    table *t = w->t;
    ks_text_puts(&w->sink, "item,level,label");
    for (int c = 0; c < t->column_count; c++) {
        if (!t->columns[c].used)
            continue;
        char header[48];
        column_name(t, &t->columns[c], header, sizeof header);
        ks_text_puts(&w->sink, ",");
        ks_text_csv_field(&w->sink, header);
    }
    ks_text_puts(&w->sink, KS_CSV_LINE_END);
    for (int r = 0; r < t->row_count; r++) {
        ks_text_csv_field(&w->sink, t->rows[r].id);
        ks_text_printf(&w->sink, ",%d,", t->rows[r].depth);
        ks_text_csv_field(&w->sink, t->rows[r].label);
        for (int c = 0; c < t->column_count; c++) {
            if (!t->columns[c].used)
                continue;
            char number[KS_DATA_NUMBER_MAX];
            ks_format_data(number, sizeof number, *number_at(t, r, c));
            ks_text_puts(&w->sink, ",");
            ks_text_puts(&w->sink, number);
        }
        ks_text_puts(&w->sink, KS_CSV_LINE_END);
    }
}

/* JSON: {"model", "scenario", "statement", "unit", "columns": [{"name",
 * "period", "measure"}], "rows": [{"item", "label", "level", "heading",
 * "values": [numbers or null, one per column]}]}. */
static void write_json_columns(writer *w)
{
    static const char *const measures[] = { "value", "pct", "yoy", "qoq" };
    table *t = w->t;
    ks_text_puts(&w->sink, "  \"columns\": [");
    int first = 1;
    for (int c = 0; c < t->column_count; c++) {
        if (!t->columns[c].used)
            continue;
        char name[48], id[16];
        column_name(t, &t->columns[c], name, sizeof name);
        ks_period_id(t->model, t->columns[c].period, id, sizeof id);
        ks_text_puts(&w->sink, first ? "\n    {\"name\": " : ",\n    {\"name\": ");
        ks_text_json_string(&w->sink, name);
        ks_text_puts(&w->sink, ", \"period\": ");
        ks_text_json_string(&w->sink, id);
        ks_text_printf(&w->sink, ", \"measure\": \"%s\"}",
                       measures[t->columns[c].kind]);
        first = 0;
    }
    ks_text_puts(&w->sink, first ? "],\n" : "\n  ],\n");
}

static void write_json_row(writer *w, int r)
{
    table *t = w->t;
    ks_text_puts(&w->sink, "    {\"item\": ");
    ks_text_json_string(&w->sink, t->rows[r].id);
    ks_text_puts(&w->sink, ", \"label\": ");
    ks_text_json_string(&w->sink, t->rows[r].label);
    ks_text_printf(&w->sink, ", \"level\": %d, \"heading\": %s, "
                   "\"values\": [", t->rows[r].depth,
                   t->rows[r].heading ? "true" : "false");
    int first = 1;
    for (int c = 0; c < t->column_count; c++) {
        if (!t->columns[c].used)
            continue;
        if (!first)
            ks_text_puts(&w->sink, ", ");
        ks_text_json_number(&w->sink, *number_at(t, r, c));
        first = 0;
    }
    ks_text_puts(&w->sink, "]}");
}

static void write_json(writer *w)
{
    table *t = w->t;
    char unit[96];
    title_unit(t, unit, sizeof unit);
    ks_text_puts(&w->sink, "{\n  \"model\": ");
    ks_text_json_string(&w->sink, ks_setting(t->model, "name"));
    ks_text_puts(&w->sink, ",\n  \"scenario\": ");
    ks_text_json_string(&w->sink, ks_model_name(t->model));
    ks_text_puts(&w->sink, ",\n  \"statement\": ");
    ks_text_json_string(&w->sink, t->options->statement);
    ks_text_puts(&w->sink, ",\n  \"unit\": ");
    ks_text_json_string(&w->sink, unit);
    ks_text_puts(&w->sink, ",\n");
    write_json_columns(w);
    ks_text_puts(&w->sink, "  \"rows\": [");
    for (int r = 0; r < t->row_count; r++) {
        ks_text_puts(&w->sink, r ? ",\n" : "\n");
        write_json_row(w, r);
    }
    ks_text_puts(&w->sink, t->row_count ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- render -------------------------------------------------------------------------------- */

static ks_status setup_measures(table *t, ks_error *err)
{
    char key[96];
    snprintf(key, sizeof key, "pct_base.%.80s", t->options->statement);
    const char *base = ks_setting(t->model, key);
    t->base_item = base ? ks_item_find(t->model, base) : -1;
    if (t->base_item >= 0) {
        ks_item_info info;
        ks_item_get(t->model, t->base_item, &info);
        t->base_unit = info.unit;
    }
    const char *currency = t->options->currency;
    const char *own = ks_setting(t->model, "currency");
    if (!currency || (own && strcmp(currency, own) == 0))
        return KS_OK;
    if (strcmp(currency, "USD") != 0)
        return ks_error_set(err, KS_EINVAL, "show: currency '%.20s': only "
                            "the model's (%s) or USD", currency,
                            own ? own : "?");
    const char *rate = ks_setting(t->model, "rate.USD");
    t->usd_rate = rate ? ks_strtod_c(rate, NULL) : 0.0;
    if (!(t->usd_rate > 0))
        return ks_error_set(err, KS_EINVAL, "show: USD needs a positive "
                            "setting rate.USD (JPY per USD)");
    return KS_OK;
}

static void release_table(table *t)
{
    ks_mem_free(t->alloc, t->rows);
    ks_mem_free(t->alloc, t->columns);
    ks_mem_free(t->alloc, t->cells);
    ks_mem_free(t->alloc, t->numbers);
    ks_mem_free(t->alloc, t->decimals);
    ks_mem_free(t->alloc, t->percent);
}

static size_t used_columns(const table *t)
{
    size_t used = 0;
    for (int c = 0; c < t->column_count; c++)
        used += t->columns[c].used != 0;
    return used;
}

static ks_status write_table(table *t, ks_layout_text *out, ks_error *err)
{
    writer w = { t, ks_text_sink_of(append, out), NULL, NULL, NULL,
                 used_columns(t) + 1 };
    w.sink.alloc = t->alloc;
    size_t rows = (size_t)t->row_count + 1;
    w.cells = ks_mem_calloc(t->alloc, rows * w.columns, sizeof *w.cells);
    w.depth = ks_mem_calloc(t->alloc, rows, sizeof *w.depth);
    w.widths = ks_mem_calloc(t->alloc, w.columns, sizeof *w.widths);
    size_t length = out->length;
    if (!w.cells || !w.depth || !w.widths)
        w.sink.failed = 1;
    else if (t->options->format == KS_LAYOUT_TEXT)
        write_text(&w);
    else if (t->options->format == KS_LAYOUT_MD)
        write_md(&w);
    else if (t->options->format == KS_LAYOUT_JSON)
        write_json(&w);
    else
        write_csv(&w);
    ks_mem_free(t->alloc, w.cells);
    ks_mem_free(t->alloc, w.depth);
    ks_mem_free(t->alloc, w.widths);
    if (w.sink.failed) {
        out->length = length;
        if (out->data)
            out->data[length] = '\0';
        return ks_error_set(err, KS_ENOMEM, "show: out of memory");
    }
    return KS_OK;
}

ks_status ks_layout_render(ks_model *model, const ks_layout_options *options,
                           ks_layout_text *out, ks_error *err)
{
    if (!model || !options || !options->statement || !out)
        return ks_error_set(err, KS_EINVAL, "show: no model or statement");
    if (options->periods && (options->period_count < 1 ||
                             options->period_count > KS_LAYOUT_PERIODS_MAX))
        return ks_error_set(err, KS_EINVAL, "show: 1 to %d periods, got %d",
                            KS_LAYOUT_PERIODS_MAX, options->period_count);
    table t;
    memset(&t, 0, sizeof t);
    t.model = model;
    t.alloc = ks_model_allocator(model);
    t.options = options;
    /* recalculated first: a failure there is the render's, never a
       figure shown as "-" */
    ks_status status = ks_model_refresh(model, err);
    if (status == KS_OK)
        status = setup_measures(&t, err);
    if (status == KS_OK)
        status = collect_rows(&t, err);
    if (status == KS_OK)
        status = collect_printed_forms(&t, err);
    if (status == KS_OK)
        status = collect_columns(&t, err);
    if (status == KS_OK)
        status = fill_cells(&t, err);
    if (status == KS_OK)
        status = write_table(&t, out, err);
    release_table(&t);
    return status;
}

int ks_layout_parse_with(const char *list, unsigned *with)
{
    *with = 0;
    if (!list)
        return -1;
    for (const char *at = list;; at++) {
        size_t length = strcspn(at, ",");
        if (length == 3 && strncmp(at, "pct", 3) == 0)
            *with |= KS_LAYOUT_PCT;
        else if (length == 3 && strncmp(at, "yoy", 3) == 0)
            *with |= KS_LAYOUT_YOY;
        else if (length == 3 && strncmp(at, "qoq", 3) == 0)
            *with |= KS_LAYOUT_QOQ;
        else
            return -1; /* unknown, or an empty list or entry */
        at += length;
        if (!*at)
            return 0;
    }
}
