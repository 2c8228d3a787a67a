/*
 * sim_result.c -- reading a simulation's result: moments, percentiles,
 * shares and histograms (exact from the kept trials, else from each
 * output's sketch), standard errors and confidence intervals, the stop
 * rule's test, the kept trials and the sketch's buckets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simulate/simulate_internal.h"

int64_t ks_sim_trials(const ks_sim_result *result) { return result->trials; }

int ks_sim_output_count(const ks_sim_result *result)
{
    return result->output_count;
}

const char *ks_sim_output_name(const ks_sim_result *result, int output)
{
    return result->names[output];
}

int ks_sim_output_find(const ks_sim_result *result, const char *cell)
{
    for (int o = 0; o < result->output_count; o++)
        if (strcmp(result->given[o], cell) == 0 ||
            strcmp(result->names[o], cell) == 0)
            return o;
    return -1;
}

int64_t ks_sim_count(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].count;
}

int64_t ks_sim_invalid(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].invalid;
}

int64_t ks_sim_overflow(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].overflow;
}

double ks_sim_mean(const ks_sim_result *result, int output)
{
    const ks_moments *m = &result->moments[output];
    if (m->count <= 0)
        return NAN;
    /* one value throughout (the same bits: -0 and +0 are two) */
    return m->min == m->max && signbit(m->min) == signbit(m->max) ? m->min
                                                                  : m->mean;
}

double ks_sim_sd(const ks_sim_result *result, int output)
{
    const ks_moments *m = &result->moments[output];
    if (m->count < 1)
        return NAN;
    /* one value throughout: exactly 0, whatever rounding left in m2 */
    return m->count < 2 || m->min == m->max ? 0.0 : sqrt(m->m2 / (m->count - 1));
}

double ks_sim_min(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].min
                                             : NAN;
}

double ks_sim_max(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].max
                                             : NAN;
}

int ks_sim_stop_held(const ks_sim_result *result) { return result->stop_held; }

const char *ks_sim_invalid_reason(const ks_sim_result *result, int output)
{
    return result->reasons[output] ? result->reasons[output] : "";
}

static ks_status check_output(const ks_sim_result *result, int output,
                              ks_error *err)
{
    if (output < 0 || output >= result->output_count)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: output %d out of range (1..%d)",
                            output + 1, result->output_count);
    return KS_OK;
}

/* ---- kept trials ----------------------------------------------------------- */

int ks_sim_kept(const ks_sim_result *result) { return result->kept; }
int ks_sim_draw_count(const ks_sim_result *result) { return result->draw_count; }

const char *ks_sim_draw_name(const ks_sim_result *result, int draw)
{
    return result->draw_names[draw];
}

int ks_sim_draw_find(const ks_sim_result *result, const char *cell)
{
    for (int d = 0; d < result->draw_count; d++)
        if (strcmp(result->draw_given[d], cell) == 0 ||
            strcmp(result->draw_names[d], cell) == 0)
            return d;
    return -1;
}

const double *ks_sim_output_values(const ks_sim_result *result, int output)
{
    return result->kept ? result->output_values[output] : NULL;
}

const double *ks_sim_draw_values(const ks_sim_result *result, int draw)
{
    return result->kept ? result->draw_values[draw] : NULL;
}

/* Numbers in ascending order, -0 before +0 (which compare equal), so that
 * the sign of each zero order statistic does not depend on the sort. */
static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (x == y)
        return (signbit(y) != 0) - (signbit(x) != 0);
    return (x > y) - (x < y);
}

ks_status ks_sim_sorted(ks_sim_result *result, int output,
                        const double **values, int64_t *count, ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (!result->kept)
        return ks_error_set(err, KS_EMISUSE, "simulate: the trials were not "
                            "kept (simulate with keep = true)");
    if (!result->sorted[output]) {
        const double *kept = result->output_values[output];
        int64_t n = 0;
        double *sorted = ks_mem_alloc(&result->alloc,
                                      (size_t)result->trials * sizeof *sorted);
        if (!sorted)
            return ks_error_set(err, KS_ENOMEM, "simulate: out of memory "
                                "sorting %lld trials", (long long)result->trials);
        for (int64_t t = 0; t < result->trials; t++)
            if (kept[t] == kept[t])
                sorted[n++] = kept[t];
        qsort(sorted, (size_t)n, sizeof *sorted, compare_doubles);
        result->sorted[output] = sorted;
        result->sorted_count[output] = n;
    }
    *values = result->sorted[output];
    *count = result->sorted_count[output];
    return KS_OK;
}

/* ---- percentiles ------------------------------------------------------------ */

/* The value `fraction` of the way from the order statistic `low` to the
 * next one, `high` (numpy's linear method).  Between two equal ones it is
 * the upper, bit for bit: low + fraction * 0 turns -0 into +0, and a
 * constant output's percentiles are its value, -0 included. */
static double between(double low, double high, double fraction)
{
    if (fraction == 0)
        return low;
    if (low == high)
        return high;
    return low + fraction * (high - low);
}

/* The value at a fractional rank position (0 .. n - 1) of the sorted
 * numbers, linear between the two ranks around it. */
static double sorted_at(const double *sorted, int64_t n, double position)
{
    int64_t rank = (int64_t)floor(position);
    double fraction = position - (double)rank;
    if (rank + 1 >= n)
        return sorted[n - 1];
    return between(sorted[rank], sorted[rank + 1], fraction);
}

/* The values of ranks `rank` and, when count is 2, rank + 1: the last
 * rank (and any past it) is the maximum, exactly. */
static void sketch_ranks(const ks_sim_result *result, int output,
                         int64_t rank, int count, double *out)
{
    const ks_moments *m = &result->moments[output];
    int64_t n = (int64_t)m->count;
    int below_last = 0;
    while (below_last < count && rank + below_last < n - 1)
        below_last++;
    ks_sketch_rank_values(&result->sketches[output], rank, below_last,
                          m->min, m->max, out);
    for (int i = below_last; i < count; i++)
        out[i] = m->max;
}

static double sketch_at(const ks_sim_result *result, int output,
                        double position)
{
    int64_t n = (int64_t)result->moments[output].count;
    int64_t rank = (int64_t)floor(position);
    double fraction = position - (double)rank;
    int count = fraction == 0 || rank + 1 >= n ? 1 : 2;
    double at[2];
    sketch_ranks(result, output, rank, count, at);
    return count == 1 ? at[0] : between(at[0], at[1], fraction);
}

double ks_sim_sketch_percentile(const ks_sim_result *result, int output,
                                double q)
{
    double n = result->moments[output].count;
    if (n <= 0 || !(q >= 0 && q <= 100))
        return NAN;
    return sketch_at(result, output, q / 100.0 * (n - 1));
}

/* The value at a rank position: exact from the kept trials, else from the
 * sketch. */
static ks_status value_at(ks_sim_result *result, int output, double position,
                          double *out, ks_error *err)
{
    if (!result->kept) {
        *out = sketch_at(result, output, position);
        return KS_OK;
    }
    const double *sorted;
    int64_t n;
    ks_status status = ks_sim_sorted(result, output, &sorted, &n, err);
    if (status == KS_OK)
        *out = sorted_at(sorted, n, position);
    return status;
}

ks_status ks_sim_percentile(ks_sim_result *result, int output, double q,
                            double *out, ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (!(q >= 0 && q <= 100))
        return ks_error_set(err, KS_EINVAL,
                            "percentile: q must be from 0 to 100, got %.17g", q);
    const ks_moments *m = &result->moments[output];
    if (m->count == 0)
        return ks_error_set(err, KS_EINVAL,
                            "percentile: '%s' gave no number in any trial",
                            result->names[output]);
    return value_at(result, output, q / 100.0 * (m->count - 1), out, err);
}

ks_status ks_sim_quantile(ks_sim_result *result, int output, double p,
                          double *out, ks_error *err)
{
    if (!(p >= 0 && p <= 1))
        return ks_error_set(err, KS_EINVAL,
                            "quantile: p must be from 0 to 1, got %.17g", p);
    return ks_sim_percentile(result, output, p * 100.0, out, err);
}

/* ---- shares ----------------------------------------------------------------- */

/* How many numbers lie below x (or at most x, `inclusive`). */
static double count_below(ks_sim_result *result, int output, double x,
                          int inclusive)
{
    const ks_moments *m = &result->moments[output];
    if (inclusive ? x < m->min : x <= m->min)
        return 0;
    if (inclusive ? x >= m->max : x > m->max)
        return m->count;
    const double *sorted;
    int64_t n;
    if (result->kept &&
        ks_sim_sorted(result, output, &sorted, &n, NULL) == KS_OK) {
        int64_t lo = 0, hi = n; /* the first index not below x */
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (inclusive ? sorted[mid] <= x : sorted[mid] < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (double)lo;
    }
    return (double)ks_sketch_count_below(&result->sketches[output], x,
                                         inclusive);
}

double ks_sim_prob(ks_sim_result *result, int output, ks_sim_op op, double x)
{
    if (output < 0 || output >= result->output_count ||
        (unsigned)op > KS_SIM_GE)
        return NAN;
    double n = result->moments[output].count;
    if (n <= 0 || x != x)
        return NAN; /* no share of trials compares with NaN */
    switch (op) {
    case KS_SIM_LT: return count_below(result, output, x, 0) / n;
    case KS_SIM_LE: return count_below(result, output, x, 1) / n;
    /* the count above, then one division: the share is count / n
     * rounded once, as below (1 - below / n rounds twice) */
    case KS_SIM_GT: return (n - count_below(result, output, x, 1)) / n;
    default: return (n - count_below(result, output, x, 0)) / n;
    }
}

double ks_sim_prob_range(ks_sim_result *result, int output, double a,
                         double b)
{
    if (output < 0 || output >= result->output_count)
        return NAN;
    double n = result->moments[output].count;
    if (n <= 0 || a != a || b != b)
        return NAN;
    if (a > b)
        return 0;
    double inside = count_below(result, output, b, 1) -
                    count_below(result, output, a, 0);
    return inside > 0 ? inside / n : 0;
}

double ks_sim_cdf(ks_sim_result *result, int output, double x)
{
    return ks_sim_prob(result, output, KS_SIM_LE, x);
}

/* ---- histograms ---------------------------------------------------------------- */

static void add_to_bin(int64_t *counts, int bins, double min, double span,
                       double x, int64_t count)
{
    double at = span > 0 ? (x - min) / span * bins : 0;
    /* clamped before the cast */
    int bin = at >= 0 && at < bins ? (int)at : at >= bins ? bins - 1 : 0;
    counts[bin] += count;
}

ks_status ks_sim_histogram(ks_sim_result *result, int output, int bins,
                           int64_t *counts, double *lo, double *hi,
                           ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (bins < 1)
        return ks_error_set(err, KS_EINVAL,
                            "histogram: bins must be at least 1, got %d", bins);
    memset(counts, 0, (size_t)bins * sizeof *counts);
    const ks_moments *m = &result->moments[output];
    *lo = m->count > 0 ? m->min : NAN;
    *hi = m->count > 0 ? m->max : NAN;
    if (m->count <= 0)
        return KS_OK;
    double span = m->max - m->min;
    if (result->kept) {
        const double *kept = result->output_values[output];
        for (int64_t t = 0; t < result->trials; t++)
            if (kept[t] == kept[t])
                add_to_bin(counts, bins, m->min, span, kept[t], 1);
        return KS_OK;
    }
    const ks_sketch *sketch = &result->sketches[output];
    int64_t buckets = ks_sketch_bucket_count(sketch);
    for (int64_t b = 0; b < buckets; b++) {
        double low, high;
        uint32_t count = ks_sketch_bucket(sketch, b, &low, &high);
        if (!count)
            continue;
        double value = ks_sketch_bucket_value(sketch, b);
        value = value < m->min ? m->min : value > m->max ? m->max : value;
        add_to_bin(counts, bins, m->min, span, value, count);
    }
    return KS_OK;
}

int64_t ks_sim_bucket_count(const ks_sim_result *result, int output)
{
    return ks_sketch_bucket_count(&result->sketches[output]);
}

ks_status ks_sim_bucket(const ks_sim_result *result, int output,
                        int64_t index, double *lo, double *hi,
                        int64_t *count, ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    const ks_sketch *sketch = &result->sketches[output];
    if (index < 0 || index >= ks_sketch_bucket_count(sketch))
        return ks_error_set(err, KS_EINVAL, "simulate: bucket %lld out of "
                            "range", (long long)index);
    const ks_moments *m = &result->moments[output];
    double low, high;
    *count = ks_sketch_bucket(sketch, index, &low, &high);
    *lo = low < m->min ? m->min : low > m->max ? m->max : low;
    *hi = high > m->max ? m->max : high < m->min ? m->min : high;
    return KS_OK;
}

/* ---- standard errors and confidence intervals --------------------------------- */

static ks_status check_stat(const ks_sim_result *result, int output,
                            ks_sim_stat stat, ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (stat.kind == KS_SIM_STAT_PERCENTILE && !(stat.q >= 0 && stat.q <= 100))
        return ks_error_set(err, KS_EINVAL, "simulate: a percentile must be "
                            "from 0 to 100, got %.17g", stat.q);
    if ((unsigned)stat.kind > KS_SIM_STAT_PERCENTILE)
        return ks_error_set(err, KS_EINVAL, "simulate: unknown statistic");
    if (result->moments[output].count < 2)
        return ks_error_set(err, KS_EINVAL, "simulate: '%s' gave fewer than "
                            "two numbers: no standard error",
                            result->names[output]);
    return KS_OK;
}

/* The interval of a statistic at z standard errors. */
static ks_status interval(ks_sim_result *result, int output, ks_sim_stat stat,
                          double z, double *lo, double *hi, ks_error *err)
{
    const ks_moments *m = &result->moments[output];
    double n = m->count;
    if (stat.kind == KS_SIM_STAT_MEAN) {
        double mean = ks_sim_mean(result, output);
        double half = z * ks_sim_sd(result, output) / sqrt(n);
        *lo = mean - half;
        *hi = mean + half;
        return KS_OK;
    }
    double p = stat.q / 100.0;
    double centre = p * (n - 1), spread = z * sqrt(n * p * (1 - p));
    double first = centre - spread < 0 ? 0 : centre - spread;
    double last = centre + spread > n - 1 ? n - 1 : centre + spread;
    ks_status status = value_at(result, output, first, lo, err);
    if (status == KS_OK)
        status = value_at(result, output, last, hi, err);
    return status;
}

ks_status ks_sim_se(ks_sim_result *result, int output, ks_sim_stat stat,
                    double *out, ks_error *err)
{
    ks_status status = check_stat(result, output, stat, err);
    if (status != KS_OK)
        return status;
    double lo, hi;
    status = interval(result, output, stat, 1.0, &lo, &hi, err);
    if (status == KS_OK)
        *out = (hi - lo) / 2;
    return status;
}

ks_status ks_sim_ci(ks_sim_result *result, int output, ks_sim_stat stat,
                    double level, double *lo, double *hi, ks_error *err)
{
    ks_status status = check_stat(result, output, stat, err);
    if (status != KS_OK)
        return status;
    if (!(level > 0 && level < 1))
        return ks_error_set(err, KS_EINVAL, "simulate: a confidence level must "
                            "be between 0 and 1, got %.17g", level);
    double z = ks_normal_quantile((1 + level) / 2);
    return interval(result, output, stat, z, lo, hi, err);
}

int ks_sim_stop_holds(ks_sim_result *result, int output,
                      const ks_sim_stop *stop)
{
    if (result->moments[output].count < 2)
        return 0;
    double lo, hi, value;
    int kept = result->kept;
    result->kept = 0; /* while running: the sketch */
    ks_status status = interval(result, output, stop->stat,
                                ks_normal_quantile((1 + stop->confidence) / 2),
                                &lo, &hi, NULL);
    value = stop->stat.kind == KS_SIM_STAT_MEAN
                ? ks_sim_mean(result, output)
                : ks_sim_sketch_percentile(result, output, stop->stat.q);
    result->kept = kept;
    return status == KS_OK && (hi - lo) / 2 <= stop->rel * fabs(value);
}
