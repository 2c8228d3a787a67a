/*
 * host_json.c -- a command's failure under --format json (host_json.h):
 * the message on standard error as every failure, and one JSON object
 * {"error": "..."} on standard output, so that a pipeline parsing the
 * output reads why there is no result.
 */
#include <stdio.h>

#include "host/host.h"
#include "host/host_json.h"
#include "kessan/text.h"

void host_json_error(const char *message)
{
    host_error(NULL, "%s", message);
    ks_text_sink out = ks_text_sink_stream(stdout);
    ks_text_puts(&out, "{\"error\": ");
    ks_text_json_string(&out, message);
    ks_text_puts(&out, "}\n");
    fflush(stdout);
}
