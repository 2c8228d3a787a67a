/*
 * block_eval.c -- evaluating a block of trials on a plan: drawing the
 * drawn cells' lanes, then pulling from the outputs each node they need
 * (formulas on the block machine, summaries of formula items, the steps
 * of input items' years), every node once per block.
 */
#include <string.h>

#include "simulate/simulate_internal.h"

KS_HOT void ks_sim_fill(double *out, int n, double value)
{
    for (int i = 0; i < n; i++)
        out[i] = value;
}

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
    uint64_t cell = ks_sim_cell(plan, item, period);
    int slot = plan->slot_of[cell];
    if (slot >= 0)
        return lanes_of(worker, slot);
    ks_sim_fill(scratch, worker->n, plan->values[cell]);
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
    uint64_t cell = ks_sim_cell(plan, item, period);
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

/* Where the formula gave missing, what the item's inputs and draws of
 * the year imply for the cell, when it is a number (recalc.c's
 * implied_fallback): the year's steps, lane by lane. */
static void take_implied(sim_worker *worker, const sim_node *node,
                         double *out)
{
    const sim_plan *plan = worker->plan;
    const sim_implied *implied = &plan->implied[node->implied];
    const row_recipe *recipe = &implied->recipe;
    for (int i = 0; i < worker->n; i++) {
        if (!ks_is_missing(out[i]))
            continue;
        double value[KS_SLOTS_PER_YEAR];
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++)
            value[s] = recipe->draw[s] < 0
                           ? recipe->start[s]
                           : lanes_of(worker,
                                      plan->draws[recipe->draw[s]].slot)[i];
        ks_row_apply(recipe->steps, recipe->step_count, value);
        double x = value[implied->target];
        if (x - x == 0)
            out[i] = x;
    }
}

static void eval_formula(sim_worker *worker, const sim_node *node,
                         double *out)
{
    ks_block_env env = { worker, load_block, shift_block, node->period,
                         load_lanes };
    ks_formula_eval_block(node->formula, &env, out, worker->n);
    if (node->implied >= 0)
        take_implied(worker, node, out);
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
    double prefix = KS_PARTS_SUM_START;
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

/* Rule last: the last quarter's lanes, an error included, except where
 * they are missing (those stay gaps, for the formula). */
static void take_last(sim_worker *worker, const sim_node *node, double *out)
{
    int year = node->period / KS_SLOTS_PER_YEAR;
    const double *last = cell_lanes(worker, node->item,
                                    ks_calendar_period(year, node->combo[0][0]),
                                    worker->scratch);
    for (int i = 0; i < worker->n; i++)
        if (!ks_is_missing(last[i]))
            out[i] = last[i];
}

/* A summary: its sets of parts in turn, each evaluated only when lanes
 * are still without a value, then the formula for what remains. */
static void eval_summary(sim_worker *worker, const sim_node *node)
{
    double *out = lanes_of(worker, node->slot);
    int n = worker->n;
    double gap;
    uint64_t gap_bits = GAP_BITS;
    memcpy(&gap, &gap_bits, sizeof gap);
    ks_sim_fill(out, n, gap);
    int dep = node->part_first;
    for (int c = 0; c < node->combo_count; c++) {
        if (c > 0 && !any_gap(out, n))
            return;
        ensure_list(worker, dep, node->combo_deps[c]);
        dep += node->combo_deps[c];
        if (node->rule == KS_RULE_LAST)
            take_last(worker, node, out);
        else
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

void ks_sim_worker_seed(sim_worker *worker, uint64_t stream)
{
    const sim_plan *plan = worker->plan;
    for (int d = 0; d < plan->draw_count; d++)
        ks_rng_seed_keyed(&worker->draw_rngs[d], plan->seed, plan->draws[d].key,
                          stream);
    ks_rng_seed_keyed(&worker->group_rng, plan->seed, plan->group_key, stream);
    /* the pilot takes the run's first trials' strata */
    worker->trial = stream == UINT64_MAX ? 0 : (int64_t)stream * KS_SIM_CHUNK;
}

/* A drawn cell's lanes from its own stream: independent draws, or its
 * strata's quantiles (Latin hypercube). */
static void draw_cell(sim_worker *worker, int d, double *out)
{
    const sim_plan *plan = worker->plan;
    const sim_draw *draw = &plan->draws[d];
    if (plan->sampling != KS_SIM_LATIN_HYPERCUBE) {
        ks_sim_draw_lanes(draw, &worker->draw_rngs[d], plan->zig, out,
                          worker->n);
        return;
    }
    ks_lhs_uniforms(&draw->lhs, &worker->draw_rngs[d], worker->trial, out,
                    worker->n);
    ks_sim_quantile_lanes(draw, out, worker->n);
}

/* The Gaussian copula: each cell of the group a standard normal from its
 * own stream (stratified under Latin hypercube), mixed by the Cholesky
 * factor, then taken to its marginal. */
static void draw_gaussian_group(sim_worker *worker)
{
    const sim_plan *plan = worker->plan;
    int n = worker->n, g = plan->group_size;
    for (int k = 0; k < g; k++) {
        int d = plan->group[k];
        double *z = worker->normals + (size_t)k * KS_SIM_BLOCK;
        if (plan->sampling == KS_SIM_LATIN_HYPERCUBE) {
            ks_lhs_uniforms(&plan->draws[d].lhs, &worker->draw_rngs[d],
                            worker->trial, z, n);
            ks_normal_quantiles(z, z, n, 0.0, 1.0);
        } else {
            ks_rng_normals(&worker->draw_rngs[d], plan->zig, z, n, 0.0, 1.0);
        }
    }
    for (int j = 0; j < g; j++) {
        const sim_draw *draw = &plan->draws[plan->group[j]];
        double *out = lanes_of(worker, draw->slot);
        ks_sim_fill(out, n, 0.0);
        for (int k = 0; k <= j; k++) {
            double weight = plan->cholesky[j * g + k];
            const double *z = worker->normals + (size_t)k * KS_SIM_BLOCK;
            for (int i = 0; i < n; i++)
                out[i] += weight * z[i];
        }
        ks_sim_copula_marginal(draw, out, n);
    }
}

static void draw_block(sim_worker *worker)
{
    const sim_plan *plan = worker->plan;
    int gaussian = plan->copula == KS_SIM_GAUSSIAN_COPULA;
    for (int d = 0; d < plan->draw_count; d++) {
        const sim_draw *draw = &plan->draws[d];
        if (draw->group < 0 || !gaussian)
            draw_cell(worker, d, lanes_of(worker, draw->slot));
    }
    if (plan->group_size > 0) {
        if (gaussian)
            draw_gaussian_group(worker);
        else
            ks_rank_correlate_block(worker);
    }
    worker->trial += worker->n;
}

/* Draw a block, then evaluate what the outputs need, pulled from them. */
void ks_sim_eval_block(sim_worker *worker)
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
const double *ks_sim_output_lanes(sim_worker *worker, int o)
{
    const sim_output *output = &worker->plan->outputs[o];
    if (output->slot >= 0)
        return lanes_of(worker, output->slot);
    ks_sim_fill(worker->scratch, worker->n, output->constant);
    return worker->scratch;
}

int ks_sim_worker_init(sim_worker *worker, const sim_plan *plan)
{
    const ks_allocator *alloc = plan->alloc;
    memset(worker, 0, sizeof *worker);
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
    worker->draw_rngs = ks_mem_calloc(alloc, (size_t)plan->draw_count + 1,
                                      sizeof *worker->draw_rngs);
    /* zeroed: rank correlation keeps its scores there between blocks */
    worker->rank_work = ks_mem_calloc(alloc, ks_rank_work_size(plan) + 1,
                                      sizeof(double));
    if (!worker->lanes || !worker->scratch || !worker->normals ||
        !worker->stamps || !worker->counts || !worker->draw_rngs ||
        !worker->rank_work)
        return -1;
    return 0;
}

void ks_sim_worker_free(const ks_allocator *alloc, sim_worker *worker)
{
    ks_mem_free(alloc, worker->lanes);
    ks_mem_free(alloc, worker->scratch);
    ks_mem_free(alloc, worker->normals);
    ks_mem_free(alloc, worker->stamps);
    ks_mem_free(alloc, worker->counts);
    ks_mem_free(alloc, worker->draw_rngs);
    ks_mem_free(alloc, worker->rank_work);
    memset(worker, 0, sizeof *worker);
}
