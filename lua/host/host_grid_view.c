/*
 * host_grid_view.c -- what the grid shows (host_grid.h): the statements as
 * tabs, the rows of the one shown (its items in display order, indented by
 * their display parents), the periods in time order as columns, the cursor
 * and the part of the sheet in view, the status line and the pane.
 */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_grid.h"
#include "kessan/text.h"

#define GRID_DEPTH_MAX 16

/* ---- the handles ---------------------------------------------------------- */

static ks_model *grid_handle_model(grid_sheet *g, int ref)
{
    lua_State *L = host_lua(g->state);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lk_handle *handle = lk_to_handle(L, -1);
    lua_pop(L, 1);
    return handle ? handle->model : NULL;
}

ks_model *grid_model_of(grid_sheet *g, int scenario)
{
    if (scenario < 0 || scenario >= g->scenario_count)
        return grid_handle_model(g, g->model_ref);
    return grid_handle_model(g, g->scenarios[scenario].ref);
}

ks_model *grid_model(grid_sheet *g)
{
    return grid_model_of(g, g->current);
}

/* ---- messages and the pane ------------------------------------------------ */

void grid_say(grid_sheet *g, int error, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(g->message, sizeof g->message, format, args);
    va_end(args);
    for (char *c = g->message; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    g->message_error = error;
}

void grid_pane_open(grid_sheet *g, const char *title, const char *text)
{
    grid_pane_close(g);
    const char *body = text ? text : "";
    g->pane = malloc(strlen(body) + 1);
    if (!g->pane) {
        grid_say(g, 1, "not enough memory for the pane");
        return;
    }
    memcpy(g->pane, body, strlen(body) + 1);
    snprintf(g->pane_title, sizeof g->pane_title, "%s", title);
    g->pane_top = 0;
}

void grid_pane_close(grid_sheet *g)
{
    free(g->pane);
    g->pane = NULL;
}

/* ---- labels and names ------------------------------------------------------ */

const char *grid_label(grid_sheet *g, const ks_item_info *info)
{
    if (g->japanese && info->label_ja && *info->label_ja)
        return info->label_ja;
    return info->label && *info->label ? info->label : info->id;
}

const char *grid_cursor_name(grid_sheet *g, char *buf, size_t size)
{
    ks_model *model = g->base;
    ks_item_info info;
    char period[16];
    if (g->row_count == 0 || g->period_count == 0 ||
        ks_item_get(model, g->rows[g->row].item, &info) != KS_OK) {
        snprintf(buf, size, "-");
        return buf;
    }
    ks_period_id(model, g->periods[g->column], period, sizeof period);
    snprintf(buf, size, "%s@%s", info.id, period);
    return buf;
}

/* ---- statements and rows --------------------------------------------------- */

static int grid_depth(ks_model *model, int item)
{
    int depth = 0;
    ks_item_info info;
    while (depth < GRID_DEPTH_MAX && ks_item_get(model, item, &info) == KS_OK &&
           info.parent && (item = ks_item_find(model, info.parent)) >= 0)
        depth++;
    return depth;
}

static int grid_statement_index(grid_sheet *g, const char *statement)
{
    for (int i = 0; i < g->statement_count; i++)
        if (strcmp(g->statements[i], statement) == 0)
            return i;
    return -1;
}

/* is, bs, cf and kpi first, in that order, then the others as met. */
static void grid_collect_statements(grid_sheet *g)
{
    static const char *const usual[] = { "is", "bs", "cf", "kpi" };
    ks_model *model = g->base;
    g->statement_count = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int item = 0; item < ks_item_count(model); item++) {
            ks_item_info info;
            if (ks_item_get(model, item, &info) != KS_OK || !info.statement ||
                grid_statement_index(g, info.statement) >= 0 ||
                strlen(info.statement) >= sizeof g->statements[0] ||
                g->statement_count >= GRID_STATEMENTS_MAX)
                continue;
            int is_usual = 0;
            for (size_t u = 0; u < sizeof usual / sizeof usual[0]; u++)
                is_usual |= strcmp(info.statement, usual[u]) == 0;
            if (pass == 0 && !is_usual)
                continue;
            snprintf(g->statements[g->statement_count++],
                     sizeof g->statements[0], "%s", info.statement);
        }
    /* the usual ones in their order */
    for (int i = 0; i < g->statement_count; i++)
        for (int j = i + 1; j < g->statement_count; j++) {
            int rank_i = 4, rank_j = 4;
            for (int u = 0; u < 4; u++) {
                if (strcmp(g->statements[i], usual[u]) == 0) rank_i = u;
                if (strcmp(g->statements[j], usual[u]) == 0) rank_j = u;
            }
            if (rank_j < rank_i && rank_j < 4) {
                char swap[16];
                memcpy(swap, g->statements[i], sizeof swap);
                memcpy(g->statements[i], g->statements[j], sizeof swap);
                memcpy(g->statements[j], swap, sizeof swap);
            }
        }
}

static void grid_changes_forget(grid_sheet *g)
{
    free(g->before);
    free(g->changed);
    g->before = NULL;
    g->changed = NULL;
    g->changed_size = 0;
}

/* The first row with a figure in the cursor's period (of the first
 * 2,000), or 0. */
static int grid_first_figure_row(grid_sheet *g)
{
    ks_model *model = grid_model(g);
    for (int r = 0; model && r < g->row_count && r < 2000; r++) {
        ks_value value;
        if (g->column < g->period_count &&
            ks_get(model, g->rows[r].item, g->periods[g->column], &value,
                   NULL) == KS_OK && value.kind == KS_NUMBER)
            return r;
    }
    return 0;
}

int grid_view_select_tab(grid_sheet *g, int tab)
{
    ks_model *model = g->base;
    if (tab < 0 || tab >= g->statement_count)
        return 0;
    int count = ks_item_count(model);
    grid_row *rows = malloc(((size_t)count + 1) * sizeof *rows);
    if (!rows)
        return -1;
    int row_count = 0, longest = 0;
    for (int item = 0; item < count; item++) {
        ks_item_info info;
        if (ks_item_get(model, item, &info) != KS_OK || !info.statement ||
            strcmp(info.statement, g->statements[tab]) != 0)
            continue;
        rows[row_count].item = item;
        rows[row_count].depth = grid_depth(model, item);
        rows[row_count].heading = -1;
        int width = 2 * rows[row_count].depth +
                    (int)ks_display_width(grid_label(g, &info));
        if (width > longest)
            longest = width;
        row_count++;
    }
    g->label_longest = longest;
    /* the marks of the last edit stay while the rows are the same */
    if (tab != g->tab || row_count != g->row_count)
        grid_changes_forget(g);
    int changed = tab != g->tab;
    free(g->rows);
    g->rows = rows;
    g->row_count = row_count;
    g->tab = tab;
    if (changed) {
        g->top = 0;
        g->row = grid_first_figure_row(g);
    }
    return 0;
}

static int grid_collect_periods(grid_sheet *g)
{
    int count = ks_period_count(g->base);
    int *periods = malloc(((size_t)count + 1) * sizeof *periods);
    if (!periods)
        return -1;
    for (int i = 0; i < count; i++)
        periods[i] = ks_period_at(g->base, i);
    free(g->periods);
    g->periods = periods;
    g->period_count = count;
    return 0;
}

/* The latest quarter that holds a figure of the first rows: where the
 * cursor starts. */
static int grid_latest_column(grid_sheet *g)
{
    ks_model *model = grid_model(g);
    for (int c = g->period_count - 1; c >= 0; c--) {
        if (ks_period_kind_of(g->base, g->periods[c]) != KS_QUARTER)
            continue;
        for (int r = 0; r < g->row_count && r < 2000; r++) {
            ks_value value;
            if (ks_get(model, g->rows[r].item, g->periods[c], &value, NULL) ==
                    KS_OK && value.kind == KS_NUMBER)
                return c;
        }
    }
    return 0;
}

int grid_view_build(grid_sheet *g)
{
    int item = g->row_count ? g->rows[g->row].item : -1;
    int period = g->period_count ? g->periods[g->column] : -1;
    int first = g->period_count == 0;
    grid_collect_statements(g);
    if (g->statement_count == 0) {
        grid_say(g, 1, "the model has no items");
    }
    if (grid_collect_periods(g) != 0)
        return -1;
    if (g->tab >= g->statement_count)
        g->tab = 0;
    if (grid_view_select_tab(g, g->tab) != 0 || grid_forms_learn(g) != 0)
        return -1;
    if (first) {
        /* the latest quarter with figures, on the first row with one */
        g->column = grid_latest_column(g);
        g->row = grid_first_figure_row(g);
        return 0;
    }
    if (item >= 0 && item < ks_item_count(g->base))
        grid_view_goto(g, item, period);
    return 0;
}

int grid_view_goto(grid_sheet *g, int item, int period)
{
    ks_item_info info;
    if (ks_item_get(g->base, item, &info) != KS_OK)
        return -1;
    int tab = grid_statement_index(g, info.statement);
    if (tab < 0)
        return -1;
    if (tab != g->tab && grid_view_select_tab(g, tab) != 0)
        return -1;
    for (int r = 0; r < g->row_count; r++)
        if (g->rows[r].item == item)
            g->row = r;
    for (int c = 0; period >= 0 && c < g->period_count; c++)
        if (g->periods[c] == period)
            g->column = c;
    return 0;
}

int grid_row_is_heading(grid_sheet *g, int r)
{
    grid_row *row = &g->rows[r];
    if (row->heading >= 0)
        return row->heading;
    ks_model *model = grid_model(g);
    row->heading = 1;
    for (int c = 0; model && c < g->period_count; c++) {
        ks_value value;
        if (ks_get(model, row->item, g->periods[c], &value, NULL) == KS_OK &&
            value.kind != KS_MISSING) {
            row->heading = 0;
            break;
        }
    }
    return row->heading;
}

void grid_rows_forget_headings(grid_sheet *g)
{
    for (int r = 0; r < g->row_count; r++)
        g->rows[r].heading = -1;
}

void grid_view_clamp(grid_sheet *g, int rows, int columns)
{
    if (rows < 1)
        rows = 1;
    if (columns < 1)
        columns = 1;
    if (g->row >= g->row_count)
        g->row = g->row_count - 1;
    if (g->row < 0)
        g->row = 0;
    if (g->column >= g->period_count)
        g->column = g->period_count - 1;
    if (g->column < 0)
        g->column = 0;
    if (g->row < g->top)
        g->top = g->row;
    if (g->row >= g->top + rows)
        g->top = g->row - rows + 1;
    if (g->top > g->row_count - rows)
        g->top = g->row_count - rows;
    if (g->top < 0)
        g->top = 0;
    if (g->column < g->left)
        g->left = g->column;
    if (g->column >= g->left + columns)
        g->left = g->column - columns + 1;
    if (g->left < 0)
        g->left = 0;
}

void grid_view_free(grid_sheet *g)
{
    free(g->rows);
    free(g->periods);
    free(g->forms);
    free(g->edits);
    grid_changes_forget(g);
    grid_pane_close(g);
    g->rows = NULL;
    g->periods = NULL;
    g->forms = NULL;
    g->edits = NULL;
}
