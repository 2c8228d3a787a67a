/*
 * saved_csv.h -- reading the rows of a long-form values file whose
 * `scenario` column names scenarios (internal): the model's own rows are
 * staged as csv_import.h stages them, the others as changes to the saved
 * scenarios (model.h).  Used by ks_model_open and ks_import_values.
 */
#ifndef KS_SAVED_CSV_H
#define KS_SAVED_CSV_H

#include <stddef.h>

#include "io/csv_import.h"
#include "model/model.h"

/* A row naming a scenario: which (index into names), where, what. */
typedef struct ks_saved_row {
    int scenario;
    int line, column;
    ks_saved_cell cell;
} ks_saved_row;

typedef struct ks_saved_rows {
    const ks_allocator *alloc;
    ks_values_stage base;     /* rows with scenario "" or "base"           */
    ks_saved_row *rows;       /* rows naming a scenario                    */
    size_t count, capacity;
    char **names;             /* scenarios in the order first named        */
    size_t name_count, name_capacity;
    int *name_slots;          /* open addressing over names: index + 1, 0
                                 empty; slot_count a power of two or 0    */
    size_t slot_count;
    ks_saved_cell *cells;     /* the rows' cells grouped by scenario       */
    ks_saved_change *changes; /* one per name, over `cells`                */
    int workbook;             /* set before reading: a workbook is read too
                                 (ks_values_file_read), its sheet `sheet`  */
    const char *sheet;
} ks_saved_rows;

void ks_saved_rows_init(ks_saved_rows *rows, const ks_allocator *alloc);
void ks_saved_rows_release(ks_saved_rows *rows);

/*
 * Read and check a whole values file.  When it is not a long-form file
 * with a `scenario` column, nothing is staged and *has_scenarios is 0 (read
 * it with ks_values_read).  Otherwise every row is checked as
 * ks_values_read checks it (no cell twice in the same scenario) and
 * rows->changes holds one change per scenario named (merge, not replace),
 * rows->name_count of them.  Nothing in the model changes.
 */
ks_status ks_saved_rows_read(ks_model *model, const char *path,
                             ks_saved_rows *rows, int *has_scenarios,
                             ks_error *err);

#endif
