/*
 * text_table.c -- writing text (text.h): sinks, formatted lines, RFC 4180
 * CSV fields and rows, and tables as aligned text or Markdown.  Used by
 * the statement layout, the values export, the tie-out report and the Lua
 * binding's printed tables alike, so that a field is quoted and a column
 * aligned by one rule everywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "kessan/text.h"

#define PRINTF_STACK 512

/* ---- sinks -------------------------------------------------------------- */

static int write_stream(void *context, const char *bytes, size_t size)
{
    return fwrite(bytes, 1, size, (FILE *)context) == size ? 0 : -1;
}

ks_text_sink ks_text_sink_of(ks_text_write_fn write, void *context)
{
    ks_text_sink sink = { write, context, NULL, 0 };
    return sink;
}

ks_text_sink ks_text_sink_stream(FILE *stream)
{
    return ks_text_sink_of(write_stream, stream);
}

void ks_text_put(ks_text_sink *sink, const char *bytes, size_t size)
{
    if (sink->failed || size == 0)
        return;
    if (sink->write(sink->context, bytes, size) != 0)
        sink->failed = 1;
}

void ks_text_puts(ks_text_sink *sink, const char *text)
{
    ks_text_put(sink, text, strlen(text));
}

void ks_text_spaces(ks_text_sink *sink, size_t count)
{
    static const char spaces[] = "                                ";
    while (count > 0) {
        size_t chunk = count < sizeof spaces - 1 ? count : sizeof spaces - 1;
        ks_text_put(sink, spaces, chunk);
        count -= chunk;
    }
}

void ks_text_printf(ks_text_sink *sink, const char *format, ...)
{
    char stack[PRINTF_STACK];
    va_list args;
    va_start(args, format);
    int length = ks_vsnprintf_c(stack, sizeof stack, format, args);
    va_end(args);
    if (length < 0) {
        sink->failed = 1;
        return;
    }
    if ((size_t)length < sizeof stack) {
        ks_text_put(sink, stack, (size_t)length);
        return;
    }
    const ks_allocator *alloc =
        sink->alloc ? sink->alloc : ks_default_allocator();
    char *line = ks_mem_alloc(alloc, (size_t)length + 1);
    if (!line) {
        sink->failed = 1;
        return;
    }
    va_start(args, format);
    ks_vsnprintf_c(line, (size_t)length + 1, format, args);
    va_end(args);
    ks_text_put(sink, line, (size_t)length);
    ks_mem_free(alloc, line);
}

/* ---- CSV ---------------------------------------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int needs_quotes(const char *text, size_t length)
{
    if (length == 0)
        return 0;
    if (is_blank(text[0]) || is_blank(text[length - 1]))
        return 1;
    return strpbrk(text, ",\"\r\n") != NULL;
}

void ks_text_csv_field(ks_text_sink *sink, const char *text)
{
    if (!text)
        return;
    size_t length = strlen(text);
    if (!needs_quotes(text, length)) {
        ks_text_put(sink, text, length);
        return;
    }
    ks_text_put(sink, "\"", 1);
    const char *at = text;
    for (const char *quote; (quote = strchr(at, '"')) != NULL;
         at = quote + 1) {
        ks_text_put(sink, at, (size_t)(quote - at) + 1); /* with the quote */
        ks_text_put(sink, "\"", 1);                      /* doubled        */
    }
    ks_text_puts(sink, at);
    ks_text_put(sink, "\"", 1);
}

void ks_text_csv_row(ks_text_sink *sink, const char *const *fields,
                     size_t count, const char *line_end)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            ks_text_put(sink, ",", 1);
        ks_text_csv_field(sink, fields[i]);
    }
    ks_text_puts(sink, line_end);
}

/* ---- tables ------------------------------------------------------------- */

static const char *cell_of(const ks_text_table *table, size_t row,
                           size_t column)
{
    return table->cells[row * table->columns + column];
}

static ks_text_align align_of(const ks_text_table *table, size_t column)
{
    if (table->align)
        return table->align[column];
    return column == 0 ? KS_TEXT_LEFT : KS_TEXT_RIGHT;
}

static size_t depth_of(const ks_text_table *table, size_t row)
{
    return table->depth && table->depth[row] > 0 ? (size_t)table->depth[row]
                                                 : 0;
}

/* Display width of a cell, with its row's indent in the first column. */
static size_t cell_width(const ks_text_table *table, size_t row,
                         size_t column)
{
    const char *cell = cell_of(table, row, column);
    size_t indent = column == 0 ? 2 * depth_of(table, row) : 0;
    return indent + (cell ? ks_display_width(cell) : 0);
}

/* How many cells of the row come before its first NULL one. */
static size_t present_cells(const ks_text_table *table, size_t row)
{
    size_t count = 0;
    while (count < table->columns && cell_of(table, row, count))
        count++;
    return count;
}

static void measure_columns(const ks_text_table *table)
{
    for (size_t c = 0; c < table->columns; c++)
        table->widths[c] = 0;
    for (size_t r = 0; r < table->rows; r++) {
        size_t present = present_cells(table, r);
        for (size_t c = 0; c < present; c++) {
            size_t width = cell_width(table, r, c);
            if (width > table->widths[c])
                table->widths[c] = width;
        }
    }
}

static void write_text_row(ks_text_sink *sink, const ks_text_table *table,
                           size_t row)
{
    size_t present = present_cells(table, row);
    for (size_t c = 0; c < present; c++) {
        size_t pad = table->widths[c] - cell_width(table, row, c);
        if (c > 0)
            ks_text_spaces(sink, table->gap);
        if (align_of(table, c) == KS_TEXT_RIGHT)
            ks_text_spaces(sink, pad);
        if (c == 0)
            ks_text_spaces(sink, 2 * depth_of(table, row));
        ks_text_puts(sink, cell_of(table, row, c));
        if (align_of(table, c) == KS_TEXT_LEFT && c + 1 < present)
            ks_text_spaces(sink, pad);
    }
    ks_text_put(sink, "\n", 1);
}

void ks_text_table_write(ks_text_sink *sink, const ks_text_table *table)
{
    measure_columns(table);
    for (size_t r = 0; r < table->rows; r++)
        write_text_row(sink, table, r);
}

static void put_md_escaped(ks_text_sink *sink, const char *text)
{
    for (const char *bar; (bar = strchr(text, '|')) != NULL; text = bar + 1) {
        ks_text_put(sink, text, (size_t)(bar - text));
        ks_text_put(sink, "\\|", 2);
    }
    ks_text_puts(sink, text);
}

/* "| a | b |": `depth` indent levels before the first cell; an empty
 * header cell is "| |". */
static void write_md_row(ks_text_sink *sink, const char *const *cells,
                         size_t count, size_t depth, int header)
{
    ks_text_put(sink, "|", 1);
    for (size_t c = 0; c < count; c++) {
        const char *cell = cells[c] ? cells[c] : "";
        if (header && !*cell) {
            ks_text_put(sink, " |", 2);
            continue;
        }
        ks_text_put(sink, " ", 1);
        for (size_t d = 0; c == 0 && d < depth; d++)
            ks_text_puts(sink, "&nbsp;&nbsp;");
        put_md_escaped(sink, cell);
        ks_text_put(sink, " |", 2);
    }
    ks_text_put(sink, "\n", 1);
}

void ks_text_md_row(ks_text_sink *sink, const char *const *cells,
                    size_t count)
{
    write_md_row(sink, cells, count, 0, 0);
}

void ks_text_table_write_md(ks_text_sink *sink, const ks_text_table *table)
{
    for (size_t r = 0; r < table->rows; r++) {
        write_md_row(sink, table->cells + r * table->columns, table->columns,
                     depth_of(table, r), r == 0);
        if (r > 0)
            continue;
        ks_text_put(sink, "|", 1);
        for (size_t c = 0; c < table->columns; c++)
            ks_text_puts(sink, align_of(table, c) == KS_TEXT_RIGHT ? "---:|"
                                                                   : "---|");
        ks_text_put(sink, "\n", 1);
    }
}
