/*
 * sim_stats.c -- the statistics of a simulation's outputs as the trials
 * run: streaming moments per block merged by Chan's formula, and each
 * lane counted in the output's sketch (sketch.h), from which percentiles,
 * shares and histograms are read.  A block of an output is read three
 * times: for NaN and extremes, for the sum, then for the squared
 * deviations and each lane's sketch slot (the first two in one loop
 * measured slower).  Nothing is kept per trial here (kept trials are
 * copied by run.c when asked).
 */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/hot_path.h"
#include "simulate/simulate_internal.h"

/* ---- moments ------------------------------------------------------------- */

void ks_moments_clear(ks_moments *moments)
{
    moments->count = 0;
    moments->mean = 0;
    moments->m2 = 0;
    moments->min = INFINITY;
    moments->max = -INFINITY;
    moments->invalid = 0;
    moments->overflow = 0;
}

/* A number's bits as an integer in the same order as the numbers (the
 * negative ones' magnitude bits flipped): integer minimum and maximum
 * vectorize where floating-point ones, which must mind NaN, do not. */
static inline int64_t order_key(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (int64_t)(bits ^ ((uint64_t)((int64_t)bits >> 63) >> 1));
}

static inline double from_order_key(int64_t key)
{
    uint64_t bits = (uint64_t)key ^ ((uint64_t)(key >> 63) >> 1);
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

void ks_moments_merge(ks_moments *total, const ks_moments *part)
{
    total->invalid += part->invalid;
    total->overflow += part->overflow;
    if (part->count == 0)
        return;
    if (total->count == 0) {
        double invalid = total->invalid, overflow = total->overflow;
        *total = *part;
        total->invalid = invalid;
        total->overflow = overflow;
        return;
    }
    double count = total->count + part->count;
    double delta = part->mean - total->mean;
    total->mean += delta * (part->count / count);
    total->m2 += part->m2 + delta * delta * (total->count * part->count / count);
    total->count = count;
    /* in the order of the doubles' bits: -0 below +0, so that the sign of
     * a zero extreme does not depend on which block came first */
    if (order_key(part->min) < order_key(total->min))
        total->min = part->min;
    if (order_key(part->max) > order_key(total->max))
        total->max = part->max;
}

/* Sixteen running sums in a block of numbers, so that no addition waits
 * on the one before (the compiler may not reorder floating-point sums
 * itself: four vectors of four lanes); the same lanes always add up in
 * the same order, so the result is reproducible. */
#define CLEAN_SUMS 16

/* sums[0] = the sums added pairwise, in a fixed order. */
KS_HOT_INLINE double fold(double *sums)
{
    for (int width = CLEAN_SUMS / 2; width > 0; width /= 2)
        for (int k = 0; k < width; k++)
            sums[k] += sums[k + width];
    return sums[0];
}

/* Whether a lane counts: a number within +-KS_SIM_VALUE_MAX (NaN and
 * infinities are not). */
static inline int counts_as_number(double x)
{
    return fabs(x) <= KS_SIM_VALUE_MAX;
}

/* What a first look at a block tells (two loops): whether any lane does
 * not count (NaN, infinite, beyond the bound), and if all do, the sum and
 * the extremes (as order keys). */
typedef struct block_survey {
    int nan;
    double sum;
    int64_t lowest, highest;
} block_survey;

/* Lanes that do not count have magnitude bits above the bound's (NaN and
 * infinities are above every number's): the bound's bits minus them is
 * negative, so the sign bit tells, at the cost NaN alone did. */
#define SURVEY_LANE(x)                                                       \
    do {                                                                     \
        uint64_t bits_;                                                      \
        memcpy(&bits_, &(x), sizeof bits_);                                  \
        nan |= value_max_bits - (bits_ & UINT64_C(0x7FFFFFFFFFFFFFFF));      \
        int64_t key_ = order_key(x);                                         \
        lowest = key_ < lowest ? key_ : lowest;                              \
        highest = key_ > highest ? key_ : highest;                           \
    } while (0)

KS_HOT_INLINE void survey(const double *lanes, int n, block_survey *out)
{
    double sums[CLEAN_SUMS] = { 0 };
    int64_t lowest = INT64_MAX, highest = INT64_MIN;
    uint64_t nan = 0;
    double value_max = KS_SIM_VALUE_MAX;
    uint64_t value_max_bits;
    memcpy(&value_max_bits, &value_max, sizeof value_max_bits);
    for (int i = 0; i < n; i++)
        SURVEY_LANE(lanes[i]);
    int i = 0;
    for (; i + CLEAN_SUMS <= n; i += CLEAN_SUMS)
        for (int k = 0; k < CLEAN_SUMS; k++)
            sums[k] += lanes[i + k];
    for (; i < n; i++)
        sums[i % CLEAN_SUMS] += lanes[i];
    out->nan = (nan >> 63) != 0;
    out->sum = fold(sums);
    out->lowest = lowest;
    out->highest = highest;
}

/* The sum of squared deviations from `mean`. */
KS_HOT_INLINE double clean_squares(const double *lanes, int n, double mean)
{
    double sums[CLEAN_SUMS] = { 0 };
    int i = 0;
    for (; i + CLEAN_SUMS <= n; i += CLEAN_SUMS)
        for (int k = 0; k < CLEAN_SUMS; k++) {
            double d = lanes[i + k] - mean;
            sums[k] += d * d;
        }
    for (; i < n; i++) {
        double d = lanes[i] - mean;
        sums[i % CLEAN_SUMS] += d * d;
    }
    return fold(sums);
}

/* The moments of a block of numbers from its survey, all but m2. */
KS_HOT_INLINE void surveyed_moments(const block_survey *surveyed, int n,
                                    ks_moments *part)
{
    part->count = n;
    part->min = from_order_key(surveyed->lowest);
    part->max = from_order_key(surveyed->highest);
    /* a block of one value has it as its mean exactly (a sum of n copies
     * divided by n may differ in its last bit), so that a constant
     * output's sd is exactly 0; -0 and +0 together are two values, whose
     * mean is the sum's +0 */
    part->mean = surveyed->lowest == surveyed->highest ? part->min
                                                       : surveyed->sum / n;
}

/* A block with lanes that do not count, which are counted as invalid
 * (and those that are numbers as overflows) and left out. */
static void gappy_moments(const double *lanes, int n, ks_moments *part)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    int count = 0, overflow = 0;
    for (int i = 0; i < n; i++) {
        double x = lanes[i];
        if (!counts_as_number(x)) {
            overflow += x == x;
            continue;
        }
        sum += x;
        count++;
        lo = order_key(x) < order_key(lo) ? x : lo;
        hi = order_key(x) > order_key(hi) ? x : hi;
    }
    part->invalid = n - count;
    part->overflow = overflow;
    if (count == 0)
        return;
    double mean = order_key(lo) == order_key(hi) ? lo : sum / count, m2 = 0;
    for (int i = 0; i < n; i++)
        if (counts_as_number(lanes[i]))
            m2 += (lanes[i] - mean) * (lanes[i] - mean);
    part->count = count;
    part->mean = mean;
    part->m2 = m2;
    part->min = lo;
    part->max = hi;
}

/* The moments of one block. */
KS_HOT_INLINE void block_moments(const double *lanes, int n, ks_moments *part)
{
    ks_moments_clear(part);
    if (n <= 0)
        return;
    block_survey surveyed;
    survey(lanes, n, &surveyed);
    if (surveyed.nan) {
        gappy_moments(lanes, n, part);
        return;
    }
    surveyed_moments(&surveyed, n, part);
    part->m2 = clean_squares(lanes, n, part->mean);
}

KS_HOT void ks_moments_add_block(ks_moments *moments, const double *lanes,
                                int n)
{
    ks_moments part;
    block_moments(lanes, n, &part);
    ks_moments_merge(moments, &part);
}

/* ---- an output's block: moments and sketch ------------------------------- */

/* m2 of a block of numbers and each lane's sketch slot, in one pass; *miss
 * nonzero when a lane's bucket lies outside the sketch's windows. */
KS_HOT_INLINE double squares_and_slots(const ks_sketch_view *view,
                                       const double *x, int n, double mean,
                                       int64_t *slots, uint64_t *miss)
{
    double sums[CLEAN_SUMS] = { 0 };
    uint64_t missed = 0;
    int i = 0;
    for (; i + CLEAN_SUMS <= n; i += CLEAN_SUMS)
        for (int k = 0; k < CLEAN_SUMS; k++) {
            double d = x[i + k] - mean;
            sums[k] += d * d;
            slots[i + k] = ks_sketch_slot(view, x[i + k], &missed);
        }
    for (; i < n; i++) {
        double d = x[i] - mean;
        sums[i % CLEAN_SUMS] += d * d;
        slots[i] = ks_sketch_slot(view, x[i], &missed);
    }
    *miss = missed;
    return fold(sums);
}

/* m2 of a block of numbers of one sign, inside the window of that sign
 * (which its extremes showed), and each lane's slot: its magnitude's key
 * plus the window's base, no test. */
KS_HOT_INLINE double squares_and_keys(const double *x, int n, double mean,
                                      int64_t base, int64_t *slots)
{
    double sums[CLEAN_SUMS] = { 0 };
    int i = 0;
    for (; i + CLEAN_SUMS <= n; i += CLEAN_SUMS)
        for (int k = 0; k < CLEAN_SUMS; k++) {
            double d = x[i + k] - mean;
            sums[k] += d * d;
            uint64_t bits;
            memcpy(&bits, &x[i + k], sizeof bits);
            slots[i + k] = (int64_t)((bits & UINT64_C(0x7FFFFFFFFFFFFFFF)) >>
                                     KS_SKETCH_SHIFT) + base;
        }
    for (; i < n; i++) {
        double d = x[i] - mean;
        sums[i % CLEAN_SUMS] += d * d;
        uint64_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        slots[i] = (int64_t)((bits & UINT64_C(0x7FFFFFFFFFFFFFFF)) >>
                             KS_SKETCH_SHIFT) + base;
    }
    return fold(sums);
}

/* Whether a block's numbers from min to max have one sign and no
 * magnitude in the zero bucket. */
static inline int one_sign(double min, double max)
{
    return min >= KS_SKETCH_ZERO || max <= -KS_SKETCH_ZERO;
}

/* Every lane's slot; *miss as above. */
KS_HOT_INLINE void slots_only(const ks_sketch_view *view, const double *x,
                              int n, int64_t *slots, uint64_t *miss)
{
    uint64_t missed = 0;
    for (int i = 0; i < n; i++)
        slots[i] = ks_sketch_slot(view, x[i], &missed);
    *miss = missed;
}

/* Count the lanes whose slots are known, or, when one fell outside the
 * windows, lane by lane (the windows grow). */
KS_HOT_INLINE void count_slots(ks_sketch *sketch, const double *x, int n,
                               const int64_t *slots, uint64_t miss)
{
    if (miss || !sketch->counts) {
        for (int i = 0; i < n; i++)
            ks_sketch_add(sketch, x[i], 1);
        return;
    }
    uint32_t *counts = sketch->counts;
    for (int i = 0; i < n; i++)
        counts[slots[i]]++;
}

/* How many lanes are 1 when every lane is 0 or 1, else -1. */
KS_HOT_INLINE int64_t indicator_ones(const double *values, int n)
{
    int64_t zeros = 0, ones = 0;
    for (int i = 0; i < n; i++) {
        zeros += values[i] == 0.0;
        ones += values[i] == 1.0;
    }
    return zeros + ones == n ? ones : -1;
}

/* Lanes counted at a time (the slots live on the stack): a block. */
#define SKETCH_PIECE 512

/* One piece (at most SKETCH_PIECE lanes) of one output: a survey of NaN,
 * sum and extremes; the extremes then say whether the block is one
 * value or may be an indicator (every lane 0 or 1, as in
 * `op_income >= 0`: one or two counts are added); otherwise m2 and the
 * slots in one more pass, then one increment a lane. */
KS_HOT_INLINE void add_piece(ks_moments *moments, ks_sketch *sketch,
                             const double *x, int n)
{
    int64_t slots[SKETCH_PIECE];
    ks_sketch_view view;
    ks_sketch_view_of(sketch, &view);
    uint64_t miss = 0;
    ks_moments part;
    ks_moments_clear(&part);
    block_survey surveyed;
    survey(x, n, &surveyed);
    if (surveyed.nan) {
        gappy_moments(x, n, &part);
        ks_moments_merge(moments, &part);
        slots_only(&view, x, n, slots, &miss);
        count_slots(sketch, x, n, slots, miss);
        return;
    }
    surveyed_moments(&surveyed, n, &part);
    int64_t ones = part.min == 0 && part.max == 1 ? indicator_ones(x, n) : -1;
    if (part.min == part.max || ones >= 0) {
        /* one value, or an indicator: one or two counts, not n increments
         * of the same slots that would each wait on the one before */
        part.m2 = part.min == part.max ? 0 : clean_squares(x, n, part.mean);
        ks_moments_merge(moments, &part);
        if (ones < 0) {
            ks_sketch_add(sketch, part.min, (uint32_t)n);
            return;
        }
        if (n - ones > 0)
            ks_sketch_add(sketch, 0.0, (uint32_t)(n - ones));
        if (ones > 0)
            ks_sketch_add(sketch, 1.0, (uint32_t)ones);
        return;
    }
    if (one_sign(part.min, part.max) &&
        ks_sketch_hold_range(sketch, part.min, part.max) == 0) {
        /* the usual block: the window holds its extremes, so every lane */
        ks_sketch_view_of(sketch, &view);
        part.m2 = squares_and_keys(x, n, part.mean,
                                   part.max < 0 ? view.neg_base
                                                : view.pos_base, slots);
        ks_moments_merge(moments, &part);
        uint32_t *counts = sketch->counts;
        for (int i = 0; i < n; i++)
            counts[slots[i]]++;
        return;
    }
    part.m2 = squares_and_slots(&view, x, n, part.mean, slots, &miss);
    ks_moments_merge(moments, &part);
    count_slots(sketch, x, n, slots, miss);
}

KS_HOT void ks_output_add_block(ks_moments *moments, ks_sketch *sketch,
                                const double *values, int n)
{
    for (int first = 0; first < n; first += SKETCH_PIECE)
        add_piece(moments, sketch, values + first,
                  n - first < SKETCH_PIECE ? n - first : SKETCH_PIECE);
}
