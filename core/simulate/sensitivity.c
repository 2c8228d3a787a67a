/*
 * sensitivity.c -- the sensitivity of an output to the drawn cells, from
 * the kept trials: each draw's Spearman rank correlation with the output
 * (ranks with ties averaged), and its contribution to the output's
 * variance from the least-squares fit of the output on the varying draws
 * (standardized coefficients squared: b^2 var(x) / var(y)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kessan/sim_analysis.h"
#include "simulate/simulate_internal.h"

/* The sort's buffers: keys and payloads, and their spares. */
typedef struct rank_buffers {
    uint64_t *keys, *spare_keys;
    uint32_t *order, *spare_order;
} rank_buffers;

/* ranks[k] = the rank (1 .. n, ties their mean) of values[trials[k]]. */
static void rank_of(const double *values, const int64_t *trials, int64_t n,
                    const rank_buffers *buffers, double *ranks)
{
    for (int64_t k = 0; k < n; k++) {
        double x = values[trials[k]];
        buffers->keys[k] = ks_sort_key(x == 0 ? 0.0 : x); /* -0 ties +0 */
        buffers->order[k] = (uint32_t)k;
    }
    ks_radix_sort(buffers->keys, buffers->order, (size_t)n,
                  buffers->spare_keys, buffers->spare_order);
    for (int64_t i = 0; i < n;) {
        int64_t j = i;
        while (j + 1 < n && buffers->keys[j + 1] == buffers->keys[i])
            j++;
        double rank = 0.5 * (double)(i + j) + 1.0;
        for (int64_t k = i; k <= j; k++)
            ranks[buffers->order[k]] = rank;
        i = j + 1;
    }
}

static double correlation(const double *x, const double *y, int64_t n)
{
    double mean_x = 0, mean_y = 0;
    for (int64_t k = 0; k < n; k++) {
        mean_x += x[k];
        mean_y += y[k];
    }
    mean_x /= (double)n;
    mean_y /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int64_t k = 0; k < n; k++) {
        double dx = x[k] - mean_x, dy = y[k] - mean_y;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0.0;
}

/* Solve r beta = c by Cholesky (l its factor); 0 when r is singular even
 * with a touch of ridge (draws that move together exactly). */
static int solve(double *r, double *l, const double *c, double *beta, int k)
{
    double pivot;
    if (ks_sim_cholesky(r, k, l, &pivot) >= 0) {
        for (int i = 0; i < k; i++)
            r[i * k + i] *= 1.0 + 1e-9;
        if (ks_sim_cholesky(r, k, l, &pivot) >= 0)
            return 0;
    }
    for (int i = 0; i < k; i++) { /* L w = c, then L' beta = w */
        double sum = c[i];
        for (int j = 0; j < i; j++)
            sum -= l[i * k + j] * beta[j];
        beta[i] = sum / l[i * k + i];
    }
    for (int i = k - 1; i >= 0; i--) {
        double sum = beta[i];
        for (int j = i + 1; j < k; j++)
            sum -= l[j * k + i] * beta[j];
        beta[i] = sum / l[i * k + i];
    }
    return 1;
}

/* The mean and the root of the sum of squared deviations of values over
 * the numeric trials, the deviations scaled by the largest before they
 * are squared: draws of 1e-300 squared to 0 and of 1e200 to infinity,
 * and a cell that varies read as one that never does (its contribution
 * 0). */
static void spread_of(const double *values, const int64_t *trials, int64_t n,
                      double *mean, double *root)
{
    double m = 0, largest = 0, s = 0, first = values[trials[0]];
    int64_t same = 0;
    for (int64_t t = 0; t < n; t++) {
        m += values[trials[t]] / (double)n;
        same += values[trials[t]] == first;
    }
    if (same == n) /* a fixed draw: its mean exactly, no spread at all */
        m = first;
    for (int64_t t = 0; t < n; t++)
        largest = fmax(largest, fabs(values[trials[t]] - m));
    *mean = m;
    *root = largest;
    if (!(largest > 0) || !isfinite(largest))
        return;
    for (int64_t t = 0; t < n; t++) {
        double d = (values[trials[t]] - m) / largest;
        s += d * d;
    }
    *root = largest * sqrt(s);
}

/* Standardized least squares of y on the varying draws: with z the
 * standardized draws, r their correlations and c theirs with y, r beta =
 * c gives beta_i = b_i sd_i / sd_y, and the contribution is beta_i^2. */
static ks_status contributions(ks_sim_result *result, const double *y,
                               const int64_t *trials, int64_t n,
                               ks_sim_sensitivity *out, ks_error *err)
{
    const ks_allocator *alloc = &result->alloc;
    int draws = ks_sim_draw_count(result), k = 0;
    double mean_y, sd_y;
    spread_of(y, trials, n, &mean_y, &sd_y);
    if (!(sd_y > 0))
        return KS_OK;
    size_t d2 = (size_t)draws * (size_t)draws;
    double *work = ks_mem_calloc(alloc, 2 * d2 + 5 * (size_t)draws + 1,
                                 sizeof *work);
    int *used = ks_mem_alloc(alloc, ((size_t)draws + 1) * sizeof *used);
    if (!work || !used) {
        ks_mem_free(alloc, work);
        ks_mem_free(alloc, used);
        return ks_error_set(err, KS_ENOMEM, "sensitivity: out of memory");
    }
    double *r = work, *l = r + d2, *c = l + d2, *beta = c + draws,
           *mean = beta + draws, *sd = mean + draws, *z = sd + draws;
    for (int d = 0; d < draws; d++) {
        spread_of(ks_sim_draw_values(result, d), trials, n, &mean[k], &sd[k]);
        if (sd[k] > 0)
            used[k++] = d;
    }
    for (int64_t t = 0; t < n; t++) {
        for (int i = 0; i < k; i++)
            z[i] = (ks_sim_draw_values(result, used[i])[trials[t]] - mean[i]) /
                   sd[i];
        double zy = (y[trials[t]] - mean_y) / sd_y;
        for (int i = 0; i < k; i++) {
            c[i] += z[i] * zy;
            for (int j = 0; j <= i; j++)
                r[i * k + j] += z[i] * z[j];
        }
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < i; j++)
            r[j * k + i] = r[i * k + j];
    if (k > 0 && solve(r, l, c, beta, k))
        for (int i = 0; i < k; i++)
            out[used[i]].contribution = beta[i] * beta[i];
    ks_mem_free(alloc, work);
    ks_mem_free(alloc, used);
    return KS_OK;
}

static int by_importance(const void *a, const void *b)
{
    const ks_sim_sensitivity *x = a, *y = b;
    if (x->contribution != y->contribution)
        return x->contribution > y->contribution ? -1 : 1;
    double rx = fabs(x->rank_correlation), ry = fabs(y->rank_correlation);
    if (rx != ry)
        return rx > ry ? -1 : 1;
    return x->draw - y->draw;
}

ks_status ks_sim_sensitivity_of(ks_sim_result *result, int output,
                                ks_sim_sensitivity *out, ks_error *err)
{
    if (output < 0 || output >= ks_sim_output_count(result))
        return ks_error_set(err, KS_EINVAL, "sensitivity: output %d out of "
                            "range (1..%d)", output + 1,
                            ks_sim_output_count(result));
    if (!ks_sim_kept(result))
        return ks_error_set(err, KS_EMISUSE, "sensitivity: the trials were "
                            "not kept (simulate with keep = true)");
    const ks_allocator *alloc = &result->alloc;
    const double *y = ks_sim_output_values(result, output);
    int64_t trials = ks_sim_trials(result), n = 0;
    int draws = ks_sim_draw_count(result);
    for (int d = 0; d < draws; d++)
        out[d] = (ks_sim_sensitivity){ d, 0.0, 0.0 };
    int64_t *numeric = ks_mem_alloc(alloc, (size_t)trials * sizeof *numeric);
    uint64_t *keys = ks_mem_alloc(alloc, 2 * (size_t)trials * sizeof *keys);
    uint32_t *order = ks_mem_alloc(alloc, 2 * (size_t)trials * sizeof *order);
    double *ranks = ks_mem_alloc(alloc, 2 * (size_t)trials * sizeof *ranks);
    ks_status status = KS_OK;
    if (!numeric || !keys || !order || !ranks)
        status = ks_error_set(err, KS_ENOMEM, "sensitivity: out of memory for "
                              "%lld trials", (long long)trials);
    for (int64_t t = 0; status == KS_OK && t < trials; t++)
        if (y[t] == y[t])
            numeric[n++] = t;
    if (status == KS_OK && n < 3)
        status = ks_error_set(err, KS_EINVAL, "sensitivity: '%s' gave a number "
                              "in %lld trials, fewer than 3",
                              ks_sim_output_name(result, output), (long long)n);
    if (status == KS_OK) {
        rank_buffers buffers = { keys, keys + trials, order, order + trials };
        double *rank_y = ranks, *rank_x = ranks + trials;
        rank_of(y, numeric, n, &buffers, rank_y);
        for (int d = 0; d < draws; d++) {
            rank_of(ks_sim_draw_values(result, d), numeric, n, &buffers, rank_x);
            out[d].rank_correlation = correlation(rank_x, rank_y, n);
        }
        status = contributions(result, y, numeric, n, out, err);
    }
    if (status == KS_OK)
        qsort(out, (size_t)draws, sizeof *out, by_importance);
    ks_mem_free(alloc, numeric);
    ks_mem_free(alloc, keys);
    ks_mem_free(alloc, order);
    ks_mem_free(alloc, ranks);
    return status;
}
