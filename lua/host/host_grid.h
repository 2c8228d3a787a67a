/*
 * host_grid.h -- the parts of `kessan grid` (the model as a sheet in the
 * terminal, docs/grid.md) and what they share: the view (host_grid_view.c:
 * the rows, periods, cursor and the handles it shows), the figures
 * (host_grid_figure.c), the drawing (host_grid_draw.c), the keys and
 * edits (host_grid_keys.c), the Lua command line (host_grid_command.c),
 * scenarios (host_grid_scenario.c) and the terminal's life
 * (host_grid_term.c).  One grid per process.
 */
#ifndef KESSAN_HOST_GRID_H
#define KESSAN_HOST_GRID_H

#include <stddef.h>

#include "host/host.h"
#include "kessan/kessan.h"

#define GRID_STATEMENTS_MAX 16
#define GRID_TEXT_MAX 512
#define GRID_SCENARIOS_MAX 32

/* One row of the sheet: an item of the statement shown. */
typedef struct grid_row {
    int item;
    int depth;        /* levels under its display parents              */
    int heading;      /* no figure in any period (shown blank, as the
                         release prints a heading); -1: not known yet  */
} grid_row;

/* How an item's figures print (the release's form). */
typedef struct grid_form {
    signed char decimals; /* -1: as the figure needs                   */
    unsigned char percent;
} grid_form;

/* One input changed by a key, as it was and as it became. */
typedef struct grid_input {
    int own;          /* the handle holds the input (an override)      */
    int missing;      /* set missing (when own)                        */
    double number;    /* when own and not missing                      */
} grid_input;

typedef struct grid_edit {
    int scenario;     /* index in grid.scenarios, -1: the base model   */
    int item, period;
    grid_input before, after;
} grid_edit;

/* A scenario the grid has open: its handle lives in the Lua registry. */
typedef struct grid_scenario {
    int ref;          /* luaL_ref of the Scenario handle               */
    char name[KS_NAME_MAX + 1];
} grid_scenario;

typedef struct grid_sheet {
    host_state *state;
    const char *path;            /* the model directory                */
    int japanese;                /* --lang ja                          */
    int sandbox;                 /* --sandbox: scripts load as text    */
    int color;                   /* colours (not NO_COLOR, a terminal
                                    that has them)                     */
    int model_ref;               /* luaL_ref of the Model handle `m`   */
    ks_model *base;
    /* what the sheet shows: the base (-1) or a scenario, and the one
     * beside it with a difference column (-1: none, -2: the base) */
    int current, beside;
    grid_scenario scenarios[GRID_SCENARIOS_MAX];
    int scenario_count;

    char statements[GRID_STATEMENTS_MAX][16];
    int statement_count, tab;
    grid_row *rows;
    int row_count;
    int label_longest;           /* the widest indented label of the tab */
    int *periods;                /* in time order                      */
    int period_count;
    grid_form *forms;            /* per item                           */
    int form_count;

    int row, column;             /* the cursor: rows[row], periods[column] */
    int top, left;               /* the first row and column shown     */

    grid_edit *edits;            /* undo: edits[0..done), redo: [done..count) */
    int edit_count, edit_done, edit_capacity;
    double *before;              /* the statement's figures before the
                                    last edit (row x period), NAN none  */
    unsigned char *changed;      /* row x period: changed by it        */
    size_t changed_size;
    int before_top, before_rows; /* the rows `before` holds            */
    char search[256];            /* the last `/` search                */

    char *pane;                  /* the pane's text (explain, command
                                    output), or NULL: closed           */
    char pane_title[96];
    int pane_top;                /* its first line shown               */
    char message[GRID_TEXT_MAX]; /* the status line                    */
    int message_error;
    int quit;
} grid_sheet;

/* ---- host_grid_view.c ---------------------------------------------------- */
/* The model handle the sheet shows now (the base or a scenario); NULL when
 * a script closed it. */
ks_model *grid_model(grid_sheet *g);
ks_model *grid_model_of(grid_sheet *g, int scenario);
/* The statements, rows, periods and forms, anew (after a change of
 * items); the cursor kept on its item where it can.  0 or -1 (memory). */
int grid_view_build(grid_sheet *g);
/* Show statement `tab`: its rows. */
int grid_view_select_tab(grid_sheet *g, int tab);
/* Put the cursor on (item, period), changing tab when needed; 0, or -1
 * when the item is in no statement shown. */
int grid_view_goto(grid_sheet *g, int item, int period);
/* Keep the cursor inside and the view around it, for `rows` body rows and
 * `columns` period columns on screen. */
/* Whether row r is a heading (found out once, when first drawn). */
int grid_row_is_heading(grid_sheet *g, int r);
/* Find the headings out again (after an edit or a command). */
void grid_rows_forget_headings(grid_sheet *g);
void grid_view_clamp(grid_sheet *g, int rows, int columns);
/* "rev.total@3Q02" of the cursor into buf. */
const char *grid_cursor_name(grid_sheet *g, char *buf, size_t size);
/* A label in the chosen language. */
const char *grid_label(grid_sheet *g, const ks_item_info *info);
void grid_view_free(grid_sheet *g);
/* The status line. */
void grid_say(grid_sheet *g, int error, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Open the pane with a title and text (copied); the text may be NULL. */
void grid_pane_open(grid_sheet *g, const char *title, const char *text);
void grid_pane_close(grid_sheet *g);

/* ---- host_grid_figure.c ---------------------------------------------------- */
/* Learn how each item of the model prints (from the release's layout of
 * each statement); 0 or -1 (memory). */
int grid_forms_learn(grid_sheet *g);
/* A cell's value as the release prints it into buf. */
void grid_figure(grid_sheet *g, int item, const ks_value *value, char *buf,
                 size_t size);

/* ---- host_grid_draw.c ---------------------------------------------------- */
void grid_draw(grid_sheet *g);
/* The body rows and period columns the screen holds now. */
void grid_draw_capacity(grid_sheet *g, int *rows, int *columns);
/* Ask a line of text at the bottom, starting with `initial`; 1 when
 * entered, 0 when abandoned (Esc, Ctrl-C). */
int grid_prompt(grid_sheet *g, const char *question, const char *initial,
                char *answer, size_t size);
/* Ask y or n. */
int grid_confirm(grid_sheet *g, const char *question);

/* ---- host_grid_keys.c ---------------------------------------------------- */
/* Act on one key. */
void grid_key(grid_sheet *g, int key);
/* Snapshot the statement's figures, so that the next grid_mark_changes
 * highlights what moved; then mark. */
void grid_remember(grid_sheet *g);
void grid_mark_changes(grid_sheet *g);
/* Undo and redo (also from the command line). */
void grid_undo(grid_sheet *g);
/* The input the handle holds at a cell; an edit done, kept for undo. */
grid_input grid_input_read(ks_model *model, int item, int period);
void grid_edit_record(grid_sheet *g, const grid_edit *edit);
void grid_redo(grid_sheet *g);

/* ---- host_grid_command.c ------------------------------------------------- */
/* Run one command line: `seek T = V by C`, `table C v1 v2 ... -> OUT...`,
 * `run FILE`, or Lua.  Its output goes to the pane. */
void grid_command(grid_sheet *g, const char *line);
/* Bind m, s (the handle shown) and cell (the cursor) for Lua. */
void grid_command_bind(grid_sheet *g);

/* ---- host_grid_scenario.c ------------------------------------------------ */
/* Switch to the scenario `name` ("base": the model), opening it when it is
 * not open yet (from its saved overrides if any). 0 or -1 (said why). */
int grid_scenario_switch(grid_sheet *g, const char *name);
/* The index of an open scenario, opening it: -1 for the base, -2 when it
 * could not (said why). */
int grid_scenario_open(grid_sheet *g, const char *name);
/* Save the current scenario's overrides in the model. */
void grid_scenario_save(grid_sheet *g);
/* Show `name` beside the current one with a difference column ("" or
 * NULL: stop). */
void grid_scenario_beside(grid_sheet *g, const char *name);
/* "base, low, high" (the open and saved names) into buf. */
void grid_scenario_names(grid_sheet *g, char *buf, size_t size);
const char *grid_scenario_name(grid_sheet *g, int scenario);
void grid_scenarios_free(grid_sheet *g);

/* ---- host_grid_term.c ---------------------------------------------------- */
/* Take the terminal (curses, the alternate screen, colours unless
 * NO_COLOR) and the signals that must give it back; 0 or -1. */
int grid_term_begin(grid_sheet *g);
/* Give the terminal back as it was (safe to call twice, and at exit). */
void grid_term_end(void);
/* A SIGTERM, SIGHUP or Ctrl-C (outside a script) asked to leave. */
int grid_term_stopping(void);

#endif
