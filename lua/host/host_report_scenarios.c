/*
 * host_report_scenarios.c -- the saved scenarios and the charts of the
 * report page: the cells where a saved scenario differs from the base,
 * side by side, with their bars; the bridge of operating income between
 * the latest two quarters (or the cells of the setting report.bridge,
 * "FROM TO"); the fan of total revenues across the quarters, the saved
 * scenarios low and high as its band where they exist.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_report.h"
#include "kessan/text.h"

#define REPORT_SCENARIOS_MAX 16
#define REPORT_ROWS_MAX 40

typedef struct report_cell {
    int item, period;
} report_cell;

typedef struct scenario_set {
    ks_model *handles[REPORT_SCENARIOS_MAX + 1]; /* [0] the base          */
    const char *names[REPORT_SCENARIOS_MAX + 1];
    int count;
} scenario_set;

static double number_of(ks_model *model, int item, int period)
{
    ks_value value;
    if (ks_get(model, item, period, &value, NULL) != KS_OK ||
        value.kind != KS_NUMBER)
        return NAN;
    return value.number;
}

static ks_status scenarios_open(ks_model *model, scenario_set *set,
                                ks_error *err)
{
    set->handles[0] = model;
    set->names[0] = "base";
    set->count = 1;
    int saved = ks_saved_scenario_count(model);
    for (int i = 0; i < saved && set->count <= REPORT_SCENARIOS_MAX; i++) {
        const char *name = ks_saved_scenario_name(model, i);
        ks_status status = ks_scenario_new(model, name,
                                           &set->handles[set->count], err);
        if (status != KS_OK)
            return status;
        set->names[set->count++] = name;
    }
    return KS_OK;
}

static void scenarios_close(scenario_set *set)
{
    for (int i = 1; i < set->count; i++)
        ks_model_free(set->handles[i]);
    set->count = 1;
}

static int differs(const scenario_set *set, int item, int period)
{
    double base = number_of(set->handles[0], item, period);
    for (int s = 1; s < set->count; s++) {
        double v = number_of(set->handles[s], item, period);
        if (!(v == base) && !(isnan(v) && isnan(base)))
            return 1;
    }
    return 0;
}

/* Cells of quarters and years where a scenario differs, in display order. */
static int differing_cells(ks_model *model, const scenario_set *set,
                           report_cell *cells)
{
    int count = 0;
    for (int i = 0; i < ks_item_count(model); i++)
        for (int k = 0; k < ks_period_count(model); k++) {
            int p = ks_period_at(model, k);
            ks_period_kind kind = ks_period_kind_of(model, p);
            if ((kind == KS_QUARTER || kind == KS_YEAR) && count <
                REPORT_ROWS_MAX && differs(set, i, p))
                cells[count++] = (report_cell){ i, p };
        }
    return count;
}

/* A figure as the statements print it: the display formatter in the
 * item's unit (a ratio in percent, an amount in thousands whole,
 * negatives in parentheses, missing "-"). */
static void scenario_figure(double v, const char *unit, char *buf,
                            size_t size)
{
    ks_number_style style = ks_number_style_for_unit(unit, -1);
    ks_format_display(buf, size, v, &style);
}

static void scenario_table(report_page *page, ks_model *model,
                           const scenario_set *set, const report_cell *cells,
                           int count)
{
    report_put(page, "<table class=\"scenarios\"><thead><tr><th>cell</th>");
    for (int s = 0; s < set->count; s++) {
        report_put(page, "<th>");
        report_text(page, set->names[s]);
        report_put(page, "</th>");
    }
    report_put(page, "</tr></thead><tbody>\n");
    for (int r = 0; r < count; r++) {
        ks_item_info info;
        char period[16], cell[300];
        ks_item_get(model, cells[r].item, &info);
        ks_period_id(model, cells[r].period, period, sizeof period);
        snprintf(cell, sizeof cell, "%s@%s", info.id, period);
        report_put(page, "<tr><th class=\"label\">");
        report_text(page, info.label ? info.label : info.id);
        report_put(page, " ");
        report_text(page, period);
        report_put(page, "</th>");
        for (int s = 0; s < set->count; s++) {
            double v = number_of(set->handles[s], cells[r].item,
                                 cells[r].period);
            char text[64];
            scenario_figure(v, info.unit, text, sizeof text);
            report_put(page, "<td class=\"num\" data-cell=\"");
            report_text(page, cell);
            report_put(page, "\" data-scenario=\"");
            report_text(page, set->names[s]);
            char data[KS_DATA_NUMBER_MAX]; /* "" when missing */
            ks_format_data(data, sizeof data, v);
            report_put(page, "\" data-value=\"");
            report_text(page, data);
            report_put(page, "\">");
            report_text(page, text);
            report_put(page, "</td>");
        }
        report_put(page, "</tr>\n");
    }
    report_put(page, "</tbody></table>\n");
}

static void figure(report_page *page, const ks_chart_svg *svg,
                   const char *caption)
{
    report_put(page, "<figure>");
    if (svg->data)
        ks_chart_svg_append(page, svg->data, svg->length);
    report_put(page, "<figcaption>");
    report_text(page, caption);
    report_put(page, "</figcaption></figure>\n");
}

/* Bars of the differing cells of the first one's unit (six at most). */
static ks_status scenario_bars(report_page *page, ks_model *model,
                               const scenario_set *set,
                               const report_cell *cells, int count,
                               ks_error *err)
{
    const char *labels[6];
    char texts[6][300];
    double values[6 * (REPORT_SCENARIOS_MAX + 1)];
    ks_item_info first, info;
    ks_item_get(model, cells[0].item, &first);
    int groups = 0;
    for (int r = 0; r < count && groups < 6; r++) {
        ks_item_get(model, cells[r].item, &info);
        if ((info.unit == NULL) != (first.unit == NULL) ||
            (info.unit && strcmp(info.unit, first.unit) != 0))
            continue;
        char period[16];
        ks_period_id(model, cells[r].period, period, sizeof period);
        snprintf(texts[groups], sizeof texts[groups], "%s %s",
                 info.label ? info.label : info.id, period);
        labels[groups] = texts[groups];
        for (int s = 0; s < set->count; s++)
            values[groups * set->count + s] =
                number_of(set->handles[s], cells[r].item, cells[r].period);
        groups++;
    }
    ks_chart_bars bars = { labels, groups, set->names, set->count, values };
    ks_chart_frame frame;
    ks_chart_frame_defaults(&frame);
    ks_chart_unit_of(first.unit, &frame);
    frame.title = "Scenarios side by side";
    ks_chart_svg svg;
    ks_chart_svg_init(&svg, NULL);
    ks_status status = ks_chart_draw_bars(&bars, &frame, &svg, err);
    if (status == KS_OK)
        figure(page, &svg, "The saved scenarios side by side");
    ks_chart_svg_release(&svg);
    return status;
}

ks_status report_scenarios(ks_model *model, const char *lang,
                           report_page *page, ks_error *err)
{
    (void)lang;
    scenario_set set;
    ks_status status = scenarios_open(model, &set, err);
    report_put(page, "<section id=\"scenarios\"><h2>Scenarios</h2>\n");
    if (status == KS_OK && set.count == 1)
        report_put(page, "<p>The model has no saved scenarios.</p>\n");
    else if (status == KS_OK) {
        report_cell cells[REPORT_ROWS_MAX];
        int count = differing_cells(model, &set, cells);
        if (count == 0)
            report_put(page, "<p>The saved scenarios hold what the base "
                       "holds.</p>\n");
        else {
            scenario_table(page, model, &set, cells, count);
            status = scenario_bars(page, model, &set, cells, count, err);
        }
    }
    report_put(page, "</section>\n");
    scenarios_close(&set);
    return status;
}

/* ---- the model's charts --------------------------------------------------- */

/* The latest two quarters at which `item` is a number: from, to. */
static int latest_quarters(ks_model *model, int item, int *from, int *to)
{
    int found = 0;
    for (int k = ks_period_count(model) - 1; k >= 0 && found < 2; k--) {
        int p = ks_period_at(model, k);
        if (ks_period_kind_of(model, p) != KS_QUARTER ||
            isnan(number_of(model, item, p)))
            continue;
        if (found++ == 0)
            *to = p;
        else
            *from = p;
    }
    return found == 2;
}

static ks_status bridge_chart(report_page *page, ks_model *model,
                              const char *lang, ks_error *err)
{
    char from[300], to[300];
    const char *setting = ks_setting(model, "report.bridge");
    if (setting) {
        if (sscanf(setting, "%299s %299s", from, to) != 2)
            return KS_OK;
    } else {
        int item = ks_item_find(model, "op_income"), a, b;
        char pa[16], pb[16];
        if (item < 0 || !latest_quarters(model, item, &a, &b))
            return KS_OK;
        snprintf(from, sizeof from, "op_income@%s",
                 ks_period_id(model, a, pa, sizeof pa));
        snprintf(to, sizeof to, "op_income@%s",
                 ks_period_id(model, b, pb, sizeof pb));
    }
    ks_chart_bridge *bridge = NULL;
    ks_status status = ks_chart_bridge_build(model, from, to, 3, lang,
                                             &bridge, err);
    if (status != KS_OK)
        return status;
    bridge->waterfall.no_zero = 1;
    ks_chart_frame frame;
    ks_chart_frame_defaults(&frame);
    ks_chart_unit_of(bridge->unit, &frame);
    char title[700];
    snprintf(title, sizeof title, "%s to %s", from, to);
    frame.title = title;
    frame.lang = lang;
    ks_chart_svg svg;
    ks_chart_svg_init(&svg, NULL);
    status = ks_chart_draw_waterfall(&bridge->waterfall, &frame, &svg, err);
    if (status == KS_OK)
        figure(page, &svg, "The bridge along the item's formula");
    ks_chart_svg_release(&svg);
    ks_chart_bridge_free(bridge);
    return status;
}

static ks_status fan_chart(report_page *page, ks_model *model,
                           const char *lang, ks_error *err)
{
    int item = ks_item_find(model, "rev.total");
    if (item < 0)
        return KS_OK;
    ks_model *low = NULL, *high = NULL;
    int index;
    if (ks_saved_scenario_lookup(model, "low", &index, NULL) == KS_OK &&
        ks_saved_scenario_lookup(model, "high", &index, NULL) == KS_OK) {
        ks_scenario_new(model, "low", &low, NULL);
        ks_scenario_new(model, "high", &high, NULL);
    }
    ks_chart_fan_point points[64];
    char labels[64][16];
    int count = 0;
    for (int k = 0; k < ks_period_count(model) && count < 64; k++) {
        int p = ks_period_at(model, k);
        if (ks_period_kind_of(model, p) != KS_QUARTER)
            continue;
        ks_chart_fan_point *pt = &points[count];
        memset(pt, 0, sizeof *pt);
        pt->value = number_of(model, item, p);
        pt->outer_lo = pt->outer_hi = pt->inner_lo = pt->inner_hi = NAN;
        if (low && high) {
            double lo = number_of(low, item, p), hi = number_of(high, item, p);
            if (!(lo == pt->value && hi == pt->value) && !isnan(lo) &&
                !isnan(hi)) {
                pt->forecast = 1;
                pt->outer_lo = fmin(lo, hi);
                pt->outer_hi = fmax(lo, hi);
            }
        }
        if (isnan(pt->value) && !pt->forecast)
            continue;
        pt->label = ks_period_id(model, p, labels[count], sizeof labels[0]);
        count++;
    }
    if (low)
        ks_model_free(low);
    if (high)
        ks_model_free(high);
    if (count == 0)
        return KS_OK;
    ks_item_info info;
    ks_item_get(model, item, &info);
    ks_chart_frame frame;
    ks_chart_frame_defaults(&frame);
    ks_chart_unit_of(info.unit, &frame);
    frame.title = info.label;
    frame.lang = lang;
    ks_chart_svg svg;
    ks_chart_svg_init(&svg, NULL);
    ks_status status = ks_chart_draw_fan(points, count, &frame, &svg, err);
    if (status == KS_OK)
        figure(page, &svg, "Quarterly total revenues");
    ks_chart_svg_release(&svg);
    return status;
}

ks_status report_charts(ks_model *model, const char *lang,
                        report_page *page, ks_error *err)
{
    report_put(page, "<section id=\"charts\"><h2>Charts</h2>\n");
    ks_status status = fan_chart(page, model, lang, err);
    if (status == KS_OK)
        status = bridge_chart(page, model, lang, err);
    report_put(page, "</section>\n");
    return status;
}
