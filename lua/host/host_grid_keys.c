/*
 * host_grid_keys.c -- what each key of the grid does: moving (arrows,
 * PgUp/PgDn, Home/End, Tab between statements, `g` to a cell, `/` and
 * `n` to search), editing (Enter sets an input of the handle shown, Del
 * removes it, `u` and `r` undo and redo, `=` gives the row a formula),
 * `e` the explain tree, scenarios (`s`, `S`, `b`), `:` the command line,
 * `?` the keys, `q` to leave.  After an edit the figures in view that
 * moved are marked.
 */
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1

#include <ctype.h>
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/host_grid.h"
#include "kessan/text.h"

#define GRID_SNAPSHOT_CELLS 20000

static const char grid_help_text[] =
    "arrows, h j k l    move            PgUp PgDn    a page up or down\n"
    "Home End           first or last period column\n"
    "Tab, Shift-Tab     next or previous statement (is, bs, cf, kpi)\n"
    "g                  go to a cell: rev.total@3Q02 (or an id, a period)\n"
    "/  n               search labels and ids; the next match\n"
    "Enter              set the cell's input in the scenario shown\n"
    "                   (1,234 (56) 12.5% or - for missing)\n"
    "Del  x             remove the cell's input\n"
    "u  r               undo, redo\n"
    "=                  give the row a formula (empty: remove it)\n"
    "e                  the cell's explain tree\n"
    "s                  switch scenario (a new name creates one)\n"
    "S                  save the scenario in the model\n"
    "b                  a scenario beside this one, with a difference\n"
    ":                  a command: Lua (m, s, cell), seek, table, run\n"
    "                   :seek op_income@4Q02 = 0 by rev.si@4Q02\n"
    "                   :table rev.si@4Q02 0 1e6 2e6 -> op_income@4Q02\n"
    "Esc  J K           close or scroll this pane\n"
    "q  Ctrl-C          leave\n";

/* ---- the figures before an edit, and what moved --------------------------- */

/* A cell's value as one double: NAN missing, infinity an error. */
static double grid_snapshot_value(ks_model *model, int item, int period)
{
    ks_value value;
    if (ks_get(model, item, period, &value, NULL) != KS_OK ||
        value.kind == KS_ERROR)
        return INFINITY;
    return value.kind == KS_MISSING ? NAN : value.number;
}

void grid_remember(grid_sheet *g)
{
    int rows, columns;
    grid_draw_capacity(g, &rows, &columns);
    ks_model *model = grid_model(g);
    int top = g->top, count = rows;
    if ((size_t)g->row_count * (size_t)g->period_count <= GRID_SNAPSHOT_CELLS) {
        top = 0;
        count = g->row_count;
    }
    if (top + count > g->row_count)
        count = g->row_count - top;
    free(g->before);
    g->before = NULL;
    if (!model || count <= 0)
        return;
    size_t cells = (size_t)count * (size_t)g->period_count;
    g->before = malloc(cells * sizeof *g->before);
    if (!g->before)
        return;
    g->before_top = top;
    g->before_rows = count;
    for (int r = 0; r < count; r++)
        for (int c = 0; c < g->period_count; c++)
            g->before[(size_t)r * (size_t)g->period_count + (size_t)c] =
                grid_snapshot_value(model, g->rows[top + r].item,
                                    g->periods[c]);
}

static int grid_same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

void grid_mark_changes(grid_sheet *g)
{
    grid_rows_forget_headings(g);
    ks_model *model = grid_model(g);
    size_t size = (size_t)g->row_count * (size_t)g->period_count;
    free(g->changed);
    g->changed = calloc(size + 1, 1);
    g->changed_size = g->changed ? size : 0;
    if (!g->changed || !g->before || !model)
        return;
    for (int r = 0; r < g->before_rows; r++)
        for (int c = 0; c < g->period_count; c++) {
            int row = g->before_top + r;
            if (row >= g->row_count)
                continue;
            double now = grid_snapshot_value(model, g->rows[row].item,
                                             g->periods[c]);
            double was =
                g->before[(size_t)r * (size_t)g->period_count + (size_t)c];
            if (!grid_same(now, was))
                g->changed[(size_t)row * (size_t)g->period_count +
                           (size_t)c] = 1;
        }
    free(g->before);
    g->before = NULL;
}

/* ---- inputs, and undoing them ------------------------------------------------ */

grid_input grid_input_read(ks_model *model, int item, int period)
{
    grid_input input = { 0, 0, 0 };
    ks_value value;
    if (!ks_is_input(model, item, period) ||
        ks_get(model, item, period, &value, NULL) != KS_OK)
        return input;
    input.own = value.provenance == KS_PROV_REPORTED ? 2 : 1;
    input.missing = value.kind != KS_NUMBER;
    input.number = value.number;
    return input;
}

/* Put an input back as it was: a reported figure by clearing what covers
 * it (set again when clearing lost it), an override by setting it. */
static ks_status grid_input_apply(ks_model *model, int item, int period,
                                  const grid_input *input, ks_error *err)
{
    if (!input->own)
        return ks_clear(model, item, period, err);
    if (input->own == 2) {
        ks_status status = ks_clear(model, item, period, err);
        grid_input now = grid_input_read(model, item, period);
        if (status != KS_OK || (now.own && now.missing == input->missing &&
                                (input->missing || now.number == input->number)))
            return status;
    }
    return input->missing ? ks_set_missing(model, item, period, err)
                          : ks_set(model, item, period, input->number, err);
}

void grid_edit_record(grid_sheet *g, const grid_edit *edit)
{
    if (g->edit_done >= g->edit_capacity) {
        int capacity = g->edit_capacity ? 2 * g->edit_capacity : 64;
        grid_edit *grown = realloc(g->edits, (size_t)capacity * sizeof *grown);
        if (!grown) {
            grid_say(g, 1, "not enough memory to keep the edit for undo");
            return;
        }
        g->edits = grown;
        g->edit_capacity = capacity;
    }
    g->edits[g->edit_done++] = *edit;
    g->edit_count = g->edit_done;
}

static void grid_replay(grid_sheet *g, const grid_edit *edit, int forward)
{
    ks_model *model = grid_model_of(g, edit->scenario);
    if (!model) {
        grid_say(g, 1, "the scenario of that edit was closed");
        return;
    }
    g->current = edit->scenario;
    grid_view_goto(g, edit->item, edit->period);
    grid_remember(g);
    ks_error err;
    if (grid_input_apply(model, edit->item, edit->period,
                         forward ? &edit->after : &edit->before, &err) != KS_OK)
        grid_say(g, 1, "%s", err.message);
    grid_mark_changes(g);
}

void grid_undo(grid_sheet *g)
{
    if (g->edit_done == 0) {
        grid_say(g, 0, "nothing to undo");
        return;
    }
    grid_edit *edit = &g->edits[--g->edit_done];
    grid_replay(g, edit, 0);
    grid_say(g, 0, "undone (%d more to undo, %d to redo)", g->edit_done,
             g->edit_count - g->edit_done);
}

void grid_redo(grid_sheet *g)
{
    if (g->edit_done >= g->edit_count) {
        grid_say(g, 0, "nothing to redo");
        return;
    }
    grid_edit *edit = &g->edits[g->edit_done++];
    grid_replay(g, edit, 1);
    grid_say(g, 0, "redone (%d more to redo)", g->edit_count - g->edit_done);
}

/* Change the cursor's input to `after` (recorded for undo). */
static void grid_change_input(grid_sheet *g, const grid_input *after)
{
    ks_model *model = grid_model(g);
    if (!model || g->row_count == 0)
        return;
    grid_edit edit;
    edit.scenario = g->current;
    edit.item = g->rows[g->row].item;
    edit.period = g->periods[g->column];
    edit.before = grid_input_read(model, edit.item, edit.period);
    grid_remember(g);
    ks_error err;
    if (grid_input_apply(model, edit.item, edit.period, after, &err) !=
        KS_OK) {
        grid_say(g, 1, "%s", err.message);
        free(g->before);
        g->before = NULL;
        return;
    }
    edit.after = grid_input_read(model, edit.item, edit.period);
    grid_edit_record(g, &edit);
    grid_mark_changes(g);
}

static void grid_edit_cell(grid_sheet *g)
{
    ks_model *model = grid_model(g);
    if (!model || g->row_count == 0)
        return;
    char name[KS_NAME_MAX + 32], question[KS_NAME_MAX + 64], answer[128];
    char initial[64] = "";
    int item = g->rows[g->row].item, period = g->periods[g->column];
    ks_value value;
    if (ks_get(model, item, period, &value, NULL) == KS_OK &&
        value.kind == KS_NUMBER)
        ks_snprintf_c(initial, sizeof initial, "%.15g", value.number);
    grid_cursor_name(g, name, sizeof name);
    snprintf(question, sizeof question, "%s (%s) = ", name,
             grid_scenario_name(g, g->current));
    if (!grid_prompt(g, question, initial, answer, sizeof answer))
        return;
    grid_input after = { 1, 0, 0 };
    if (ks_parse_number(answer, strlen(answer), &after.number, &after.missing,
                        NULL) != 0) {
        grid_say(g, 1, "%s: expected a number (1,234  (56)  12.5%%  -), "
                 "got '%s'", name, answer);
        return;
    }
    grid_change_input(g, &after);
    char figure[64];
    ks_get(model, item, period, &value, NULL);
    grid_figure(g, item, &value, figure, sizeof figure);
    grid_say(g, 0, "%s = %s in %s (u undoes)", name, figure,
             grid_scenario_name(g, g->current));
}

static void grid_remove_input(grid_sheet *g)
{
    ks_model *model = grid_model(g);
    if (!model || g->row_count == 0)
        return;
    char name[KS_NAME_MAX + 32];
    grid_cursor_name(g, name, sizeof name);
    if (!ks_is_input(model, g->rows[g->row].item, g->periods[g->column])) {
        grid_say(g, 0, "%s holds no input", name);
        return;
    }
    grid_input none = { 0, 0, 0 };
    grid_change_input(g, &none);
    grid_say(g, 0, "%s: input removed (u undoes)", name);
}

/* ---- formulas and explain ------------------------------------------------------- */

static void grid_formula(grid_sheet *g)
{
    if (g->row_count == 0)
        return;
    ks_item_info info;
    ks_item_get(g->base, g->rows[g->row].item, &info);
    char question[KS_NAME_MAX + 16], answer[GRID_TEXT_MAX];
    snprintf(question, sizeof question, "%s = ", info.id);
    if (!grid_prompt(g, question, info.formula ? info.formula : "", answer,
                     sizeof answer))
        return;
    char id[KS_NAME_MAX + 1];
    snprintf(id, sizeof id, "%s", info.id);
    grid_remember(g);
    ks_error err;
    if (ks_define(g->base, id, answer, NULL, &err) != KS_OK) {
        grid_say(g, 1, "%s", err.message);
        return;
    }
    grid_mark_changes(g);
    grid_say(g, 0, *answer ? "%s = %s" : "%s: formula removed%s", id,
             *answer ? answer : "");
}

/* Append a line to a growing text; 0 or -1. */
static int grid_text_add(char **text, size_t *length, const char *line)
{
    size_t add = strlen(line);
    char *grown = realloc(*text, *length + add + 2);
    if (!grown)
        return -1;
    memcpy(grown + *length, line, add);
    grown[*length + add] = '\n';
    grown[*length + add + 1] = '\0';
    *text = grown;
    *length += add + 1;
    return 0;
}

static int grid_explain_lines(grid_sheet *g, const ks_explain_node *node,
                              int depth, char **text, size_t *length)
{
    char figure[64], line[GRID_TEXT_MAX];
    if (node->item >= 0)
        grid_figure(g, node->item, &node->value, figure, sizeof figure);
    else if (node->value.kind == KS_NUMBER)
        ks_snprintf_c(figure, sizeof figure, "%.10g", node->value.number);
    else
        grid_figure(g, -1, &node->value, figure, sizeof figure);
    const char *provenance = node->value.kind == KS_ERROR ? "error"
                             : node->value.kind == KS_MISSING
                                 ? "missing"
                                 : ks_provenance_name(node->value.provenance);
    snprintf(line, sizeof line, "%*s%s = %s (%s)", 2 * depth, "", node->text,
             figure, provenance);
    if (grid_text_add(text, length, line) != 0)
        return -1;
    for (int i = 0; i < node->child_count && depth < 40; i++)
        if (grid_explain_lines(g, node->children[i], depth + 1, text,
                               length) != 0)
            return -1;
    return 0;
}

static void grid_explain(grid_sheet *g)
{
    ks_model *model = grid_model(g);
    if (!model || g->row_count == 0)
        return;
    ks_explain_node *tree;
    ks_error err;
    char name[KS_NAME_MAX + 48];
    grid_cursor_name(g, name, sizeof name);
    if (ks_explain(model, g->rows[g->row].item, g->periods[g->column], &tree,
                   &err) != KS_OK) {
        grid_say(g, 1, "%s", err.message);
        return;
    }
    char *text = NULL;
    size_t length = 0;
    char why[GRID_TEXT_MAX] = "";
    ks_missing_reason(model, g->rows[g->row].item, g->periods[g->column], why,
                      sizeof why, NULL);
    int failed = *why && grid_text_add(&text, &length, why) != 0;
    if (!failed)
        failed = grid_explain_lines(g, tree, 0, &text, &length);
    ks_explain_free(model, tree);
    if (failed) {
        free(text);
        grid_say(g, 1, "not enough memory for the explain tree");
        return;
    }
    char title[KS_NAME_MAX + 64];
    snprintf(title, sizeof title, "explain %s", name);
    grid_pane_open(g, title, text);
    free(text);
}

/* ---- going to a cell, searching ------------------------------------------------- */

static void grid_goto(grid_sheet *g)
{
    char answer[KS_NAME_MAX + 32];
    if (!grid_prompt(g, "go to (id@PERIOD): ", "", answer, sizeof answer) ||
        !*answer)
        return;
    int item = -1, period = -1;
    ks_error err;
    if (strchr(answer, '@')) {
        if (ks_cell_lookup(g->base, answer, &item, &period, &err) != KS_OK) {
            grid_say(g, 1, "%s", err.message);
            return;
        }
    } else if (ks_period_lookup(g->base, answer, &period, NULL) == KS_OK) {
        item = g->row_count ? g->rows[g->row].item : -1;
    } else if (ks_item_lookup(g->base, answer, &item, &err) != KS_OK) {
        grid_say(g, 1, "%s", err.message);
        return;
    }
    if (item < 0 || grid_view_goto(g, item, period) != 0)
        grid_say(g, 1, "%s is in no statement shown", answer);
    else
        grid_say(g, 0, "%s", answer);
}

static int grid_contains(const char *text, const char *needle)
{
    if (!text)
        return 0;
    size_t n = strlen(needle);
    for (const char *c = text; *c; c++)
        if (strncasecmp(c, needle, n) == 0)
            return 1;
    return 0;
}

static void grid_search_next(grid_sheet *g)
{
    if (!*g->search)
        return;
    int count = ks_item_count(g->base);
    int from = g->row_count ? g->rows[g->row].item : -1;
    for (int step = 1; step <= count; step++) {
        int item = (from + step) % count;
        ks_item_info info;
        if (ks_item_get(g->base, item, &info) != KS_OK)
            continue;
        if ((grid_contains(info.id, g->search) ||
             grid_contains(info.label, g->search) ||
             grid_contains(info.label_ja, g->search)) &&
            grid_view_goto(g, item, -1) == 0) {
            grid_say(g, 0, "/%s: %s (n: the next)", g->search, info.id);
            return;
        }
    }
    grid_say(g, 1, "/%s: no label or id holds it", g->search);
}

static void grid_search(grid_sheet *g)
{
    char answer[sizeof g->search];
    if (!grid_prompt(g, "/", "", answer, sizeof answer) || !*answer)
        return;
    memcpy(g->search, answer, sizeof g->search);
    grid_search_next(g);
}

/* ---- scenarios and the command line --------------------------------------------- */

static void grid_switch(grid_sheet *g)
{
    char names[GRID_TEXT_MAX], question[GRID_TEXT_MAX + 32];
    char answer[KS_NAME_MAX + 1];
    grid_scenario_names(g, names, sizeof names);
    snprintf(question, sizeof question, "scenario (%s): ", names);
    if (grid_prompt(g, question, "", answer, sizeof answer) && *answer)
        grid_scenario_switch(g, answer);
}

static void grid_beside(grid_sheet *g)
{
    char names[GRID_TEXT_MAX], question[GRID_TEXT_MAX + 48];
    char answer[KS_NAME_MAX + 1];
    grid_scenario_names(g, names, sizeof names);
    snprintf(question, sizeof question, "beside (%s; empty: none): ", names);
    if (grid_prompt(g, question, "", answer, sizeof answer))
        grid_scenario_beside(g, answer);
}

static void grid_command_line(grid_sheet *g)
{
    char answer[GRID_TEXT_MAX];
    if (!grid_prompt(g, ":", "", answer, sizeof answer) || !*answer)
        return;
    grid_command(g, answer);
    /* a script may have written to the terminal itself (io.write) */
    clearok(curscr, TRUE);
}

/* ---- moving ------------------------------------------------------------------------ */

static int grid_move_key(grid_sheet *g, int key)
{
    int rows, columns;
    grid_draw_capacity(g, &rows, &columns);
    switch (key) {
    case KEY_UP: case 'k': g->row--; return 1;
    case KEY_DOWN: case 'j': g->row++; return 1;
    case KEY_LEFT: case 'h': g->column--; return 1;
    case KEY_RIGHT: case 'l': g->column++; return 1;
    case KEY_PPAGE: g->row -= rows; g->top -= rows; return 1;
    case KEY_NPAGE: g->row += rows; g->top += rows; return 1;
    case KEY_HOME: g->column = 0; return 1;
    case KEY_END: g->column = g->period_count - 1; return 1;
    case '\t':
        grid_view_select_tab(g, (g->tab + 1) % g->statement_count);
        return 1;
    case KEY_BTAB:
        grid_view_select_tab(g, (g->tab + g->statement_count - 1) %
                                    g->statement_count);
        return 1;
    default: return 0;
    }
}

static int grid_pane_key(grid_sheet *g, int key)
{
    if (!g->pane)
        return 0;
    switch (key) {
    case 27: grid_pane_close(g); return 1;
    case 'J': g->pane_top++; return 1;
    case 'K': if (g->pane_top > 0) g->pane_top--; return 1;
    default: return 0;
    }
}

void grid_key(grid_sheet *g, int key)
{
    if (g->statement_count == 0 && key != 'q' && key != ':')
        return;
    if (grid_pane_key(g, key) || grid_move_key(g, key))
        return;
    switch (key) {
    case 'q': g->quit = 1; break;
    case '\r': case '\n': case KEY_ENTER: grid_edit_cell(g); break;
    case KEY_DC: case 'x': grid_remove_input(g); break;
    case 'u': grid_undo(g); break;
    case 'r': case 18: grid_redo(g); break; /* 18: Ctrl-R */
    case '=': grid_formula(g); break;
    case 'e': grid_explain(g); break;
    case 'g': grid_goto(g); break;
    case '/': grid_search(g); break;
    case 'n': grid_search_next(g); break;
    case 's': grid_switch(g); break;
    case 'S': grid_scenario_save(g); break;
    case 'b': grid_beside(g); break;
    case ':': grid_command_line(g); break;
    case '?': grid_pane_open(g, "keys", grid_help_text); break;
    case KEY_RESIZE: break;
    default:
        if (key > 0 && key < 256 && isprint(key))
            grid_say(g, 0, "'%c' does nothing here (? lists the keys)", key);
        break;
    }
}
