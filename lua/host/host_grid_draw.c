/*
 * host_grid_draw.c -- drawing the grid with curses: the tabs and the
 * scenario, the formula bar (the cell's name, figure, provenance and
 * formula, or why it is missing), the frozen period header and label
 * column, the figures coloured by provenance (or marked by attributes
 * under NO_COLOR), the pane, the legend and the status line; and the
 * prompt of the bottom line.  Only the cells in view are read.
 */
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "host/host_grid.h"
#include "kessan/text.h"

#define GRID_CELL_WIDTH 13
#define GRID_LABEL_MIN 14
#define GRID_LABEL_MAX 48
#define GRID_PAIR_CHANGED 7
#define GRID_PAIR_BAR 8
#define GRID_TOP_LINES 3   /* tabs, formula bar, period header          */
#define GRID_BOTTOM_LINES 2 /* legend, status                           */
/* Why a cell is missing walks its inputs' paths: in the bar up to this
 * many items, beyond it in the explain pane (e), where it may take long */
#define GRID_REASONS_MAX 5000

/* ---- text by display width ------------------------------------------------- */

/* Bytes of `text` that fit `width` columns; *used gets their width. */
static size_t grid_fit(const char *text, int width, int *used)
{
    size_t at = 0, size = strlen(text);
    int taken = 0;
    while (at < size) {
        uint32_t code_point;
        size_t length = ks_utf8_decode(text + at, size - at, &code_point);
        int w = length ? ks_wcwidth(code_point) : 1;
        if (!length)
            length = 1;
        if (taken + w > width)
            break;
        taken += w;
        at += length;
    }
    *used = taken;
    return at;
}

/* Write text at (y, x) in exactly `width` columns, left or right. */
static void grid_put(int y, int x, const char *text, int width, int right)
{
    if (width <= 0)
        return;
    int used;
    size_t bytes = grid_fit(text, width, &used);
    int pad = width - used;
    move(y, x);
    if (right)
        for (int i = 0; i < pad; i++)
            addch(' ');
    addnstr(text, (int)bytes);
    if (!right)
        for (int i = 0; i < pad; i++)
            addch(' ');
}

/* Text in `width` columns from the left, ending in "\u2026" when cut. */
static void grid_put_cut(int y, int x, const char *text, int width)
{
    int used;
    if (width < 2 || grid_fit(text, width, &used) == strlen(text)) {
        grid_put(y, x, text, width, 0);
        return;
    }
    size_t bytes = grid_fit(text, width - 1, &used);
    char cut[GRID_TEXT_MAX];
    snprintf(cut, sizeof cut, "%.*s\u2026", (int)bytes, text);
    grid_put(y, x, cut, width, 0);
}

/* The label column: as wide as the tab's widest label, but leaving room
 * for four periods on a wide enough screen (a third of a narrow one), and
 * at most GRID_LABEL_MAX. */
static int grid_label_width(grid_sheet *g)
{
    int room = COLS - 4 * GRID_CELL_WIDTH;
    int cap = room > COLS / 3 ? room : COLS / 3;
    int width = g->label_longest + 1;
    if (width > cap)
        width = cap;
    if (width > GRID_LABEL_MAX)
        width = GRID_LABEL_MAX;
    return width < GRID_LABEL_MIN ? GRID_LABEL_MIN : width;
}

static int grid_group_width(grid_sheet *g)
{
    return g->beside != -1 ? 3 * GRID_CELL_WIDTH : GRID_CELL_WIDTH;
}

static int grid_pane_height(grid_sheet *g)
{
    if (!g->pane)
        return 0;
    int room = LINES - GRID_TOP_LINES - GRID_BOTTOM_LINES;
    return room / 2 < 3 ? 0 : room / 2;
}

void grid_draw_capacity(grid_sheet *g, int *rows, int *columns)
{
    *rows = LINES - GRID_TOP_LINES - GRID_BOTTOM_LINES - grid_pane_height(g);
    *columns = (COLS - grid_label_width(g)) / grid_group_width(g);
    if (*rows < 1)
        *rows = 1;
    if (*columns < 1)
        *columns = 1;
}

/* ---- attributes -------------------------------------------------------------- */

static attr_t grid_value_attr(grid_sheet *g, const ks_value *value, int *pair)
{
    int p = 1;
    attr_t plain = A_NORMAL;
    if (value->kind == KS_ERROR) {
        p = 5;
        plain = A_BOLD | A_UNDERLINE;
    } else if (value->kind == KS_MISSING) {
        p = 6;
        plain = A_DIM;
    } else if (value->provenance == KS_PROV_COMPUTED) {
        p = 2;
    } else if (value->provenance == KS_PROV_IMPLIED) {
        p = 3;
        plain = A_UNDERLINE;
    } else if (value->provenance == KS_PROV_OVERRIDDEN) {
        p = 4;
        plain = A_BOLD;
    }
    *pair = g->color ? p : 0;
    return g->color ? A_NORMAL : plain;
}

static void grid_attr_on(attr_t attr, int pair)
{
    attr_set(attr, (short)pair, NULL);
}

/* ---- the parts ---------------------------------------------------------------- */

static void grid_draw_tabs(grid_sheet *g)
{
    move(0, 0);
    clrtoeol();
    int x = 0;
    for (int t = 0; t < g->statement_count && x < COLS; t++) {
        attr_t attr = t == g->tab ? A_REVERSE | A_BOLD : A_NORMAL;
        grid_attr_on(attr, 0);
        char tab[24];
        snprintf(tab, sizeof tab, " %s ", g->statements[t]);
        int width = (int)strlen(tab);
        grid_put(0, x, tab, width > COLS - x ? COLS - x : width, 0);
        x += width + 1;
    }
    grid_attr_on(A_NORMAL, 0);
    char right[2 * KS_NAME_MAX + 64];
    if (g->beside != -1)
        snprintf(right, sizeof right, "scenario: %s | beside: %s",
                 grid_scenario_name(g, g->current),
                 grid_scenario_name(g, g->beside == -2 ? -1 : g->beside));
    else
        snprintf(right, sizeof right, "scenario: %s",
                 grid_scenario_name(g, g->current));
    int used;
    grid_fit(right, COLS, &used);
    if (x + 2 + used <= COLS)
        grid_put(0, COLS - used, right, used, 0);
}

/* The cell's name, figure, provenance, then its formula or why it is
 * missing (or the error). */
static void grid_draw_bar(grid_sheet *g)
{
    char line[GRID_TEXT_MAX * 2], name[KS_NAME_MAX + 32], figure[64];
    move(1, 0);
    clrtoeol();
    if (g->row_count == 0)
        return;
    ks_model *model = grid_model(g);
    int item = g->rows[g->row].item, period = g->periods[g->column];
    ks_value value;
    ks_item_info info;
    if (!model || ks_get(model, item, period, &value, NULL) != KS_OK ||
        ks_item_get(g->base, item, &info) != KS_OK)
        return;
    grid_cursor_name(g, name, sizeof name);
    grid_figure(g, item, &value, figure, sizeof figure);
    const char *provenance = value.kind == KS_ERROR ? "error"
                             : value.kind == KS_MISSING
                                 ? "missing"
                                 : ks_provenance_name(value.provenance);
    char why[256] = "";
    if (value.kind == KS_MISSING && ks_item_count(g->base) <= GRID_REASONS_MAX)
        ks_missing_reason(model, item, period, why, sizeof why, NULL);
    else if (value.kind == KS_MISSING)
        snprintf(why, sizeof why, "  (e: why)");
    else if (value.kind == KS_ERROR && value.error)
        snprintf(why, sizeof why, "%s", value.error);
    snprintf(line, sizeof line, "%s = %s  [%s%s]  %s%s%s", name, figure,
             provenance, ks_is_input(model, item, period) ? ", input" : "",
             info.formula ? "= " : "", info.formula ? info.formula : "", why);
    grid_attr_on(A_BOLD, 0);
    grid_put(1, 0, line, COLS, 0);
    grid_attr_on(A_NORMAL, 0);
}

static void grid_draw_header(grid_sheet *g, int columns)
{
    int label = grid_label_width(g);
    grid_attr_on(g->color ? A_NORMAL : A_REVERSE, g->color ? GRID_PAIR_BAR : 0);
    move(2, 0);
    for (int x = 0; x < COLS; x++)
        addch(' ');
    char title[64];
    snprintf(title, sizeof title, "%s", g->statement_count
                                            ? g->statements[g->tab] : "");
    grid_put(2, 0, title, label, 0);
    for (int c = 0; c < columns && g->left + c < g->period_count; c++) {
        char id[16];
        int x = label + c * grid_group_width(g);
        ks_period_id(g->base, g->periods[g->left + c], id, sizeof id);
        grid_put(2, x, id, GRID_CELL_WIDTH - 1, 1);
        if (g->beside == -1)
            continue;
        char other[KS_NAME_MAX + 8];
        snprintf(other, sizeof other, "%s",
                 grid_scenario_name(g, g->beside == -2 ? -1 : g->beside));
        grid_put(2, x + GRID_CELL_WIDTH, other, GRID_CELL_WIDTH - 1, 1);
        grid_put(2, x + 2 * GRID_CELL_WIDTH, "diff", GRID_CELL_WIDTH - 1, 1);
    }
    grid_attr_on(A_NORMAL, 0);
}

static int grid_is_changed(grid_sheet *g, int row, int column)
{
    size_t at = (size_t)row * (size_t)g->period_count + (size_t)column;
    return g->changed && at < g->changed_size && g->changed[at];
}

static void grid_draw_value(grid_sheet *g, int y, int x, int item,
                            const ks_value *value, int cursor, int changed)
{
    char figure[64];
    int pair;
    attr_t attr = grid_value_attr(g, value, &pair);
    grid_figure(g, item, value, figure, sizeof figure);
    if (changed && g->color)
        pair = GRID_PAIR_CHANGED;
    else if (changed)
        attr |= A_STANDOUT;
    if (cursor)
        attr |= A_REVERSE;
    grid_attr_on(attr, pair);
    grid_put(y, x, figure, GRID_CELL_WIDTH - 1, 1);
    grid_attr_on(A_NORMAL, 0);
    addch(changed && !g->color ? '*' : ' ');
}

static void grid_draw_difference(grid_sheet *g, int y, int x, int item,
                                 const ks_value *a, const ks_value *b)
{
    ks_value difference;
    ks_value_sub(a, b, &difference);
    difference.provenance = KS_PROV_COMPUTED;
    int nonzero = difference.kind == KS_NUMBER && difference.number != 0;
    char figure[64];
    grid_figure(g, item, &difference, figure, sizeof figure);
    grid_attr_on(nonzero ? A_BOLD : A_DIM, 0);
    grid_put(y, x, a->kind == KS_NUMBER && b->kind == KS_NUMBER && !nonzero
                       ? "0" : figure, GRID_CELL_WIDTH - 1, 1);
    grid_attr_on(A_NORMAL, 0);
}

static void grid_draw_row(grid_sheet *g, int y, int r, int columns)
{
    ks_model *model = grid_model(g);
    ks_model *other = g->beside == -1 ? NULL
                      : grid_model_of(g, g->beside == -2 ? -1 : g->beside);
    int label = grid_label_width(g);
    grid_row *row = &g->rows[r];
    ks_item_info info;
    ks_item_get(g->base, row->item, &info);
    char text[GRID_TEXT_MAX];
    int indent = 2 * row->depth;
    snprintf(text, sizeof text, "%*s%s", indent, "", grid_label(g, &info));
    grid_attr_on(r == g->row ? A_BOLD : A_NORMAL, 0);
    grid_put_cut(y, 0, text, label - 1);
    grid_attr_on(A_NORMAL, 0);
    addch(' ');
    int heading = grid_row_is_heading(g, r);
    for (int c = 0; c < columns && g->left + c < g->period_count; c++) {
        int column = g->left + c;
        int x = label + c * grid_group_width(g);
        if (heading && !(r == g->row && column == g->column))
            continue;
        ks_value value = { KS_MISSING, KS_PROV_NONE, 0, NULL };
        if (model)
            ks_get(model, row->item, g->periods[column], &value, NULL);
        grid_draw_value(g, y, x, row->item, &value,
                        r == g->row && column == g->column,
                        grid_is_changed(g, r, column));
        if (!other)
            continue;
        ks_value beside = { KS_MISSING, KS_PROV_NONE, 0, NULL };
        ks_get(other, row->item, g->periods[column], &beside, NULL);
        grid_draw_value(g, y, x + GRID_CELL_WIDTH, row->item, &beside, 0, 0);
        grid_draw_difference(g, y, x + 2 * GRID_CELL_WIDTH, row->item, &value,
                             &beside);
    }
    clrtoeol();
}

static void grid_draw_pane(grid_sheet *g, int y, int height)
{
    char title[160];
    snprintf(title, sizeof title, "-- %s (Esc closes, J/K scroll) ",
             g->pane_title);
    grid_attr_on(A_REVERSE, 0);
    move(y, 0);
    for (int x = 0; x < COLS; x++)
        addch('-');
    grid_put(y, 0, title, COLS, 0);
    grid_attr_on(A_NORMAL, 0);
    const char *line = g->pane;
    for (int skip = 0; skip < g->pane_top && line; skip++) {
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    for (int i = 1; i < height; i++) {
        move(y + i, 0);
        clrtoeol();
        if (!line || !*line)
            continue;
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        char text[GRID_TEXT_MAX];
        snprintf(text, sizeof text, "%.*s",
                 (int)(length < sizeof text ? length : sizeof text - 1),
                 line);
        grid_put(y + i, 0, text, COLS, 0);
        line = end ? end + 1 : NULL;
    }
}

static void grid_draw_legend(grid_sheet *g, int y)
{
    static const char *const names[] = { "reported", "computed", "implied",
                                         "overridden", "error", "missing" };
    static const char *const plain[] = { "", "", "_", "bold", "", "dim" };
    move(y, 0);
    clrtoeol();
    int x = 0;
    for (int i = 0; i < 6; i++) {
        char word[32];
        if (g->color)
            snprintf(word, sizeof word, "%s", names[i]);
        else
            snprintf(word, sizeof word, "%s%s%s%s", names[i],
                     *plain[i] ? "(" : "", plain[i], *plain[i] ? ")" : "");
        int width = (int)strlen(word);
        if (x + width >= COLS)
            return;
        grid_attr_on(A_NORMAL, g->color ? i + 1 : 0);
        grid_put(y, x, word, width, 0);
        x += width + 1;
    }
    const char *changed = g->color ? "changed" : "changed(*)";
    int width = (int)strlen(changed);
    if (x + width < COLS) {
        grid_attr_on(g->color ? A_NORMAL : A_STANDOUT,
                     g->color ? GRID_PAIR_CHANGED : 0);
        grid_put(y, x, changed, width, 0);
        x += width + 1;
    }
    grid_attr_on(A_NORMAL, 0);
    const char *keys = "? help";
    if (x + (int)strlen(keys) < COLS)
        grid_put(y, COLS - (int)strlen(keys), keys, (int)strlen(keys), 0);
}

static void grid_draw_status(grid_sheet *g)
{
    move(LINES - 1, 0);
    clrtoeol();
    grid_attr_on(g->message_error ? A_BOLD : A_NORMAL,
                 g->message_error && g->color ? 5 : 0);
    grid_put(LINES - 1, 0, g->message, COLS - 1, 0);
    grid_attr_on(A_NORMAL, 0);
}

void grid_draw(grid_sheet *g)
{
    int rows, columns;
    grid_draw_capacity(g, &rows, &columns);
    grid_view_clamp(g, rows, columns);
    erase();
    grid_draw_tabs(g);
    grid_draw_bar(g);
    grid_draw_header(g, columns);
    for (int i = 0; i < rows && g->top + i < g->row_count; i++)
        grid_draw_row(g, GRID_TOP_LINES + i, g->top + i, columns);
    int height = grid_pane_height(g);
    if (height)
        grid_draw_pane(g, GRID_TOP_LINES + rows, height);
    grid_draw_legend(g, LINES - 2);
    grid_draw_status(g);
    refresh();
}

/* ---- the prompt ---------------------------------------------------------------- */

/* Remove the last UTF-8 character of text. */
static void grid_erase_last(char *text)
{
    size_t length = strlen(text);
    while (length > 0 && ((unsigned char)text[length - 1] & 0xC0) == 0x80)
        length--;
    if (length > 0)
        length--;
    text[length] = '\0';
}

static void grid_append(char *text, size_t size, wint_t ch)
{
    char bytes[MB_LEN_MAX];
    mbstate_t state;
    memset(&state, 0, sizeof state);
    size_t n = wcrtomb(bytes, (wchar_t)ch, &state);
    size_t length = strlen(text);
    if (n == (size_t)-1 || length + n + 1 > size)
        return;
    memcpy(text + length, bytes, n);
    text[length + n] = '\0';
}

static void grid_draw_prompt(const char *question, const char *answer)
{
    char line[GRID_TEXT_MAX * 2];
    snprintf(line, sizeof line, "%s%s", question, answer);
    int used;
    size_t length = strlen(line);
    /* the end of a long answer stays in view */
    const char *shown = line;
    while (grid_fit(shown, COLS - 1, &used) < strlen(shown) && *shown)
        shown++;
    move(LINES - 1, 0);
    clrtoeol();
    grid_attr_on(A_BOLD, 0);
    addstr(shown);
    grid_attr_on(A_NORMAL, 0);
    (void)length;
    refresh();
}

int grid_prompt(grid_sheet *g, const char *question, const char *initial,
                char *answer, size_t size)
{
    (void)g;
    snprintf(answer, size, "%s", initial ? initial : "");
    curs_set(1);
    for (;;) {
        grid_draw_prompt(question, answer);
        wint_t ch;
        int kind = get_wch(&ch);
        if (grid_term_stopping()) {
            curs_set(0);
            return 0;
        }
        if (kind == ERR)
            continue;
        if (kind == KEY_CODE_YES) {
            if (ch == KEY_BACKSPACE)
                grid_erase_last(answer);
            else if (ch == KEY_ENTER)
                break;
            else if (ch == KEY_RESIZE)
                grid_draw(g);
            continue;
        }
        if (ch == 27 || ch == 3 || ch == 7) { /* Esc, Ctrl-C, Ctrl-G */
            curs_set(0);
            return 0;
        }
        if (ch == '\r' || ch == '\n')
            break;
        if (ch == 127 || ch == 8)
            grid_erase_last(answer);
        else if (ch == 21) /* Ctrl-U */
            answer[0] = '\0';
        else if (ch >= 32)
            grid_append(answer, size, ch);
    }
    curs_set(0);
    return 1;
}

int grid_confirm(grid_sheet *g, const char *question)
{
    char answer[8];
    if (!grid_prompt(g, question, "", answer, sizeof answer))
        return 0;
    return answer[0] == 'y' || answer[0] == 'Y';
}
