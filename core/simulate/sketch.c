/*
 * sketch.c -- the relative-error quantile sketch of sketch.h: counting a
 * value in its bucket (growing a window when it falls outside), merging,
 * and reading buckets, ranks and counts below a value.
 */
#include <math.h>

#include "simulate/sketch.h"

void ks_sketch_init(ks_sketch *sketch, const ks_allocator *alloc)
{
    memset(sketch, 0, sizeof *sketch);
    sketch->alloc = alloc;
}

void ks_sketch_free(ks_sketch *sketch)
{
    ks_mem_free(sketch->alloc, sketch->counts);
    sketch->counts = NULL;
    sketch->pos_cap = sketch->neg_cap = 0;
}

static int64_t slot_count(const ks_sketch *sketch)
{
    return KS_SKETCH_FIRST + sketch->pos_cap + sketch->neg_cap;
}

/* A window [lo, lo + cap) widened to hold `key`, with room for as much
 * again (so that a drifting output grows it a few times, not once per
 * bucket), within the keys there are. */
static void widen(int64_t *lo, int64_t *cap, int64_t key)
{
    int64_t first = *cap > 0 ? *lo : key, last = *cap > 0 ? *lo + *cap - 1 : key;
    first = key < first ? key : first;
    last = key > last ? key : last;
    int64_t room = (last - first + 1) / 2 + 256;
    first -= room;
    last += room;
    *lo = first < KS_SKETCH_KEY_MIN ? KS_SKETCH_KEY_MIN : first;
    last = last > KS_SKETCH_KEY_MAX ? KS_SKETCH_KEY_MAX : last;
    *cap = last - *lo + 1;
}

/* Re-lay the counts for new windows; -1 (nothing changed) out of memory. */
static int relayout(ks_sketch *sketch, int64_t pos_lo, int64_t pos_cap,
                    int64_t neg_lo, int64_t neg_cap)
{
    size_t slots = (size_t)(KS_SKETCH_FIRST + pos_cap + neg_cap);
    uint32_t *counts = ks_mem_calloc(sketch->alloc, slots, sizeof *counts);
    if (!counts)
        return -1;
    if (sketch->counts) {
        const uint32_t *old = sketch->counts;
        counts[KS_SKETCH_JUNK] = old[KS_SKETCH_JUNK];
        counts[KS_SKETCH_ZERO_SLOT] = old[KS_SKETCH_ZERO_SLOT];
        for (int64_t i = 0; i < sketch->pos_cap; i++)
            counts[KS_SKETCH_FIRST + sketch->pos_lo - pos_lo + i] =
                old[KS_SKETCH_FIRST + i];
        for (int64_t i = 0; i < sketch->neg_cap; i++)
            counts[KS_SKETCH_FIRST + pos_cap + sketch->neg_lo - neg_lo + i] =
                old[KS_SKETCH_FIRST + sketch->pos_cap + i];
        ks_mem_free(sketch->alloc, sketch->counts);
    }
    sketch->counts = counts;
    sketch->pos_lo = pos_lo;
    sketch->pos_cap = pos_cap;
    sketch->neg_lo = neg_lo;
    sketch->neg_cap = neg_cap;
    return 0;
}

/* The slots exist (the junk and zero slots at least); -1 out of memory. */
static int ensure_counts(ks_sketch *sketch)
{
    return sketch->counts ? 0 : relayout(sketch, 0, 0, 0, 0);
}

/* Make sure the window of the sign holds `key` (a counted magnitude's,
 * from KS_SKETCH_KEY_MIN); -1 out of memory. */
static int hold(ks_sketch *sketch, int negative, int64_t key)
{
    if (ensure_counts(sketch) != 0)
        return -1;
    int64_t pos_lo = sketch->pos_lo, pos_cap = sketch->pos_cap;
    int64_t neg_lo = sketch->neg_lo, neg_cap = sketch->neg_cap;
    int64_t *lo = negative ? &neg_lo : &pos_lo;
    int64_t *cap = negative ? &neg_cap : &pos_cap;
    if (key >= *lo && key < *lo + *cap)
        return 0;
    widen(lo, cap, key);
    return relayout(sketch, pos_lo, pos_cap, neg_lo, neg_cap);
}

static int64_t key_of(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (int64_t)((bits & UINT64_C(0x7FFFFFFFFFFFFFFF)) >> KS_SKETCH_SHIFT);
}

int ks_sketch_hold_range(ks_sketch *sketch, double lo, double hi)
{
    int negative = hi < 0;
    if (hold(sketch, negative, key_of(lo)) != 0 ||
        hold(sketch, negative, key_of(hi)) != 0) {
        sketch->failed = 1;
        return -1;
    }
    return 0;
}

void ks_sketch_add(ks_sketch *sketch, double x, uint32_t n)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t magnitude = bits & UINT64_C(0x7FFFFFFFFFFFFFFF);
    int64_t key = (int64_t)(magnitude >> KS_SKETCH_SHIFT);
    int in_window = magnitude <= KS_SKETCH_VALUE_MAX_BITS &&
                    key >= KS_SKETCH_KEY_MIN;
    if ((in_window ? hold(sketch, (int64_t)bits < 0, key)
                   : ensure_counts(sketch)) != 0) {
        sketch->failed = 1;
        return;
    }
    ks_sketch_view view;
    ks_sketch_view_of(sketch, &view);
    uint64_t miss = 0;
    sketch->counts[ks_sketch_slot(&view, x, &miss)] += n;
}

int ks_sketch_merge(ks_sketch *total, const ks_sketch *part)
{
    if (!part->counts)
        return 0;
    for (int negative = 0; negative <= 1; negative++) {
        int64_t lo = negative ? part->neg_lo : part->pos_lo;
        int64_t cap = negative ? part->neg_cap : part->pos_cap;
        int64_t base = KS_SKETCH_FIRST + (negative ? part->pos_cap : 0);
        int64_t first = -1, last = -1;
        for (int64_t i = 0; i < cap; i++)
            if (part->counts[base + i]) {
                first = first < 0 ? i : first;
                last = i;
            }
        if (first >= 0 && (hold(total, negative, lo + first) != 0 ||
                           hold(total, negative, lo + last) != 0))
            return -1;
    }
    if (ensure_counts(total) != 0)
        return -1;
    total->counts[KS_SKETCH_JUNK] += part->counts[KS_SKETCH_JUNK];
    total->counts[KS_SKETCH_ZERO_SLOT] += part->counts[KS_SKETCH_ZERO_SLOT];
    for (int64_t i = 0; i < part->pos_cap; i++)
        if (part->counts[KS_SKETCH_FIRST + i])
            total->counts[KS_SKETCH_FIRST + part->pos_lo - total->pos_lo + i] +=
                part->counts[KS_SKETCH_FIRST + i];
    for (int64_t i = 0; i < part->neg_cap; i++) {
        uint32_t count = part->counts[KS_SKETCH_FIRST + part->pos_cap + i];
        if (count)
            total->counts[KS_SKETCH_FIRST + total->pos_cap + part->neg_lo -
                          total->neg_lo + i] += count;
    }
    total->failed |= part->failed;
    return 0;
}

int64_t ks_sketch_total(const ks_sketch *sketch)
{
    int64_t total = 0;
    for (int64_t s = KS_SKETCH_ZERO_SLOT; sketch->counts && s < slot_count(sketch); s++)
        total += sketch->counts[s];
    return total;
}

/* ---- reading ----------------------------------------------------------- */

int64_t ks_sketch_bucket_count(const ks_sketch *sketch)
{
    return sketch->counts ? sketch->neg_cap + 1 + sketch->pos_cap : 0;
}

static double magnitude_at(int64_t key)
{
    uint64_t bits = (uint64_t)key << KS_SKETCH_SHIFT;
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* The value a bucket of magnitudes stands for: within KS_SKETCH_ALPHA of
 * every magnitude in it, relative. */
static double representative(int64_t key)
{
    double low = magnitude_at(key), high = magnitude_at(key + 1);
    return 2 * low * (high / (low + high));
}

/* The slot of bucket `index` and the sign of its values (-1, 0, 1), with
 * the magnitude key of a signed one. */
static int64_t bucket_slot(const ks_sketch *sketch, int64_t index, int *sign,
                           int64_t *key)
{
    if (index < sketch->neg_cap) {
        int64_t i = sketch->neg_cap - 1 - index; /* largest magnitude first */
        *sign = -1;
        *key = sketch->neg_lo + i;
        return KS_SKETCH_FIRST + sketch->pos_cap + i;
    }
    if (index == sketch->neg_cap) {
        *sign = 0;
        *key = 0;
        return KS_SKETCH_ZERO_SLOT;
    }
    int64_t i = index - sketch->neg_cap - 1;
    *sign = 1;
    *key = sketch->pos_lo + i;
    return KS_SKETCH_FIRST + i;
}

uint32_t ks_sketch_bucket(const ks_sketch *sketch, int64_t index, double *lo,
                          double *hi)
{
    int sign;
    int64_t key;
    int64_t slot = bucket_slot(sketch, index, &sign, &key);
    double low = sign ? magnitude_at(key) : 0;
    double high = sign ? magnitude_at(key + 1) : 0;
    *lo = sign < 0 ? -high : low;
    *hi = sign < 0 ? -low : high;
    return sketch->counts[slot];
}

double ks_sketch_bucket_value(const ks_sketch *sketch, int64_t index)
{
    int sign;
    int64_t key;
    bucket_slot(sketch, index, &sign, &key);
    return sign ? sign * representative(key) : 0;
}

/* x within [min, max]; at max (numerically) it is max, so that the zero
 * bucket's 0 takes the sign of a zero max: a constant -0 reads -0. */
static double clamp(double x, double min, double max)
{
    return x >= max ? max : x < min ? min : x;
}

/* Buckets in value order: the negative window from its largest
 * magnitude down (order 0 .. neg_cap - 1), the zero bucket (neg_cap),
 * the positive window up (neg_cap + 1 ..). */
static double value_in_order(const ks_sketch *sketch, int64_t j)
{
    int64_t neg = sketch->neg_cap;
    if (j < neg)
        return -representative(sketch->neg_lo + (neg - 1 - j));
    if (j == neg)
        return 0;
    return representative(sketch->pos_lo + (j - neg - 1));
}

/* From bucket `from` (in value order) on, adding each bucket's count to
 * *before, the first bucket at which rank r is passed (r < *before); the
 * number of buckets when none is. */
static int64_t walk_to(const ks_sketch *sketch, int64_t r, int64_t from,
                       int64_t *before)
{
    const uint32_t *positive = sketch->counts + KS_SKETCH_FIRST;
    const uint32_t *negative = positive + sketch->pos_cap;
    int64_t neg = sketch->neg_cap, end = neg + 1 + sketch->pos_cap;
    int64_t passed = *before, j = from;
    for (; j < neg; j++) {
        passed += negative[neg - 1 - j];
        if (r < passed)
            break;
    }
    if (j == neg) {
        passed += sketch->counts[KS_SKETCH_ZERO_SLOT];
        if (r >= passed)
            j++;
    }
    if (j > neg)
        for (; j < end; j++) {
            passed += positive[j - neg - 1];
            if (r < passed)
                break;
        }
    *before = passed;
    return j;
}

void ks_sketch_rank_values(const ks_sketch *sketch, int64_t r, int count,
                           double min, double max, double *out)
{
    int64_t end = sketch->neg_cap + 1 + sketch->pos_cap;
    int64_t at = -1, before = 0; /* the bucket the last rank was in */
    for (int i = 0; i < count; i++) {
        int64_t rank = r + i;
        if (rank <= 0 || !sketch->counts) {
            out[i] = min;
            continue;
        }
        if (at < 0 || rank >= before)
            at = walk_to(sketch, rank, at + 1, &before);
        out[i] = at >= end ? max : clamp(value_in_order(sketch, at), min, max);
    }
}

double ks_sketch_rank_value(const ks_sketch *sketch, int64_t r, double min,
                            double max)
{
    double value;
    ks_sketch_rank_values(sketch, r, 1, min, max, &value);
    return value;
}

/* Whether a bucket's representative counts as below x. */
static int is_below(double value, double x, int inclusive)
{
    return inclusive ? value <= x : value < x;
}

int64_t ks_sketch_count_below(const ks_sketch *sketch, double x,
                              int inclusive)
{
    if (!sketch->counts)
        return 0;
    const uint32_t *positive = sketch->counts + KS_SKETCH_FIRST;
    const uint32_t *negative = positive + sketch->pos_cap;
    int64_t below = 0;
    for (int64_t i = sketch->neg_cap - 1; i >= 0; i--) {
        if (!is_below(-representative(sketch->neg_lo + i), x, inclusive))
            return below;
        below += negative[i];
    }
    if (!is_below(0, x, inclusive))
        return below;
    below += sketch->counts[KS_SKETCH_ZERO_SLOT];
    for (int64_t i = 0; i < sketch->pos_cap; i++) {
        if (!is_below(representative(sketch->pos_lo + i), x, inclusive))
            return below;
        below += positive[i];
    }
    return below;
}
