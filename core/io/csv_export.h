/*
 * csv_export.h -- the rows of a long-form values file written to a stream
 * (internal): what ks_export_csv writes, without its atomic file, so that
 * several models' rows can share one file; and the walk over the cells an
 * export writes, which the CSV and the JSON export share.
 */
#ifndef KS_CSV_EXPORT_H
#define KS_CSV_EXPORT_H

#include <stdio.h>

#include "kessan/kessan.h"

/* A cell an export writes, as ks_export_walk hands it over. */
typedef struct ks_export_cell {
    const char *item;
    const char *label, *label_ja; /* the item's (label_ja may be NULL)   */
    char period[16];
    ks_value value;
    int is_input;
} ks_export_cell;

typedef ks_status (*ks_export_cell_fn)(void *context,
                                       const ks_export_cell *cell,
                                       ks_error *err);

/* The cells an export writes, item by item in display order, period by
 * period in time order: the inputs, or with KS_EXPORT_ALL every cell;
 * with `overrides_only` (a saved scenario after its base) only the inputs
 * the scenario holds itself.  Stops at the first error `write` returns. */
ks_status ks_export_walk(ks_model *model, int overrides_only,
                         const ks_export_options *options,
                         ks_export_cell_fn write, void *context,
                         ks_error *err);

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
