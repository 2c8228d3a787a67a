/*
 * host_grid_figure.c -- a cell's figure in the grid as the release prints
 * it: the form of each item's figures (its decimals, a percentage) is
 * read once from the release's own layout of its statement
 * (kessan/layout.h, the periods it prints), and a figure is then written
 * in that form by the core's display formatter (kessan/text.h,
 * ks_format_display): "-" for missing, "#ERR" for an error.  The grid
 * writes only the cells in view, so a 20,000-item sheet costs no more
 * than a small one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_grid.h"
#include "kessan/layout.h"
#include "kessan/text.h"


/* ---- learning the forms ---------------------------------------------------- */

/* The next cell of a Markdown row from *at ("| a | b |"); its bounds in
 * [*start, *end); 0 at the row's end.  '\|' is a '|' of the text. */
static int grid_md_cell(const char **at, const char **start, const char **end)
{
    const char *c = *at;
    if (*c == '|')
        c++;
    while (*c == ' ')
        c++;
    if (*c == '\n' || *c == '\0')
        return 0;
    *start = c;
    while (*c && *c != '\n' && !(*c == '|' && c[-1] != '\\'))
        c++;
    if (*c != '|')
        return 0;
    const char *e = c;
    while (e > *start && e[-1] == ' ')
        e--;
    *end = e;
    *at = c;
    return 1;
}

/* Decimals and percent of one printed figure ("1,234.5", "(3.2%)"). */
static void grid_figure_form(const char *start, const char *end,
                             grid_form *form)
{
    const char *dot = NULL;
    int percent = 0;
    for (const char *c = start; c < end; c++) {
        if (*c == '.')
            dot = c;
        if (*c == '%')
            percent = 1;
    }
    int decimals = 0;
    for (const char *c = dot ? dot + 1 : end; c < end && *c >= '0' && *c <= '9';
         c++)
        decimals++;
    if (percent)
        form->percent = 1;
    if (decimals > form->decimals)
        form->decimals = (signed char)decimals;
}

/* Read one statement's Markdown layout: row r is its r-th item. */
static void grid_forms_read(grid_sheet *g, const char *statement, const char *md)
{
    int item = -1;
    const char *line = md;
    for (int row = -2; line && *line; row++) {
        /* rows -2 and -1: the header and the alignment row */
        if (row >= 0) {
            while (++item < ks_item_count(g->base)) {
                ks_item_info info;
                if (ks_item_get(g->base, item, &info) == KS_OK &&
                    strcmp(info.statement, statement) == 0)
                    break;
            }
            if (item >= g->form_count)
                return;
            const char *at = line, *start, *end;
            int cell = 0;
            while (grid_md_cell(&at, &start, &end))
                if (cell++ > 0 && end > start)
                    grid_figure_form(start, end, &g->forms[item]);
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
}

int grid_forms_learn(grid_sheet *g)
{
    int count = ks_item_count(g->base);
    grid_form *forms = malloc(((size_t)count + 1) * sizeof *forms);
    if (!forms)
        return -1;
    for (int i = 0; i < count; i++) {
        forms[i].decimals = -1;
        forms[i].percent = 0;
    }
    free(g->forms);
    g->forms = forms;
    g->form_count = count;
    for (int s = 0; s < g->statement_count; s++) {
        ks_layout_options options = { 0 };
        options.statement = g->statements[s];
        options.format = KS_LAYOUT_MD;
        ks_layout_text text;
        ks_layout_text_init(&text, NULL);
        if (ks_layout_render(g->base, &options, &text, NULL) == KS_OK &&
            text.data)
            grid_forms_read(g, g->statements[s], text.data);
        ks_layout_text_release(&text);
    }
    /* a form that printed no decimals is the figure's own (below) */
    for (int i = 0; i < count; i++)
        if (forms[i].decimals == 0 && !forms[i].percent)
            forms[i].decimals = -1;
    return 0;
}

/* ---- writing a figure ------------------------------------------------------- */

static int grid_unit_scaled(const ks_item_info *info)
{
    return info->unit && (strstr(info->unit, "thousands") ||
                          strstr(info->unit, "millions"));
}

/* The style show gives the row's figures (layout.c's value_style, without
 * another currency): a percentage where the release prints one or the
 * unit is a ratio, else the decimals it prints, or two for a figure not
 * whole outside a scale. */
static ks_number_style grid_style(const grid_form *form,
                                  const ks_item_info *info, double number)
{
    ks_number_style style = ks_number_style_for_unit(info->unit,
                                                     form->decimals);
    if (form->percent) {
        style.percent = KS_PERCENT_SIGN;
        style.decimals = form->decimals >= 0 ? form->decimals : 1;
    }
    if (style.percent != KS_PERCENT_NONE || form->decimals >= 0)
        return style;
    style.decimals = !grid_unit_scaled(info) &&
                             fabs(number - round(number)) > 1e-9 ? 2 : 0;
    return style;
}

void grid_figure(grid_sheet *g, int item, const ks_value *value, char *buf,
                 size_t size)
{
    if (value->kind == KS_MISSING) {
        snprintf(buf, size, "-");
        return;
    }
    if (value->kind == KS_ERROR) {
        snprintf(buf, size, "#ERR");
        return;
    }
    ks_item_info info;
    if (item < 0 || ks_item_get(g->base, item, &info) != KS_OK) {
        ks_format_display(buf, size, value->number, NULL);
        return;
    }
    grid_form form = { -1, 0 };
    if (item < g->form_count)
        form = g->forms[item];
    ks_number_style style = grid_style(&form, &info, value->number);
    ks_format_display(buf, size, value->number, &style);
}
