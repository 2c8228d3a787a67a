/*
 * score.c -- a forecast scored against what happened: the PIT (the
 * forecast's CDF at the actual), the CRPS (from the kept trials exactly,
 * else from the sketch's buckets with a bound on its error), the pinball
 * loss at a quantile level, and a calibration summary over several.
 */
#include <math.h>

#include "kessan/sim_analysis.h"
#include "simulate/simulate_internal.h"

static ks_status check_scored(ks_sim_result *result, int output,
                              double actual, ks_error *err)
{
    if (output < 0 || output >= ks_sim_output_count(result))
        return ks_error_set(err, KS_EINVAL, "score: output %d out of range "
                            "(1..%d)", output + 1, ks_sim_output_count(result));
    if (!isfinite(actual))
        return ks_error_set(err, KS_EINVAL, "score: the actual of '%s' must "
                            "be a finite number, got %g",
                            ks_sim_output_name(result, output), actual);
    if (ks_sim_count(result, output) == 0)
        return ks_error_set(err, KS_EINVAL, "score: '%s' gave no number in any "
                            "trial", ks_sim_output_name(result, output));
    return KS_OK;
}

/* A sum that keeps what each addition rounds away (Neumaier). */
typedef struct exact_sum {
    double sum, lost;
} exact_sum;

static void add(exact_sum *s, double x)
{
    double t = s->sum + x;
    s->lost += fabs(s->sum) >= fabs(x) ? (s->sum - t) + x : (x - t) + s->sum;
    s->sum = t;
}

/* The sum with what was rounded away; a sum that overflowed is the
   infinity alone (its lost part is NaN). */
static double total_of(const exact_sum *s)
{
    return isfinite(s->sum) ? s->sum + s->lost : s->sum;
}

/* From the sorted trials x_1 <= .. <= x_n, with d_i = x_i - y:
 * E|X - y| = sum |d_i| / n and E|X - X'| = 2 sum (2i - n - 1) e_i / n^2,
 * e_i = x_i - m for any m (the spread does not change when every value
 * moves): m is the median, so that e_i is as small as the trials allow.
 * Each term is divided by n before it is added, so that figures near
 * DBL_MAX sum to a mean, not to an overflow (an infinity less an infinity
 * made the CRPS NaN). */
static double crps_of_sorted(const double *x, int64_t n, double y)
{
    exact_sum to_actual = { 0, 0 }, spread = { 0, 0 };
    double count = (double)n, middle = x[n / 2];
    for (int64_t i = 0; i < n; i++) {
        add(&to_actual, fabs(x[i] - y) / count);
        add(&spread, (double)(2 * i + 1 - n) / count *
                     ((x[i] - middle) / count));
    }
    return total_of(&to_actual) - total_of(&spread);
}

/* The integral of (F - h)^2 over a stretch of `length` where F runs
 * linearly from a to b. */
static double square_integral(double a, double b, double h, double length)
{
    double p = a - h, q = b - h;
    return length * (p * p + p * q + q * q) / 3.0;
}

/* F linear from a to b over [lo, hi], against the step at y. */
static double stretch(double lo, double hi, double a, double b, double y)
{
    if (!(hi > lo))
        return 0.0;
    if (y <= lo)
        return square_integral(a, b, 1.0, hi - lo);
    if (y >= hi)
        return square_integral(a, b, 0.0, hi - lo);
    double at_y = a + (b - a) * (y - lo) / (hi - lo);
    return square_integral(a, at_y, 0.0, y - lo) +
           square_integral(at_y, b, 1.0, hi - y);
}

/* CRPS = integral of (F(x) - [x >= y])^2 with F spread evenly within each
 * bucket, constant between; outside [min, max] only the step counts. */
static ks_status crps_of_sketch(ks_sim_result *result, int output, double y,
                                double *crps, double *bound, ks_error *err)
{
    int64_t buckets = ks_sim_bucket_count(result, output);
    double total = (double)ks_sim_count(result, output);
    double below = 0, previous_hi = 0, sum = 0, error = 0;
    for (int64_t b = 0; b < buckets; b++) {
        double lo, hi;
        int64_t count;
        ks_status status = ks_sim_bucket(result, output, b, &lo, &hi, &count,
                                         err);
        if (status != KS_OK)
            return status;
        double share = (double)count / total;
        if (b == 0) {
            if (y < lo)
                sum += lo - y; /* (0 - 1)^2 from y to the minimum */
        } else {
            sum += stretch(previous_hi, lo, below, below, y);
        }
        sum += stretch(lo, hi, below, below + share, y);
        error += 2.0 * share * (hi - lo);
        below += share;
        previous_hi = hi;
    }
    if (y > previous_hi)
        sum += y - previous_hi; /* (1 - 0)^2 from the maximum to y */
    *crps = sum;
    *bound = error;
    return KS_OK;
}

static double pit_of(ks_sim_result *result, int output, double y)
{
    return 0.5 * (ks_sim_prob(result, output, KS_SIM_LT, y) +
                  ks_sim_prob(result, output, KS_SIM_LE, y));
}

ks_status ks_sim_score_of(ks_sim_result *result, int output, double actual,
                          ks_sim_score *out, ks_error *err)
{
    ks_status status = check_scored(result, output, actual, err);
    if (status != KS_OK)
        return status;
    out->actual = actual;
    out->pit = pit_of(result, output, actual);
    out->crps_bound = 0;
    out->exact = ks_sim_kept(result);
    if (!out->exact)
        return crps_of_sketch(result, output, actual, &out->crps,
                              &out->crps_bound, err);
    const double *sorted;
    int64_t count;
    status = ks_sim_sorted(result, output, &sorted, &count, err);
    if (status != KS_OK)
        return status;
    out->crps = crps_of_sorted(sorted, count, actual);
    return KS_OK;
}

ks_status ks_sim_pinball(ks_sim_result *result, int output, double actual,
                         double tau, double *loss, ks_error *err)
{
    ks_status status = check_scored(result, output, actual, err);
    if (status != KS_OK)
        return status;
    if (!(tau > 0 && tau < 1))
        return ks_error_set(err, KS_EINVAL, "score: a quantile level must be "
                            "in (0, 1), got %g", tau);
    double q;
    status = ks_sim_quantile(result, output, tau, &q, err);
    if (status != KS_OK)
        return status;
    *loss = actual >= q ? tau * (actual - q) : (1.0 - tau) * (q - actual);
    return KS_OK;
}

/* The Kolmogorov-Smirnov distance of the PITs from the uniform: at each
 * PIT p the empirical CDF jumps from the share below p to the share at
 * or below it (O(n^2): n is a count of quarters). */
static double uniform_distance(const ks_sim_score *scores, int count)
{
    double distance = 0;
    for (int i = 0; i < count; i++) {
        double p = scores[i].pit;
        int below = 0, at_or_below = 0;
        for (int j = 0; j < count; j++) {
            below += scores[j].pit < p;
            at_or_below += scores[j].pit <= p;
        }
        distance = fmax(distance, fmax((double)at_or_below / count - p,
                                       p - (double)below / count));
    }
    return distance;
}

void ks_score_summarize(const ks_sim_score *scores, int count,
                        ks_score_summary *out)
{
    *out = (ks_score_summary){ count, NAN, NAN, NAN, NAN, NAN };
    if (count < 1)
        return;
    double pit = 0, crps = 0, inside_50 = 0, inside_90 = 0;
    for (int i = 0; i < count; i++) {
        double p = scores[i].pit;
        pit += p;
        crps += scores[i].crps;
        inside_50 += p >= 0.25 && p <= 0.75;
        inside_90 += p >= 0.05 && p <= 0.95;
    }
    out->mean_pit = pit / count;
    out->mean_crps = crps / count;
    out->inside_50 = inside_50 / count;
    out->inside_90 = inside_90 / count;
    out->ks_distance = uniform_distance(scores, count);
}
