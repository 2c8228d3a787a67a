/*
 * sketch.h -- a quantile sketch with a bounded relative error for values
 * of either sign (the idea of DDSketch, Masson, Rim and Lee, VLDB 2019,
 * with a log-linear mapping read off a double's bits), internal to the
 * simulation.
 *
 * A value's bucket is its magnitude's exponent and the top
 * KS_SKETCH_SUB_BITS bits of its mantissa: 512 buckets per power of two,
 * each [lo, lo (1 + 1/512)) or narrower.  The bucket's representative
 * 2 lo hi / (lo + hi) is within (hi - lo) / (hi + lo) <= 1/1025 =
 * KS_SKETCH_ALPHA of every value in it, relative.  Positive and negative
 * values have buckets of their own; magnitudes below KS_SKETCH_ZERO share
 * one bucket whose representative is 0.  Counts are exact integers, so
 * sketches merge by adding counts, in any order, to the same bits.
 *
 * The buckets kept are two windows of consecutive keys (one per sign),
 * grown when a value falls outside (at most 2 x 509,440 buckets of 4
 * bytes: 4 MB; an output of an earnings model spans a few powers of two:
 * a few KB).
 */
#ifndef KS_SKETCH_H
#define KS_SKETCH_H

#include <stdint.h>
#include <string.h>

#include "base/alloc.h"

#define KS_SKETCH_SUB_BITS 9
#define KS_SKETCH_SHIFT (52 - KS_SKETCH_SUB_BITS)
/* The largest relative distance of a value from its bucket's
 * representative: 2^-9 / (2 + 2^-9). */
#define KS_SKETCH_ALPHA (1.0 / 1025.0)
/* Magnitudes below 2^-500 (about 3.05e-151) count as zero. */
#define KS_SKETCH_ZERO 0x1p-500
/* The keys of the magnitudes KS_SKETCH_ZERO and KS_SIM_VALUE_MAX (1e149,
 * in the binade of 2^494): (1023 - 500) * 512 and (1023 + 494) * 512 +
 * 511. */
#define KS_SKETCH_KEY_MIN (INT64_C(523) << KS_SKETCH_SUB_BITS)
#define KS_SKETCH_KEY_MAX ((INT64_C(1517) << KS_SKETCH_SUB_BITS) + 511)

/* Slots: [0] lanes that do not count (NaN, infinite, beyond the bound),
 * [1] the zero bucket, then the positive window's pos_cap buckets (keys
 * pos_lo ..), then the negative window's neg_cap (magnitude keys
 * neg_lo ..). */
#define KS_SKETCH_JUNK 0
#define KS_SKETCH_ZERO_SLOT 1
#define KS_SKETCH_FIRST 2

typedef struct ks_sketch {
    const ks_allocator *alloc; /* for growing: safe from any thread     */
    uint32_t *counts;
    int64_t pos_lo, pos_cap;
    int64_t neg_lo, neg_cap;
    int failed;                /* a growth failed: a value was dropped   */
} ks_sketch;

void ks_sketch_init(ks_sketch *sketch, const ks_allocator *alloc);
void ks_sketch_free(ks_sketch *sketch);
/* Count `n` copies of x (growing as needed; on failure sketch->failed). */
void ks_sketch_add(ks_sketch *sketch, double x, uint32_t n);
/* Make the window of one sign hold every value from lo to hi (both of
 * that sign, magnitudes from KS_SKETCH_ZERO to KS_SIM_VALUE_MAX); -1 out
 * of memory (sketch->failed). */
int ks_sketch_hold_range(ks_sketch *sketch, double lo, double hi);
/* Add part's counts into total (grown to hold them); -1 out of memory. */
int ks_sketch_merge(ks_sketch *total, const ks_sketch *part);
/* Values counted (the junk slot left out). */
int64_t ks_sketch_total(const ks_sketch *sketch);

/* The slot of one lane given the windows, branch-free (so lanes
 * vectorize); *miss gets a nonzero bit when the lane's bucket lies
 * outside the windows (then the slot is meaningless). */
typedef struct ks_sketch_view {
    int64_t pos_base, neg_base;   /* slot = key + base                 */
    int64_t pos_end, neg_end;     /* slots end (exclusive)             */
} ks_sketch_view;

static inline void ks_sketch_view_of(const ks_sketch *sketch,
                                     ks_sketch_view *view)
{
    view->pos_base = KS_SKETCH_FIRST - sketch->pos_lo;
    view->pos_end = KS_SKETCH_FIRST + sketch->pos_cap;
    view->neg_base = view->pos_end - sketch->neg_lo;
    view->neg_end = view->pos_end + sketch->neg_cap;
}

/* The bits of KS_SIM_VALUE_MAX (1e149): a magnitude above is junk. */
#define KS_SKETCH_VALUE_MAX_BITS UINT64_C(0x5EDF485516E7577F)

static inline int64_t ks_sketch_slot(const ks_sketch_view *view, double x,
                                     uint64_t *miss)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t magnitude = bits & UINT64_C(0x7FFFFFFFFFFFFFFF);
    int64_t key = (int64_t)(magnitude >> KS_SKETCH_SHIFT);
    int negative = (int64_t)bits < 0;
    int64_t slot = key + (negative ? view->neg_base : view->pos_base);
    int64_t first = negative ? view->pos_end : KS_SKETCH_FIRST;
    int64_t end = negative ? view->neg_end : view->pos_end;
    int zero = key < KS_SKETCH_KEY_MIN;
    int junk = magnitude > KS_SKETCH_VALUE_MAX_BITS;
    int inside = slot >= first && slot < end;
    *miss |= (uint64_t)(!(inside | zero | junk));
    slot = zero ? KS_SKETCH_ZERO_SLOT : slot;
    return junk ? KS_SKETCH_JUNK : slot;
}

/* ---- reading a sketch --------------------------------------------------- */

/* Buckets in ascending order of value: the negative window from its
 * largest magnitude down, the zero bucket, the positive window up. */
int64_t ks_sketch_bucket_count(const ks_sketch *sketch);
/* Bucket `index`: its count and the range of values it may hold
 * (lo <= hi; zero: both 0). */
uint32_t ks_sketch_bucket(const ks_sketch *sketch, int64_t index, double *lo,
                          double *hi);
/* The representative value of a bucket (0 for the zero bucket). */
double ks_sketch_bucket_value(const ks_sketch *sketch, int64_t index);

/* The value of rank r (0-based) of the counted values: its bucket's
 * representative clamped to [min, max]; rank 0 is min and the last rank
 * max, exactly. */
double ks_sketch_rank_value(const ks_sketch *sketch, int64_t r, double min,
                            double max);
/* The values of ranks r and, when count is 2, r + 1, in out[0 .. count):
 * each what ks_sketch_rank_value gives, in one walk of the buckets (a
 * percentile between two ranks walked them twice). */
void ks_sketch_rank_values(const ks_sketch *sketch, int64_t r, int count,
                           double min, double max, double *out);
/* How many counted values lie in buckets whose representative is below x
 * (or at most x, `inclusive`). */
int64_t ks_sketch_count_below(const ks_sketch *sketch, double x,
                              int inclusive);

#endif
