/*
 * model_internal.h -- the model's own data structures (the book of items,
 * cells and saved scenarios; a handle's overlay), shared by the files of
 * core/model/ only.  The rest of the core reaches the model through
 * model.h and the public headers; the one exception is the simulation
 * plan (simulate/simulate_internal.h says why).
 */
#ifndef KS_MODEL_INTERNAL_H
#define KS_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/alloc.h"
#include "base/value.h"
#include "formula/formula.h"
#include "kessan/kessan.h"
#include "model/model.h"
#include "model/period_parts.h"

typedef struct ks_item {
    char *id, *label, *label_ja, *unit, *statement, *parent_id;
    ks_rule rule;
    ks_formula *formula; /* NULL: an input item                         */
} ks_item;

/* A dependent of an item: `item` refers to the item through `ref`. */
typedef struct ks_edge {
    int item;
    const ks_formula_ref *ref;
} ks_edge;

/* An open-addressing map from a 64-bit key to a 32-bit index + 1. */
typedef struct ks_index_map {
    uint64_t *keys;
    uint32_t *slots; /* 0 empty, else index + 1                       */
    size_t capacity; /* power of two                                   */
    size_t count;
} ks_index_map;

/* A sparse cell -> (boxed value, provenance) map, for scenario overlays
 * and error origins. */
typedef struct ks_cell_entry {
    uint64_t cell;
    double value;
    uint32_t extra; /* provenance, or fault kind                       */
    uint32_t used;
} ks_cell_entry;

typedef struct ks_cell_map {
    ks_cell_entry *entries;
    size_t capacity; /* power of two, 0 when empty                     */
    size_t count;
} ks_cell_map;

typedef struct ks_setting_pair {
    char *key, *value;
} ks_setting_pair;

typedef struct ks_note_entry {
    ks_note note;
    char *id, *text;
} ks_note_entry;

typedef struct ks_printed_entry {
    ks_printed printed;
    char *text, *source;
} ks_printed_entry;

/* A scenario saved in the model: its overrides sorted by (item, period). */
typedef struct ks_saved_scenario {
    char *name;
    ks_saved_cell *cells;
    size_t count;
} ks_saved_scenario;

/* Every saved scenario of a book, in the order they were first saved. */
typedef struct ks_saved_set {
    ks_saved_scenario *scenarios;
    size_t count;
} ks_saved_set;

/* The state only a base model has. */
typedef struct ks_book {
    ks_calendar calendar;
    int year_count;
    int period_count;

    ks_item *items;
    size_t item_count, item_capacity;
    ks_index_map ids; /* id hash -> item; collisions resolved by strcmp */

    /* cells: [item * period_count + period] */
    double *inputs;      /* KS_TAG_NONE where no input                 */
    uint8_t *input_prov; /* REPORTED / OVERRIDDEN                      */
    double *values;      /* the current value of every cell            */
    uint8_t *prov;       /* its provenance                             */
    uint32_t *stamps;    /* generation marks for closures              */
    uint32_t generation;

    /* dependency order (graph.c), rebuilt when structure_dirty */
    int *order;        /* items in evaluation order                   */
    int *rank;         /* position of each item in `order`            */
    int *group_of;     /* strongly connected group of each item       */
    int *group_start;  /* order[group_start[g] .. group_start[g+1])   */
    int group_count;
    int *edge_start;   /* dependents of item i: edges[edge_start[i]..] */
    ks_edge *edges;
    size_t edge_count;

    int structure_dirty; /* items or formulas changed                  */
    int values_dirty;    /* everything must be recomputed             */
    uint64_t *pending;   /* input cells changed since the last recalc  */
    size_t pending_count, pending_capacity;
    int batch;           /* inside ks_model_begin_batch                */
    uint64_t version;    /* bumps on every change; scenarios compare   */

    ks_cell_map faults;  /* cell -> fault kind of errors that began there */

    ks_setting_pair *settings;
    size_t setting_count, setting_capacity;
    ks_printed_entry *printed;
    size_t printed_count, printed_capacity;
    ks_index_map printed_index;
    ks_note_entry *notes;
    size_t note_count, note_capacity;

    ks_saved_set saved;  /* scenarios saved in the model (saved.c)      */
} ks_book;

struct ks_model {
    ks_allocator alloc;
    int references;      /* handles and scenarios holding this model  */
    char *name;
    ks_model *base;      /* NULL for a base model                      */
    ks_book *book;       /* the base's book (shared by its scenarios)  */

    /* scenario state */
    ks_cell_map overrides; /* cell -> input (value, provenance)        */
    ks_cell_map overlay;   /* cell -> computed (value, provenance)     */
    ks_cell_map faults;    /* errors that began in this scenario       */
    uint64_t seen_version; /* base version the overlay was built on    */
    int overlay_dirty;

    int faults_lost;      /* an error's origin could not be recorded    */
    char error_text[256]; /* the description behind the last error read */
};

/* ---- calendar.c ---------------------------------------------------------- */
/* slot 0..7 of a period: 1Q 2Q 3Q 4Q 1H 2H 9M FY */
static inline int ks_calendar_slot(int period)
{
    return period % KS_SLOTS_PER_YEAR;
}
static inline int ks_calendar_period(int year_index, int slot)
{
    return year_index * KS_SLOTS_PER_YEAR + slot;
}
int ks_calendar_shift(const ks_book *book, int period, int offset);

/* ---- year_steps.c: how an input item's year follows from what is known ---------- */
typedef enum ks_row_step_kind {
    KS_ROW_ADD = 0, /* target = a + b (computed)                         */
    KS_ROW_SUB,     /* target = a - b (implied)                          */
    KS_ROW_COPY     /* target = a (a stock's last quarter, or back)      */
} ks_row_step_kind;

typedef struct ks_row_step {
    int8_t target, a, b; /* slots of the year                            */
    uint8_t kind;
} ks_row_step;

#define KS_ROW_STEPS_MAX (KS_SLOTS_PER_YEAR * KS_SLOTS_PER_YEAR)

/* The steps deriving a year's unknown slots (prov NONE) from its usable
 * ones (numbers), in order, under `rule`; each derived slot's prov is set
 * (computed or implied) and it becomes usable.  Returns how many. */
int ks_row_plan(ks_rule rule, uint8_t prov[KS_SLOTS_PER_YEAR],
                int usable[KS_SLOTS_PER_YEAR],
                ks_row_step steps[KS_ROW_STEPS_MAX]);
/* Carry out the steps on a year's values. */
void ks_row_apply(const ks_row_step *steps, int count,
                  double value[KS_SLOTS_PER_YEAR]);
/* The same for the steps ks_row_plan gives a year whose four quarters
 * alone are known (nothing under rule formula). */
void ks_row_apply_quarters(ks_rule rule, double value[KS_SLOTS_PER_YEAR]);

/* ---- maps (hash_maps.c) ----------------------------------------------------- */
uint64_t ks_hash_bytes(const char *text, size_t length);
int ks_index_map_find(const ks_index_map *map, uint64_t key,
                      int (*same)(void *ud, uint32_t index), void *ud);
int ks_index_map_put(const ks_allocator *alloc, ks_index_map *map,
                     uint64_t key, uint32_t index);
void ks_index_map_free(const ks_allocator *alloc, ks_index_map *map);

ks_cell_entry *ks_cell_map_find(const ks_cell_map *map, uint64_t cell);
/* Insert or find; NULL when memory runs out. */
ks_cell_entry *ks_cell_map_put(const ks_allocator *alloc, ks_cell_map *map,
                               uint64_t cell);
int ks_cell_map_reserve(const ks_allocator *alloc, ks_cell_map *map,
                        size_t count);
void ks_cell_map_remove(ks_cell_map *map, uint64_t cell);
void ks_cell_map_clear(ks_cell_map *map);
void ks_cell_map_free(const ks_allocator *alloc, ks_cell_map *map);

/* ---- graph.c ------------------------------------------------------------- */
/* Rebuild order and dependents from the formulas; on a cycle fill err with
 * its path, told from item `focus` when it is on it (-1: none), and return
 * KS_ECYCLE (the previous graph is kept). */
ks_status ks_graph_build(ks_model *model, int focus, ks_error *err);
void ks_graph_free(const ks_allocator *alloc, ks_book *book);

/* ---- recalc.c ------------------------------------------------------------ */
/* Bring every value of the base up to date. */
ks_status ks_recalc(ks_model *model, ks_error *err);

/* How a cell is read during evaluation: the base arrays or an overlay. */
typedef struct ks_reader {
    ks_model *model;     /* the handle evaluated (base or scenario)      */
    ks_book *book;
    int scenario;        /* read overrides/overlay first                 */
} ks_reader;

double ks_read_value(const ks_reader *reader, uint64_t cell, uint8_t *prov);
double ks_read_input(const ks_reader *reader, uint64_t cell, uint8_t *prov);
/* Compute one cell's value from the reader's view (not stored). */
double ks_eval_cell(const ks_reader *reader, int item, int period,
                    uint8_t *prov);
/* The time summary of a formula item's half, nine months or year (rule
 * sum or last, period_parts.h): the index of the set of parts that gives
 * it, its value in *out; or -1 when none does (the formula gives the cell). */
int ks_summary_source(const ks_reader *reader, int item, int period,
                      double *out);
/* Compute the row of an input item for one fiscal year into out[8]. */
void ks_eval_input_row(const ks_reader *reader, int item, int year_index,
                       double out[KS_SLOTS_PER_YEAR],
                       uint8_t prov[KS_SLOTS_PER_YEAR]);
/* Mark the closure of dependents of `cells` (stamps == generation) and
 * return them sorted in evaluation order; caller frees.  NULL on ENOMEM. */
uint64_t *ks_closure(ks_book *book, const ks_allocator *alloc,
                     const uint64_t *cells, size_t count, size_t *out_count);
/* The evaluation environment of one cell; `context` must outlive `env`. */
typedef struct ks_eval_context {
    const ks_reader *reader;
    int item, period;
} ks_eval_context;
void ks_eval_env_setup(ks_eval_env *env, ks_eval_context *context);
/* Unbox a value into `out` (error text in the handle's buffer). */
void ks_value_from_boxed(ks_model *model, double boxed, uint8_t provenance,
                         ks_value *out);
/* Period lookup on a book (calendar.c); ks_period_lookup wraps it. */
ks_status ks_book_period_lookup(const ks_book *book, const char *id,
                                int *period, ks_error *err);

/* Evaluate the cells of a closure in order, handing each value to `store`. */
typedef void (*ks_store_fn)(void *ud, uint64_t cell, double value,
                            uint8_t prov);
void ks_eval_closure(const ks_reader *reader, const uint64_t *cells,
                     size_t count, ks_store_fn store, void *ud);
/* After a pass: KS_ENOMEM (and the pass marked to be redone) when an
 * error's origin could not be recorded, else KS_OK. */
ks_status ks_faults_lost(ks_model *model, ks_error *err);

/* ---- scenario.c ---------------------------------------------------------- */
ks_status ks_scenario_refresh(ks_model *scenario, ks_error *err);

/* ---- saved.c: scenarios saved in the book -------------------------------- */
/* The saved scenario called `name`, or NULL. */
const ks_saved_scenario *ks_saved_find(const ks_book *book, const char *name);
/* Release every saved scenario (free_book calls it). */
void ks_saved_free(const ks_allocator *alloc, ks_saved_set *set);

static inline uint64_t ks_cell_of(const ks_book *book, int item, int period)
{
    return (uint64_t)item * (uint64_t)book->period_count + (uint64_t)period;
}

#endif
