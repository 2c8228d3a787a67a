/*
 * xlsx_export_formats.c -- the release's look in the workbook: each
 * item's figures in the number format `kessan show` prints them with
 * (grouped thousands, negatives in parentheses, ratios as percentages,
 * the decimals the release prints), labels indented by their depth in the
 * parent tree, totals bold, inputs blue and a scenario's own overrides
 * blue on yellow.  Formats are made once, when first asked for.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_export.h"
#include "model/model.h"

#define INPUT_BLUE 0x0000FF
#define OVERRIDE_FILL 0xFFF2CC

static int is_scaled(const char *unit)
{
    return unit && (strstr(unit, "thousands") || strstr(unit, "millions"));
}

static int depth_of(ks_model *model, int item)
{
    int depth = 0;
    ks_item_info info;
    while (depth < KS_XLSX_DEPTH_MAX && ks_item_get(model, item, &info) ==
                                            KS_OK &&
           info.parent && (item = ks_item_find(model, info.parent)) >= 0)
        depth++;
    return depth;
}

ks_status ks_xlsx_item_styles(ks_model *model, ks_xlsx_item_style *styles,
                              ks_error *err)
{
    (void)err;
    int count = ks_item_count(model);
    for (int item = 0; item < count; item++) {
        ks_item_info info;
        ks_item_get(model, item, &info);
        styles[item].percent = info.unit && strcmp(info.unit, "ratio") == 0;
        styles[item].decimals = -1;
        styles[item].scaled = is_scaled(info.unit);
        styles[item].bold = 0;
        styles[item].depth = depth_of(model, item);
    }
    for (int item = 0; item < count; item++) {
        ks_item_info info;
        ks_item_get(model, item, &info);
        int parent = info.parent ? ks_item_find(model, info.parent) : -1;
        if (parent >= 0)
            styles[parent].bold = 1;
    }
    int printed_count = ks_printed_count(model);
    for (int k = 0; k < printed_count; k++) {
        const ks_printed *printed = ks_printed_at(model, k);
        if (printed->measure != KS_MEASURE_VALUE)
            continue;
        ks_xlsx_item_style *style = &styles[printed->item];
        if (printed->decimals > style->decimals)
            style->decimals = printed->decimals > KS_XLSX_DECIMALS_MAX
                                  ? KS_XLSX_DECIMALS_MAX
                                  : printed->decimals;
        if (printed->is_percent)
            style->percent = 1;
    }
    return KS_OK;
}

void ks_xlsx_styles_init(ks_xlsx_styles *styles, lxw_workbook *workbook)
{
    memset(styles, 0, sizeof *styles);
    styles->workbook = workbook;
    styles->header = workbook_add_format(workbook);
    if (styles->header) {
        format_set_bold(styles->header);
        format_set_bottom(styles->header, LXW_BORDER_THIN);
        format_set_align(styles->header, LXW_ALIGN_CENTER);
    }
    styles->title = workbook_add_format(workbook);
    if (styles->title)
        format_set_bold(styles->title);
}

/* "#,##0.0;(#,##0.0)" or "0.0%;(0.0%)" */
static void number_format(char *buf, size_t size, int percent, int decimals)
{
    char tail[KS_XLSX_DECIMALS_MAX + 2] = "";
    if (decimals > 0) {
        tail[0] = '.';
        memset(tail + 1, '0', (size_t)decimals);
        tail[decimals + 1] = '\0';
    }
    if (percent)
        snprintf(buf, size, "0%s%%;(0%s%%)", tail, tail);
    else
        snprintf(buf, size, "#,##0%s;(#,##0%s)", tail, tail);
}

static int decimals_of(const ks_xlsx_item_style *style, double number)
{
    if (style->decimals >= 0)
        return style->decimals;
    if (style->percent)
        return 1;
    if (!style->scaled && isfinite(number) &&
        fabs(number - round(number)) > 1e-9)
        return 2; /* per-share and other figures not printed whole */
    return 0;
}

lxw_format *ks_xlsx_value_format(ks_xlsx_styles *styles,
                                 const ks_xlsx_item_style *style,
                                 ks_xlsx_role role, double number)
{
    int decimals = decimals_of(style, number);
    lxw_format **slot =
        &styles->value[role][style->bold][style->percent][decimals];
    if (*slot)
        return *slot;
    lxw_format *format = workbook_add_format(styles->workbook);
    if (!format)
        return NULL;
    char code[64];
    number_format(code, sizeof code, style->percent, decimals);
    format_set_num_format(format, code);
    if (style->bold)
        format_set_bold(format);
    if (role != KS_XLSX_COMPUTED)
        format_set_font_color(format, INPUT_BLUE);
    if (role == KS_XLSX_OVERRIDE) {
        format_set_pattern(format, LXW_PATTERN_SOLID);
        format_set_bg_color(format, OVERRIDE_FILL);
    }
    return *slot = format;
}

lxw_format *ks_xlsx_label_format(ks_xlsx_styles *styles,
                                 const ks_xlsx_item_style *style)
{
    lxw_format **slot = &styles->label[style->bold][style->depth];
    if (*slot)
        return *slot;
    lxw_format *format = workbook_add_format(styles->workbook);
    if (!format)
        return NULL;
    if (style->bold)
        format_set_bold(format);
    if (style->depth > 0)
        format_set_indent(format, (uint8_t)style->depth);
    return *slot = format;
}
