/*
 * sim_stats.c -- the statistics of a simulation's outputs: streaming
 * moments per block merged by Chan's formula, and percentiles, shares and
 * histograms over the kept float32 values.
 *
 * Percentiles: the first percentile asked of an output orders its kept
 * values into buckets of about 256 by value (one counting pass, one
 * scattering pass: a one-digit radix sort whose digit is the value's place
 * between the smallest and the largest), and keeps where each bucket
 * starts.  Every percentile after that is a selection within one bucket:
 * exact order statistics, for a few hundred comparisons.  Measured against
 * one gathering pass per percentile (the earlier way), five outputs with
 * three percentiles each cost a third.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "simulate.h"
#include "hot.h"

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

/* Four running sums, so that additions do not wait on one another (the
 * compiler may not reorder floating-point sums itself); the same lanes
 * always add up in the same order, so the result is reproducible. */
KS_HOT void ks_moments_add_block(ks_moments *moments, const double *lanes,
                                int n)
{
    double sum[4] = { 0, 0, 0, 0 }, lo[4], hi[4];
    int count[4] = { 0, 0, 0, 0 };
    for (int k = 0; k < 4; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    int i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++) {
            double x = lanes[i + k];
            int number = x == x;
            sum[k] += number ? x : 0.0;
            count[k] += number;
            lo[k] = number && x < lo[k] ? x : lo[k];
            hi[k] = number && x > hi[k] ? x : hi[k];
        }
    for (; i < n; i++) {
        double x = lanes[i];
        int number = x == x;
        sum[0] += number ? x : 0.0;
        count[0] += number;
        lo[0] = number && x < lo[0] ? x : lo[0];
        hi[0] = number && x > hi[0] ? x : hi[0];
    }
    int total = count[0] + count[1] + count[2] + count[3];
    ks_moments part;
    ks_moments_clear(&part);
    part.invalid = n - total;
    if (total > 0) {
        double mean = ((sum[0] + sum[1]) + (sum[2] + sum[3])) / total;
        double m2[4] = { 0, 0, 0, 0 };
        i = 0;
        for (; i + 4 <= n; i += 4)
            for (int k = 0; k < 4; k++) {
                double x = lanes[i + k];
                double d = x == x ? x - mean : 0.0;
                m2[k] += d * d;
            }
        for (; i < n; i++) {
            double d = lanes[i] == lanes[i] ? lanes[i] - mean : 0.0;
            m2[0] += d * d;
        }
        part.count = total;
        part.mean = mean;
        part.m2 = (m2[0] + m2[1]) + (m2[2] + m2[3]);
        for (int k = 1; k < 4; k++) {
            lo[0] = lo[k] < lo[0] ? lo[k] : lo[0];
            hi[0] = hi[k] > hi[0] ? hi[k] : hi[0];
        }
        part.min = lo[0];
        part.max = hi[0];
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

/* The bucket of a number: monotonic in the value, so buckets are ordered. */
static inline int bucket_of(const ks_kept_index *index, float value)
{
    double at = ((double)value - (double)index->lo) * index->scale;
    int bucket = (int)at;
    return bucket < 0 ? 0 : bucket >= index->bins ? index->bins - 1 : bucket;
}

void ks_kept_index_free(const ks_allocator *alloc, ks_kept_index *index)
{
    ks_mem_free(alloc, index->start);
    memset(index, 0, sizeof *index);
}

/* Reorder the kept values into ordered buckets of about 256 values. */
static ks_status index_build(const ks_allocator *alloc, ks_kept *kept,
                             ks_kept_index *index, ks_error *err)
{
    size_t n = kept->n;
    int bins = (int)(kept->numbers / 256) + 1;
    if (bins > 1 << 20)
        bins = 1 << 20;
    int64_t *start = ks_mem_calloc(alloc, (size_t)bins + 2, sizeof *start);
    float *sorted = ks_mem_alloc(alloc, (n ? n : 1) * sizeof *sorted);
    if (!start || !sorted) {
        ks_mem_free(alloc, start);
        ks_mem_free(alloc, sorted);
        return ks_error_set(err, KS_ENOMEM, "percentile: out of memory "
                                            "ordering %zu values", n);
    }
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        float value = kept->values[i];
        lo = value < lo ? value : lo;
        hi = value > hi ? value : hi;
    }
    index->bins = bins;
    index->lo = lo;
    index->scale = hi > lo ? (double)bins / ((double)hi - (double)lo) : 0;
    index->start = start;
    /* counts land in start[b + 2] so that a prefix sum leaves in start[b + 1]
     * the first free place of bucket b while scattering */
    int64_t *count = start + 1;
    int64_t not_numbers = 0;
    for (size_t i = 0; i < n; i++) {
        float value = kept->values[i];
        if (value != value)
            not_numbers++;
        else
            count[bucket_of(index, value) + 1]++;
    }
    for (int b = 1; b <= bins; b++)
        count[b] += count[b - 1];
    int64_t nan_at = count[bins];
    for (size_t i = 0; i < n; i++) {
        float value = kept->values[i];
        if (value != value)
            sorted[nan_at++] = value;
        else
            sorted[count[bucket_of(index, value)]++] = value;
    }
    /* after scattering, count[b] (= start[b + 1]) is the end of bucket b */
    start[0] = 0;
    memcpy(kept->values, sorted, n * sizeof *sorted);
    ks_mem_free(alloc, sorted);
    (void)not_numbers;
    return KS_OK;
}

/* The order statistic `rank` (0-based among the numbers). */
static float rank_value(const ks_kept *kept, const ks_kept_index *index,
                        int64_t rank)
{
    int lo = 0, hi = index->bins - 1;
    while (lo < hi) { /* the bucket b with start[b] <= rank < start[b+1] */
        int mid = lo + (hi - lo + 1) / 2;
        if (index->start[mid] <= rank)
            lo = mid;
        else
            hi = mid - 1;
    }
    int64_t first = index->start[lo];
    size_t size = (size_t)(index->start[lo + 1] - first);
    return ks_select_float(kept->values + first, size, (size_t)(rank - first));
}

ks_status ks_kept_percentile(const ks_allocator *alloc, ks_kept *kept,
                             ks_kept_index *index, double q, double *out,
                             ks_error *err)
{
    if (index->bins == 0) {
        ks_status status = index_build(alloc, kept, index, err);
        if (status != KS_OK)
            return status;
    }
    double position = q / 100.0 * (double)(kept->numbers - 1);
    int64_t rank = (int64_t)floor(position);
    double fraction = position - (double)rank;
    float lower = rank_value(kept, index, rank);
    float upper = lower;
    if (fraction > 0 && rank + 1 < kept->numbers)
        upper = rank_value(kept, index, rank + 1);
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
