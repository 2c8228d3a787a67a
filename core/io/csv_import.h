/*
 * csv_import.h -- reading a values CSV (long or wide form) into a staging
 * area, checked against a model but not yet applied (internal).  Used by
 * ks_import_csv and by ks_model_open for values*.csv.
 */
#ifndef KS_CSV_IMPORT_H
#define KS_CSV_IMPORT_H

#include <stddef.h>
#include "io/csv_read.h"
#include "kessan/kessan.h"

typedef struct ks_staged_value {
    int item;
    int period;
    double number;      /* when !is_missing                                */
    int is_missing;     /* "-", "n.a", ... or nothing written              */
    int is_empty;       /* nothing written at all                          */
    int decimals;
    int is_percent;     /* a % sign was written                            */
    int line;           /* where the value is in the file                  */
    int column;
    size_t text;        /* offset of the text as written in `texts`        */
} ks_staged_value;

typedef struct ks_values_stage {
    const ks_allocator *alloc;
    ks_staged_value *values;
    size_t count, capacity;
    char *texts;        /* the texts as written, each NUL-terminated       */
    size_t text_length, text_capacity;
    int *wide_periods;  /* the period of each column of a wide header      */
    size_t wide_capacity;
} ks_values_stage;

void ks_values_stage_init(ks_values_stage *stage, const ks_allocator *alloc);
void ks_values_stage_release(ks_values_stage *stage);

/*
 * Read and check a whole values file (path != NULL) or buffer: every row
 * names a known item and period, every value is a number as printed or
 * missing, no (item, period) twice, scenario empty or the model's name.
 * `name` prefixes messages.  Nothing in the model changes.
 */
ks_status ks_values_read(ks_model *model, const char *name, const char *path,
                         const char *data, size_t size,
                         ks_values_stage *stage, ks_error *err);

/* The text of a staged value as written. */
const char *ks_staged_text(const ks_values_stage *stage,
                           const ks_staged_value *value);

/* A field naming an item or a period (spaces around are ignored); an
 * unknown one is "name:line:column: unknown item 'x' (did you mean ...)". */
ks_status ks_csv_item_at(ks_model *model, const ks_csv_record *record,
                         const ks_csv_field *field, int *item, ks_error *err);
ks_status ks_csv_period_at(ks_model *model, const ks_csv_record *record,
                           const ks_csv_field *field, int *period,
                           ks_error *err);

/* Whether an import would make a computed cell an input: the item has a
 * formula and the cell holds no input. */
int ks_is_computed(const ks_model *model, int item, int period);

/* The refusal of a value for a computed cell: "name:line:column:
 * op_income@4Q02 is computed (formula gross - sga); import with override
 * to set it" (KS_EINVAL). */
ks_status ks_refuse_computed(const ks_model *model, const char *name,
                             int item, int period, int line, int column,
                             ks_error *err);

/* The provenance an import gives its inputs (KS_PROV_OVERRIDDEN when the
 * options give none). */
ks_provenance ks_import_provenance(const ks_import_options *options);

/* ks_import_csv with options (internal: ks_import_values_with reads plain
 * files with it). */
ks_status ks_import_csv_with(ks_model *model, const char *path,
                             const ks_import_options *options,
                             ks_error *err);

#endif
