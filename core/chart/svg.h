/*
 * svg.h -- the SVG writer of the charts (internal): a growable buffer
 * (ks_chart_svg), elements opened and closed by name, attributes as text
 * (escaped) or numbers (in the C locale's form, short: "12.5", never
 * "12,5" or "1.25e+01"), and text content escaped for XML (& < > " ',
 * control characters dropped, invalid UTF-8 replaced by U+FFFD), so that
 * whatever a label holds the file stays well-formed.
 */
#ifndef KS_CHART_SVG_H
#define KS_CHART_SVG_H

#include "kessan/chart.h"

void svg_put(ks_chart_svg *svg, const char *bytes, size_t size);
void svg_puts(ks_chart_svg *svg, const char *text);
/* Formatted as ks_snprintf_c formats: only for markup and numbers, never
 * for text from outside (svg_escaped is). */
#define svg_printf ks_chart_svg_appendf
/* Text escaped for element content and attribute values alike. */
void svg_escaped(ks_chart_svg *svg, const char *text);
/* A coordinate: at most two decimals, no trailing zeros, -0 as 0, a
 * value that is not finite as 0. */
void svg_number(ks_chart_svg *svg, double x);

/* "<name"; then attributes; then svg_end_open (">") or svg_end_empty
 * ("/>\n"); svg_close writes "</name>\n". */
void svg_open(ks_chart_svg *svg, const char *name);
void svg_attr(ks_chart_svg *svg, const char *name, const char *text);
void svg_attr_number(ks_chart_svg *svg, const char *name, double x);
/* A data value at full precision (%.17g); NaN as "nan". */
void svg_attr_value(ks_chart_svg *svg, const char *name, double x);
void svg_end_open(ks_chart_svg *svg);
void svg_end_empty(ks_chart_svg *svg);
void svg_close(ks_chart_svg *svg, const char *name);

/* The document: the XML declaration, <svg> with its size and viewBox,
 * data-chart = kind, the style (fonts with CJK fallbacks) and a white
 * background; svg_document_end closes it. */
void svg_document_begin(ks_chart_svg *svg, const char *kind, int width,
                        int height, const char *lang);
void svg_document_end(ks_chart_svg *svg);

/* Shapes with a class (NULL: none) and a fill (NULL: from the class),
 * left open for data-* attributes: end them with svg_end_empty. */
void svg_rect(ks_chart_svg *svg, double x, double y, double w, double h,
              const char *cls, const char *fill);
void svg_line(ks_chart_svg *svg, double x1, double y1, double x2,
              double y2, const char *cls);
/* Text at (x, y); anchor "start", "middle" or "end"; cls may be NULL. */
void svg_text(ks_chart_svg *svg, double x, double y, const char *anchor,
              const char *cls, const char *text);

#endif
