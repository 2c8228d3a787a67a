/*
 * simulate_internal.h -- what the files of the Monte Carlo engine share:
 * a drawn cell (distributions.c: checking, moments and drawing a
 * distribution, the correlated group and its Gaussian copula), the plan
 * (plan.c: the cells the outputs need, as nodes in evaluation order), a
 * worker evaluating a block of trials on the plan (block_eval.c), and
 * running the trials on threads into a result (run.c), on a pool of
 * parked threads when the caller gives one (pool.c).  Statistics are in
 * sim_stats.c (as the trials run), sketch.c (percentiles without the
 * trials) and sim_result.c (reading a result), random numbers in rng.c.
 *
 * The plan is built over the compiled model itself: it reads the book's
 * cells and inputs through a ks_reader and derives years with the row
 * steps of year_steps.c, so this part includes model/model_internal.h.
 */
#ifndef KS_SIMULATE_INTERNAL_H
#define KS_SIMULATE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "base/hot_path.h"
#include "kessan/simulate.h"
#include "model/model_internal.h"
#include "simulate/rng.h"
#include "simulate/sketch.h"

/* ---- Latin hypercube (lhs.c) ------------------------------------------------- */

#define KS_LHS_ROUNDS 4

/* A cell's order of the strata over the run: a keyed permutation of the
 * trial indexes 0 .. trials - 1. */
typedef struct ks_lhs_order {
    uint32_t keys[KS_LHS_ROUNDS];
    uint32_t trials;
    int left_bits, right_bits;
} ks_lhs_order;

void ks_lhs_init(ks_lhs_order *order, uint64_t seed, uint64_t key,
                 int64_t trials);
/* The stratum of a trial (0 .. trials - 1). */
uint32_t ks_lhs_stratum(const ks_lhs_order *order, uint64_t trial);
/* u[i] = (stratum of trial first + i + a uniform of `rng`) / trials. */
void ks_lhs_uniforms(const ks_lhs_order *order, ks_rng *rng, int64_t first,
                     double *u, int n);

/* ---- statistics as the trials run (sim_stats.c) ---------------------------- */

typedef struct ks_moments {
    double count;  /* numbers seen                                         */
    double mean;
    double m2;     /* sum of squared deviations from the mean              */
    double min, max;
    double invalid; /* lanes left out: NaN, infinite or beyond the bound   */
    double overflow; /* of those, the infinite or beyond the bound         */
} ks_moments;

void ks_moments_clear(ks_moments *moments);
/* Add one block of lanes (NaN lanes and those beyond KS_SIM_VALUE_MAX
 * counted as invalid). */
void ks_moments_add_block(ks_moments *moments, const double *lanes, int n);
/* Merge `part` into `total` (Chan et al.): merging in a fixed order gives
 * the same bits whatever the thread that computed each part.  A block of
 * one value has it as its mean exactly, so a constant's m2 stays 0. */
void ks_moments_merge(ks_moments *total, const ks_moments *part);
/* One output's block: its moments into `moments`, its numbers into its
 * sketch (the block's extremes pick the cheapest loop). */
void ks_output_add_block(ks_moments *moments, ks_sketch *sketch,
                         const double *values, int n);

/* ---- drawn cells (distributions.c) ------------------------------------------- */

/* A drawn cell as the engine keeps it. */
typedef struct sim_draw {
    ks_dist dist;
    int item, period;
    int slot;          /* its lane array                                  */
    int group;         /* index in the correlated group, or -1            */
    double *cumulative; /* discrete: normalized cumulative weights        */
    double *values;     /* discrete: the values (a copy)                  */
    double pert_alpha, pert_beta;
    uint64_t key;      /* of its name as the model writes it: its streams */
    ks_lhs_order lhs;  /* Latin hypercube: its order of the strata        */
    double *pert_quantiles; /* Latin hypercube PERT: beta_quantile.c      */
} sim_draw;

/* u[0..n-1] in (0, 1) -> the draw's quantiles there, in place. */
void ks_sim_quantile_lanes(const sim_draw *draw, double *u, int n);

/* ---- the beta quantile (beta_quantile.c) -------------------------------------- */

#define KS_BETA_KNOTS 4096
/* The Beta(alpha, beta) quantiles at k / KS_BETA_KNOTS, k = 0 ..
 * KS_BETA_KNOTS (alpha, beta >= 1), then their slopes, or NULL when
 * memory runs out. */
double *ks_beta_quantile_table(const ks_allocator *alloc, double alpha,
                               double beta);
/* The quantile at u in (0, 1) from the table: cubic Hermite between
 * knots, the first and last interval by the density's power law. */
double ks_beta_quantile_at(const double *table, double alpha, double beta,
                           double u);
/* The regularized incomplete beta function I_x(alpha, beta). */
double ks_beta_cdf(double x, double alpha, double beta);

/* out[0..n-1] = value (block_eval.c). */
void ks_sim_fill(double *out, int n, double value);

/* ---- the plan (plan.c) ---------------------------------------------------- */

typedef enum node_kind {
    NODE_FORMULA = 0, /* the formula at the cell's period                */
    NODE_SUMMARY,     /* own periods summed (or last), else the formula  */
    NODE_ROW_OP       /* one step of an input item's year: a + b, a - b, a */
} node_kind;

#define COMBOS_MAX KS_SUMMARY_SETS_MAX

/* How an item's year follows from its inputs and draws: what each slot
 * starts as, and the steps (year_steps.c) as recalc.c takes them. */
typedef struct row_recipe {
    double start[KS_SLOTS_PER_YEAR]; /* an input, or NaN (missing)      */
    int draw[KS_SLOTS_PER_YEAR];     /* the slot's draw, or -1          */
    ks_row_step steps[KS_ROW_STEPS_MAX];
    int step_count;
} row_recipe;

/* A formula cell whose item's inputs and draws of the year imply a value
 * there: what it takes where its formula gives missing. */
typedef struct sim_implied {
    row_recipe recipe;
    int target; /* the cell's slot */
} sim_implied;

typedef struct sim_node {
    node_kind kind;
    int item, period;
    int slot;                  /* its lane array                        */
    const ks_formula *formula; /* formula and summary nodes             */
    ks_rule rule;
    ks_row_step_kind op;       /* row steps: periods a and b of the item */
    int a_period, b_period;
    /* summary: the sets of own slots that may give the sum, in order   */
    int8_t combo[COMBOS_MAX][KS_SET_PARTS_MAX];
    int8_t combo_length[COMBOS_MAX];
    int8_t combo_deps[COMBOS_MAX]; /* nodes among deps[part_first ..]  */
    int combo_count;
    /* nodes evaluated first (deps[part_first ..]), and for a summary the
     * nodes its formula reads, evaluated only when a lane needs it     */
    int part_first, part_count, read_first, read_count;
    int implied;               /* formula nodes: plan->implied, or -1   */
} sim_node;

typedef struct sim_output {
    int item, period;
    int slot;        /* lane array, or -1: a constant                  */
    int node;        /* the node computing it, or -1 (drawn, constant) */
    double constant; /* the model's value when constant (NaN if none)  */
} sim_output;

typedef struct sim_plan {
    const ks_allocator *alloc;
    ks_book *book;
    ks_reader reader;
    int period_count;
    size_t cell_count;
    int *slot_of;       /* cell -> lane array, or -1                  */
    double *values;     /* cell -> its constant value (boxed)        */
    sim_node *nodes;
    int node_count;
    int *node_of_slot;  /* lane array -> node, or -1 for a draw      */
    int *deps;
    size_t dep_count, dep_capacity;
    sim_implied *implied;
    size_t implied_count, implied_capacity;
    int slot_count;
    sim_draw *draws;
    int draw_count;
    uint8_t *item_drawn; /* per item: 1 when a draw so far is of it   */
    int *group;         /* draw indexes of the correlated group       */
    double *cholesky;   /* group_size^2, lower triangle               */
    int group_size;
    sim_output *outputs;
    int output_count;
    const ks_ziggurat *zig; /* the normals' tables: &ks_ziggurat_standard */
    int64_t trials;
    uint64_t seed;
    ks_sim_sampling sampling;
    ks_sim_copula copula;
    uint64_t group_key;   /* the correlated group's stream              */
} sim_plan;

static inline uint64_t ks_sim_cell(const sim_plan *plan, int item, int period)
{
    return (uint64_t)item * (uint64_t)plan->period_count + (uint64_t)period;
}


/* Check a spec's draw `given`, resolve its cell and keep it in `draw`
 * (discrete: a copy of its values and cumulative weights, plan-owned). */
ks_status ks_sim_draw_prepare(sim_plan *plan, ks_model *model,
                              const ks_sim_draw *given, sim_draw *draw,
                              ks_error *err);
/* The correlated group of the spec's draws and its Cholesky factor. */
ks_status ks_sim_correlations_prepare(sim_plan *plan, ks_model *model,
                                      const ks_sim_spec *spec, ks_error *err);
/* The lower Cholesky factor l of the g x g matrix: -1, or the first
 * pivot (0-based) that is not positive (*pivot its value). */
int ks_sim_cholesky(const double *matrix, int g, double *l, double *pivot);
/* Independent draws of one distribution into out[0..n-1]. */
void ks_sim_draw_lanes(const sim_draw *draw, ks_rng *rng,
                       const ks_ziggurat *zig, double *out, int n);
/* Correlated standard normals y -> the draw's marginal, lane by lane. */
void ks_sim_copula_marginal(const sim_draw *draw, double *y, int n);

/* Bring the model up to date and plan the spec over it; on failure the
 * plan holds what was allocated (ks_sim_plan_free releases it). */
ks_status ks_sim_plan_prepare(sim_plan *plan, ks_model *model,
                              const ks_sim_spec *spec, ks_error *err);
void ks_sim_plan_free(sim_plan *plan);
/* The draw of a cell, or -1. */
int ks_sim_find_draw(const sim_plan *plan, int item, int period);
/* A spec's cell "id@PERIOD" (`role` names it in errors). */
ks_status ks_sim_resolve_cell(ks_model *model, const char *cell,
                              const char *role, int *item, int *period,
                              ks_error *err);

/* ---- a block of trials (block_eval.c) ---------------------------------------- */

/* What one thread evaluates blocks of trials with: its lane arrays, its
 * stream, and its share of the outputs' sketches. */
typedef struct sim_worker {
    const sim_plan *plan;
    double *lanes;   /* slot_count * KS_SIM_BLOCK                      */
    double *scratch; /* 4 * KS_SIM_BLOCK: constants and the fallback   */
    double *normals; /* group_size * KS_SIM_BLOCK                      */
    unsigned *stamps; /* per node: the block it was last evaluated in  */
    uint32_t *counts; /* unused (KS_HIST_SLOTS per output): the sketches
                         are run.c's, per thread                       */
    unsigned block;
    ks_rng rng;
    int n;           /* lanes in the current block                     */
    ks_rng *draw_rngs; /* per drawn cell, its stream of the chunk       */
    ks_rng group_rng;  /* the correlated group's (rank correlation)     */
    int64_t trial;     /* the index of the block's first trial          */
    double *rank_work; /* rank correlation: rank_correlation.c          */
} sim_worker;

/* Seed the worker for chunk `stream` (UINT64_MAX: the pilot): each drawn
 * cell its own stream of (seed, the cell's key, stream), so a cell's
 * draws do not depend on which other cells are drawn (common random
 * numbers); the next block's first trial is the chunk's first. */
void ks_sim_worker_seed(sim_worker *worker, uint64_t stream);

/* ---- sorting doubles (radix_sort.c) ------------------------------------------ */

/* A double as an unsigned key in the same order, and back. */
uint64_t ks_sort_key(double x);
double ks_sort_value(uint64_t key);
/* Sort keys[0..n-1] ascending, stable, carrying payload (NULL: none)
 * along; the spares hold n each. */
void ks_radix_sort(uint64_t *keys, uint32_t *payload, size_t n,
                   uint64_t *spare_keys, uint32_t *spare_payload);

/* ---- rank correlation (rank_correlation.c) ------------------------------------ */

/* The most cells rank correlation correlates together. */
#define KS_RANK_GROUP_MAX 32
/* Scratch doubles a worker needs for rank correlation of the plan. */
size_t ks_rank_work_size(const sim_plan *plan);
/* Iman-Conover on the current block: the correlated group's lanes, drawn
 * independently, reordered within the block so that their ranks follow
 * normal scores correlated by plan->cholesky. */
void ks_rank_correlate_block(sim_worker *worker);


/* The slots block_eval.c still allocates per output in worker->counts,
 * which nothing reads now. */
#define KS_HIST_SLOTS 1

/* A worker's arrays for `plan` (its sketches are run.c's); -1 when memory
 * runs out, and then ks_sim_worker_free releases what was had. */
int ks_sim_worker_init(sim_worker *worker, const sim_plan *plan);
void ks_sim_worker_free(const ks_allocator *alloc, sim_worker *worker);
/* Draw a block of worker->n trials, then evaluate what the outputs need. */
void ks_sim_eval_block(sim_worker *worker);
/* The lanes of output o in the current block. */
const double *ks_sim_output_lanes(sim_worker *worker, int o);

/* ---- the pool's side for run.c (pool.c) ------------------------------------ */

/* ---- where worker threads run (thread_place.c) ------------------------------ */

/* A new thread starts on the CPU of the thread that starts it, and a
 * parked one wakes on its waker's, where the two then share one CPU (the
 * new thread not running at all) until the system's balancing moves one:
 * measured on 2 CPUs, 1 to 11 ms of a 20 ms run, half of what a second
 * thread gains.  So a worker starts on another CPU the process may use
 * (its index-th after the caller's, round the allowed ones) and, once
 * running, may run anywhere again; one that wakes on its waker's CPU
 * moves the same way.  Nothing is done where the process may use one CPU
 * or the system does not say. */

/* The CPUs a started worker may use once it runs (opaque: a cpu_set_t
 * on Linux). */
typedef struct ks_sim_cpus {
    int pinned; /* started on one CPU: restore `allowed` */
    unsigned char allowed[128];
} ks_sim_cpus;

/* The CPU the calling thread runs on, or -1 where the system does not
 * say. */
int ks_sim_cpu(void);
/* pthread_create(id, NULL, start, argument), the thread started on the
 * index-th allowed CPU after the caller's; `cpus` (kept alive until the
 * thread has called ks_sim_thread_unpin) gets what to restore. */
int ks_sim_thread_create(pthread_t *id, void *(*start)(void *),
                         void *argument, int index, ks_sim_cpus *cpus);
/* First thing in a thread that ks_sim_thread_create started: it may run
 * on any CPU it was allowed again. */
void ks_sim_thread_unpin(const ks_sim_cpus *cpus);
/* A thread that runs on CPU `caller` (its waker's) moves to the index-th
 * allowed CPU after it, then may run anywhere again. */
void ks_sim_leave_cpu(int caller, int index);
/* For one round of chunks: thread `index` of a run whose calling thread
 * ran on CPU `caller` keeps to one CPU (the caller's for index 0, else
 * the index-th allowed CPU after it) until ks_sim_thread_unpin(cpus):
 * a thread that waits on a lock is woken on its waker's CPU, where the
 * two may share one CPU while the other idles (traced: 20 ms of a 27 ms
 * run).  Nothing where the process may use one CPU or caller is -1. */
void ks_sim_pin_round(int caller, int index, ks_sim_cpus *cpus);

/* Take `pool` for one run of `threads` threads: 1 when the run may use it
 * (it has that many and no other run holds it), its parked threads then
 * nudged awake to spin while the run is planned; 0: the run starts its
 * threads itself.  A taken pool is given back by ks_sim_pool_give_back. */
int ks_sim_pool_take(ks_sim_pool *pool, int threads);
void ks_sim_pool_give_back(ks_sim_pool *pool);
/* task(context, i) for i in 0 .. count - 1 (count <= the pool's threads):
 * 0 on the calling thread, the others on the pool's; returns when every
 * one has returned. */
typedef void (*ks_sim_pool_task)(void *context, int index);
void ks_sim_pool_run(ks_sim_pool *pool, ks_sim_pool_task task, void *context,
                     int count);

/* ---- the result (run.c fills it, sim_result.c reads it) ------------------- */

struct ks_sim_result {
    ks_allocator alloc;
    int64_t trials;        /* trials run                                 */
    int output_count;
    char **given;          /* output cells as given                      */
    char **names;          /* as the model writes them                   */
    ks_moments *moments;
    ks_sketch *sketches;   /* per output                                 */
    char **reasons;        /* per output: why its first invalid trial was
                              (NULL: none was)                           */
    int stop_held;
    int draw_count;
    char **draw_given, **draw_names;
    int kept;              /* the trials are kept and complete           */
    double **output_values; /* kept: per output, `trials` values         */
    double **draw_values;   /* kept: per drawn cell                       */
    double **sorted;        /* kept: per output, its numbers sorted (on
                               demand)                                   */
    int64_t *sorted_count;
};

/* The reason of an output's first invalid trial (sim_reason.c), allocated:
 * "trial 3: missing: rev.dialup@4Q02 has no value".  `value` is the
 * trial's lane (boxed missing or error, or a number too large). */
char *ks_sim_reason_text(ks_model *model, const sim_plan *plan, int output,
                         int64_t trial, double value);

/* The percentile of the sketch of an output (the kept trials not read). */
double ks_sim_sketch_percentile(const ks_sim_result *result, int output,
                                double q);
/* Whether `stop` holds on the result so far (moments and sketches of the
 * trials done). */
int ks_sim_stop_holds(ks_sim_result *result, int output,
                      const ks_sim_stop *stop);

#endif
