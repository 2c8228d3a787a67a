/*
 * xlsx_export_formats.c -- the release's look in the workbook: each
 * item's figures in the number format `kessan show` prints them with
 * (grouped thousands, negatives in parentheses, ratios as percentages,
 * the decimals the release prints), labels indented by their depth in the
 * parent tree, totals bold, inputs blue and a scenario's own overrides
 * blue on yellow.  Formats are made once, when first asked for, and
 * xl/styles.xml written from those made.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_export.h"
#include "model/model.h"

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

/* A format's index, made on first use (one the same as a format made
 * before is that one: a label's plain format is the default, 0). */
static int xf_index(ks_xlsx_styles *styles, int *slot, const ks_xlsx_xf *xf)
{
    if (*slot)
        return *slot - 1;
    for (int k = 0; k < styles->count; k++)
        if (memcmp(&styles->xf[k], xf, sizeof *xf) == 0)
            return (*slot = k + 1) - 1;
    if (styles->count >= KS_XLSX_XF_MAX)
        return 0; /* cannot happen: every slot has room */
    styles->xf[styles->count] = *xf;
    *slot = ++styles->count;
    return *slot - 1;
}

void ks_xlsx_styles_init(ks_xlsx_styles *styles)
{
    memset(styles, 0, sizeof *styles);
    styles->count = 1; /* 0: the default, General */
    ks_xlsx_xf header;
    memset(&header, 0, sizeof header);
    header.bold = 1;
    header.header = 1;
    xf_index(styles, &styles->header, &header);
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

int ks_xlsx_value_format(ks_xlsx_styles *styles,
                         const ks_xlsx_item_style *style, ks_xlsx_role role,
                         double number)
{
    int decimals = decimals_of(style, number);
    int *slot = &styles->value[role][style->bold][style->percent][decimals];
    if (*slot)
        return *slot - 1;
    ks_xlsx_xf xf;
    memset(&xf, 0, sizeof xf);
    number_format(xf.number_format, sizeof xf.number_format, style->percent,
                  decimals);
    xf.bold = (unsigned char)style->bold;
    xf.blue = role != KS_XLSX_COMPUTED;
    xf.fill = role == KS_XLSX_OVERRIDE;
    return xf_index(styles, slot, &xf);
}

int ks_xlsx_label_format(ks_xlsx_styles *styles,
                         const ks_xlsx_item_style *style)
{
    ks_xlsx_xf xf;
    memset(&xf, 0, sizeof xf);
    xf.bold = (unsigned char)style->bold;
    xf.indent = (unsigned char)style->depth;
    return xf_index(styles, &styles->label[style->bold][style->depth], &xf);
}

/* ---- styles.xml --------------------------------------------------------- */

/* The number formats' ids: 164 on, one per distinct code, in order. */
static int number_format_id(const ks_xlsx_styles *styles, int k)
{
    if (!styles->xf[k].number_format[0])
        return 0;
    int id = 164;
    for (int j = 0; j < k; j++) {
        if (!styles->xf[j].number_format[0])
            continue;
        if (strcmp(styles->xf[j].number_format,
                   styles->xf[k].number_format) == 0)
            return number_format_id(styles, j);
        int first = 1; /* count j only at its code's first appearance */
        for (int i = 0; i < j && first; i++)
            first = strcmp(styles->xf[i].number_format,
                           styles->xf[j].number_format) != 0;
        id += first;
    }
    return id;
}

static void put_number_formats(const ks_xlsx_styles *styles,
                               ks_xlsx_text *out)
{
    int count = 0, last = 163;
    for (int k = 0; k < styles->count; k++)
        if (number_format_id(styles, k) > last) {
            last = number_format_id(styles, k);
            count++;
        }
    if (count == 0)
        return;
    ks_xlsx_put(out, "<numFmts count=\"");
    ks_xlsx_put_int(out, count);
    ks_xlsx_put(out, "\">");
    last = 163;
    for (int k = 0; k < styles->count; k++) {
        int id = number_format_id(styles, k);
        if (id <= last)
            continue;
        last = id;
        ks_xlsx_put(out, "<numFmt numFmtId=\"");
        ks_xlsx_put_int(out, id);
        ks_xlsx_put(out, "\" formatCode=\"");
        ks_xlsx_put_escaped(out, styles->xf[k].number_format,
                            strlen(styles->xf[k].number_format));
        ks_xlsx_put(out, "\"/>");
    }
    ks_xlsx_put(out, "</numFmts>");
}

/* Fonts: 0 plain, 1 bold, 2 blue, 3 bold blue (fontId = bold + 2 blue). */
static const char FONTS[] =
    "<fonts count=\"4\">"
    "<font><sz val=\"11\"/><name val=\"Calibri\"/>"
    "<family val=\"2\"/><scheme val=\"minor\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/>"
    "<family val=\"2\"/><scheme val=\"minor\"/></font>"
    "<font><sz val=\"11\"/><color rgb=\"FF0000FF\"/><name val=\"Calibri\"/>"
    "<family val=\"2\"/><scheme val=\"minor\"/></font>"
    "<font><b/><sz val=\"11\"/><color rgb=\"FF0000FF\"/>"
    "<name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/>"
    "</font></fonts>"
    "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill>"
    "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFF2CC\"/>"
    "<bgColor indexed=\"64\"/></patternFill></fill></fills>"
    "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/>"
    "</border><border><left/><right/><top/><bottom style=\"thin\">"
    "<color auto=\"1\"/></bottom><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" "
    "fillId=\"0\" borderId=\"0\"/></cellStyleXfs>";

static void put_xf(const ks_xlsx_styles *styles, int k, ks_xlsx_text *out)
{
    const ks_xlsx_xf *xf = &styles->xf[k];
    int font = xf->bold + 2 * xf->blue;
    ks_xlsx_put(out, "<xf numFmtId=\"");
    ks_xlsx_put_int(out, number_format_id(styles, k));
    ks_xlsx_put(out, "\" fontId=\"");
    ks_xlsx_put_int(out, font);
    ks_xlsx_put(out, xf->fill ? "\" fillId=\"2\"" : "\" fillId=\"0\"");
    ks_xlsx_put(out, xf->header ? " borderId=\"1\" xfId=\"0\""
                                : " borderId=\"0\" xfId=\"0\"");
    if (xf->number_format[0])
        ks_xlsx_put(out, " applyNumberFormat=\"1\"");
    if (font)
        ks_xlsx_put(out, " applyFont=\"1\"");
    if (xf->fill)
        ks_xlsx_put(out, " applyFill=\"1\"");
    if (xf->header)
        ks_xlsx_put(out, " applyBorder=\"1\"");
    if (!xf->header && !xf->indent) {
        ks_xlsx_put(out, "/>");
        return;
    }
    ks_xlsx_put(out, " applyAlignment=\"1\">");
    if (xf->header) {
        ks_xlsx_put(out, "<alignment horizontal=\"center\"/></xf>");
        return;
    }
    ks_xlsx_put(out, "<alignment horizontal=\"left\" indent=\"");
    ks_xlsx_put_int(out, xf->indent);
    ks_xlsx_put(out, "\"/></xf>");
}

void ks_xlsx_styles_xml(const ks_xlsx_styles *styles, ks_xlsx_text *out)
{
    ks_xlsx_put(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
                     "standalone=\"yes\"?>\n<styleSheet xmlns=\""
                     "http://schemas.openxmlformats.org/spreadsheetml/2006/"
                     "main\">");
    put_number_formats(styles, out);
    ks_xlsx_put(out, FONTS);
    ks_xlsx_put(out, "<cellXfs count=\"");
    ks_xlsx_put_int(out, styles->count);
    ks_xlsx_put(out, "\">");
    for (int k = 0; k < styles->count; k++)
        put_xf(styles, k, out);
    ks_xlsx_put(out, "</cellXfs><cellStyles count=\"1\"><cellStyle "
                     "name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
                     "</cellStyles><dxfs count=\"0\"/><tableStyles "
                     "count=\"0\" defaultTableStyle=\"TableStyleMedium9\" "
                     "defaultPivotStyle=\"PivotStyleLight16\"/>"
                     "</styleSheet>");
}
