/*
 * host_grid_command.c -- the grid's command line (`:`), in the grid's own
 * Lua state, under the limits and sandbox it was started with (as `kessan
 * run`: host_state.c):
 *   seek TARGET = VALUE by CELL   goal seek on the scenario shown (undo
 *                                 takes it back)
 *   table CELL V1 V2 ... -> OUT...  a one-way data table
 *   run FILE                      a Lua script
 *   anything else                 Lua: an expression's values or a
 *                                 statement; m is the model, s the
 *                                 scenario shown, cell the cursor's id
 * What it prints and returns goes to the pane; an error is its message,
 * without a traceback.  The sheet is rebuilt after (a script may define
 * items), and the figures that moved are marked.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_grid.h"
#include "kessan/text.h"
#include "kessan/whatif.h"

#define GRID_TABLE_VALUES 64
#define GRID_TABLE_OUTPUTS 8

/* ---- output gathered for the pane -------------------------------------------- */

typedef struct grid_output {
    char *text;
    size_t length;
    int failed;     /* out of memory                                    */
    int cut;        /* beyond GRID_OUTPUT_MAX: the rest dropped         */
} grid_output;

/* What a command may leave in the pane: 1 MB (a script printing in a
 * loop runs on, under its limits, but its output stops here). */
#define GRID_OUTPUT_MAX (1024 * 1024)
#define GRID_OUTPUT_CUT "\n(output cut at 1 MB)\n"

static void grid_output_add(grid_output *out, const char *bytes, size_t size)
{
    if (out->failed || out->cut)
        return;
    if (out->length + size > GRID_OUTPUT_MAX) {
        out->cut = 1;
        bytes = GRID_OUTPUT_CUT;
        size = sizeof GRID_OUTPUT_CUT - 1;
    }
    char *grown = realloc(out->text, out->length + size + 1);
    if (!grown) {
        out->failed = 1;
        return;
    }
    memcpy(grown + out->length, bytes, size);
    out->length += size;
    grown[out->length] = '\0';
    out->text = grown;
}

static void grid_output_line(grid_output *out, const char *line)
{
    grid_output_add(out, line, strlen(line));
    grid_output_add(out, "\n", 1);
}

/* print() while a command runs: into the pane (upvalue 1). */
static int grid_print(lua_State *L)
{
    grid_output *out = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t length;
        const char *text = luaL_tolstring(L, i, &length);
        if (i > 1)
            grid_output_add(out, "\t", 1);
        grid_output_add(out, text, length);
        lua_pop(L, 1);
    }
    grid_output_add(out, "\n", 1);
    return 0;
}

/* ---- the globals ------------------------------------------------------------------ */

void grid_command_bind(grid_sheet *g)
{
    lua_State *L = host_lua(g->state);
    char name[KS_NAME_MAX + 32];
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->model_ref);
    lua_setglobal(L, "m");
    if (g->current >= 0)
        lua_rawgeti(L, LUA_REGISTRYINDEX, g->scenarios[g->current].ref);
    else
        lua_rawgeti(L, LUA_REGISTRYINDEX, g->model_ref);
    lua_setglobal(L, "s");
    lua_pushstring(L, grid_cursor_name(g, name, sizeof name));
    lua_setglobal(L, "cell");
}

/* ---- Lua ------------------------------------------------------------------------- */

/* Protected: the chunk at 1 run with print going to the output (light
 * userdata 2); its values written there too. */
static int grid_lua_call(lua_State *L)
{
    grid_output *out = lua_touserdata(L, 2);
    lua_getglobal(L, "print");
    lua_pushlightuserdata(L, out);
    lua_pushcclosure(L, grid_print, 1);
    lua_setglobal(L, "print");
    lua_pushvalue(L, 1);
    int status = lua_pcall(L, 0, LUA_MULTRET, 0);
    lua_pushvalue(L, 3);
    lua_setglobal(L, "print");
    if (status != LUA_OK)
        return lua_error(L);
    int top = lua_gettop(L);
    for (int i = 4; i <= top; i++) {
        size_t n;
        const char *value = luaL_tolstring(L, i, &n);
        grid_output_add(out, value, n);
        grid_output_add(out, "\n", 1);
        lua_pop(L, 1);
    }
    return 0;
}

/* Protected: the text at 1 compiled as `return TEXT` or as a statement
 * (text only), then run by grid_lua_call with the output at 2. */
static int grid_lua_text(lua_State *L)
{
    size_t length;
    const char *text = lua_tolstring(L, 1, &length);
    const char *expression = lua_pushfstring(L, "return %s;", text);
    if (luaL_loadbufferx(L, expression, strlen(expression), "=command",
                         "t") != LUA_OK) {
        lua_pop(L, 1);
        if (luaL_loadbufferx(L, text, length, "=command", "t") != LUA_OK)
            return lua_error(L);
    }
    lua_replace(L, 1);
    lua_settop(L, 2);
    return grid_lua_call(L);
}

/* Protected: the file at 1, its path checked by the sandbox's rules and
 * text only under it (the mode at 3), run by grid_lua_call. */
static int grid_lua_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lk_check_path(L, path, LK_PATH_READ);
    if (luaL_loadfilex(L, path, lua_toboolean(L, 3) ? "t" : NULL) != LUA_OK)
        return lua_error(L);
    lua_replace(L, 1);
    lua_settop(L, 2);
    return grid_lua_call(L);
}

/* The first line of the message on top, without the traceback. */
static void grid_lua_error(grid_output *out, lua_State *L)
{
    const char *message = lua_tostring(L, -1);
    if (!message)
        message = "(error object is not a string)";
    const char *traceback = strstr(message, "\nstack traceback:");
    size_t length = traceback ? (size_t)(traceback - message)
                              : strlen(message);
    grid_output_add(out, "error: ", 7);
    grid_output_add(out, message, length);
    grid_output_add(out, "\n", 1);
    lua_pop(L, 1);
}

/* Lua text, or with `file` the script it names. */
static void grid_lua(grid_sheet *g, const char *text, int file,
                     grid_output *out)
{
    lua_State *L = host_lua(g->state);
    lua_pushcfunction(L, file ? grid_lua_file : grid_lua_text);
    lua_pushstring(L, text);
    lua_pushlightuserdata(L, out);
    lua_pushboolean(L, g->sandbox);
    if (host_call(g->state, 3, 0) != LUA_OK)
        grid_lua_error(out, L);
}

/* ---- seek and table -------------------------------------------------------------- */

static char *grid_trim(char *text)
{
    while (*text == ' ')
        text++;
    size_t length = strlen(text);
    while (length > 0 && text[length - 1] == ' ')
        text[--length] = '\0';
    return text;
}

static int grid_cell(grid_sheet *g, char *text, ks_cell_ref *cell,
                     grid_output *out)
{
    ks_error err;
    if (ks_cell_lookup(g->base, grid_trim(text), &cell->item, &cell->period,
                       &err) != KS_OK) {
        grid_output_line(out, err.message);
        return -1;
    }
    return 0;
}

static int grid_number(char *text, double *number)
{
    int missing = 0;
    text = grid_trim(text);
    return ks_parse_number(text, strlen(text), number, &missing, NULL) == 0 &&
                   !missing ? 0 : -1;
}

/* seek TARGET = VALUE by CELL */
static void grid_seek(grid_sheet *g, char *spec, grid_output *out)
{
    char *equals = strchr(spec, '=');
    char *by = strstr(spec, " by ");
    ks_cell_ref target, vary;
    double value;
    if (!equals || !by || by < equals) {
        grid_output_line(out, "seek: expected 'seek TARGET = VALUE by CELL', "
                              "as in seek op_income@4Q02 = 0 by rev.si@4Q02");
        return;
    }
    *equals = '\0';
    *by = '\0';
    if (grid_cell(g, spec, &target, out) != 0 ||
        grid_cell(g, by + 4, &vary, out) != 0)
        return;
    if (grid_number(equals + 1, &value) != 0) {
        grid_output_line(out, "seek: the value after '=' is not a number");
        return;
    }
    ks_model *model = grid_model(g);
    ks_goalseek_options options;
    ks_goalseek_defaults(&options);
    ks_goalseek_result result;
    ks_error err;
    char line[GRID_TEXT_MAX], t[KS_NAME_MAX + 16], v[KS_NAME_MAX + 16];
    ks_cell_name(g->base, target, t, sizeof t);
    ks_cell_name(g->base, vary, v, sizeof v);
    grid_edit edit = { g->current, vary.item, vary.period,
                       grid_input_read(model, vary.item, vary.period),
                       { 0, 0, 0 } };
    if (ks_goalseek(model, target, value, vary, &options, &result, &err) !=
        KS_OK) {
        grid_output_line(out, err.message);
        return;
    }
    edit.after = grid_input_read(model, vary.item, vary.period);
    grid_edit_record(g, &edit);
    grid_view_goto(g, vary.item, vary.period);
    ks_snprintf_c(line, sizeof line,
                  "%s = %.15g gives %s = %.15g (%d iteration%s, residual "
                  "%.3g)", v, result.solution, t, value + result.residual,
                  result.iterations, result.iterations == 1 ? "" : "s",
                  result.residual);
    grid_output_line(out, line);
}

static int grid_table_cells(grid_sheet *g, char *list, ks_cell_ref *cells,
                            int max, grid_output *out)
{
    int count = 0;
    for (char *word = strtok(list, " "); word; word = strtok(NULL, " ")) {
        if (count >= max) {
            grid_output_line(out, "table: too many outputs");
            return -1;
        }
        if (grid_cell(g, word, &cells[count], out) != 0)
            return -1;
        count++;
    }
    return count;
}

static void grid_table_write(grid_sheet *g, const ks_grid *table, grid_output *out)
{
    char line[GRID_TEXT_MAX], cell[64];
    int at = snprintf(line, sizeof line, "%-16s", table->row_name);
    for (int k = 0; k < table->output_count && at < (int)sizeof line; k++)
        at += snprintf(line + at, sizeof line - (size_t)at, " %18s",
                       table->output_names[k]);
    grid_output_line(out, line);
    for (int i = 0; i < table->row_count; i++) {
        ks_snprintf_c(cell, sizeof cell, "%.10g", table->row_values[i]);
        at = snprintf(line, sizeof line, "%-16s", cell);
        for (int k = 0; k < table->output_count && at < (int)sizeof line; k++) {
            ks_point point = ks_grid_at(table, k, i, 0);
            if (point.kind == KS_NUMBER)
                ks_snprintf_c(cell, sizeof cell, "%.10g", point.number);
            else
                snprintf(cell, sizeof cell, "%s",
                         point.kind == KS_MISSING ? "-" : "#ERR");
            at += snprintf(line + at, sizeof line - (size_t)at, " %18s", cell);
        }
        grid_output_line(out, line);
    }
    (void)g;
}

/* table CELL V1 V2 ... -> OUT... */
static void grid_table(grid_sheet *g, char *spec, grid_output *out)
{
    char *arrow = strstr(spec, "->");
    if (!arrow) {
        grid_output_line(out, "table: expected 'table CELL V1 V2 ... -> "
                              "OUT...', as in table rev.si@4Q02 0 1e6 -> "
                              "op_income@4Q02");
        return;
    }
    *arrow = '\0';
    ks_cell_ref outputs[GRID_TABLE_OUTPUTS];
    int output_count = grid_table_cells(g, arrow + 2, outputs,
                                        GRID_TABLE_OUTPUTS, out);
    if (output_count <= 0) {
        if (output_count == 0)
            grid_output_line(out, "table: no output after '->'");
        return;
    }
    double values[GRID_TABLE_VALUES];
    ks_table_axis axis = { { 0, 0 }, values, 0 };
    char *word = strtok(spec, " ");
    if (!word || grid_cell(g, word, &axis.cell, out) != 0)
        return;
    while ((word = strtok(NULL, " ")) != NULL) {
        if (axis.count >= GRID_TABLE_VALUES ||
            grid_number(word, &values[axis.count]) != 0) {
            grid_output_line(out, "table: expected up to 64 numbers after "
                                  "the cell");
            return;
        }
        axis.count++;
    }
    ks_grid *table;
    ks_error err;
    if (ks_datatable(grid_model(g), &axis, NULL, outputs, output_count,
                     &table, &err) != KS_OK) {
        grid_output_line(out, err.message);
        return;
    }
    grid_table_write(g, table, out);
    ks_grid_free(table);
}

/* ---- one command ---------------------------------------------------------------- */

static void grid_command_dispatch(grid_sheet *g, char *line, grid_output *out)
{
    if (strncmp(line, "seek ", 5) == 0)
        grid_seek(g, line + 5, out);
    else if (strncmp(line, "table ", 6) == 0)
        grid_table(g, line + 6, out);
    else if (strncmp(line, "run ", 4) == 0)
        grid_lua(g, grid_trim(line + 4), 1, out);
    else
        grid_lua(g, line, 0, out);
}

void grid_command(grid_sheet *g, const char *line)
{
    char text[GRID_TEXT_MAX];
    snprintf(text, sizeof text, "%s", line);
    grid_output out = { NULL, 0, 0, 0 };
    grid_command_bind(g);
    grid_remember(g);
    grid_command_dispatch(g, grid_trim(text), &out);
    if (!grid_model_of(g, -1)) {
        grid_say(g, 1, "the model was closed by the command");
        g->quit = 1;
        free(out.text);
        return;
    }
    grid_view_build(g);
    grid_mark_changes(g);
    grid_pane_open(g, line, out.failed ? "not enough memory for the output"
                                       : out.text ? out.text : "(no output)");
    if (out.cut)
        grid_say(g, 1, "output cut at 1 MB: :%s", line);
    else
        grid_say(g, 0, ":%s", line);
    free(out.text);
}
