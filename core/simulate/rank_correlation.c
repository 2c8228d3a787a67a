/*
 * rank_correlation.c -- rank-order (Spearman) correlation of the drawn
 * cells by Iman and Conover's method (1982), block by block: the group's
 * cells are drawn independently, each from its own stream (Latin
 * hypercube or not), then reordered within the block of trials so that
 * their ranks are those of van der Waerden scores correlated as asked.
 * A reordering keeps every cell's values, so any marginal takes part
 * (PERT and discrete included) and Latin hypercube strata stay whole.
 *
 * The scores' target correlation is 2 sin(pi rho / 6) (distributions.c),
 * the Pearson correlation of normals whose Spearman correlation is rho.
 * Each block: the scores permuted at random per cell (the group's stream),
 * their own correlation E factored E = Q Q', then T = P Q^-1 M (P the
 * target's factor) has exactly the target correlation; each cell's values
 * take the ranks of its column of T.  A block is 512 trials (fewer at the
 * run's end), always cut at the same trials, so the result does not
 * depend on the threads.
 */
#include <string.h>

#include "simulate/simulate_internal.h"

/* A worker's scratch for a block: the scores (kept while the block's
 * size stays), the sort's keys and lanes and their spares, then the g
 * columns of M and of T. */
typedef struct rank_scratch {
    double scores[KS_SIM_BLOCK];
    int scores_n;
    uint64_t keys[KS_SIM_BLOCK], spare_keys[KS_SIM_BLOCK];
    uint32_t lanes[KS_SIM_BLOCK], spare_lanes[KS_SIM_BLOCK];
    double columns[];
} rank_scratch;

size_t ks_rank_work_size(const sim_plan *plan)
{
    if (plan->copula != KS_SIM_RANK_CORRELATION || plan->group_size == 0)
        return 0;
    return (sizeof(rank_scratch) + sizeof(double) - 1) / sizeof(double) +
           (size_t)plan->group_size * 2 * KS_SIM_BLOCK;
}

/* A uniform index in [0, bound) from 32 random bits (Lemire). */
static int below(ks_rng *rng, int bound)
{
    return (int)(((ks_rng_next(rng) >> 32) * (uint64_t)bound) >> 32);
}

/* Column k of M: the scores in an order drawn from the group's stream. */
static void permuted_scores(ks_rng *rng, const double *scores, double *column,
                            int n)
{
    memcpy(column, scores, (size_t)n * sizeof *column);
    for (int i = n - 1; i > 0; i--) {
        int j = below(rng, i + 1);
        double swap = column[i];
        column[i] = column[j];
        column[j] = swap;
    }
}

/* Q, lower, with Q Q' the correlation of M's columns; 0 when it is not
 * positive definite (a block of a few trials). */
static int factor_scores(const double *m, int g, int n, double *q)
{
    double e[KS_RANK_GROUP_MAX * KS_RANK_GROUP_MAX];
    double mean = 0, spread = 0;
    for (int i = 0; i < n; i++)
        mean += m[i];
    mean /= n;
    for (int i = 0; i < n; i++)
        spread += (m[i] - mean) * (m[i] - mean);
    if (!(spread > 0))
        return 0;
    for (int j = 0; j < g; j++)
        for (int k = 0; k <= j; k++) {
            const double *a = m + (size_t)j * KS_SIM_BLOCK,
                         *b = m + (size_t)k * KS_SIM_BLOCK;
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += (a[i] - mean) * (b[i] - mean);
            e[j * g + k] = sum / spread;
        }
    double pivot;
    return ks_sim_cholesky(e, g, q, &pivot) < 0;
}

void ks_rank_correlate_block(sim_worker *worker)
{
    const sim_plan *plan = worker->plan;
    int n = worker->n, g = plan->group_size;
    if (n <= g || g > KS_RANK_GROUP_MAX)
        return;
    rank_scratch *scratch = (rank_scratch *)(void *)worker->rank_work;
    double *m = scratch->columns;
    double *t = m + (size_t)g * KS_SIM_BLOCK;
    if (scratch->scores_n != n) {
        for (int i = 0; i < n; i++)
            scratch->scores[i] = ks_normal_quantile((i + 1.0) / (n + 1.0));
        scratch->scores_n = n;
    }
    for (int k = 0; k < g; k++)
        permuted_scores(&worker->group_rng, scratch->scores,
                        m + (size_t)k * KS_SIM_BLOCK, n);
    double q[KS_RANK_GROUP_MAX * KS_RANK_GROUP_MAX];
    if (!factor_scores(m, g, n, q))
        return;
    for (int i = 0; i < n; i++) {
        double y[KS_RANK_GROUP_MAX];
        for (int j = 0; j < g; j++) { /* Q y = m_i */
            double sum = m[(size_t)j * KS_SIM_BLOCK + i];
            for (int k = 0; k < j; k++)
                sum -= q[j * g + k] * y[k];
            y[j] = sum / q[j * g + j];
        }
        for (int j = 0; j < g; j++) { /* t_i = P y */
            double sum = 0;
            for (int k = 0; k <= j; k++)
                sum += plan->cholesky[j * g + k] * y[k];
            t[(size_t)j * KS_SIM_BLOCK + i] = sum;
        }
    }
    uint32_t order[KS_SIM_BLOCK];
    for (int j = 0; j < g; j++) {
        double *lanes = worker->lanes +
                        (size_t)plan->draws[plan->group[j]].slot * KS_SIM_BLOCK;
        /* the lanes in the order of T's column j */
        for (int i = 0; i < n; i++) {
            scratch->keys[i] = ks_sort_key(t[(size_t)j * KS_SIM_BLOCK + i]);
            scratch->lanes[i] = (uint32_t)i;
        }
        ks_radix_sort(scratch->keys, scratch->lanes, (size_t)n,
                      scratch->spare_keys, scratch->spare_lanes);
        memcpy(order, scratch->lanes, (size_t)n * sizeof *order);
        /* the values in ascending order, given to the lanes rank by rank */
        for (int i = 0; i < n; i++)
            scratch->keys[i] = ks_sort_key(lanes[i]);
        ks_radix_sort(scratch->keys, NULL, (size_t)n, scratch->spare_keys,
                      NULL);
        for (int r = 0; r < n; r++)
            lanes[order[r]] = ks_sort_value(scratch->keys[r]);
    }
}
