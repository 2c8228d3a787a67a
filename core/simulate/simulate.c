/*
 * simulate.c -- the Monte Carlo engine: checking a simulation's spec,
 * planning it over the compiled model (the dependents of the drawn cells in
 * evaluation order, cut to what the outputs need), drawing and evaluating
 * blocks of trials, running chunks of trials on threads, and the result's
 * accessors.  Statistics themselves are in sim_stats.c, random numbers in
 * rng.c.
 *
 * Plan: each cell the outputs need gets a node and a lane array of
 * KS_SIM_BLOCK doubles: a drawn cell (filled by its distribution), a
 * formula cell (the block machine), a summary cell of a formula item (per
 * lane, the sum of its own periods when they are numbers, else the
 * formula), or the year of an input item holding a draw (a recipe of sums
 * and differences found once from the inputs, as recalc.c derives them,
 * then applied lane by lane).  Every other cell is a constant: the model's
 * current value.
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "simulate/hot_path.h"
#include "model/model_internal.h"
#include "simulate/rng.h"
#include "kessan/simulate.h"

/* ---- distributions -------------------------------------------------------- */

static const char *dist_name(ks_dist_kind kind)
{
    static const char *const names[] = { "fixed", "normal", "lognormal",
                                         "uniform", "triangular", "pert",
                                         "discrete" };
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "?";
}

static int all_finite(const ks_dist *dist)
{
    return isfinite(dist->a) && isfinite(dist->b) && isfinite(dist->c);
}

/* Normal draws lie within DRAW_SD_MAX sd of the mean (the sampler cannot
 * go beyond about 15: 2^-64 is its least uniform), so parameters whose
 * draws could overflow there are refused: a draw is always finite. */
#define DRAW_SD_MAX 40.0

static ks_status check_reach(const ks_dist *dist, const char *what,
                             ks_error *err)
{
    const char *name = dist_name(dist->kind);
    double a = dist->a, b = dist->b;
    if (dist->kind == KS_DIST_NORMAL &&
        !(fabs(a) + DRAW_SD_MAX * b <= DBL_MAX))
        return ks_error_set(err, KS_EINVAL,
                            "%s: normal(mean %.17g, sd %.17g) would draw "
                            "beyond the largest number: |mean| + %g sd must "
                            "be at most %.17g", what, a, b, DRAW_SD_MAX,
                            DBL_MAX);
    if (dist->kind == KS_DIST_LOGNORMAL &&
        !(a + DRAW_SD_MAX * b <= log(DBL_MAX)))
        return ks_error_set(err, KS_EINVAL,
                            "%s: lognormal(mu %.17g, sigma %.17g) would draw "
                            "beyond the largest number: mu + %g sigma must "
                            "be at most log(%.17g) = %.17g", what, a, b,
                            DRAW_SD_MAX, DBL_MAX, log(DBL_MAX));
    if ((dist->kind == KS_DIST_UNIFORM || dist->kind == KS_DIST_TRIANGULAR ||
         dist->kind == KS_DIST_PERT) && !(b - a <= DBL_MAX))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s(min %.17g, max %.17g): max - min must be "
                            "at most %.17g (draws are min + a share of it)",
                            what, name, a, b, DBL_MAX);
    return KS_OK;
}

static ks_status check_range(const ks_dist *dist, const char *what,
                             ks_error *err)
{
    const char *name = dist_name(dist->kind);
    if (!(dist->a < dist->b))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s needs min < max, got min %.17g and max %.17g",
                            what, name, dist->a, dist->b);
    if (dist->kind != KS_DIST_UNIFORM &&
        !(dist->a <= dist->c && dist->c <= dist->b))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s needs min <= mode <= max, got mode %.17g "
                            "outside [%.17g, %.17g]",
                            what, name, dist->c, dist->a, dist->b);
    return KS_OK;
}

static ks_status check_discrete(const ks_dist *dist, const char *what,
                                ks_error *err)
{
    if (dist->count < 1 || !dist->values)
        return ks_error_set(err, KS_EINVAL,
                            "%s: discrete needs at least one value", what);
    double total = 0;
    for (int i = 0; i < dist->count; i++) {
        if (!isfinite(dist->values[i]))
            return ks_error_set(err, KS_EINVAL,
                                "%s: discrete value %d is not a finite number",
                                what, i + 1);
        double weight = dist->weights ? dist->weights[i] : 1.0;
        if (!isfinite(weight) || weight < 0)
            return ks_error_set(err, KS_EINVAL,
                                "%s: discrete weight %d must be a finite "
                                "number >= 0, got %.17g", what, i + 1, weight);
        total += weight;
    }
    if (!(total > 0))
        return ks_error_set(err, KS_EINVAL,
                            "%s: discrete weights sum to zero", what);
    return KS_OK;
}

ks_status ks_dist_check(const ks_dist *dist, const char *what, ks_error *err)
{
    if (dist->kind == KS_DIST_DISCRETE)
        return check_discrete(dist, what, err);
    if (!all_finite(dist))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s parameters must be finite numbers", what,
                            dist_name(dist->kind));
    switch (dist->kind) {
    case KS_DIST_FIXED:
        return KS_OK;
    case KS_DIST_NORMAL:
    case KS_DIST_LOGNORMAL:
        if (!(dist->b > 0))
            return ks_error_set(err, KS_EINVAL,
                                "%s: %s needs %s > 0, got %.17g", what,
                                dist_name(dist->kind),
                                dist->kind == KS_DIST_NORMAL ? "sd" : "sigma",
                                dist->b);
        return check_reach(dist, what, err);
    case KS_DIST_UNIFORM:
    case KS_DIST_TRIANGULAR:
    case KS_DIST_PERT: {
        ks_status status = check_range(dist, what, err);
        return status != KS_OK ? status : check_reach(dist, what, err);
    }
    default:
        return ks_error_set(err, KS_EINVAL, "%s: unknown distribution kind %d",
                            what, (int)dist->kind);
    }
}

static void pert_shape(const ks_dist *dist, double *alpha, double *beta)
{
    double width = dist->b - dist->a;
    *alpha = 1.0 + 4.0 * (dist->c - dist->a) / width;
    *beta = 1.0 + 4.0 * (dist->b - dist->c) / width;
}

void ks_dist_moments(const ks_dist *dist, double *mean, double *variance)
{
    double a = dist->a, b = dist->b, c = dist->c;
    switch (dist->kind) {
    case KS_DIST_NORMAL:
        *mean = a;
        *variance = b * b;
        return;
    case KS_DIST_LOGNORMAL:
        *mean = exp(a + 0.5 * b * b);
        *variance = (exp(b * b) - 1.0) * exp(2.0 * a + b * b);
        return;
    case KS_DIST_UNIFORM:
        *mean = 0.5 * (a + b);
        *variance = (b - a) * (b - a) / 12.0;
        return;
    case KS_DIST_TRIANGULAR:
        *mean = (a + b + c) / 3.0;
        *variance = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        return;
    case KS_DIST_PERT: {
        double alpha, beta, width = b - a;
        pert_shape(dist, &alpha, &beta);
        double sum = alpha + beta;
        *mean = a + width * alpha / sum;
        *variance = width * width * alpha * beta / (sum * sum * (sum + 1.0));
        return;
    }
    case KS_DIST_DISCRETE: {
        double total = 0, first = 0, second = 0;
        for (int i = 0; i < dist->count; i++) {
            double weight = dist->weights ? dist->weights[i] : 1.0;
            total += weight;
            first += weight * dist->values[i];
            second += weight * dist->values[i] * dist->values[i];
        }
        *mean = first / total;
        *variance = second / total - *mean * *mean;
        return;
    }
    default:
        *mean = a;
        *variance = 0;
        return;
    }
}

/* A drawn cell as the engine keeps it. */
typedef struct sim_draw {
    ks_dist dist;
    int item, period;
    int slot;          /* its lane array                                  */
    int group;         /* index in the correlated group, or -1            */
    double *cumulative; /* discrete: normalized cumulative weights        */
    double *values;     /* discrete: the values (a copy)                  */
    double pert_alpha, pert_beta;
} sim_draw;

/* The smallest i with cumulative[i] > u (the last one when none). */
static double discrete_at(const sim_draw *draw, double u)
{
    int lo = 0, hi = draw->dist.count - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (draw->cumulative[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return draw->values[lo];
}

KS_HOT static void fill(double *out, int n, double value)
{
    for (int i = 0; i < n; i++)
        out[i] = value;
}

/* Independent draws of one distribution into out[0..n-1]. */
static void draw_lanes(const sim_draw *draw, ks_rng *rng,
                       const ks_ziggurat *zig, double *out, int n)
{
    const ks_dist *dist = &draw->dist;
    switch (dist->kind) {
    case KS_DIST_FIXED:
        fill(out, n, dist->a);
        return;
    case KS_DIST_NORMAL:
        ks_rng_normals(rng, zig, out, n, dist->a, dist->b);
        return;
    case KS_DIST_LOGNORMAL:
        ks_rng_normals(rng, zig, out, n, dist->a, dist->b);
        for (int i = 0; i < n; i++)
            out[i] = exp(out[i]);
        return;
    case KS_DIST_UNIFORM:
        ks_rng_uniforms(rng, out, n, dist->a, dist->b);
        return;
    case KS_DIST_TRIANGULAR:
        ks_rng_triangulars(rng, out, n, dist->a, dist->c, dist->b);
        return;
    case KS_DIST_PERT:
        for (int i = 0; i < n; i++) {
            double x = ks_rng_gamma(rng, zig, draw->pert_alpha);
            double y = ks_rng_gamma(rng, zig, draw->pert_beta);
            out[i] = dist->a + (dist->b - dist->a) * (x / (x + y));
        }
        return;
    case KS_DIST_DISCRETE:
        ks_rng_uniforms(rng, out, n, 0.0, 1.0);
        for (int i = 0; i < n; i++)
            out[i] = discrete_at(draw, out[i]);
        return;
    }
}

/* Correlated normals y (standard) -> the marginal, lane by lane. */
static void copula_marginal(const sim_draw *draw, double *y, int n)
{
    const ks_dist *dist = &draw->dist;
    for (int i = 0; i < n; i++) {
        double z = y[i];
        switch (dist->kind) {
        case KS_DIST_NORMAL:
            y[i] = dist->a + dist->b * z;
            break;
        case KS_DIST_LOGNORMAL:
            y[i] = exp(dist->a + dist->b * z);
            break;
        case KS_DIST_UNIFORM:
            y[i] = dist->a + (dist->b - dist->a) * ks_normal_cdf(z);
            break;
        case KS_DIST_TRIANGULAR:
            y[i] = ks_triangular_at(dist->a, dist->c, dist->b, ks_normal_cdf(z));
            break;
        case KS_DIST_DISCRETE:
            y[i] = discrete_at(draw, ks_normal_cdf(z));
            break;
        default:
            y[i] = dist->a;
            break;
        }
    }
}

static int copula_supports(ks_dist_kind kind)
{
    return kind == KS_DIST_NORMAL || kind == KS_DIST_LOGNORMAL ||
           kind == KS_DIST_UNIFORM || kind == KS_DIST_TRIANGULAR ||
           kind == KS_DIST_DISCRETE;
}

/* ---- the plan ------------------------------------------------------------- */

typedef enum node_kind {
    NODE_FORMULA = 0, /* the formula at the cell's period                */
    NODE_SUMMARY,     /* own periods summed (or last), else the formula  */
    NODE_ROW_OP       /* one step of an input item's year: a + b, a - b, a */
} node_kind;

/* How an input item's year is derived when some of its cells are drawn:
 * what each slot starts as, and the steps (year_steps.c) as recalc.c takes them. */
typedef struct row_recipe {
    double start[KS_SLOTS_PER_YEAR]; /* an input, or NaN (missing)      */
    uint8_t drawn[KS_SLOTS_PER_YEAR];
    ks_row_step steps[KS_ROW_STEPS_MAX];
    int step_count;
} row_recipe;

#define COMBOS_MAX 3

typedef struct sim_node {
    node_kind kind;
    int item, period;
    int slot;                  /* its lane array                        */
    const ks_formula *formula; /* formula and summary nodes             */
    ks_rule rule;
    ks_row_step_kind op;       /* row steps: periods a and b of the item */
    int a_period, b_period;
    /* summary: the sets of own slots that may give the sum, in order   */
    int8_t combo[COMBOS_MAX][4];
    int8_t combo_length[COMBOS_MAX];
    int8_t combo_deps[COMBOS_MAX]; /* nodes among deps[part_first ..]  */
    int combo_count;
    /* nodes evaluated first (deps[part_first ..]), and for a summary the
     * nodes its formula reads, evaluated only when a lane needs it     */
    int part_first, part_count, read_first, read_count;
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
    int slot_count;
    sim_draw *draws;
    int draw_count;
    int *group;         /* draw indexes of the correlated group       */
    double *cholesky;   /* group_size^2, lower triangle               */
    int group_size;
    sim_output *outputs;
    int output_count;
    ks_ziggurat zig;
    int64_t trials;
    uint64_t seed;
} sim_plan;

static uint64_t cell_index(const sim_plan *plan, int item, int period)
{
    return (uint64_t)item * (uint64_t)plan->period_count + (uint64_t)period;
}

/* Row recipes: recalc.c's derive_sums and derive_last, recorded. */
static int find_draw(const sim_plan *plan, int item, int period)
{
    for (int d = 0; d < plan->draw_count; d++)
        if (plan->draws[d].item == item && plan->draws[d].period == period)
            return d;
    return -1;
}

/* The recipe of an input item's year, from its inputs and draws. */
static void build_recipe(const sim_plan *plan, int item, int year,
                         row_recipe *recipe)
{
    uint8_t prov[KS_SLOTS_PER_YEAR];
    int usable[KS_SLOTS_PER_YEAR];
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++) {
        int period = ks_calendar_period(year, slot);
        recipe->drawn[slot] = find_draw(plan, item, period) >= 0;
        if (recipe->drawn[slot]) {
            prov[slot] = KS_PROV_OVERRIDDEN;
            usable[slot] = 1;
            recipe->start[slot] = 0;
            continue;
        }
        double input = ks_read_input(&plan->reader,
                                     cell_index(plan, item, period),
                                     &prov[slot]);
        if (ks_is_none(input)) {
            input = NAN;
            prov[slot] = KS_PROV_NONE;
        }
        usable[slot] = ks_is_number(input);
        recipe->start[slot] = ks_is_number(input) ? input : NAN;
    }
    recipe->step_count = ks_row_plan(plan->book->items[item].rule, prov,
                                     usable, recipe->steps);
}

/* The cell a formula reference reads from `period`, or -1. */
static int64_t ref_cell(const sim_plan *plan, const ks_formula_ref *ref,
                        int period)
{
    int target = ref->kind == KS_REF_ABSOLUTE ? ref->period : period;
    if (ref->offset != 0)
        target = ks_calendar_shift(plan->book, target, ref->offset);
    return target < 0 ? -1 : (int64_t)cell_index(plan, ref->item, target);
}

/* The cells a node reads, marked as needed (need[cell] = 1). */
static void mark_reads(const sim_plan *plan, const sim_node *node,
                       uint8_t *need)
{
    if (node->kind == NODE_ROW_OP) {
        need[cell_index(plan, node->item, node->a_period)] = 1;
        need[cell_index(plan, node->item, node->b_period)] = 1;
        return;
    }
    int year = node->period / KS_SLOTS_PER_YEAR;
    uint8_t mask = ks_calendar_mask(ks_calendar_slot(node->period));
    if (node->kind == NODE_SUMMARY)
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++)
            if ((ks_calendar_mask(s) & ~mask) == 0)
                need[cell_index(plan, node->item,
                                ks_calendar_period(year, s))] = 1;
    int count = ks_formula_ref_count(node->formula);
    for (int r = 0; r < count; r++) {
        int64_t cell = ref_cell(plan, ks_formula_ref_at(node->formula, r),
                                node->period);
        if (cell >= 0)
            need[cell] = 1;
    }
}

static void node_init(sim_node *node, node_kind kind, int item, int period)
{
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->item = item;
    node->period = period;
    node->slot = -1;
}

/* The steps of an input item's year as nodes; its other slots become
 * constants (their input, or missing). */
static int add_row(sim_plan *plan, int item, int year, int *node_of,
                   uint8_t *seen)
{
    row_recipe recipe;
    build_recipe(plan, item, year, &recipe);
    int added = 0;
    for (int s = 0; s < KS_SLOTS_PER_YEAR; s++) {
        uint64_t cell = cell_index(plan, item, ks_calendar_period(year, s));
        seen[cell] = 1;
        if (!recipe.drawn[s])
            plan->values[cell] = ks_is_number(recipe.start[s])
                                     ? recipe.start[s]
                                     : ks_box_missing();
    }
    for (int k = 0; k < recipe.step_count; k++) {
        const ks_row_step *op = &recipe.steps[k];
        int period = ks_calendar_period(year, op->target);
        sim_node *node = &plan->nodes[plan->node_count];
        node_init(node, NODE_ROW_OP, item, period);
        node->op = (ks_row_step_kind)op->kind;
        node->a_period = ks_calendar_period(year, op->a);
        node->b_period = ks_calendar_period(year, op->b);
        node_of[cell_index(plan, item, period)] = plan->node_count++;
        added++;
    }
    return added;
}

/* A node for a formula item's cell of the closure, unless it is drawn or
 * holds an input (then a constant). */
static void add_formula_cell(sim_plan *plan, int item, int period,
                             int *node_of)
{
    const ks_item *it = &plan->book->items[item];
    uint64_t cell = cell_index(plan, item, period);
    uint8_t prov;
    if (find_draw(plan, item, period) >= 0 ||
        !ks_is_none(ks_read_input(&plan->reader, cell, &prov)))
        return;
    sim_node *node = &plan->nodes[plan->node_count];
    int quarter = ks_calendar_slot(period) < 4;
    node_init(node,
              quarter || it->rule == KS_RULE_FORMULA ? NODE_FORMULA
                                                     : NODE_SUMMARY,
              item, period);
    node->formula = it->formula;
    node->rule = it->rule;
    node_of[cell] = plan->node_count++;
}

/* Whether a cell the node reads varies from trial to trial. */
static int reads_vary(const sim_plan *plan, const sim_node *node,
                      const uint8_t *varies)
{
    uint64_t own = cell_index(plan, node->item, node->period);
    if (node->kind == NODE_ROW_OP)
        return varies[cell_index(plan, node->item, node->a_period)] |
               varies[cell_index(plan, node->item, node->b_period)];
    int year = node->period / KS_SLOTS_PER_YEAR;
    uint8_t mask = ks_calendar_mask(ks_calendar_slot(node->period));
    if (node->kind == NODE_SUMMARY)
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++) {
            uint64_t cell = cell_index(plan, node->item,
                                       ks_calendar_period(year, s));
            /* only the periods inside this one can make up its sum */
            if ((ks_calendar_mask(s) & ~mask) == 0 && cell != own &&
                varies[cell])
                return 1;
        }
    int count = ks_formula_ref_count(node->formula);
    for (int r = 0; r < count; r++) {
        int64_t cell = ref_cell(plan, ks_formula_ref_at(node->formula, r),
                                node->period);
        if (cell >= 0 && varies[cell])
            return 1;
    }
    return 0;
}

/* The closure is wider than what the draws change (a drawn 4Q02 makes its
 * whole year a dependent, 1Q02 included): a node none of whose reads
 * varies is the model's own value, a constant.  Nodes come in evaluation
 * order, so one forward pass decides. */
static void drop_constant_nodes(sim_plan *plan, uint8_t *varies,
                                uint8_t *constant)
{
    for (int d = 0; d < plan->draw_count; d++)
        varies[cell_index(plan, plan->draws[d].item, plan->draws[d].period)] = 1;
    for (int n = 0; n < plan->node_count; n++) {
        const sim_node *node = &plan->nodes[n];
        uint64_t cell = cell_index(plan, node->item, node->period);
        if (reads_vary(plan, node, varies)) {
            varies[cell] = 1;
            continue;
        }
        uint8_t prov;
        plan->values[cell] = ks_read_value(&plan->reader, cell, &prov);
        constant[n] = 1;
    }
}

/* Walk back from the outputs: keep[n] for the nodes something needs. */
static void mark_needed(const sim_plan *plan, uint8_t *need,
                        const uint8_t *constant, uint8_t *keep)
{
    for (int o = 0; o < plan->output_count; o++)
        need[cell_index(plan, plan->outputs[o].item, plan->outputs[o].period)] = 1;
    for (int n = plan->node_count - 1; n >= 0; n--) {
        const sim_node *node = &plan->nodes[n];
        if (constant[n] || !need[cell_index(plan, node->item, node->period)])
            continue;
        keep[n] = 1;
        mark_reads(plan, node, need);
    }
}

static int add_dep(sim_plan *plan, int node)
{
    if (ks_mem_grow(plan->alloc, (void **)&plan->deps, &plan->dep_capacity,
                    plan->dep_count + 1, sizeof *plan->deps) != 0)
        return -1;
    plan->deps[plan->dep_count++] = node;
    return 0;
}

/* Add the node computing `cell` (if any) to the dependency list. */
static int add_cell_dep(sim_plan *plan, int64_t cell)
{
    if (cell < 0)
        return 0;
    int slot = plan->slot_of[cell];
    if (slot < 0 || plan->node_of_slot[slot] < 0)
        return 0;
    return add_dep(plan, plan->node_of_slot[slot]);
}

static int is_constant_gap(const sim_plan *plan, uint64_t cell)
{
    return plan->slot_of[cell] < 0 && !ks_is_number(plan->values[cell]);
}

/* A summary's sets of own slots: those without a constant that is not a
 * number (they could never give the sum). */
static int summary_combos(sim_plan *plan, sim_node *node)
{
    static const int8_t sets[KS_SLOTS_PER_YEAR][COMBOS_MAX][5] = {
        [4] = { { 2, 0, 1 } },
        [5] = { { 2, 2, 3 } },
        [6] = { { 3, 0, 1, 2 }, { 2, 4, 2 } },
        [7] = { { 4, 0, 1, 2, 3 }, { 2, 4, 5 }, { 2, 6, 3 } },
    };
    static const int8_t last_slot[KS_SLOTS_PER_YEAR] = { 0, 1, 2, 3, 1, 3, 2, 3 };
    int year = node->period / KS_SLOTS_PER_YEAR;
    int slot = ks_calendar_slot(node->period);
    node->combo_count = 0;
    for (int c = 0; c < COMBOS_MAX; c++) {
        int8_t set[5] = { 1, last_slot[slot], 0, 0, 0 };
        if (node->rule == KS_RULE_SUM)
            memcpy(set, sets[slot][c], sizeof set);
        else if (c > 0)
            break;
        if (set[0] == 0)
            break;
        int viable = 1;
        for (int k = 0; k < set[0]; k++)
            viable &= !is_constant_gap(
                plan, cell_index(plan, node->item,
                                 ks_calendar_period(year, set[k + 1])));
        if (!viable)
            continue;
        int8_t *combo = node->combo[node->combo_count];
        size_t deps_before = plan->dep_count;
        for (int k = 0; k < set[0]; k++) {
            combo[k] = set[k + 1];
            if (add_cell_dep(plan, (int64_t)cell_index(
                                       plan, node->item,
                                       ks_calendar_period(year, set[k + 1]))) != 0)
                return -1;
        }
        node->combo_deps[node->combo_count] =
            (int8_t)(plan->dep_count - deps_before);
        node->combo_length[node->combo_count++] = set[0];
    }
    return 0;
}

static int formula_deps(sim_plan *plan, const sim_node *node)
{
    int count = ks_formula_ref_count(node->formula);
    for (int r = 0; r < count; r++)
        if (add_cell_dep(plan, ref_cell(plan, ks_formula_ref_at(node->formula, r),
                                        node->period)) != 0)
            return -1;
    return 0;
}

/* Each node's dependencies, once every node has its lane array. */
static int build_deps(sim_plan *plan)
{
    for (int n = 0; n < plan->node_count; n++) {
        sim_node *node = &plan->nodes[n];
        node->part_first = (int)plan->dep_count;
        int failed = 0;
        if (node->kind == NODE_FORMULA) {
            failed = formula_deps(plan, node);
        } else if (node->kind == NODE_ROW_OP) {
            failed = add_cell_dep(plan, (int64_t)cell_index(plan, node->item,
                                                            node->a_period)) ||
                     add_cell_dep(plan, (int64_t)cell_index(plan, node->item,
                                                            node->b_period));
        } else {
            failed = summary_combos(plan, node);
        }
        node->part_count = (int)plan->dep_count - node->part_first;
        node->read_first = (int)plan->dep_count;
        if (!failed && node->kind == NODE_SUMMARY)
            failed = formula_deps(plan, node);
        node->read_count = (int)plan->dep_count - node->read_first;
        if (failed)
            return -1;
    }
    return 0;
}

/* Nodes from the closure, then only those the outputs need, each with a
 * lane array; drawn cells get lane arrays first. */
static ks_status build_nodes(sim_plan *plan, const uint64_t *cells,
                             size_t count, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    uint8_t *need = ks_mem_calloc(alloc, plan->cell_count, 3);
    int *node_of = ks_mem_alloc(alloc, plan->cell_count * sizeof *node_of);
    uint8_t *keep = ks_mem_calloc(alloc, 2 * (count + 1), 1);
    plan->nodes = ks_mem_calloc(alloc, count + 1, sizeof *plan->nodes);
    plan->node_of_slot = ks_mem_alloc(alloc, ((size_t)plan->draw_count + count + 1) *
                                                 sizeof *plan->node_of_slot);
    ks_status status = KS_OK;
    if (!need || !node_of || !keep || !plan->nodes || !plan->node_of_slot) {
        status = ks_error_set(err, KS_ENOMEM, "simulate: out of memory planning "
                                              "%zu cells", count);
        goto done;
    }
    uint8_t *seen = need + plan->cell_count;
    for (size_t c = 0; c < plan->cell_count; c++) {
        node_of[c] = -1;
        plan->slot_of[c] = -1;
    }
    plan->node_count = 0;
    for (size_t i = 0; i < count; i++) {
        int item = (int)(cells[i] / (uint64_t)plan->period_count);
        int period = (int)(cells[i] % (uint64_t)plan->period_count);
        if (seen[cells[i]])
            continue;
        if (plan->book->items[item].formula)
            add_formula_cell(plan, item, period, node_of);
        else
            add_row(plan, item, period / KS_SLOTS_PER_YEAR, node_of, seen);
    }
    uint8_t *constant = keep + count + 1;
    drop_constant_nodes(plan, seen + plan->cell_count, constant);
    mark_needed(plan, need, constant, keep);
    int slots = 0;
    for (int d = 0; d < plan->draw_count; d++) {
        sim_draw *draw = &plan->draws[d];
        draw->slot = slots;
        plan->node_of_slot[slots++] = -1;
        plan->slot_of[cell_index(plan, draw->item, draw->period)] = draw->slot;
    }
    int kept = 0;
    for (int n = 0; n < plan->node_count; n++) {
        if (!keep[n])
            continue;
        sim_node *node = &plan->nodes[kept];
        *node = plan->nodes[n];
        node->slot = slots;
        plan->node_of_slot[slots++] = kept;
        plan->slot_of[cell_index(plan, node->item, node->period)] = node->slot;
        kept++;
    }
    plan->node_count = kept;
    plan->slot_count = slots;
    if (build_deps(plan) != 0)
        status = ks_error_set(err, KS_ENOMEM, "simulate: out of memory planning");
done:
    ks_mem_free(alloc, keep);
    ks_mem_free(alloc, need);
    ks_mem_free(alloc, node_of);
    return status;
}

/* ---- evaluating a block of trials ----------------------------------------- */

typedef struct sim_worker {
    const sim_plan *plan;
    double *lanes;   /* slot_count * KS_SIM_BLOCK                      */
    double *scratch; /* 4 * KS_SIM_BLOCK: constants and the fallback   */
    double *normals; /* group_size * KS_SIM_BLOCK                      */
    unsigned *stamps; /* per node: the block it was last evaluated in  */
    uint32_t *counts; /* per output, KS_HIST_SLOTS histogram counts    */
    unsigned block;
    ks_rng rng;
    int n;           /* lanes in the current block                     */
} sim_worker;

static double *lanes_of(const sim_worker *worker, int slot)
{
    return worker->lanes + (size_t)slot * KS_SIM_BLOCK;
}

/* The lanes of a cell: its lane array, or `scratch` filled with its
 * constant value. */
static const double *cell_lanes(const sim_worker *worker, int item,
                                int period, double *scratch)
{
    const sim_plan *plan = worker->plan;
    uint64_t cell = cell_index(plan, item, period);
    int slot = plan->slot_of[cell];
    if (slot >= 0)
        return lanes_of(worker, slot);
    fill(scratch, worker->n, plan->values[cell]);
    return scratch;
}

static const double *load_block(void *ud, int item, int period,
                                double *scratch)
{
    return cell_lanes(ud, item, period, scratch);
}

/* The lanes of a cell, or NULL with *constant its value in every lane. */
static const double *load_lanes(void *ud, int item, int period,
                                double *constant)
{
    const sim_worker *worker = ud;
    const sim_plan *plan = worker->plan;
    uint64_t cell = cell_index(plan, item, period);
    int slot = plan->slot_of[cell];
    if (slot >= 0)
        return lanes_of(worker, slot);
    *constant = plan->values[cell];
    return NULL;
}

static int shift_block(void *ud, int period, int offset)
{
    const sim_worker *worker = ud;
    return ks_calendar_shift(worker->plan->book, period, offset);
}

static void eval_formula(sim_worker *worker, const sim_node *node,
                         double *out)
{
    ks_block_env env = { worker, load_block, shift_block, node->period,
                         load_lanes };
    ks_formula_eval_block(node->formula, &env, out, worker->n);
}

static void ensure(sim_worker *worker, int index);

static void ensure_list(sim_worker *worker, int first, int count)
{
    const int *deps = worker->plan->deps;
    for (int k = 0; k < count; k++)
        ensure(worker, deps[first + k]);
}

/*
 * A summary's lanes hold a number, a gap (the plain NaN it starts as: no
 * set of parts has given a number yet) or an overflow (an error that
 * stays).  A set's sum is settled into one of those: a number; an
 * infinity is an overflow, as recalc.c makes it an error with no other
 * set tried; NaN (a part that is not a number) leaves the gap for the
 * next set or the formula.  Integer tests of the bits, so the loops stay
 * vector loops.
 */
#define GAP_BITS UINT64_C(0x7FF8000000000000)

KS_HOT_INLINE int is_gap(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits == GAP_BITS;
}

KS_HOT_INLINE double settle_sum(double sum)
{
    double overflow = ks_box_error(0), gap;
    uint64_t gap_bits = GAP_BITS;
    memcpy(&gap, &gap_bits, sizeof gap);
    return sum - sum == 0 ? sum : sum == sum ? overflow : gap;
}

/* out[i] = the sum of the item's slots `parts` in this year, for the lanes
 * still gaps.  Parts without lanes before the first with lanes are added
 * once, as a number (the same additions, in the same order, as adding
 * them lane by lane); a later one is spread over scratch lanes. */
KS_HOT static void sum_parts(sim_worker *worker, const sim_node *node,
                             const int8_t *parts, int count, double *out)
{
    const double *part[4] = { NULL, NULL, NULL, NULL };
    int year = node->period / KS_SLOTS_PER_YEAR, lane_parts = 0, k = 0;
    double prefix = 0;
    for (; k < count; k++) {
        double constant = 0;
        const double *lanes = load_lanes(worker, node->item,
                                         ks_calendar_period(year, parts[k]),
                                         &constant);
        if (lanes) {
            part[lane_parts++] = lanes;
            k++;
            break;
        }
        prefix += constant;
    }
    for (; k < count; k++) {
        double *scratch = worker->scratch + (size_t)k * KS_SIM_BLOCK;
        part[lane_parts++] = cell_lanes(worker, node->item,
                                        ks_calendar_period(year, parts[k]),
                                        scratch);
    }
    int n = worker->n;
    const double *p0 = part[0], *p1 = part[lane_parts > 1 ? 1 : 0],
                 *p2 = part[lane_parts > 2 ? 2 : 0],
                 *p3 = part[lane_parts > 3 ? 3 : 0];
    switch (lane_parts) {
    case 0:
        for (int i = 0; i < n; i++)
            out[i] = is_gap(out[i]) ? settle_sum(prefix) : out[i];
        break;
    case 1:
        for (int i = 0; i < n; i++)
            out[i] = is_gap(out[i]) ? settle_sum(prefix + p0[i]) : out[i];
        break;
    case 2:
        for (int i = 0; i < n; i++)
            out[i] = is_gap(out[i]) ? settle_sum(prefix + p0[i] + p1[i])
                                    : out[i];
        break;
    case 3:
        for (int i = 0; i < n; i++)
            out[i] = is_gap(out[i])
                         ? settle_sum(prefix + p0[i] + p1[i] + p2[i])
                         : out[i];
        break;
    default:
        for (int i = 0; i < n; i++)
            out[i] = is_gap(out[i])
                         ? settle_sum(prefix + p0[i] + p1[i] + p2[i] + p3[i])
                         : out[i];
        break;
    }
}

KS_HOT static int any_gap(const double *out, int n)
{
    int gaps = 0;
    for (int i = 0; i < n; i++)
        gaps |= is_gap(out[i]);
    return gaps;
}

/* A summary: its sets of parts in turn, each evaluated only when lanes
 * are still without a number, then the formula for what remains. */
static void eval_summary(sim_worker *worker, const sim_node *node)
{
    double *out = lanes_of(worker, node->slot);
    int n = worker->n;
    double gap;
    uint64_t gap_bits = GAP_BITS;
    memcpy(&gap, &gap_bits, sizeof gap);
    fill(out, n, gap);
    int dep = node->part_first;
    for (int c = 0; c < node->combo_count; c++) {
        if (c > 0 && !any_gap(out, n))
            return;
        ensure_list(worker, dep, node->combo_deps[c]);
        dep += node->combo_deps[c];
        sum_parts(worker, node, node->combo[c], node->combo_length[c], out);
    }
    if (!any_gap(out, n))
        return;
    ensure_list(worker, node->read_first, node->read_count);
    double *fallback = worker->scratch + 3 * (size_t)KS_SIM_BLOCK;
    eval_formula(worker, node, fallback);
    for (int i = 0; i < n; i++)
        if (is_gap(out[i]))
            out[i] = fallback[i];
}

/* A step of an input item's year: an infinity is an overflow, an error
 * (recalc.c makes it one once the year's steps are done). */
KS_HOT_INLINE double settle_step(double value)
{
    return value - value == 0 || value != value ? value : ks_box_error(0);
}

KS_HOT static void eval_row_op(sim_worker *worker, const sim_node *node)
{
    int n = worker->n;
    double *target = lanes_of(worker, node->slot);
    const double *a = cell_lanes(worker, node->item, node->a_period,
                                 worker->scratch);
    const double *b = cell_lanes(worker, node->item, node->b_period,
                                 worker->scratch + KS_SIM_BLOCK);
    if (node->op == KS_ROW_ADD)
        for (int i = 0; i < n; i++)
            target[i] = settle_step(a[i] + b[i]);
    else if (node->op == KS_ROW_SUB)
        for (int i = 0; i < n; i++)
            target[i] = settle_step(a[i] - b[i]);
    else
        memcpy(target, a, (size_t)n * sizeof *target);
}

/* Evaluate node `index` for the current block, after what it reads. */
static void ensure(sim_worker *worker, int index)
{
    if (worker->stamps[index] == worker->block)
        return;
    worker->stamps[index] = worker->block;
    const sim_node *node = &worker->plan->nodes[index];
    if (node->kind != NODE_SUMMARY) /* a summary pulls its parts itself */
        ensure_list(worker, node->part_first, node->part_count);
    switch (node->kind) {
    case NODE_FORMULA:
        eval_formula(worker, node, lanes_of(worker, node->slot));
        break;
    case NODE_SUMMARY:
        eval_summary(worker, node);
        break;
    case NODE_ROW_OP:
        eval_row_op(worker, node);
        break;
    }
}

static void draw_block(sim_worker *worker)
{
    const sim_plan *plan = worker->plan;
    int n = worker->n;
    for (int d = 0; d < plan->draw_count; d++) {
        const sim_draw *draw = &plan->draws[d];
        if (draw->group < 0)
            draw_lanes(draw, &worker->rng, &plan->zig,
                       lanes_of(worker, draw->slot), n);
    }
    int g = plan->group_size;
    if (g == 0)
        return;
    for (int k = 0; k < g; k++)
        ks_rng_normals(&worker->rng, &plan->zig,
                       worker->normals + (size_t)k * KS_SIM_BLOCK, n, 0.0, 1.0);
    for (int j = 0; j < g; j++) {
        const sim_draw *draw = &plan->draws[plan->group[j]];
        double *out = lanes_of(worker, draw->slot);
        fill(out, n, 0.0);
        for (int k = 0; k <= j; k++) {
            double weight = plan->cholesky[j * g + k];
            const double *z = worker->normals + (size_t)k * KS_SIM_BLOCK;
            for (int i = 0; i < n; i++)
                out[i] += weight * z[i];
        }
        copula_marginal(draw, out, n);
    }
}

/* Draw a block, then evaluate what the outputs need, pulled from them. */
static void eval_block(sim_worker *worker)
{
    const sim_plan *plan = worker->plan;
    if (++worker->block == 0) {
        memset(worker->stamps, 0, (size_t)plan->node_count * sizeof *worker->stamps);
        worker->block = 1;
    }
    draw_block(worker);
    for (int o = 0; o < plan->output_count; o++)
        if (plan->outputs[o].node >= 0)
            ensure(worker, plan->outputs[o].node);
}

/* The lanes of output o in the current block. */
static const double *output_lanes(sim_worker *worker, int o)
{
    const sim_output *output = &worker->plan->outputs[o];
    if (output->slot >= 0)
        return lanes_of(worker, output->slot);
    fill(worker->scratch, worker->n, output->constant);
    return worker->scratch;
}

/* ---- running the trials ------------------------------------------------- */

struct ks_sim_result {
    ks_allocator alloc;
    int64_t trials;
    int output_count;
    char **given;        /* output cells as given                      */
    char **names;        /* as the model writes them                   */
    ks_moments *moments;
    ks_hist *hist;       /* per output: counts over a range fixed first */
    uint32_t *counts;    /* the histograms' counts, output by output    */
};

typedef struct sim_run {
    const sim_plan *plan;
    ks_sim_result *result;
    ks_moments *chunk_moments; /* chunk_count * output_count          */
    int64_t chunk_count;
    atomic_llong next_chunk;
    atomic_llong done;
    atomic_int stop;        /* any thread: stop taking chunks          */
    atomic_int interrupted; /* the allocator's poll said so            */
} sim_run;

/* Whether the run must stop: the host's poll (ks_allocator.interrupted),
 * asked once per block, about every 20 us at the usual trial cost, so a
 * run stops well within 50 ms even when a trial is a thousand times
 * dearer; or another thread already stopped it. */
static int should_stop(sim_run *run)
{
    if (atomic_load_explicit(&run->stop, memory_order_relaxed))
        return 1;
    if (!ks_interrupted(run->plan->alloc))
        return 0;
    atomic_store(&run->interrupted, 1);
    atomic_store(&run->stop, 1);
    return 1;
}

/* Run one chunk of trials; 0, or -1 when the run was stopped midway
 * (the chunk's moments are then incomplete and never merged). */
static int run_chunk(sim_run *run, sim_worker *worker, int64_t chunk)
{
    const sim_plan *plan = run->plan;
    ks_sim_result *result = run->result;
    int outputs = plan->output_count;
    ks_moments *moments = run->chunk_moments + chunk * outputs;
    int64_t first = chunk * KS_SIM_CHUNK;
    (void)result;
    int64_t count = plan->trials - first < KS_SIM_CHUNK ? plan->trials - first
                                                        : KS_SIM_CHUNK;
    ks_rng_seed(&worker->rng, plan->seed, (uint64_t)chunk);
    for (int o = 0; o < outputs; o++)
        ks_moments_clear(&moments[o]);
    for (int64_t at = 0; at < count; at += KS_SIM_BLOCK) {
        if (should_stop(run))
            return -1;
        worker->n = (int)(count - at < KS_SIM_BLOCK ? count - at : KS_SIM_BLOCK);
        eval_block(worker);
        for (int o = 0; o < outputs; o++) {
            const double *values = output_lanes(worker, o);
            ks_output_add_block(&moments[o], &result->hist[o],
                                worker->counts + (size_t)o * KS_HIST_SLOTS,
                                values, worker->n);
        }
    }
    return 0;
}

/* Padding either side keeps a thread's hot fields (its stream, its block
 * counter) off the cache lines of its neighbours in the array: measured,
 * without it two threads ran no faster than one. */
typedef struct sim_thread {
    char pad_before[128];
    sim_run *run;
    sim_worker worker;
    int report; /* the calling thread: reports progress              */
    ks_sim_progress_fn progress;
    void *progress_data;
    char pad_after[128];
} sim_thread;

static void *thread_main(void *ud)
{
    sim_thread *thread = ud;
    sim_run *run = thread->run;
    /* cleared here, in parallel, rather than by the caller before the
     * threads start: the first touch of its pages is most of the cost */
    memset(thread->worker.counts, 0, (size_t)run->plan->output_count *
                                         KS_HIST_SLOTS *
                                         sizeof *thread->worker.counts);
    for (;;) {
        if (atomic_load(&run->stop))
            break;
        int64_t chunk = atomic_fetch_add(&run->next_chunk, 1);
        if (chunk >= run->chunk_count)
            break;
        if (run_chunk(run, &thread->worker, chunk) != 0)
            break;
        int64_t chunk_trials = run->plan->trials - chunk * KS_SIM_CHUNK;
        if (chunk_trials > KS_SIM_CHUNK)
            chunk_trials = KS_SIM_CHUNK;
        int64_t done = atomic_fetch_add(&run->done, chunk_trials) + chunk_trials;
        if (thread->report && thread->progress &&
            thread->progress(thread->progress_data, done, run->plan->trials))
            atomic_store(&run->stop, 1);
    }
    return NULL;
}

/* ---- setting up ------------------------------------------------------------ */

static ks_status resolve_cell(ks_model *model, const char *cell,
                              const char *role, int *item, int *period,
                              ks_error *err)
{
    if (!cell)
        return ks_error_set(err, KS_EINVAL, "simulate: %s: a cell is needed "
                                            "(\"id@PERIOD\")", role);
    if (!strchr(cell, '@'))
        return ks_error_set(err, KS_EINVAL,
                            "simulate: %s '%s': expected a cell \"id@PERIOD\"",
                            role, cell);
    ks_status status = ks_cell_lookup(model, cell, item, period, err);
    if (status != KS_OK)
        ks_error_prefix(err, "simulate: %s '%s'", role, cell);
    return status;
}

static ks_status check_spec(const ks_sim_spec *spec, ks_error *err)
{
    if (spec->trials < 1 || spec->trials > KS_SIM_TRIALS_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: trials must be from 1 to %lld, got %lld",
                            (long long)KS_SIM_TRIALS_MAX,
                            (long long)spec->trials);
    if (spec->threads < 0 || spec->threads > KS_SIM_THREADS_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: threads must be from 1 to %d, got %d",
                            KS_SIM_THREADS_MAX, spec->threads);
    if (spec->output_count < 1 || !spec->outputs)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: outputs: at least one cell is needed");
    if (spec->draw_count < 0 || (spec->draw_count > 0 && !spec->draws))
        return ks_error_set(err, KS_EINVAL, "simulate: draws: a bad list");
    if (spec->correlation_count < 0 ||
        (spec->correlation_count > 0 && !spec->correlations))
        return ks_error_set(err, KS_EINVAL, "simulate: correlate: a bad list");
    return KS_OK;
}

static ks_status prepare_draw(sim_plan *plan, ks_model *model,
                              const ks_sim_draw *given, sim_draw *draw,
                              ks_error *err)
{
    ks_status status = resolve_cell(model, given->cell, "draw", &draw->item,
                                    &draw->period, err);
    if (status != KS_OK)
        return status;
    char what[160];
    snprintf(what, sizeof what, "simulate: draw '%s'", given->cell);
    status = ks_dist_check(&given->dist, what, err);
    if (status != KS_OK)
        return status;
    if (find_draw(plan, draw->item, draw->period) >= 0)
        return ks_error_set(err, KS_EINVAL, "%s: the cell is drawn twice",
                            what);
    draw->dist = given->dist;
    draw->group = -1;
    if (draw->dist.kind == KS_DIST_PERT)
        pert_shape(&draw->dist, &draw->pert_alpha, &draw->pert_beta);
    if (draw->dist.kind != KS_DIST_DISCRETE)
        return KS_OK;
    int count = draw->dist.count;
    draw->values = ks_mem_alloc(plan->alloc, (size_t)count * sizeof(double));
    draw->cumulative = ks_mem_alloc(plan->alloc, (size_t)count * sizeof(double));
    if (!draw->values || !draw->cumulative)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory", what);
    double total = 0;
    for (int i = 0; i < count; i++)
        total += draw->dist.weights ? draw->dist.weights[i] : 1.0;
    double running = 0;
    for (int i = 0; i < count; i++) {
        draw->values[i] = draw->dist.values[i];
        running += draw->dist.weights ? draw->dist.weights[i] : 1.0;
        draw->cumulative[i] = running / total;
    }
    draw->cumulative[count - 1] = 1.0;
    draw->dist.values = draw->values;
    draw->dist.weights = NULL;
    return KS_OK;
}

/* Cholesky of the group's correlation matrix into plan->cholesky. */
static ks_status factor_group(sim_plan *plan, const double *matrix,
                              ks_error *err)
{
    int g = plan->group_size;
    double *l = plan->cholesky;
    for (int j = 0; j < g; j++) {
        for (int k = 0; k <= j; k++) {
            double sum = matrix[j * g + k];
            for (int m = 0; m < k; m++)
                sum -= l[j * g + m] * l[k * g + m];
            if (j == k) {
                if (!(sum > 1e-12))
                    return ks_error_set(
                        err, KS_EINVAL,
                        "simulate: correlate: the correlation matrix is not "
                        "positive definite (the correlations given cannot "
                        "hold together; pivot %d is %.3g)", j + 1, sum);
                l[j * g + j] = sqrt(sum);
            } else {
                l[j * g + k] = sum / l[k * g + k];
            }
        }
    }
    return KS_OK;
}

static ks_status prepare_correlations(sim_plan *plan, ks_model *model,
                                      const ks_sim_spec *spec, ks_error *err)
{
    int pairs = spec->correlation_count;
    if (pairs == 0)
        return KS_OK;
    const ks_allocator *alloc = plan->alloc;
    int *first = ks_mem_alloc(alloc, (size_t)pairs * 2 * sizeof *first);
    plan->group = ks_mem_alloc(alloc, (size_t)plan->draw_count * sizeof *plan->group);
    if (!first || !plan->group) {
        ks_mem_free(alloc, first);
        return ks_error_set(err, KS_ENOMEM, "simulate: correlate: out of memory");
    }
    ks_status status = KS_OK;
    for (int p = 0; p < pairs && status == KS_OK; p++) {
        const ks_sim_correlation *pair = &spec->correlations[p];
        const char *names[2] = { pair->cell_a, pair->cell_b };
        for (int side = 0; side < 2 && status == KS_OK; side++) {
            int item, period;
            status = resolve_cell(model, names[side], "correlate", &item,
                                  &period, err);
            if (status != KS_OK)
                break;
            int d = find_draw(plan, item, period);
            if (d < 0) {
                status = ks_error_set(err, KS_EINVAL,
                                      "simulate: correlate: '%s' is not a drawn "
                                      "cell", names[side]);
                break;
            }
            if (!copula_supports(plan->draws[d].dist.kind)) {
                status = ks_error_set(
                    err, KS_EINVAL,
                    "simulate: correlate: '%s' is drawn from %s, which cannot "
                    "be correlated (normal, lognormal, uniform, triangular and "
                    "discrete can)", names[side],
                    dist_name(plan->draws[d].dist.kind));
                break;
            }
            if (plan->draws[d].group < 0) {
                plan->draws[d].group = plan->group_size;
                plan->group[plan->group_size++] = d;
            }
            first[p * 2 + side] = plan->draws[d].group;
        }
        if (status != KS_OK)
            break;
        if (!(pair->rho > -1.0 && pair->rho < 1.0))
            status = ks_error_set(err, KS_EINVAL,
                                  "simulate: correlate: rho between '%s' and "
                                  "'%s' must be in (-1, 1), got %.17g",
                                  names[0], names[1], pair->rho);
        else if (first[p * 2] == first[p * 2 + 1])
            status = ks_error_set(err, KS_EINVAL,
                                  "simulate: correlate: '%s' is correlated "
                                  "with itself", names[0]);
    }
    int g = plan->group_size;
    double *matrix = NULL;
    if (status == KS_OK) {
        matrix = ks_mem_calloc(alloc, (size_t)g * (size_t)g, sizeof *matrix);
        plan->cholesky = ks_mem_calloc(alloc, (size_t)g * (size_t)g,
                                       sizeof *plan->cholesky);
        if (!matrix || !plan->cholesky)
            status = ks_error_set(err, KS_ENOMEM,
                                  "simulate: correlate: out of memory");
    }
    for (int i = 0; status == KS_OK && i < g; i++)
        matrix[i * g + i] = 1.0;
    for (int p = 0; status == KS_OK && p < pairs; p++) {
        int a = first[p * 2], b = first[p * 2 + 1];
        double rho = spec->correlations[p].rho;
        if (matrix[a * g + b] != 0 && matrix[a * g + b] != rho) {
            status = ks_error_set(err, KS_EINVAL,
                                  "simulate: correlate: '%s' and '%s' are given "
                                  "two different correlations",
                                  spec->correlations[p].cell_a,
                                  spec->correlations[p].cell_b);
            break;
        }
        matrix[a * g + b] = matrix[b * g + a] = rho;
    }
    if (status == KS_OK)
        status = factor_group(plan, matrix, err);
    ks_mem_free(alloc, matrix);
    ks_mem_free(alloc, first);
    return status;
}

static void plan_free(sim_plan *plan)
{
    const ks_allocator *alloc = plan->alloc;
    for (int d = 0; d < plan->draw_count; d++) {
        ks_mem_free(alloc, plan->draws[d].values);
        ks_mem_free(alloc, plan->draws[d].cumulative);
    }
    ks_mem_free(alloc, plan->draws);
    ks_mem_free(alloc, plan->group);
    ks_mem_free(alloc, plan->cholesky);
    ks_mem_free(alloc, plan->outputs);
    ks_mem_free(alloc, plan->nodes);
    ks_mem_free(alloc, plan->node_of_slot);
    ks_mem_free(alloc, plan->deps);
    ks_mem_free(alloc, plan->slot_of);
    ks_mem_free(alloc, plan->values);
}

static ks_status refresh_model(ks_model *model, ks_error *err)
{
    if (ks_model_is_scenario(model))
        return ks_scenario_refresh(model, err);
    return ks_recalc(model, err);
}

static ks_status prepare_plan(sim_plan *plan, ks_model *model,
                              const ks_sim_spec *spec, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    ks_status status = refresh_model(model, err);
    if (status != KS_OK)
        return status;
    ks_book *book = model->book;
    plan->book = book;
    plan->reader.model = model;
    plan->reader.book = book;
    plan->reader.scenario = ks_model_is_scenario(model);
    plan->period_count = book->period_count;
    plan->cell_count = book->item_count * (size_t)book->period_count;
    plan->trials = spec->trials;
    plan->seed = spec->seed;
    plan->draws = ks_mem_calloc(alloc, (size_t)spec->draw_count + 1,
                                sizeof *plan->draws);
    plan->outputs = ks_mem_calloc(alloc, (size_t)spec->output_count,
                                  sizeof *plan->outputs);
    plan->slot_of = ks_mem_alloc(alloc, plan->cell_count * sizeof *plan->slot_of);
    plan->values = ks_mem_alloc(alloc, plan->cell_count * sizeof *plan->values);
    if (!plan->draws || !plan->outputs || !plan->slot_of || !plan->values)
        return ks_error_set(err, KS_ENOMEM, "simulate: out of memory");
    for (size_t c = 0; c < plan->cell_count; c++) {
        uint8_t prov;
        plan->values[c] = ks_read_value(&plan->reader, c, &prov);
    }
    for (int d = 0; d < spec->draw_count; d++) {
        status = prepare_draw(plan, model, &spec->draws[d], &plan->draws[d], err);
        plan->draw_count = d + 1;
        if (status != KS_OK)
            return status;
    }
    for (int o = 0; o < spec->output_count; o++) {
        status = resolve_cell(model, spec->outputs[o], "output",
                              &plan->outputs[o].item, &plan->outputs[o].period,
                              err);
        if (status != KS_OK)
            return status;
    }
    plan->output_count = spec->output_count;
    status = prepare_correlations(plan, model, spec, err);
    if (status != KS_OK)
        return status;
    size_t count = 0;
    uint64_t *cells = NULL;
    if (plan->draw_count > 0) {
        uint64_t *seeds = ks_mem_alloc(alloc, (size_t)plan->draw_count * sizeof *seeds);
        if (!seeds)
            return ks_error_set(err, KS_ENOMEM, "simulate: out of memory");
        for (int d = 0; d < plan->draw_count; d++)
            seeds[d] = cell_index(plan, plan->draws[d].item, plan->draws[d].period);
        cells = ks_closure(book, alloc, seeds, (size_t)plan->draw_count, &count);
        ks_mem_free(alloc, seeds);
        if (!cells)
            return ks_error_set(err, KS_ENOMEM,
                                "simulate: out of memory finding the dependents "
                                "of the draws");
    }
    status = build_nodes(plan, cells, count, err);
    ks_mem_free(alloc, cells);
    if (status != KS_OK)
        return status;
    for (int o = 0; o < plan->output_count; o++) {
        sim_output *output = &plan->outputs[o];
        uint64_t cell = cell_index(plan, output->item, output->period);
        output->slot = plan->slot_of[cell];
        output->node = output->slot >= 0 ? plan->node_of_slot[output->slot] : -1;
        output->constant = ks_is_number(plan->values[cell]) ? plan->values[cell]
                                                            : NAN;
    }
    ks_ziggurat_init(&plan->zig);
    return KS_OK;
}

/* ---- the result ------------------------------------------------------------- */

void ks_sim_result_free(ks_sim_result *result)
{
    if (!result)
        return;
    const ks_allocator *alloc = &result->alloc;
    for (int o = 0; o < result->output_count; o++) {
        if (result->given)
            ks_mem_free(alloc, result->given[o]);
        if (result->names)
            ks_mem_free(alloc, result->names[o]);
    }
    ks_mem_free(alloc, result->given);
    ks_mem_free(alloc, result->names);
    ks_mem_free(alloc, result->moments);
    ks_mem_free(alloc, result->hist);
    ks_mem_free(alloc, result->counts);
    ks_mem_free(alloc, result);
}

static ks_sim_result *result_new(const sim_plan *plan, ks_model *model,
                                 const ks_sim_spec *spec)
{
    const ks_allocator *alloc = plan->alloc;
    ks_sim_result *result = ks_mem_calloc(alloc, 1, sizeof *result);
    if (!result)
        return NULL;
    int outputs = plan->output_count;
    result->alloc = *alloc;
    result->trials = plan->trials;
    result->given = ks_mem_calloc(alloc, (size_t)outputs, sizeof(char *));
    result->names = ks_mem_calloc(alloc, (size_t)outputs, sizeof(char *));
    result->moments = ks_mem_calloc(alloc, (size_t)outputs, sizeof *result->moments);
    result->hist = ks_mem_calloc(alloc, (size_t)outputs, sizeof *result->hist);
    if (!result->given || !result->names || !result->moments ||
        !result->hist) {
        ks_sim_result_free(result);
        return NULL;
    }
    result->output_count = outputs;
    for (int o = 0; o < outputs; o++) {
        const sim_output *output = &plan->outputs[o];
        char name[512], period[16];
        snprintf(name, sizeof name, "%s@%s",
                 plan->book->items[output->item].id,
                 ks_period_id(model, output->period, period, sizeof period));
        result->given[o] = ks_mem_strdup(alloc, spec->outputs[o]);
        result->names[o] = ks_mem_strdup(alloc, name);
        if (!result->given[o] || !result->names[o]) {
            ks_sim_result_free(result);
            return NULL;
        }
    }
    return result;
}

static void workers_free(const ks_allocator *alloc, sim_thread *threads,
                         int count)
{
    if (!threads)
        return;
    for (int t = 0; t < count; t++) {
        ks_mem_free(alloc, threads[t].worker.lanes);
        ks_mem_free(alloc, threads[t].worker.scratch);
        ks_mem_free(alloc, threads[t].worker.normals);
        ks_mem_free(alloc, threads[t].worker.stamps);
        ks_mem_free(alloc, threads[t].worker.counts);
    }
    ks_mem_free(alloc, threads);
}

static sim_thread *workers_new(const sim_plan *plan, int count)
{
    const ks_allocator *alloc = plan->alloc;
    sim_thread *threads = ks_mem_calloc(alloc, (size_t)count, sizeof *threads);
    if (!threads)
        return NULL;
    for (int t = 0; t < count; t++) {
        sim_worker *worker = &threads[t].worker;
        worker->plan = plan;
        worker->lanes = ks_mem_alloc(alloc, ((size_t)plan->slot_count + 1) *
                                                KS_SIM_BLOCK * sizeof(double));
        worker->scratch = ks_mem_alloc(alloc, 4 * KS_SIM_BLOCK * sizeof(double));
        worker->normals = ks_mem_alloc(alloc, ((size_t)plan->group_size + 1) *
                                                  KS_SIM_BLOCK * sizeof(double));
        worker->stamps = ks_mem_calloc(alloc, (size_t)plan->node_count + 1,
                                       sizeof *worker->stamps);
        worker->counts = ks_mem_alloc(alloc, (size_t)plan->output_count *
                                                 KS_HIST_SLOTS *
                                                 sizeof *worker->counts);
        if (!worker->lanes || !worker->scratch || !worker->normals ||
            !worker->stamps || !worker->counts) {
            workers_free(alloc, threads, count);
            return NULL;
        }
    }
    return threads;
}

/* The histogram ranges, from a pilot of PILOT_TRIALS trials on a stream
 * of its own (the same whatever the thread count): the pilot's mean +- 8
 * sd, widened to its min and max and by 1%. */
#define PILOT_TRIALS 1024

static int fix_ranges(const sim_plan *plan, sim_worker *worker,
                      ks_sim_result *result)
{
    int outputs = plan->output_count;
    for (int o = 0; o < outputs; o++)
        ks_moments_clear(&result->moments[o]);
    ks_rng_seed(&worker->rng, plan->seed, UINT64_MAX);
    for (int64_t at = 0; at < PILOT_TRIALS; at += KS_SIM_BLOCK) {
        if (ks_interrupted(plan->alloc))
            return -1;
        worker->n = KS_SIM_BLOCK;
        eval_block(worker);
        for (int o = 0; o < outputs; o++)
            ks_moments_add_block(&result->moments[o], output_lanes(worker, o),
                                 worker->n);
    }
    for (int o = 0; o < outputs; o++) {
        const ks_moments *m = &result->moments[o];
        double lo = 0, hi = 1;
        if (m->count > 0) {
            double sd = m->count > 1 ? sqrt(m->m2 / (m->count - 1)) : 0;
            lo = m->mean - 8 * sd < m->min ? m->mean - 8 * sd : m->min;
            hi = m->mean + 8 * sd > m->max ? m->mean + 8 * sd : m->max;
            double pad = (hi - lo) * 0.01;
            /* not so narrow that 1 / width overflows (denormal spreads) */
            if (!(pad > 1e-290))
                pad = fabs(m->mean) * 1e-9 + 1e-9;
            lo -= pad;
            hi += pad;
        }
        if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) {
            lo = -1;
            hi = 1;
        }
        ks_hist_init(&result->hist[o], lo, hi);
    }
    return 0;
}

static ks_status run_trials(const sim_plan *plan, const ks_sim_spec *spec,
                            ks_sim_result *result, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    int thread_count = spec->threads > 0 ? spec->threads : 1;
    sim_run run;
    run.plan = plan;
    run.result = result;
    run.chunk_count = (plan->trials + KS_SIM_CHUNK - 1) / KS_SIM_CHUNK;
    if (thread_count > run.chunk_count)
        thread_count = (int)run.chunk_count;
    atomic_init(&run.next_chunk, 0);
    atomic_init(&run.done, 0);
    atomic_init(&run.stop, 0);
    atomic_init(&run.interrupted, 0);
    run.chunk_moments = ks_mem_alloc(alloc, (size_t)run.chunk_count *
                                                (size_t)plan->output_count *
                                                sizeof(ks_moments));
    sim_thread *threads = workers_new(plan, thread_count);
    pthread_t *ids = ks_mem_alloc(alloc, (size_t)thread_count * sizeof *ids);
    if (!run.chunk_moments || !threads || !ids) {
        ks_mem_free(alloc, run.chunk_moments);
        workers_free(alloc, threads, thread_count);
        ks_mem_free(alloc, ids);
        return ks_error_set(err, KS_ENOMEM,
                            "simulate: out of memory for %d threads",
                            thread_count);
    }
    if (fix_ranges(plan, &threads[0].worker, result) != 0) {
        ks_mem_free(alloc, run.chunk_moments);
        workers_free(alloc, threads, thread_count);
        ks_mem_free(alloc, ids);
        return ks_error_set(err, KS_EINTERRUPTED,
                            "interrupted while simulating (0 of %lld trials "
                            "done)", (long long)plan->trials);
    }
    int started = 0;
    for (int t = 0; t < thread_count; t++) {
        threads[t].run = &run;
        threads[t].report = t == 0;
        threads[t].progress = spec->progress;
        threads[t].progress_data = spec->progress_data;
    }
    /* Workers start with every signal blocked (a thread inherits its
     * creator's mask), so the host's handlers (Ctrl-C, alarms) run on the
     * calling thread, never on a thread it does not know of. */
    sigset_t all_signals, caller_mask;
    sigfillset(&all_signals);
    pthread_sigmask(SIG_SETMASK, &all_signals, &caller_mask);
    for (int t = 1; t < thread_count; t++) {
        if (pthread_create(&ids[t], NULL, thread_main, &threads[t]) != 0)
            break; /* the threads that started take its chunks */
        started = t;
    }
    pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);
    thread_main(&threads[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(ids[t], NULL);
    ks_status status = KS_OK;
    if (atomic_load(&run.interrupted)) {
        status = ks_error_set(err, KS_EINTERRUPTED,
                              "interrupted while simulating (%lld of %lld "
                              "trials done)", (long long)atomic_load(&run.done),
                              (long long)plan->trials);
    } else if (atomic_load(&run.stop)) {
        status = ks_error_set(err, KS_EMISUSE, "simulate: cancelled after "
                                               "%lld of %lld trials",
                              (long long)atomic_load(&run.done),
                              (long long)plan->trials);
    } else {
        for (int o = 0; o < plan->output_count; o++) {
            ks_moments_clear(&result->moments[o]);
            for (int64_t c = 0; c < run.chunk_count; c++)
                ks_moments_merge(&result->moments[o],
                                 &run.chunk_moments[c * plan->output_count + o]);
            /* counts add up the same in any order: the other threads'
             * into the calling thread's, which the result keeps */
            uint32_t *counts = threads[0].worker.counts +
                               (size_t)o * KS_HIST_SLOTS;
            for (int t = 1; t <= started; t++) {
                const uint32_t *part = threads[t].worker.counts +
                                       (size_t)o * KS_HIST_SLOTS;
                for (int bin = 0; bin < KS_HIST_BINS + 2; bin++)
                    counts[bin] += part[bin];
            }
            result->hist[o].counts = counts;
        }
        result->counts = threads[0].worker.counts;
        threads[0].worker.counts = NULL;
    }
    ks_mem_free(alloc, run.chunk_moments);
    workers_free(alloc, threads, thread_count);
    ks_mem_free(alloc, ids);
    return status;
}

ks_status ks_simulate(ks_model *model, const ks_sim_spec *spec,
                      ks_sim_result **out, ks_error *err)
{
    *out = NULL;
    ks_status status = check_spec(spec, err);
    if (status != KS_OK)
        return status;
    sim_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.alloc = ks_model_allocator(model);
    status = prepare_plan(&plan, model, spec, err);
    ks_sim_result *result = NULL;
    if (status == KS_OK) {
        result = result_new(&plan, model, spec);
        if (!result)
            status = ks_error_set(err, KS_ENOMEM,
                                  "simulate: out of memory keeping %lld trials "
                                  "of %d outputs", (long long)plan.trials,
                                  plan.output_count);
    }
    if (status == KS_OK)
        status = run_trials(&plan, spec, result, err);
    plan_free(&plan);
    if (status != KS_OK) {
        ks_sim_result_free(result);
        return status;
    }
    *out = result;
    return KS_OK;
}

/* ---- accessors ---------------------------------------------------------------- */

int64_t ks_sim_trials(const ks_sim_result *result) { return result->trials; }
int ks_sim_output_count(const ks_sim_result *result)
{
    return result->output_count;
}

const char *ks_sim_output_name(const ks_sim_result *result, int output)
{
    return result->names[output];
}

int ks_sim_output_find(const ks_sim_result *result, const char *cell)
{
    for (int o = 0; o < result->output_count; o++)
        if (strcmp(result->given[o], cell) == 0 ||
            strcmp(result->names[o], cell) == 0)
            return o;
    return -1;
}

int64_t ks_sim_count(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].count;
}

int64_t ks_sim_invalid(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].invalid;
}

int64_t ks_sim_overflow(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].overflow;
}

double ks_sim_mean(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].mean
                                             : NAN;
}

double ks_sim_sd(const ks_sim_result *result, int output)
{
    const ks_moments *m = &result->moments[output];
    if (m->count < 1)
        return NAN;
    return m->count < 2 ? 0.0 : sqrt(m->m2 / (m->count - 1));
}

double ks_sim_min(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].min
                                             : NAN;
}

double ks_sim_max(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].max
                                             : NAN;
}

static ks_status check_output(const ks_sim_result *result, int output,
                              ks_error *err)
{
    if (output < 0 || output >= result->output_count)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: output %d out of range (1..%d)",
                            output + 1, result->output_count);
    return KS_OK;
}

ks_status ks_sim_percentile(ks_sim_result *result, int output, double q,
                            double *out, ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (!(q >= 0 && q <= 100))
        return ks_error_set(err, KS_EINVAL,
                            "percentile: q must be from 0 to 100, got %.17g", q);
    const ks_moments *m = &result->moments[output];
    if (m->count == 0)
        return ks_error_set(err, KS_EINVAL,
                            "percentile: '%s' gave no number in any trial",
                            result->names[output]);
    *out = ks_hist_percentile(&result->hist[output], (int64_t)m->count,
                              m->min, m->max, q);
    return KS_OK;
}

double ks_sim_prob(const ks_sim_result *result, int output, ks_sim_op op,
                   double x)
{
    if (output < 0 || output >= result->output_count ||
        (unsigned)op > KS_SIM_GE)
        return NAN;
    const ks_moments *m = &result->moments[output];
    return ks_hist_prob(&result->hist[output], (int64_t)m->count, m->min,
                        m->max, op, x);
}

ks_status ks_sim_histogram(const ks_sim_result *result, int output, int bins,
                           int64_t *counts, double *lo, double *hi,
                           ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (bins < 1)
        return ks_error_set(err, KS_EINVAL,
                            "histogram: bins must be at least 1, got %d", bins);
    const ks_moments *m = &result->moments[output];
    *lo = m->count > 0 ? m->min : NAN;
    *hi = m->count > 0 ? m->max : NAN;
    ks_hist_rebin(&result->hist[output], m->min, m->max, bins, counts);
    return KS_OK;
}
