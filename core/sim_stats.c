/*
 * sim_stats.c -- the statistics of a simulation's outputs: streaming
 * moments per block merged by Chan's formula, and percentiles, shares and
 * histograms over the kept float32 values.
 *
 * Percentiles: the kept values of an output are not sorted.  The first
 * percentile asked of an output counts a histogram of its values
 * (HISTOGRAM_BUCKETS equal buckets from min to max, one pass, kept with the
 * result); each percentile then gathers the values of the one or two
 * buckets that hold the ranks it needs (a second pass, reading and
 * comparing only) and selects among those few.  At 1M trials that is two
 * sequential passes over 4 MB and a selection over a few hundred values,
 * against a full selection (several passes that write) per percentile;
 * order statistics are exact, not approximated by the histogram.
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

#define HISTOGRAM_BUCKETS 4096

typedef struct bucketing {
    float lo;
    double scale;
} bucketing;

static bucketing bucketing_of(const ks_kept *kept)
{
    bucketing b;
    b.lo = (float)(kept->lo - kept->center);
    float hi = (float)(kept->hi - kept->center);
    b.scale = hi > b.lo ? HISTOGRAM_BUCKETS / ((double)hi - (double)b.lo) : 0.0;
    return b;
}

static inline int bucket_of(const bucketing *b, float value)
{
    double at = ((double)value - (double)b->lo) * b->scale;
    int bucket = at > 0 ? (int)at : 0;
    return bucket < HISTOGRAM_BUCKETS ? bucket : HISTOGRAM_BUCKETS - 1;
}

static uint32_t *count_buckets(const ks_allocator *alloc, const ks_kept *kept)
{
    uint32_t *counts = ks_mem_calloc(alloc, HISTOGRAM_BUCKETS, sizeof *counts);
    if (!counts)
        return NULL;
    bucketing b = bucketing_of(kept);
    for (size_t i = 0; i < kept->n; i++) {
        float value = kept->values[i];
        if (value == value)
            counts[bucket_of(&b, value)]++;
    }
    return counts;
}

/* The bucket holding 0-based rank `rank`, and how many come before it. */
static int bucket_of_rank(const uint32_t *counts, int64_t rank, int64_t *before)
{
    int64_t seen = 0;
    for (int bucket = 0; bucket < HISTOGRAM_BUCKETS; bucket++) {
        if (seen + counts[bucket] > rank) {
            *before = seen;
            return bucket;
        }
        seen += counts[bucket];
    }
    *before = seen;
    return HISTOGRAM_BUCKETS - 1;
}

ks_status ks_kept_percentile(const ks_allocator *alloc, const ks_kept *kept,
                             uint32_t **histogram, double q, double *out,
                             ks_error *err)
{
    if (!*histogram) {
        *histogram = count_buckets(alloc, kept);
        if (!*histogram)
            return ks_error_set(err, KS_ENOMEM,
                                "percentile: out of memory for a histogram");
    }
    const uint32_t *counts = *histogram;
    double position = q / 100.0 * (double)(kept->numbers - 1);
    int64_t rank = (int64_t)floor(position);
    double fraction = position - (double)rank;
    int64_t upper_rank = fraction > 0 && rank + 1 < kept->numbers ? rank + 1
                                                                  : rank;
    int64_t before, before_upper;
    int first = bucket_of_rank(counts, rank, &before);
    int last = bucket_of_rank(counts, upper_rank, &before_upper);
    size_t size = 0;
    for (int bucket = first; bucket <= last; bucket++)
        size += counts[bucket];
    float *gathered = ks_mem_alloc(alloc, (size + 1) * sizeof *gathered);
    if (!gathered)
        return ks_error_set(err, KS_ENOMEM,
                            "percentile: out of memory gathering %zu values",
                            size);
    bucketing b = bucketing_of(kept);
    size_t count = 0;
    for (size_t i = 0; i < kept->n; i++) {
        float value = kept->values[i];
        if (value != value)
            continue;
        int bucket = bucket_of(&b, value);
        if (bucket >= first && bucket <= last)
            gathered[count++] = value;
    }
    float lower = ks_select_float(gathered, count, (size_t)(rank - before));
    float upper = lower;
    if (upper_rank != rank) {
        upper = gathered[rank - before + 1];
        for (size_t i = (size_t)(rank - before) + 1; i < count; i++)
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
