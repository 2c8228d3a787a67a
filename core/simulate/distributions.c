/*
 * distributions.c -- the distributions a simulation draws from: checking
 * a spec's parameters (a draw is always a finite number), their moments,
 * drawing a block of independent draws, and the Gaussian copula of a
 * correlated group (its correlation matrix, Cholesky factor and marginals).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "simulate/simulate_internal.h"

static const char *dist_name(ks_dist_kind kind)
{
    static const char *const names[] = { "fixed", "normal", "lognormal",
                                         "uniform", "triangular", "pert",
                                         "discrete" };
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "?";
}

static int all_finite(const ks_dist *dist)
{
    return isfinite(dist->a) && isfinite(dist->b) && isfinite(dist->c);
}

/* Normal draws lie within DRAW_SD_MAX sd of the mean (the sampler cannot
 * go beyond about 15: 2^-64 is its least uniform), so parameters whose
 * draws could overflow there are refused: a draw is always finite. */
#define DRAW_SD_MAX 40.0

static ks_status check_reach(const ks_dist *dist, const char *what,
                             ks_error *err)
{
    const char *name = dist_name(dist->kind);
    double a = dist->a, b = dist->b;
    if (dist->kind == KS_DIST_NORMAL &&
        !(fabs(a) + DRAW_SD_MAX * b <= DBL_MAX))
        return ks_error_set(err, KS_EINVAL,
                            "%s: normal(mean %.17g, sd %.17g) would draw "
                            "beyond the largest number: |mean| + %g sd must "
                            "be at most %.17g", what, a, b, DRAW_SD_MAX,
                            DBL_MAX);
    if (dist->kind == KS_DIST_LOGNORMAL &&
        !(a + DRAW_SD_MAX * b <= log(DBL_MAX)))
        return ks_error_set(err, KS_EINVAL,
                            "%s: lognormal(mu %.17g, sigma %.17g) would draw "
                            "beyond the largest number: mu + %g sigma must "
                            "be at most log(%.17g) = %.17g", what, a, b,
                            DRAW_SD_MAX, DBL_MAX, log(DBL_MAX));
    if ((dist->kind == KS_DIST_UNIFORM || dist->kind == KS_DIST_TRIANGULAR ||
         dist->kind == KS_DIST_PERT) && !(b - a <= DBL_MAX))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s(min %.17g, max %.17g): max - min must be "
                            "at most %.17g (draws are min + a share of it)",
                            what, name, a, b, DBL_MAX);
    return KS_OK;
}

static ks_status check_range(const ks_dist *dist, const char *what,
                             ks_error *err)
{
    const char *name = dist_name(dist->kind);
    if (!(dist->a < dist->b))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s needs min < max, got min %.17g and max %.17g",
                            what, name, dist->a, dist->b);
    if (dist->kind != KS_DIST_UNIFORM &&
        !(dist->a <= dist->c && dist->c <= dist->b))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s needs min <= mode <= max, got mode %.17g "
                            "outside [%.17g, %.17g]",
                            what, name, dist->c, dist->a, dist->b);
    return KS_OK;
}

static ks_status check_discrete(const ks_dist *dist, const char *what,
                                ks_error *err)
{
    if (dist->count < 1 || !dist->values)
        return ks_error_set(err, KS_EINVAL,
                            "%s: discrete needs at least one value", what);
    double total = 0;
    for (int i = 0; i < dist->count; i++) {
        if (!isfinite(dist->values[i]))
            return ks_error_set(err, KS_EINVAL,
                                "%s: discrete value %d is not a finite number",
                                what, i + 1);
        double weight = dist->weights ? dist->weights[i] : 1.0;
        if (!isfinite(weight) || weight < 0)
            return ks_error_set(err, KS_EINVAL,
                                "%s: discrete weight %d must be a finite "
                                "number >= 0, got %.17g", what, i + 1, weight);
        total += weight;
    }
    if (!(total > 0))
        return ks_error_set(err, KS_EINVAL,
                            "%s: discrete weights sum to zero", what);
    return KS_OK;
}

ks_status ks_dist_check(const ks_dist *dist, const char *what, ks_error *err)
{
    if (dist->kind == KS_DIST_DISCRETE)
        return check_discrete(dist, what, err);
    if (!all_finite(dist))
        return ks_error_set(err, KS_EINVAL,
                            "%s: %s parameters must be finite numbers", what,
                            dist_name(dist->kind));
    switch (dist->kind) {
    case KS_DIST_FIXED:
        return KS_OK;
    case KS_DIST_NORMAL:
    case KS_DIST_LOGNORMAL:
        if (!(dist->b > 0))
            return ks_error_set(err, KS_EINVAL,
                                "%s: %s needs %s > 0, got %.17g", what,
                                dist_name(dist->kind),
                                dist->kind == KS_DIST_NORMAL ? "sd" : "sigma",
                                dist->b);
        return check_reach(dist, what, err);
    case KS_DIST_UNIFORM:
    case KS_DIST_TRIANGULAR:
    case KS_DIST_PERT: {
        ks_status status = check_range(dist, what, err);
        return status != KS_OK ? status : check_reach(dist, what, err);
    }
    default:
        return ks_error_set(err, KS_EINVAL, "%s: unknown distribution kind %d",
                            what, (int)dist->kind);
    }
}

static void pert_shape(const ks_dist *dist, double *alpha, double *beta)
{
    double width = dist->b - dist->a;
    *alpha = 1.0 + 4.0 * (dist->c - dist->a) / width;
    *beta = 1.0 + 4.0 * (dist->b - dist->c) / width;
}

void ks_dist_moments(const ks_dist *dist, double *mean, double *variance)
{
    double a = dist->a, b = dist->b, c = dist->c;
    switch (dist->kind) {
    case KS_DIST_NORMAL:
        *mean = a;
        *variance = b * b;
        return;
    case KS_DIST_LOGNORMAL:
        *mean = exp(a + 0.5 * b * b);
        *variance = (exp(b * b) - 1.0) * exp(2.0 * a + b * b);
        return;
    case KS_DIST_UNIFORM:
        *mean = 0.5 * (a + b);
        *variance = (b - a) * (b - a) / 12.0;
        return;
    case KS_DIST_TRIANGULAR:
        *mean = (a + b + c) / 3.0;
        *variance = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        return;
    case KS_DIST_PERT: {
        double alpha, beta, width = b - a;
        pert_shape(dist, &alpha, &beta);
        double sum = alpha + beta;
        *mean = a + width * alpha / sum;
        *variance = width * width * alpha * beta / (sum * sum * (sum + 1.0));
        return;
    }
    case KS_DIST_DISCRETE: {
        double total = 0, first = 0, second = 0;
        for (int i = 0; i < dist->count; i++) {
            double weight = dist->weights ? dist->weights[i] : 1.0;
            total += weight;
            first += weight * dist->values[i];
            second += weight * dist->values[i] * dist->values[i];
        }
        *mean = first / total;
        *variance = second / total - *mean * *mean;
        return;
    }
    default:
        *mean = a;
        *variance = 0;
        return;
    }
}


/* The smallest i with cumulative[i] > u (the last one when none). */
static double discrete_at(const sim_draw *draw, double u)
{
    int lo = 0, hi = draw->dist.count - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (draw->cumulative[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return draw->values[lo];
}

/* Independent draws of one distribution into out[0..n-1]. */
void ks_sim_draw_lanes(const sim_draw *draw, ks_rng *rng,
                       const ks_ziggurat *zig, double *out, int n)
{
    const ks_dist *dist = &draw->dist;
    switch (dist->kind) {
    case KS_DIST_FIXED:
        ks_sim_fill(out, n, dist->a);
        return;
    case KS_DIST_NORMAL:
        ks_rng_normals(rng, zig, out, n, dist->a, dist->b);
        return;
    case KS_DIST_LOGNORMAL:
        ks_rng_normals(rng, zig, out, n, dist->a, dist->b);
        for (int i = 0; i < n; i++)
            out[i] = exp(out[i]);
        return;
    case KS_DIST_UNIFORM:
        ks_rng_uniforms(rng, out, n, dist->a, dist->b);
        return;
    case KS_DIST_TRIANGULAR:
        ks_rng_triangulars(rng, out, n, dist->a, dist->c, dist->b);
        return;
    case KS_DIST_PERT:
        for (int i = 0; i < n; i++) {
            double x = ks_rng_gamma(rng, zig, draw->pert_alpha);
            double y = ks_rng_gamma(rng, zig, draw->pert_beta);
            out[i] = dist->a + (dist->b - dist->a) * (x / (x + y));
        }
        return;
    case KS_DIST_DISCRETE:
        ks_rng_uniforms(rng, out, n, 0.0, 1.0);
        for (int i = 0; i < n; i++)
            out[i] = discrete_at(draw, out[i]);
        return;
    }
}

/* u in (0, 1) -> the quantiles of the draw, in place. */
void ks_sim_quantile_lanes(const sim_draw *draw, double *u, int n)
{
    const ks_dist *dist = &draw->dist;
    double a = dist->a, b = dist->b, c = dist->c;
    switch (dist->kind) {
    case KS_DIST_FIXED:
        ks_sim_fill(u, n, a);
        return;
    case KS_DIST_NORMAL:
        ks_normal_quantiles(u, u, n, a, b);
        return;
    case KS_DIST_LOGNORMAL:
        ks_normal_quantiles(u, u, n, a, b);
        for (int i = 0; i < n; i++)
            u[i] = exp(u[i]);
        return;
    case KS_DIST_UNIFORM:
        for (int i = 0; i < n; i++)
            u[i] = a + (b - a) * u[i];
        return;
    case KS_DIST_TRIANGULAR:
        for (int i = 0; i < n; i++)
            u[i] = ks_triangular_at(a, c, b, u[i]);
        return;
    case KS_DIST_PERT:
        for (int i = 0; i < n; i++)
            u[i] = a + (b - a) * ks_beta_quantile_at(draw->pert_quantiles,
                                                     draw->pert_alpha,
                                                     draw->pert_beta, u[i]);
        return;
    case KS_DIST_DISCRETE:
        for (int i = 0; i < n; i++)
            u[i] = discrete_at(draw, u[i]);
        return;
    }
}

/* Correlated normals y (standard) -> the marginal, lane by lane. */
void ks_sim_copula_marginal(const sim_draw *draw, double *y, int n)
{
    const ks_dist *dist = &draw->dist;
    for (int i = 0; i < n; i++) {
        double z = y[i];
        switch (dist->kind) {
        case KS_DIST_NORMAL:
            y[i] = dist->a + dist->b * z;
            break;
        case KS_DIST_LOGNORMAL:
            y[i] = exp(dist->a + dist->b * z);
            break;
        case KS_DIST_UNIFORM:
            y[i] = dist->a + (dist->b - dist->a) * ks_normal_cdf(z);
            break;
        case KS_DIST_TRIANGULAR:
            y[i] = ks_triangular_at(dist->a, dist->c, dist->b, ks_normal_cdf(z));
            break;
        case KS_DIST_DISCRETE:
            y[i] = discrete_at(draw, ks_normal_cdf(z));
            break;
        default:
            y[i] = dist->a;
            break;
        }
    }
}

static int copula_supports(ks_sim_copula copula, ks_dist_kind kind)
{
    if (copula == KS_SIM_RANK_CORRELATION)
        return kind != KS_DIST_FIXED;
    return kind == KS_DIST_NORMAL || kind == KS_DIST_LOGNORMAL ||
           kind == KS_DIST_UNIFORM || kind == KS_DIST_TRIANGULAR ||
           kind == KS_DIST_DISCRETE;
}

/* The draw's key (its name as the model writes it), its order of strata
 * and, for a Latin hypercube PERT, its table of beta quantiles. */
static ks_status draw_streams(sim_plan *plan, ks_model *model,
                              sim_draw *draw, const char *what, ks_error *err)
{
    char name[512], period[16];
    snprintf(name, sizeof name, "%s@%s", plan->book->items[draw->item].id,
             ks_period_id(model, draw->period, period, sizeof period));
    draw->key = ks_rng_key(name);
    if (plan->sampling != KS_SIM_LATIN_HYPERCUBE)
        return KS_OK;
    ks_lhs_init(&draw->lhs, plan->seed, draw->key, plan->trials);
    if (draw->dist.kind != KS_DIST_PERT)
        return KS_OK;
    draw->pert_quantiles = ks_beta_quantile_table(plan->alloc, draw->pert_alpha,
                                                  draw->pert_beta);
    if (!draw->pert_quantiles)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory", what);
    return KS_OK;
}

ks_status ks_sim_draw_prepare(sim_plan *plan, ks_model *model,
                              const ks_sim_draw *given, sim_draw *draw,
                              ks_error *err)
{
    ks_status status = ks_sim_resolve_cell(model, given->cell, "draw", &draw->item,
                                    &draw->period, err);
    if (status != KS_OK)
        return status;
    char what[160];
    snprintf(what, sizeof what, "simulate: draw '%s'", given->cell);
    status = ks_dist_check(&given->dist, what, err);
    if (status != KS_OK)
        return status;
    if (ks_sim_find_draw(plan, draw->item, draw->period) >= 0)
        return ks_error_set(err, KS_EINVAL, "%s: the cell is drawn twice",
                            what);
    draw->dist = given->dist;
    draw->group = -1;
    if (draw->dist.kind == KS_DIST_PERT)
        pert_shape(&draw->dist, &draw->pert_alpha, &draw->pert_beta);
    status = draw_streams(plan, model, draw, what, err);
    if (status != KS_OK || draw->dist.kind != KS_DIST_DISCRETE)
        return status;
    int count = draw->dist.count;
    draw->values = ks_mem_alloc(plan->alloc, (size_t)count * sizeof(double));
    draw->cumulative = ks_mem_alloc(plan->alloc, (size_t)count * sizeof(double));
    if (!draw->values || !draw->cumulative)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory", what);
    double total = 0;
    for (int i = 0; i < count; i++)
        total += draw->dist.weights ? draw->dist.weights[i] : 1.0;
    double running = 0;
    for (int i = 0; i < count; i++) {
        draw->values[i] = draw->dist.values[i];
        running += draw->dist.weights ? draw->dist.weights[i] : 1.0;
        draw->cumulative[i] = running / total;
    }
    draw->cumulative[count - 1] = 1.0;
    draw->dist.values = draw->values;
    draw->dist.weights = NULL;
    return KS_OK;
}

int ks_sim_cholesky(const double *matrix, int g, double *l, double *pivot)
{
    for (int j = 0; j < g; j++) {
        for (int k = 0; k <= j; k++) {
            double sum = matrix[j * g + k];
            for (int m = 0; m < k; m++)
                sum -= l[j * g + m] * l[k * g + m];
            if (j == k) {
                if (!(sum > 1e-12)) {
                    *pivot = sum;
                    return j;
                }
                l[j * g + j] = sqrt(sum);
            } else {
                l[j * g + k] = sum / l[k * g + k];
            }
        }
    }
    return -1;
}

/* Cholesky of the group's correlation matrix into plan->cholesky. */
static ks_status factor_group(sim_plan *plan, const double *matrix,
                              ks_error *err)
{
    double pivot = 0;
    int j = ks_sim_cholesky(matrix, plan->group_size, plan->cholesky, &pivot);
    if (j >= 0)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: correlate: the correlation matrix is not "
                            "positive definite (the correlations given cannot "
                            "hold together; pivot %d is %.3g)", j + 1, pivot);
    return KS_OK;
}

ks_status ks_sim_correlations_prepare(sim_plan *plan, ks_model *model,
                                      const ks_sim_spec *spec, ks_error *err)
{
    int pairs = spec->correlation_count;
    if (pairs == 0)
        return KS_OK;
    const ks_allocator *alloc = plan->alloc;
    int *first = ks_mem_alloc(alloc, (size_t)pairs * 2 * sizeof *first);
    plan->group = ks_mem_alloc(alloc, (size_t)plan->draw_count * sizeof *plan->group);
    if (!first || !plan->group) {
        ks_mem_free(alloc, first);
        return ks_error_set(err, KS_ENOMEM, "simulate: correlate: out of memory");
    }
    ks_status status = KS_OK;
    for (int p = 0; p < pairs && status == KS_OK; p++) {
        const ks_sim_correlation *pair = &spec->correlations[p];
        const char *names[2] = { pair->cell_a, pair->cell_b };
        for (int side = 0; side < 2 && status == KS_OK; side++) {
            int item, period;
            status = ks_sim_resolve_cell(model, names[side], "correlate", &item,
                                  &period, err);
            if (status != KS_OK)
                break;
            int d = ks_sim_find_draw(plan, item, period);
            if (d < 0) {
                status = ks_error_set(err, KS_EINVAL,
                                      "simulate: correlate: '%s' is not a drawn "
                                      "cell", names[side]);
                break;
            }
            if (!copula_supports(plan->copula, plan->draws[d].dist.kind)) {
                status = ks_error_set(
                    err, KS_EINVAL,
                    plan->copula == KS_SIM_RANK_CORRELATION
                        ? "simulate: correlate: '%s' is drawn from %s, which "
                          "cannot be correlated (a fixed value has no ranks)"
                        : "simulate: correlate: '%s' is drawn from %s, which "
                          "cannot be correlated by the Gaussian copula "
                          "(normal, lognormal, uniform, triangular and "
                          "discrete can; copula = \"rank\" takes pert too)",
                    names[side], dist_name(plan->draws[d].dist.kind));
                break;
            }
            if (plan->draws[d].group < 0) {
                plan->draws[d].group = plan->group_size;
                plan->group[plan->group_size++] = d;
            }
            first[p * 2 + side] = plan->draws[d].group;
        }
        if (status != KS_OK)
            break;
        if (!(pair->rho > -1.0 && pair->rho < 1.0))
            status = ks_error_set(err, KS_EINVAL,
                                  "simulate: correlate: rho between '%s' and "
                                  "'%s' must be in (-1, 1), got %.17g",
                                  names[0], names[1], pair->rho);
        else if (first[p * 2] == first[p * 2 + 1])
            status = ks_error_set(err, KS_EINVAL,
                                  "simulate: correlate: '%s' is correlated "
                                  "with itself", names[0]);
    }
    int g = plan->group_size;
    double *matrix = NULL;
    if (status == KS_OK && plan->copula == KS_SIM_RANK_CORRELATION &&
        g > KS_RANK_GROUP_MAX)
        status = ks_error_set(err, KS_EINVAL,
                              "simulate: correlate: rank correlation takes at "
                              "most %d cells, got %d", KS_RANK_GROUP_MAX, g);
    if (status == KS_OK) {
        matrix = ks_mem_calloc(alloc, (size_t)g * (size_t)g, sizeof *matrix);
        plan->cholesky = ks_mem_calloc(alloc, (size_t)g * (size_t)g,
                                       sizeof *plan->cholesky);
        if (!matrix || !plan->cholesky)
            status = ks_error_set(err, KS_ENOMEM,
                                  "simulate: correlate: out of memory");
    }
    for (int i = 0; status == KS_OK && i < g; i++)
        matrix[i * g + i] = 1.0;
    for (int p = 0; status == KS_OK && p < pairs; p++) {
        int a = first[p * 2], b = first[p * 2 + 1];
        double rho = spec->correlations[p].rho;
        if (matrix[a * g + b] != 0 && matrix[a * g + b] != rho) {
            status = ks_error_set(err, KS_EINVAL,
                                  "simulate: correlate: '%s' and '%s' are given "
                                  "two different correlations",
                                  spec->correlations[p].cell_a,
                                  spec->correlations[p].cell_b);
            break;
        }
        matrix[a * g + b] = matrix[b * g + a] = rho;
    }
    /* rank correlation: the Pearson correlation of normal scores whose
     * Spearman correlation is rho, 2 sin(pi rho / 6) */
    for (int i = 0; status == KS_OK && plan->copula == KS_SIM_RANK_CORRELATION &&
                    i < g * g; i++)
        if (i % (g + 1) != 0)
            matrix[i] = 2.0 * sin(3.14159265358979323846 * matrix[i] / 6.0);
    for (int j = 0; status == KS_OK && j < g; j++)
        plan->group_key = plan->group_key * UINT64_C(0x100000001B3) ^
                          plan->draws[plan->group[j]].key;
    if (status == KS_OK)
        status = factor_group(plan, matrix, err);
    ks_mem_free(alloc, matrix);
    ks_mem_free(alloc, first);
    return status;
}
