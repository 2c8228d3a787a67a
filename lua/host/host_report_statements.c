/*
 * host_report_statements.c -- the statements and the check summary of
 * the report page: each statement laid out by the core (ks_layout_render,
 * its CSV form) and turned into an HTML table, figures as the release
 * prints them (the display formatter: grouped, negatives in parentheses)
 * with the number in data-value (the data formatter); the audit's counts
 * and every result that is not a pass.
 */
#include <stdlib.h>
#include <string.h>

#include "host/host_report.h"
#include "kessan/check.h"
#include "kessan/layout.h"
#include "kessan/text.h"

void report_put(report_page *page, const char *html)
{
    ks_chart_svg_append(page, html, strlen(html));
}

void report_text(report_page *page, const char *text)
{
    ks_chart_svg_append_escaped(page, text ? text : "");
}

/* ---- CSV (RFC 4180, as the layout writes it) ------------------------------ */

#define CSV_FIELDS_MAX 64

typedef struct csv_row {
    char *fields[CSV_FIELDS_MAX];
    int count;
} csv_row;

/* Split the record at *at in place (quotes removed, doubled quotes
 * undone); advances *at past its line end.  0 at the end of the text. */
static int csv_next(char **at, csv_row *row)
{
    char *p = *at;
    if (!*p)
        return 0;
    row->count = 0;
    for (;;) {
        char *field = p, *out = p;
        if (*p == '"') {
            p++;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *out++ = *p++;
            }
            if (*p == '"')
                p++;
        } else
            while (*p && *p != ',' && *p != '\r' && *p != '\n')
                *out++ = *p++;
        char end = *p;
        *out = '\0';
        if (row->count < CSV_FIELDS_MAX)
            row->fields[row->count++] = field;
        if (end == ',') {
            p++;
            continue;
        }
        /* end was read before the NUL went where it stood */
        if (end == '\r') {
            p++;
            if (*p == '\n')
                p++;
        } else if (end == '\n')
            p++;
        break;
    }
    *at = p;
    return 1;
}

/* The next line of a Markdown table at *at, split in place into its
 * cells ("| a | b |": a and b, trimmed, "\|" kept as it is); 0 at the
 * end of the text. */
static int md_next(char **at, csv_row *row)
{
    char *p = *at;
    if (!*p)
        return 0;
    char *end = p + strcspn(p, "\n");
    *at = *end ? end + 1 : end;
    *end = '\0';
    row->count = 0;
    if (*p == '|')
        p++;
    while (p < end && row->count < CSV_FIELDS_MAX) {
        char *cell = p;
        while (p < end && !(*p == '|' && (p == cell || p[-1] != '\\')))
            p++;
        char *last = p;
        *p++ = '\0';
        while (*cell == ' ')
            cell++;
        while (last > cell && last[-1] == ' ')
            *--last = '\0';
        row->fields[row->count++] = cell;
    }
    return 1;
}

/* The unit of an item, for the display formatter's style (NULL: none,
 * or an id the model does not know). */
static const char *unit_of(const ks_model *model, const char *item)
{
    ks_item_info info;
    int index = ks_item_find(model, item);
    if (index < 0 || ks_item_get(model, index, &info) != KS_OK)
        return NULL;
    return info.unit;
}

/* A figure of the statement: its number in data-value (the data
 * formatter's text, which reads back as the same double) and, shown, the
 * layout's Markdown text of it when there is one, else the display
 * formatter's text in the item's unit (grouped, negatives in parentheses,
 * a ratio in percent); a field that is no number, as it is. */
static void figure_cell(report_page *page, const ks_model *model,
                        const char *item, const char *period,
                        const char *text, const char *printed)
{
    double number;
    int missing = 0, decimals = 0;
    int is_number = *text && ks_parse_number(text, strlen(text), &number,
                                             &missing, &decimals) == 0 &&
                    !missing;
    report_put(page, "<td class=\"num\"");
    if (is_number) {
        char data[KS_DATA_NUMBER_MAX];
        ks_format_data(data, sizeof data, number);
        report_put(page, " data-item=\"");
        report_text(page, item);
        report_put(page, "\" data-period=\"");
        report_text(page, period);
        report_put(page, "\" data-value=\"");
        report_text(page, data);
        report_put(page, "\"");
    }
    report_put(page, ">");
    if (printed || !is_number)
        report_text(page, printed ? printed : text);
    else {
        char shown[64];
        ks_number_style style =
            ks_number_style_for_unit(unit_of(model, item), -1);
        ks_format_display(shown, sizeof shown, number, &style);
        report_text(page, shown);
    }
    report_put(page, "</td>");
}

/* The statement's CSV (header item,level,label,PERIOD...) as a table,
 * each figure shown as its Markdown form prints it (the same rows in the
 * same order, after a header and an alignment row), the number from the
 * CSV. */
static void statement_table(report_page *page, const ks_model *model,
                            const char *statement, char *csv, char *md)
{
    csv_row header, row, shown, skip;
    char *at = csv, *md_at = md ? md : (char *)"";
    if (!csv_next(&at, &header) || header.count < 3)
        return;
    md_next(&md_at, &skip);
    md_next(&md_at, &skip);
    report_put(page, "<table class=\"statement\" data-statement=\"");
    report_text(page, statement);
    report_put(page, "\"><thead><tr><th></th>");
    for (int c = 3; c < header.count; c++) {
        report_put(page, "<th>");
        report_text(page, header.fields[c]);
        report_put(page, "</th>");
    }
    report_put(page, "</tr></thead><tbody>\n");
    while (csv_next(&at, &row)) {
        int printed = md_next(&md_at, &shown) &&
                      shown.count == header.count - 2;
        if (row.count < 3)
            continue;
        int level = atoi(row.fields[1]);
        report_printf(page, "<tr><th class=\"label\" style=\"padding-left:"
                      "%dem\">", level < 0 ? 0 : level > 8 ? 8 : level);
        report_text(page, row.fields[2]);
        report_put(page, "</th>");
        for (int c = 3; c < header.count; c++)
            figure_cell(page, model, row.fields[0], header.fields[c],
                        c < row.count ? row.fields[c] : "",
                        printed ? shown.fields[c - 2] : NULL);
        report_put(page, "</tr>\n");
    }
    report_put(page, "</tbody></table>\n");
}

/* The statements, in the order their items first appear. */
static int statements_of(ks_model *model, const char **list, int most)
{
    int count = 0;
    for (int i = 0; i < ks_item_count(model) && count < most; i++) {
        ks_item_info info;
        if (ks_item_get(model, i, &info) != KS_OK || !info.statement)
            continue;
        int seen = 0;
        for (int k = 0; k < count; k++)
            seen |= strcmp(list[k], info.statement) == 0;
        if (!seen)
            list[count++] = info.statement;
    }
    return count;
}

static const char *statement_title(const char *statement)
{
    static const char *const names[][2] = {
        { "is", "Income statement" }, { "bs", "Balance sheet" },
        { "cf", "Cash flows" }, { "kpi", "Key figures" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], statement) == 0)
            return names[i][1];
    return statement;
}

/* The statement laid out in `format` into text (released by the
 * caller). */
static ks_status layout_of(ks_model *model, const char *statement,
                          const char *lang, ks_layout_format format,
                          ks_layout_text *text, ks_error *err)
{
    ks_layout_options options;
    memset(&options, 0, sizeof options);
    options.statement = statement;
    options.lang = lang;
    options.format = format;
    ks_layout_text_init(text, NULL);
    return ks_layout_render(model, &options, text, err);
}

ks_status report_statements(ks_model *model, const char *lang,
                            report_page *page, ks_error *err)
{
    const char *statements[32];
    int count = statements_of(model, statements, 32);
    report_put(page, "<section id=\"statements\"><h2>Statements</h2>\n");
    for (int s = 0; s < count; s++) {
        ks_layout_text csv, md;
        ks_status status = layout_of(model, statements[s], lang,
                                     KS_LAYOUT_CSV, &csv, err);
        if (status == KS_OK)
            status = layout_of(model, statements[s], lang, KS_LAYOUT_MD,
                               &md, err);
        else
            ks_layout_text_init(&md, NULL);
        if (status == KS_OK) {
            report_put(page, "<h3 id=\"st-");
            report_text(page, statements[s]);
            report_put(page, "\">");
            report_text(page, statement_title(statements[s]));
            report_put(page, "</h3>\n");
            if (csv.data)
                statement_table(page, model, statements[s], csv.data,
                                md.data);
        }
        ks_layout_text_release(&csv);
        ks_layout_text_release(&md);
        if (status != KS_OK)
            return status;
    }
    report_put(page, "</section>\n");
    return KS_OK;
}

ks_status report_check(ks_model *model, report_page *page, ks_error *err)
{
    ks_check_report *report = NULL;
    ks_status status = ks_check_run(model, &report, err);
    if (status != KS_OK)
        return status;
    report_put(page, "<section id=\"check\"><h2>Check</h2>\n");
    report_printf(page, "<p class=\"check-summary\" data-checks=\"%zu\" "
                  "data-passed=\"%d\" data-adjusted=\"%d\" "
                  "data-explained=\"%d\" data-breaks=\"%d\">%zu checks: %d "
                  "passed, %d footing adjustments, %d breaks explained by "
                  "notes, <b>%d breaks not explained</b></p>\n",
                  report->count, report->passed, report->adjusted,
                  report->explained, report->breaks, report->count,
                  report->passed, report->adjusted, report->explained,
                  report->breaks);
    report_put(page, "<table class=\"check\"><thead><tr><th>status</th>"
               "<th>cell</th><th>measure</th><th>what</th></tr></thead>"
               "<tbody>\n");
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        if (r->status == KS_CHECK_PASS)
            continue;
        report_printf(page, "<tr class=\"%s\"><td>%s</td><td>",
                      ks_check_status_name(r->status),
                      ks_check_status_name(r->status));
        report_text(page, r->item_id);
        report_put(page, "@");
        report_text(page, r->period_id);
        report_put(page, "</td><td>");
        report_text(page, r->measure);
        report_put(page, "</td><td>");
        report_text(page, r->message);
        if (r->note_text) {
            report_put(page, "<br><small>");
            report_text(page, r->note_text);
            report_put(page, "</small>");
        }
        report_put(page, "</td></tr>\n");
    }
    report_put(page, "</tbody></table></section>\n");
    ks_check_free(report);
    return KS_OK;
}
