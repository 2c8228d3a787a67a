/*
 * host_json.h -- what the commands with --format json (show, check,
 * export) share: a failure written for the pipeline reading standard
 * output, as well as for the person reading standard error.
 */
#ifndef KESSAN_HOST_JSON_H
#define KESSAN_HOST_JSON_H

/* Reports `message` as host_error does, and writes {"error": "message"}
 * on standard output. */
void host_json_error(const char *message);

#endif
