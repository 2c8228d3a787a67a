/*
 * json.h -- a model's values as JSON, for pipelines (kessan export
 * --format json, m:export(path, {format = "json"})): the cells an export
 * writes (ks_export_options: the inputs, or every cell; with the scenario
 * column, a model's saved scenarios after it), as one JSON object.
 *
 *   {"model": "Internet Initiative Japan Inc.", "cells": "inputs",
 *    "values": [
 *      {"item": "rev.dedicated", "period": "1Q01", "value": 3539924},
 *      {"item": "rev.equipment", "period": "4Q02", "value": null},
 *      {"item": "op_margin", "period": "4Q02", "value": null,
 *       "error": "division by zero in op_margin@4Q02"}
 *    ]}
 *
 * Numbers by text.h's data formatter (they read back as the same double),
 * a missing value null, an error cell null with its "error"; with the
 * scenario column each value names its "scenario".  Strings are escaped
 * as text.h's ks_text_json_string escapes them (UTF-8 kept).
 */
#ifndef KS_JSON_H
#define KS_JSON_H

#include <stdio.h>

#include "kessan/kessan.h"

/* Written atomically, as ks_export_csv writes (options->excel unused). */
ks_status ks_export_json(ks_model *model, const char *path,
                         const ks_export_options *options, ks_error *err);

/* The same to a stream already open, as it is made. */
ks_status ks_export_json_stream(ks_model *model, FILE *out,
                                const ks_export_options *options,
                                ks_error *err);

#endif /* KS_JSON_H */
