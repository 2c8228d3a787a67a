/*
 * sim_stats.c -- the statistics of a simulation's outputs: streaming
 * moments per block merged by Chan's formula, and percentiles, shares and
 * histograms over the kept float32 values.
 *
 * Percentiles: the kept values of an output are not sorted.  A percentile
 * takes a strided sample of about SAMPLE_SIZE values, finds in it bounds
 * that hold the ranks wanted with a wide margin (5 standard errors), then
 * one pass over all the values counts those below the bounds and gathers
 * those between (about 1% of them), and a selection among those gives the
 * exact order statistics; if the bounds missed, everything is gathered.
 * At 1M trials that is one sequential read of 4 MB per percentile, against
 * a full selection (several passes that write) or a sort; measured, a
 * full selection per percentile cost more than the trials themselves.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "simulate.h"

/* ---- moments ------------------------------------------------------------- */

void ks_moments_clear(ks_moments *moments)
{
    moments->count = 0;
    moments->mean = 0;
    moments->m2 = 0;
    moments->min = INFINITY;
    moments->max = -INFINITY;
    moments->invalid = 0;
}

void ks_moments_merge(ks_moments *total, const ks_moments *part)
{
    total->invalid += part->invalid;
    if (part->count == 0)
        return;
    if (total->count == 0) {
        double invalid = total->invalid;
        *total = *part;
        total->invalid = invalid;
        return;
    }
    double count = total->count + part->count;
    double delta = part->mean - total->mean;
    total->mean += delta * (part->count / count);
    total->m2 += part->m2 + delta * delta * (total->count * part->count / count);
    total->count = count;
    if (part->min < total->min)
        total->min = part->min;
    if (part->max > total->max)
        total->max = part->max;
}

void ks_moments_add_block(ks_moments *moments, const double *lanes, int n)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    int count = 0;
    for (int i = 0; i < n; i++) {
        double x = lanes[i];
        int number = x == x;
        sum += number ? x : 0.0;
        count += number;
        lo = number && x < lo ? x : lo;
        hi = number && x > hi ? x : hi;
    }
    ks_moments part;
    ks_moments_clear(&part);
    part.invalid = n - count;
    if (count > 0) {
        double mean = sum / count, m2 = 0;
        for (int i = 0; i < n; i++) {
            double d = lanes[i] == lanes[i] ? lanes[i] - mean : 0.0;
            m2 += d * d;
        }
        part.count = count;
        part.mean = mean;
        part.m2 = m2;
        part.min = lo;
        part.max = hi;
    }
    ks_moments_merge(moments, &part);
}

/* ---- selection ------------------------------------------------------------- */

float ks_select_float(float *a, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, target = (ptrdiff_t)k;
    while (lo < hi) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        float x = a[lo], y = a[mid], z = a[hi];
        float pivot = x < y ? (y < z ? y : (x < z ? z : x))
                            : (x < z ? x : (y < z ? z : y));
        ptrdiff_t i = lo, j = hi;
        do {
            while (a[i] < pivot)
                i++;
            while (pivot < a[j])
                j--;
            if (i <= j) {
                float t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < target)
            lo = i;
        if (target < i)
            hi = j;
    }
    return a[target];
}

/* ---- percentiles over kept values ---------------------------------------- */

#define SAMPLE_SIZE 8192

/* Every stride-th value that is a number, into out; returns how many. */
static size_t take_sample(const ks_kept *kept, size_t stride, float *out)
{
    size_t count = 0;
    for (size_t i = 0; i < kept->n; i += stride)
        if (kept->values[i] == kept->values[i])
            out[count++] = kept->values[i];
    return count;
}

/* Bounds [lo, hi] that should hold the order statistics near fraction p:
 * the sample's order statistics 5 standard errors either side. */
static void sample_bounds(float *sample, size_t m, double p, float *lo,
                          float *hi)
{
    double center = p * (double)(m - 1);
    double spread = 5.0 * sqrt((double)m * p * (1.0 - p)) + 16.0;
    *lo = -INFINITY;
    *hi = INFINITY;
    if (center - spread >= 0)
        *lo = ks_select_float(sample, m, (size_t)floor(center - spread));
    if (center + spread <= (double)(m - 1))
        *hi = ks_select_float(sample, m, (size_t)ceil(center + spread));
}

/* Gather the numbers in [lo, hi] into out; *below counts those under lo. */
static size_t gather(const ks_kept *kept, float lo, float hi, float *out,
                     int64_t *below)
{
    size_t count = 0;
    int64_t under = 0;
    for (size_t i = 0; i < kept->n; i++) {
        float value = kept->values[i];
        under += value < lo;
        out[count] = value; /* branch-free: kept only when inside */
        count += value >= lo && value <= hi;
    }
    *below = under;
    return count;
}

ks_status ks_kept_percentile(const ks_allocator *alloc, const ks_kept *kept,
                             double q, double *out, ks_error *err)
{
    double position = q / 100.0 * (double)(kept->numbers - 1);
    int64_t rank = (int64_t)floor(position);
    double fraction = position - (double)rank;
    int64_t upper_rank = fraction > 0 && rank + 1 < kept->numbers ? rank + 1
                                                                  : rank;
    float *gathered = ks_mem_alloc(alloc, (kept->n + 1) * sizeof *gathered);
    if (!gathered)
        return ks_error_set(err, KS_ENOMEM,
                            "percentile: out of memory selecting among %zu "
                            "values", kept->n);
    float lo = -INFINITY, hi = INFINITY;
    size_t stride = kept->n / SAMPLE_SIZE;
    if (stride >= 8) {
        size_t m = take_sample(kept, stride, gathered);
        if (m >= 64)
            sample_bounds(gathered, m, (double)rank / (double)(kept->numbers - 1 ? kept->numbers - 1 : 1), &lo, &hi);
    }
    int64_t below;
    size_t count = gather(kept, lo, hi, gathered, &below);
    if (rank < below || upper_rank - below >= (int64_t)count)
        count = gather(kept, -INFINITY, INFINITY, gathered, &below);
    size_t at = (size_t)(rank - below);
    float lower = ks_select_float(gathered, count, at);
    float upper = lower;
    if (upper_rank != rank) {
        upper = gathered[at + 1];
        for (size_t i = at + 1; i < count; i++)
            upper = gathered[i] < upper ? gathered[i] : upper;
    }
    ks_mem_free(alloc, gathered);
    double low = kept->center + (double)lower;
    double high = kept->center + (double)upper;
    *out = low + fraction * (high - low);
    return KS_OK;
}

/* ---- shares and histograms ----------------------------------------------- */

double ks_kept_prob(const ks_kept *kept, ks_sim_op op, double x)
{
    if (kept->numbers == 0)
        return NAN;
    int64_t hits = 0;
    for (size_t i = 0; i < kept->n; i++) {
        double value = kept->center + (double)kept->values[i];
        switch (op) {
        case KS_SIM_LT: hits += value < x; break;
        case KS_SIM_LE: hits += value <= x; break;
        case KS_SIM_GT: hits += value > x; break;
        default: hits += value >= x; break;
        }
    }
    return (double)hits / (double)kept->numbers;
}

void ks_kept_histogram(const ks_kept *kept, int bins, int64_t *counts)
{
    memset(counts, 0, (size_t)bins * sizeof *counts);
    double width = kept->hi - kept->lo;
    for (size_t i = 0; i < kept->n; i++) {
        float offset = kept->values[i];
        if (offset != offset)
            continue;
        double value = kept->center + (double)offset;
        double at = width > 0 ? (value - kept->lo) / width * bins : 0.0;
        int bin = at > 0 ? (int)at : 0;
        counts[bin < bins ? bin : bins - 1]++;
    }
}
