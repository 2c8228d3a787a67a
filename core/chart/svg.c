/*
 * svg.c -- the SVG writer of the charts: the buffer, escaping, numbers in
 * the C locale's form, elements and the document's frame (svg.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base/alloc.h"
#include "chart/svg.h"
#include "kessan/text.h"

void ks_chart_svg_init(ks_chart_svg *svg, const ks_allocator *alloc)
{
    memset(svg, 0, sizeof *svg);
    svg->alloc = *(alloc ? alloc : ks_default_allocator());
}

void ks_chart_svg_release(ks_chart_svg *svg)
{
    ks_mem_free(&svg->alloc, svg->data);
    svg->data = NULL;
    svg->length = svg->capacity = 0;
}

void svg_put(ks_chart_svg *svg, const char *bytes, size_t size)
{
    if (svg->failed || size == 0)
        return;
    if (svg->length + size + 1 > svg->capacity) {
        size_t wanted = svg->capacity ? svg->capacity : 4096;
        while (wanted < svg->length + size + 1)
            wanted *= 2;
        char *grown = ks_mem_realloc(&svg->alloc, svg->data, wanted);
        if (!grown) {
            svg->failed = 1;
            return;
        }
        svg->data = grown;
        svg->capacity = wanted;
    }
    memcpy(svg->data + svg->length, bytes, size);
    svg->length += size;
    svg->data[svg->length] = '\0';
}

void ks_chart_svg_append(ks_chart_svg *svg, const char *bytes, size_t size)
{
    svg_put(svg, bytes, size);
}

void ks_chart_svg_append_escaped(ks_chart_svg *svg, const char *text)
{
    svg_escaped(svg, text);
}

void svg_puts(ks_chart_svg *svg, const char *text)
{
    svg_put(svg, text, strlen(text));
}

void ks_chart_svg_appendf(ks_chart_svg *svg, const char *format, ...)
{
    char buf[1024];
    va_list args;
    va_start(args, format);
    int n = ks_vsnprintf_c(buf, sizeof buf, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= sizeof buf) {
        svg->failed = 1;  /* markup never needs more: a bug, not data */
        return;
    }
    svg_put(svg, buf, (size_t)n);
}

/* What a byte of text becomes: an entity, nothing (a control character
 * XML 1.0 does not allow), or itself. */
static const char *escape_of(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    case '\t': case '\n': return NULL;
    default: return c < 0x20 || c == 0x7f ? "" : NULL;
    }
}

void svg_escaped(ks_chart_svg *svg, const char *text)
{
    if (!text)
        return;
    size_t size = strlen(text);
    size_t at = 0;
    while (at < size) {
        unsigned char c = (unsigned char)text[at];
        if (c >= 0x80) {
            uint32_t code_point;
            size_t n = ks_utf8_decode(text + at, size - at, &code_point);
            if (n == 0 || code_point == 0xFFFE || code_point == 0xFFFF) {
                svg_puts(svg, "\xEF\xBF\xBD"); /* U+FFFD */
                at++;
                continue;
            }
            svg_put(svg, text + at, n);
            at += n;
            continue;
        }
        const char *entity = escape_of(c);
        if (entity)
            svg_puts(svg, entity);
        else
            svg_put(svg, text + at, 1);
        at++;
    }
}

void svg_number(ks_chart_svg *svg, double x)
{
    if (!isfinite(x) || fabs(x) < 0.005)
        x = 0;
    char buf[64];
    int n = ks_snprintf_c(buf, sizeof buf, "%.2f", x);
    if (n <= 0 || (size_t)n >= sizeof buf) {
        svg_puts(svg, "0");
        return;
    }
    while (n > 0 && buf[n - 1] == '0')
        n--;
    if (n > 0 && buf[n - 1] == '.')
        n--;
    svg_put(svg, buf, (size_t)n);
}

void svg_open(ks_chart_svg *svg, const char *name)
{
    svg_puts(svg, "<");
    svg_puts(svg, name);
}

void svg_attr(ks_chart_svg *svg, const char *name, const char *text)
{
    svg_puts(svg, " ");
    svg_puts(svg, name);
    svg_puts(svg, "=\"");
    svg_escaped(svg, text);
    svg_puts(svg, "\"");
}

void svg_attr_number(ks_chart_svg *svg, const char *name, double x)
{
    svg_puts(svg, " ");
    svg_puts(svg, name);
    svg_puts(svg, "=\"");
    svg_number(svg, x);
    svg_puts(svg, "\"");
}

/* A figure the picture stands for, as data: the shortest text that reads
 * back as the same double (ks_format_data); not finite: nan, inf, -inf */
void svg_attr_value(ks_chart_svg *svg, const char *name, double x)
{
    char text[KS_DATA_NUMBER_MAX];
    if (isnan(x))
        strcpy(text, "nan");
    else if (isinf(x))
        strcpy(text, x > 0 ? "inf" : "-inf");
    else if (ks_format_data(text, sizeof text, x) < 0)
        strcpy(text, "nan");
    svg_printf(svg, " %s=\"%s\"", name, text);
}

void svg_end_open(ks_chart_svg *svg)
{
    svg_puts(svg, ">");
}

void svg_end_empty(ks_chart_svg *svg)
{
    svg_puts(svg, "/>\n");
}

void svg_close(ks_chart_svg *svg, const char *name)
{
    svg_puts(svg, "</");
    svg_puts(svg, name);
    svg_puts(svg, ">\n");
}

/* Japanese first for Japanese labels; a CJK face after the Latin ones
 * otherwise, so that a Japanese label in an English chart still draws. */
static const char *fonts_of(const char *lang)
{
    if (lang && strcmp(lang, "ja") == 0)
        return "'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans',"
               "'Yu Gothic','Meiryo','IPAexGothic','DejaVu Sans',sans-serif";
    return "'DejaVu Sans','Noto Sans','Helvetica Neue',Arial,"
           "'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Yu Gothic',"
           "'Meiryo',sans-serif";
}

void svg_document_begin(ks_chart_svg *svg, const char *kind, int width,
                        int height, const char *lang)
{
    svg_printf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"",
               width, height, width, height);
    svg_attr(svg, "data-chart", kind);
    svg_attr(svg, "font-family", fonts_of(lang));
    svg_puts(svg, " font-size=\"12\">\n");
    svg_puts(svg, "<style>"
             ".title{font-size:15px;font-weight:bold}"
             ".subtitle{font-size:11px;fill:#555}"
             ".axis{stroke:#333;stroke-width:1}"
             ".grid{stroke:#ddd;stroke-width:1}"
             ".tick text,.label{fill:#333}"
             ".value{font-size:10px;fill:#222}"
             "</style>\n");
    svg_printf(svg, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
               "fill=\"#ffffff\"/>\n", width, height);
}

void svg_document_end(ks_chart_svg *svg)
{
    svg_puts(svg, "</svg>\n");
}

static void svg_shape_class(ks_chart_svg *svg, const char *cls,
                            const char *fill)
{
    if (cls)
        svg_attr(svg, "class", cls);
    if (fill)
        svg_attr(svg, "fill", fill);
}

void svg_rect(ks_chart_svg *svg, double x, double y, double w, double h,
              const char *cls, const char *fill)
{
    if (w < 0) {
        x += w;
        w = -w;
    }
    if (h < 0) {
        y += h;
        h = -h;
    }
    svg_open(svg, "rect");
    svg_attr_number(svg, "x", x);
    svg_attr_number(svg, "y", y);
    svg_attr_number(svg, "width", w);
    svg_attr_number(svg, "height", h);
    svg_shape_class(svg, cls, fill);
}

void svg_line(ks_chart_svg *svg, double x1, double y1, double x2,
              double y2, const char *cls)
{
    svg_open(svg, "line");
    svg_attr_number(svg, "x1", x1);
    svg_attr_number(svg, "y1", y1);
    svg_attr_number(svg, "x2", x2);
    svg_attr_number(svg, "y2", y2);
    svg_shape_class(svg, cls, NULL);
}

void svg_text(ks_chart_svg *svg, double x, double y, const char *anchor,
              const char *cls, const char *text)
{
    svg_open(svg, "text");
    svg_attr_number(svg, "x", x);
    svg_attr_number(svg, "y", y);
    if (anchor && strcmp(anchor, "start") != 0)
        svg_attr(svg, "text-anchor", anchor);
    if (cls)
        svg_attr(svg, "class", cls);
    svg_end_open(svg);
    svg_escaped(svg, text);
    svg_close(svg, "text");
}
