/*
 * text_json.c -- JSON strings and numbers (text.h), for the --format json
 * of show, check and export: strings escaped so that any parser reads
 * back the same text, numbers by the data formatter, null for what has
 * no number.
 */
#include <stdint.h>
#include <string.h>

#include "kessan/text.h"

/* The escape of a byte below 0x20, '"' or '\\'; NULL for others. */
static const char *short_escape(unsigned char c)
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return NULL;
    }
}

/* Writes the plain run [from, to) and returns `to`. */
static const char *flush(ks_text_sink *sink, const char *from, const char *to)
{
    if (to > from)
        ks_text_put(sink, from, (size_t)(to - from));
    return to;
}

void ks_text_json_string(ks_text_sink *sink, const char *text)
{
    if (!text) {
        ks_text_puts(sink, "null");
        return;
    }
    ks_text_put(sink, "\"", 1);
    const char *run = text, *at = text, *end = text + strlen(text);
    while (at < end) {
        unsigned char c = (unsigned char)*at;
        const char *escape = short_escape(c);
        if (escape || c < 0x20) {
            flush(sink, run, at);
            if (escape)
                ks_text_puts(sink, escape);
            else
                ks_text_printf(sink, "\\u%04x", c);
            run = ++at;
            continue;
        }
        if (c < 0x80) {
            at++;
            continue;
        }
        uint32_t code_point;
        size_t length = ks_utf8_decode(at, (size_t)(end - at), &code_point);
        if (length == 0 || code_point == 0x2028 || code_point == 0x2029) {
            flush(sink, run, at);
            ks_text_puts(sink, length == 0 ? "\\ufffd"
                                           : code_point == 0x2028 ? "\\u2028"
                                                                  : "\\u2029");
            at += length == 0 ? 1 : length;
            run = at;
            continue;
        }
        at += length;
    }
    flush(sink, run, at);
    ks_text_put(sink, "\"", 1);
}

void ks_text_json_number(ks_text_sink *sink, double value)
{
    char text[KS_DATA_NUMBER_MAX];
    if (ks_format_data(text, sizeof text, value) <= 0) {
        ks_text_puts(sink, "null");
        return;
    }
    ks_text_puts(sink, text);
}
