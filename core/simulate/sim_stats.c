/*
 * sim_stats.c -- the statistics of a simulation's outputs: streaming
 * moments per block merged by Chan's formula, and a streaming histogram
 * per output from which percentiles, shares and histograms are read.  A
 * block of an output is read three times: for NaN and extremes, for the
 * sum, then for the squared deviations and each lane's histogram slot
 * (the first two in one loop measured slower).
 *
 * Percentiles from a streaming histogram per output (simulate.h): one
 * count per trial and nothing kept, so memory does not grow with trials
 * and there is no pass after the run.  Keeping a float per trial and
 * selecting exact order statistics afterwards was measured first: the
 * pages of the kept arrays alone cost as much as the draws.
 */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/hot_path.h"
#include "kessan/simulate.h"

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
    if (part->min < total->min)
        total->min = part->min;
    if (part->max > total->max)
        total->max = part->max;
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
    part->mean = surveyed->sum / n;
    part->min = from_order_key(surveyed->lowest);
    part->max = from_order_key(surveyed->highest);
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
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    part->invalid = n - count;
    part->overflow = overflow;
    if (count == 0)
        return;
    double mean = sum / count, m2 = 0;
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

/* ---- streaming histograms ---------------------------------------------- */

void ks_hist_init(ks_hist *hist, double lo, double hi)
{
    hist->counts = NULL;
    hist->lo = lo;
    hist->width = (hi - lo) / KS_HIST_BINS;
    hist->inverse = 1.0 / hist->width;
}

/* The slot of a number (below the range 0, above it KS_HIST_BINS + 1),
 * and of a lane that does not count (KS_HIST_BINS + 2, not counted), as
 * a double whose conversion cannot overflow: branch-free, so the lanes
 * vectorize. */
KS_HOT_INLINE double slot_of(const ks_hist *range, double x)
{
    double at = (x - range->lo) * range->inverse;
    at = at < 0 ? -1.0 : at;
    at = at < KS_HIST_BINS ? at : (double)KS_HIST_BINS;
    return (counts_as_number(x) ? at : (double)(KS_HIST_BINS + 1)) + 1.0;
}

/* The whole part of a slot (0 <= slot < 2^31) by its bits once 2^52 is
 * added: AVX2 has no conversion of a double to a 64-bit integer. */
KS_HOT_INLINE int64_t whole(double slot)
{
    double biased = floor(slot) + 0x1p52;
    uint64_t bits;
    memcpy(&bits, &biased, sizeof bits);
    return (int64_t)(bits & UINT64_C(0xFFFFFFFF));
}

/* Lanes counted at a time (the slots live on the stack): a block. */
#define HIST_PIECE 512

/* m2 of a block of numbers inside the histogram's range, and each lane's
 * slot, in one pass: no clamps, no NaN test. */
KS_HOT_INLINE double squares_and_slots(const ks_hist *range, const double *x,
                                       int n, double mean, int64_t *slots)
{
    double lo = range->lo, inverse = range->inverse;
    double sums[CLEAN_SUMS] = { 0 };
    int i = 0;
    for (; i + CLEAN_SUMS <= n; i += CLEAN_SUMS)
        for (int k = 0; k < CLEAN_SUMS; k++) {
            double d = x[i + k] - mean;
            sums[k] += d * d;
            slots[i + k] = whole((x[i + k] - lo) * inverse + 1.0);
        }
    for (; i < n; i++) {
        double d = x[i] - mean;
        sums[i % CLEAN_SUMS] += d * d;
        slots[i] = whole((x[i] - lo) * inverse + 1.0);
    }
    return fold(sums);
}

/* Any lane: clamped to the slots below and above, NaN to its own. */
KS_HOT_INLINE void count_any(const ks_hist *range, uint32_t *counts,
                             const double *x, int n, int64_t *slots)
{
    for (int i = 0; i < n; i++)
        slots[i] = whole(slot_of(range, x[i]));
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

/* One piece (at most HIST_PIECE lanes) of one output: a survey of NaN,
 * sum and extremes; the extremes then say whether the block is one
 * value or may be an indicator (every lane 0 or 1, as in
 * `op_income >= 0`: one or two counts are added), and whether every lane
 * falls inside the histogram's range (the usual case: m2 and the slots in
 * one more pass, then one increment a lane). */
KS_HOT_INLINE void add_piece(ks_moments *moments, const ks_hist *range,
                             uint32_t *counts, const double *x, int n)
{
    int64_t slots[HIST_PIECE];
    ks_moments part;
    ks_moments_clear(&part);
    block_survey surveyed;
    survey(x, n, &surveyed);
    if (surveyed.nan) {
        gappy_moments(x, n, &part);
        ks_moments_merge(moments, &part);
        count_any(range, counts, x, n, slots);
        return;
    }
    surveyed_moments(&surveyed, n, &part);
    int64_t ones = part.min == 0 && part.max == 1 ? indicator_ones(x, n) : -1;
    if (part.min == part.max || ones >= 0) {
        /* one value, or an indicator: one or two counts, not n increments
         * of the same slots that would each wait on the one before */
        part.m2 = clean_squares(x, n, part.mean);
        ks_moments_merge(moments, &part);
        if (ones < 0) {
            counts[whole(slot_of(range, part.min))] += (uint32_t)n;
            return;
        }
        counts[whole(slot_of(range, 0.0))] += (uint32_t)(n - ones);
        counts[whole(slot_of(range, 1.0))] += (uint32_t)ones;
        return;
    }
    /* rounding keeps the order, so every lane lies between its extremes */
    double first = (part.min - range->lo) * range->inverse;
    double last = (part.max - range->lo) * range->inverse;
    if (first >= 0 && last < KS_HIST_BINS) {
        part.m2 = squares_and_slots(range, x, n, part.mean, slots);
        ks_moments_merge(moments, &part);
        for (int i = 0; i < n; i++)
            counts[slots[i]]++;
        return;
    }
    part.m2 = clean_squares(x, n, part.mean);
    ks_moments_merge(moments, &part);
    count_any(range, counts, x, n, slots);
}

KS_HOT void ks_output_add_block(ks_moments *moments, const ks_hist *range,
                                uint32_t *counts, const double *values, int n)
{
    for (int first = 0; first < n; first += HIST_PIECE)
        add_piece(moments, range, counts, values + first,
                  n - first < HIST_PIECE ? n - first : HIST_PIECE);
}

static double clamp(double x, double min, double max)
{
    return x < min ? min : x > max ? max : x;
}

/* The value of rank r (0-based), placed evenly within its bin. */
static double rank_value(const ks_hist *hist, int64_t r, double min,
                         double max)
{
    const uint32_t *counts = hist->counts;
    if (r < counts[0]) /* below the range: between min and its start */
        return clamp(min + (hist->lo - min) * ((double)r + 0.5) /
                                (double)counts[0], min, max);
    int64_t before = counts[0];
    for (int bin = 1; bin <= KS_HIST_BINS; bin++) {
        if (r < before + counts[bin])
            return clamp(hist->lo + hist->width *
                                        ((double)(bin - 1) +
                                         ((double)(r - before) + 0.5) /
                                             (double)counts[bin]),
                         min, max);
        before += counts[bin];
    }
    double end = hist->lo + hist->width * KS_HIST_BINS;
    int64_t above = counts[KS_HIST_BINS + 1];
    return clamp(end + (max - end) * ((double)(r - before) + 0.5) /
                           (double)(above > 0 ? above : 1),
                 min, max);
}

double ks_hist_percentile(const ks_hist *hist, int64_t numbers, double min,
                          double max, double q)
{
    if (!(q >= 0 && q <= 100) || numbers <= 0)
        return NAN; /* no rank to cast */
    double position = q / 100.0 * (double)(numbers - 1);
    int64_t rank = (int64_t)floor(position);
    double fraction = position - (double)rank;
    double low = rank_value(hist, rank, min, max);
    if (fraction == 0 || rank + 1 >= numbers)
        return low;
    double high = rank_value(hist, rank + 1, min, max);
    return low + fraction * (high - low);
}

/* How many counted values lie below x (evenly spread within bins). */
static double count_below(const ks_hist *hist, double min, double max,
                          double x)
{
    const uint32_t *counts = hist->counts;
    if (x <= min)
        return 0;
    double end = hist->lo + hist->width * KS_HIST_BINS;
    if (x < hist->lo)
        return (double)counts[0] * (x - min) / (hist->lo - min);
    double below = (double)counts[0];
    double at = (x - hist->lo) * hist->inverse;
    /* x >= lo and not NaN here, so 0 <= at */
    int full = at >= KS_HIST_BINS ? KS_HIST_BINS : (int)at;
    for (int bin = 1; bin <= full; bin++)
        below += (double)counts[bin];
    if (full < KS_HIST_BINS)
        return below + (double)counts[full + 1] * (at - full);
    if (x >= max)
        return below + (double)counts[KS_HIST_BINS + 1];
    return below + (double)counts[KS_HIST_BINS + 1] * (x - end) / (max - end);
}

double ks_hist_prob(const ks_hist *hist, int64_t numbers, double min,
                    double max, ks_sim_op op, double x)
{
    if (numbers <= 0 || x != x)
        return NAN; /* no share of trials compares with NaN */
    double below = count_below(hist, min, max, x);
    /* a value exactly at min or max is counted as the operator says */
    if (x == max && (op == KS_SIM_LE || op == KS_SIM_GT))
        below = (double)numbers;
    double share = below / (double)numbers;
    switch (op) {
    case KS_SIM_LT: case KS_SIM_LE: return share;
    default: return 1.0 - share;
    }
}

void ks_hist_rebin(const ks_hist *hist, double min, double max, int bins,
                   int64_t *counts)
{
    memset(counts, 0, (size_t)bins * sizeof *counts);
    double span = max - min;
    for (int bin = 0; bin <= KS_HIST_BINS + 1; bin++) {
        int64_t count = hist->counts[bin];
        if (count == 0)
            continue;
        double center = bin == 0 ? min
                      : bin > KS_HIST_BINS ? max
                      : hist->lo + hist->width * ((double)bin - 0.5);
        /* clamped before the cast: a bin's centre may lie outside
         * [min, max], far outside when the span is tiny */
        double at = span > 0 ? (center - min) / span * bins : 0;
        int target = at >= 0 && at < bins ? (int)at : at >= bins ? bins - 1 : 0;
        counts[target] += count;
    }
}
