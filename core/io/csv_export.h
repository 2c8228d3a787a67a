/*
 * csv_export.h -- the rows of a long-form values file written to a stream
 * (internal): what ks_export_csv writes, without its atomic file, so that
 * several models' rows can share one file.
 */
#ifndef KS_CSV_EXPORT_H
#define KS_CSV_EXPORT_H

#include <stdio.h>

#include "kessan/kessan.h"

/* The header line when `header` is not 0, then the model's rows as
 * ks_export_csv writes them; write errors show on the stream. */
ks_status ks_export_rows(ks_model *model, FILE *out,
                         const ks_export_options *options, int header,
                         ks_error *err);

/* A saved scenario's rows, without a header: its own inputs (those that
 * differ from its base's in value or provenance), or with KS_EXPORT_ALL
 * every cell as it sees them. */
ks_status ks_export_overrides(ks_model *scenario, FILE *out,
                              const ks_export_options *options,
                              ks_error *err);

#endif
