/*
 * beta_quantile.c -- the quantile function of a Beta(alpha, beta) with
 * alpha, beta >= 1 (PERT's shapes), for Latin hypercube sampling: the
 * regularized incomplete beta function (its continued fraction, Lentz's
 * method), a table of the quantiles at k / KS_BETA_KNOTS solved by
 * safeguarded Newton steps with the slope 1 / density at each, and the
 * quantile at any u read from it: cubic Hermite between knots; in the
 * first and last interval the density's power law, polished by Newton.
 */
#include <math.h>

#include "simulate/simulate_internal.h"

#define FRACTION_TERMS 300
#define TINY 1e-300
#define EPSILON 1e-16

static double continued_fraction(double a, double b, double x)
{
    double sum = a + b, up = a + 1.0, down = a - 1.0;
    double c = 1.0, d = 1.0 - sum * x / up;
    if (fabs(d) < TINY)
        d = TINY;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= FRACTION_TERMS; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((down + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < TINY ? 1.0 / TINY : 1.0 / d;
        c = 1.0 + aa / c;
        if (fabs(c) < TINY)
            c = TINY;
        h *= d * c;
        aa = -(a + m) * (sum + m) * x / ((a + m2) * (up + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < TINY ? 1.0 / TINY : 1.0 / d;
        c = 1.0 + aa / c;
        if (fabs(c) < TINY)
            c = TINY;
        double step = d * c;
        h *= step;
        if (fabs(step - 1.0) < EPSILON)
            break;
    }
    return h;
}

static double log_beta(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

double ks_beta_cdf(double x, double alpha, double beta)
{
    if (!(x > 0))
        return 0.0;
    if (!(x < 1))
        return 1.0;
    double front = exp(alpha * log(x) + beta * log1p(-x) -
                       log_beta(alpha, beta));
    if (x < (alpha + 1.0) / (alpha + beta + 2.0))
        return front * continued_fraction(alpha, beta, x) / alpha;
    return 1.0 - front * continued_fraction(beta, alpha, 1.0 - x) / beta;
}

static double beta_density(double x, double alpha, double beta,
                           double log_norm)
{
    return exp((alpha - 1.0) * log(x) + (beta - 1.0) * log1p(-x) - log_norm);
}

/* x in (lo, 1) with I_x = u, from `guess`: Newton, bisecting when a step
 * leaves the bracket. */
static double solve(double u, double lo, double guess, double alpha,
                    double beta, double log_norm)
{
    double hi = 1.0, x = guess > lo && guess < hi ? guess : 0.5 * (lo + hi);
    for (int i = 0; i < 100; i++) {
        double f = ks_beta_cdf(x, alpha, beta) - u;
        if (f < 0)
            lo = x;
        else
            hi = x;
        double density = beta_density(x, alpha, beta, log_norm);
        double next = density > 0 ? x - f / density : 0.5 * (lo + hi);
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - x) <= 1e-15 * (x > 1e-300 ? x : 1e-300))
            return next;
        x = next;
    }
    return x;
}

double *ks_beta_quantile_table(const ks_allocator *alloc, double alpha,
                               double beta)
{
    double *table = ks_mem_alloc(alloc, 2 * (KS_BETA_KNOTS + 1) * sizeof *table);
    if (!table)
        return NULL;
    double log_norm = log_beta(alpha, beta);
    table[0] = 0.0;
    table[KS_BETA_KNOTS] = 1.0;
    double u1 = 1.0 / KS_BETA_KNOTS;
    /* near 0, I_x is about x^alpha / (alpha B): the first guess */
    double x = pow(u1 * alpha * exp(log_norm), 1.0 / alpha);
    for (int k = 1; k < KS_BETA_KNOTS; k++) {
        double u = (double)k / KS_BETA_KNOTS;
        /* then each knot from the line through the two before it */
        double guess = k == 1 ? x : 2.0 * table[k - 1] - table[k - 2];
        x = solve(u, table[k - 1], guess, alpha, beta, log_norm);
        table[k] = x;
        /* the slope of the quantile function there: 1 / density */
        table[KS_BETA_KNOTS + 1 + k] = 1.0 / beta_density(x, alpha, beta,
                                                          log_norm);
    }
    return table;
}

/* Two Newton steps on I_x = u from x (the end intervals, where the
 * power law is only the leading term). */
static double polish(double x, double alpha, double beta, double u)
{
    double log_norm = log_beta(alpha, beta);
    for (int i = 0; i < 2; i++) {
        if (!(x > 0 && x < 1))
            return x;
        double next = x - (ks_beta_cdf(x, alpha, beta) - u) /
                              beta_density(x, alpha, beta, log_norm);
        if (!(next > 0 && next < 1))
            return x;
        x = next;
    }
    return x;
}

/* Knots from either end where the quantile function bends too fast for
 * a cubic: what is read there is polished by Newton steps. */
#define END_KNOTS 16

double ks_beta_quantile_at(const double *table, double alpha, double beta,
                           double u)
{
    double position = u * KS_BETA_KNOTS;
    int k = (int)position;
    if (k <= 0)
        return polish(table[1] * pow(position > 0 ? position : 0, 1.0 / alpha),
                      alpha, beta, u);
    if (k >= KS_BETA_KNOTS - 1) {
        double rest = KS_BETA_KNOTS - position;
        return polish(1.0 - (1.0 - table[KS_BETA_KNOTS - 1]) *
                                pow(rest > 0 ? rest : 0, 1.0 / beta),
                      alpha, beta, u);
    }
    /* cubic Hermite between the knots, with the slopes there */
    double t = position - k, h = 1.0 / KS_BETA_KNOTS;
    const double *slope = table + KS_BETA_KNOTS + 1;
    double t2 = t * t, t3 = t2 * t;
    double x = (2 * t3 - 3 * t2 + 1) * table[k] +
               (t3 - 2 * t2 + t) * h * slope[k] +
               (-2 * t3 + 3 * t2) * table[k + 1] + (t3 - t2) * h * slope[k + 1];
    if (k < END_KNOTS || k >= KS_BETA_KNOTS - END_KNOTS)
        return polish(x, alpha, beta, u);
    return x;
}
