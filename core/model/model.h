/*
 * model.h -- what the rest of the core needs from the model beyond the
 * public API (internal): inputs with a provenance, printed figures kept
 * for the tie-out audit, notes, and reserving room before a batch.
 */
#ifndef KS_MODEL_H
#define KS_MODEL_H

#include <stdint.h>

#include "base/value.h"
#include "kessan/kessan.h"

/* The allocator of a model or scenario handle. */
const ks_allocator *ks_model_allocator(const ks_model *model);

/*
 * Set an input cell to a boxed value (a number, ks_box_missing()) with a
 * provenance (KS_PROV_REPORTED while loading, KS_PROV_OVERRIDDEN from
 * scripts).  Dependents are recalculated lazily.
 */
ks_status ks_set_input(ks_model *model, int item, int period, double boxed,
                       ks_provenance provenance, ks_error *err);

/*
 * Make sure the next `count` ks_set_input calls on this handle cannot fail
 * for lack of memory (a base model never allocates for inputs; a scenario
 * grows its overlay here).  Importers call it before applying a file.
 */
ks_status ks_model_reserve_inputs(ks_model *model, size_t count,
                                  ks_error *err);

/*
 * Loading many formulas at once: between begin and end, ks_define only
 * compiles and stores; end checks the whole graph once (cycles with their
 * path).  If end fails the model is unusable and must be freed.
 */
void ks_model_begin_batch(ks_model *model);
ks_status ks_model_end_batch(ks_model *model, ks_error *err);

/* Whether an item has a formula. */
int ks_item_has_formula(const ks_model *model, int item);

/* ks_missing_reason, or "" when the cell is missing of itself (nothing in
 * it, no input behind it): callers that name the cell say no more. */
ks_status ks_missing_reason_beyond(ks_model *model, int item, int period,
                                   char *buf, size_t size, ks_error *err);

/* Bring every stale cell up to date, as ks_get does before it reads (the
 * recalculation may fail: out of memory, interrupted).  Once it has
 * succeeded, ks_get of a valid cell cannot fail until the model changes:
 * a report that reads many cells calls it first, so that a failure is
 * its own and never a cell shown as having no value. */
ks_status ks_model_refresh(ks_model *model, ks_error *err);

/* ---- printed figures: the release as printed, kept to check against ---- */

typedef enum ks_measure {
    KS_MEASURE_VALUE = 0, /* the figure itself, in the item's unit          */
    KS_MEASURE_PCT,       /* % of the statement's base (settings pct_base.*) */
    KS_MEASURE_YOY,       /* change against the same period a year earlier  */
    KS_MEASURE_QOQ,       /* change against the previous quarter           */
    KS_MEASURE_USD        /* the convenience translation (settings rate.USD) */
} ks_measure;

typedef struct ks_printed {
    int item;
    int period;
    ks_measure measure;
    double number;   /* as a number: "32.2%" is 0.322, "(3.8%)" -0.038     */
    int is_missing;  /* "-", "n.a"                                         */
    int decimals;    /* digits after the point as printed ("32.2%": 1)     */
    int is_percent;  /* printed with or in a % column                      */
    const char *text;   /* as printed, owned by the model                 */
    const char *source; /* "printed.csv:12", owned by the model           */
} ks_printed;

/* Keep a printed figure; copies the strings.  A second figure for the same
 * (item, period, measure) is KS_EDUP. */
ks_status ks_printed_add(ks_model *model, const ks_printed *printed,
                         ks_error *err);
int ks_printed_count(const ks_model *model);
const ks_printed *ks_printed_at(const ks_model *model, int index);
/* The printed figure for (item, period, measure), or NULL. */
const ks_printed *ks_printed_find(const ks_model *model, int item, int period,
                                  ks_measure measure);
/* "value", "pct", "yoy", "qoq", "usd"; and back (-1 when unknown). */
const char *ks_measure_name(ks_measure measure);
int ks_measure_parse(const char *name);

/* ---- notes: what the release itself explains ------------------------------ */

typedef struct ks_note {
    const char *id;   /* "n2"                                              */
    int item;         /* -1 for a note on the whole model                  */
    int period;       /* -1 for every period of the item                   */
    const char *text;
} ks_note;

ks_status ks_note_add(ks_model *model, const char *id, int item, int period,
                      const char *text, ks_error *err);
int ks_note_count(const ks_model *model);
const ks_note *ks_note_at(const ks_model *model, int index);

/* Whether a scenario holds its own override at the cell (an input set in
 * the scenario, whatever its value), as opposed to seeing its base's; 0 on
 * a model. */
int ks_scenario_has_override(const ks_model *model, int item, int period);

/* A scenario that starts with no overrides, whatever is saved under its
 * name: the private working copies of the what-if tools (scenario.c). */
ks_status ks_scenario_new_blank(ks_model *base, const char *name,
                                ks_model **out, ks_error *err);

/* ---- saved scenarios: changed all or nothing (saved.c) -------------------- */

/* A scenario carrying the overrides saved at `index` of the base's saved
 * set (0 .. ks_saved_scenario_count - 1), found by index rather than by
 * name (exporting every saved scenario stays linear). */
ks_status ks_saved_scenario_open(ks_model *model, int index, ks_model **out,
                                 ks_error *err);

/* One saved override of a scenario: a cell by (item, period), which stay
 * the same when the calendar grows, and its boxed input value. */
typedef struct ks_saved_cell {
    int32_t item;
    int32_t period;
    double value;
} ks_saved_cell;

/* Order of ks_saved_cell by (item, period), for qsort. */
int ks_saved_cell_order(const void *a, const void *b);

/* A change to one saved scenario. */
typedef struct ks_saved_change {
    const char *name;           /* the scenario (not "" nor "base")        */
    const ks_saved_cell *cells; /* sorted by (item, period), none twice    */
    size_t count;
    int replace;                /* 1: these become all its overrides;
                                   0: merged over what is saved            */
} ks_saved_change;

/* A new set of saved scenarios, built but not yet in the model. */
typedef struct ks_saved_plan ks_saved_plan;

/*
 * Build the saved set that `changes` (at most one per name) would make of
 * the base of `model`'s, without changing the model.  With
 * refuse_existing, a merged cell already saved is KS_EDUP.  On failure
 * *out is NULL and nothing is left allocated.
 */
ks_status ks_saved_prepare(ks_model *model, const ks_saved_change *changes,
                           size_t count, int refuse_existing,
                           ks_saved_plan **out, ks_error *err);
/* Put a prepared set in place of the saved one (cannot fail; frees the
 * plan and the old set). */
void ks_saved_commit(ks_model *model, ks_saved_plan *plan);
/* Drop a prepared set unused (NULL is harmless). */
void ks_saved_discard(ks_model *model, ks_saved_plan *plan);

#endif
