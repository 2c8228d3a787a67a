/*
 * goalseek.c -- goal seek (ks_goalseek): the value of one input cell at
 * which an output cell reaches a wanted value, by Brent's method over the
 * compiled model.  Each evaluation sets the input on the handle and reads
 * the output, so a scenario recalculates only the input's dependents.
 *
 * The bracket is given or searched outward from the input's value; the
 * answer is never a guess: an answer is returned only when the target
 * there is within the residual tolerance of the value.  No sign change, a
 * target that is not a finite number, a jump (a step, round(), a pole)
 * where the bracket closes, running out of iterations and an interrupt
 * are errors naming the cells and numbers, and then the input is put back
 * as it was.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/value.h"
#include "kessan/whatif.h"
#include "model/model.h"

#define BRACKET_STEPS 40      /* outward steps: up to 0.1 * 2^40 times x   */
#define RESIDUAL_REL 1e-9     /* the automatic residual tolerance's scale  */
#define SETTLE_STEPS 2200     /* bisections to adjacent doubles, at most   */

typedef struct seek {
    ks_model *model;
    ks_cell_ref target, vary;
    double value;
    double residual_tol; /* |target - value| allowed at an answer        */
    double lo, hi;       /* the bracket the root finder started from     */
    char target_name[96], vary_name[96];
    /* the varied cell as it was */
    int had_input;
    double old_boxed;
    ks_provenance old_provenance;
    int base_has_same; /* a scenario whose base holds the same input     */
} seek;

/* ---- the varied cell: remember and restore ------------------------------ */

static double boxed_of(const ks_value *value)
{
    if (value->kind == KS_NUMBER)
        return value->number;
    return ks_box_missing();
}

static int same_input(const ks_value *a, const ks_value *b)
{
    if (a->kind != b->kind)
        return 0;
    return a->kind != KS_NUMBER || a->number == b->number;
}

static ks_status remember(seek *s, ks_error *err)
{
    ks_model *model = s->model;
    s->had_input = ks_is_input(model, s->vary.item, s->vary.period);
    s->base_has_same = 0;
    if (!s->had_input)
        return KS_OK;
    ks_value now;
    ks_status status = ks_get(model, s->vary.item, s->vary.period, &now, err);
    if (status != KS_OK)
        return status;
    s->old_boxed = boxed_of(&now);
    s->old_provenance = now.provenance;
    ks_model *base = ks_model_base(model);
    if (base == model || !ks_is_input(base, s->vary.item, s->vary.period))
        return KS_OK;
    ks_value underneath;
    status = ks_get(base, s->vary.item, s->vary.period, &underneath, err);
    if (status != KS_OK)
        return status;
    s->base_has_same = same_input(&now, &underneath);
    return KS_OK;
}

/* Put the varied cell back; never allocates (the entry exists or goes). */
static void restore(seek *s)
{
    if (!s->had_input || s->base_has_same) {
        ks_clear(s->model, s->vary.item, s->vary.period, NULL);
        return;
    }
    ks_set_input(s->model, s->vary.item, s->vary.period, s->old_boxed,
                 s->old_provenance, NULL);
}

/* ---- one evaluation ------------------------------------------------------- */

/* The target is missing at x: say why ("op_income@4Q02 is missing:
 * rev.equipment@4Q02 has no value (when ...)"), unless it is the target
 * itself that holds nothing. */
static ks_status missing_target(const seek *s, double x, ks_error *err)
{
    char why[384];
    ks_status status = ks_missing_reason_beyond(
        s->model, s->target.item, s->target.period, why, sizeof why, err);
    if (status != KS_OK)
        return status;
    if (!why[0])
        return ks_error_set(err, KS_ENOSOLVE, "%s is missing when %s is %.10g",
                            s->target_name, s->vary_name, x);
    return ks_error_set(err, KS_ENOSOLVE, "%s is %s (when %s is %.10g)",
                        s->target_name, why, s->vary_name, x);
}

/* f(x) = target(x) - value; a target that is not a finite number fails. */
static ks_status evaluate(seek *s, double x, double *f, ks_error *err)
{
    ks_status status = ks_check_interrupt(ks_model_allocator(s->model), err,
                                          "seeking a goal");
    if (status == KS_OK)
        status = ks_set(s->model, s->vary.item, s->vary.period, x, err);
    if (status != KS_OK)
        return status;
    ks_value out;
    status = ks_get(s->model, s->target.item, s->target.period, &out, err);
    if (status != KS_OK)
        return status;
    if (out.kind == KS_ERROR)
        return ks_error_set(err, KS_ENOSOLVE,
                            "%s is an error (%s) when %s is %.10g",
                            s->target_name, out.error ? out.error : "error",
                            s->vary_name, x);
    if (out.kind == KS_MISSING)
        return missing_target(s, x, err);
    if (!isfinite(out.number))
        return ks_error_set(err, KS_ENOSOLVE,
                            "%s is not finite (%g) when %s is %.10g",
                            s->target_name, out.number, s->vary_name, x);
    *f = out.number - s->value;
    return KS_OK;
}

static ks_status unreachable(const seek *s, double a, double b, double fa,
                             double fb, ks_error *err)
{
    double low = fmin(fa, fb) + s->value, high = fmax(fa, fb) + s->value;
    return ks_error_set(err, KS_ENOSOLVE,
                        "%s cannot reach %.10g by varying %s between %.10g "
                        "and %.10g: it stays between %.10g and %.10g",
                        s->target_name, s->value, s->vary_name, fmin(a, b),
                        fmax(a, b), low, high);
}

/* ---- the bracket ------------------------------------------------------------ */

typedef struct bracket {
    double a, b, fa, fb;
} bracket;

static ks_status given_bracket(seek *s, const ks_goalseek_options *options,
                               bracket *out, ks_error *err)
{
    ks_status status = evaluate(s, options->lo, &out->fa, err);
    if (status == KS_OK)
        status = evaluate(s, options->hi, &out->fb, err);
    if (status != KS_OK)
        return status;
    out->a = options->lo;
    out->b = options->hi;
    if ((out->fa > 0 && out->fb > 0) || (out->fa < 0 && out->fb < 0))
        return unreachable(s, out->a, out->b, out->fa, out->fb, err);
    return KS_OK;
}

static int sign_change(double fa, double fb)
{
    return (fa <= 0 && fb >= 0) || (fa >= 0 && fb <= 0);
}

/* Outward from x0 on both sides until f changes sign between two probes. */
static ks_status search_bracket(seek *s, double x0, bracket *out,
                                ks_error *err)
{
    double f0;
    ks_status status = evaluate(s, x0, &f0, err);
    if (status != KS_OK)
        return status;
    double left = x0, f_left = f0, right = x0, f_right = f0;
    double f_min = f0, f_max = f0;
    for (int k = 0; k < BRACKET_STEPS; k++) {
        double step = x0 != 0 ? fabs(x0) * 0.1 * ldexp(1.0, k) : ldexp(1.0, k);
        double x = x0 + step, f;
        if ((status = evaluate(s, x, &f, err)) != KS_OK)
            return status;
        if (sign_change(f_right, f)) {
            *out = (bracket){ right, x, f_right, f };
            return KS_OK;
        }
        right = x, f_right = f;
        f_min = fmin(f_min, f), f_max = fmax(f_max, f);
        x = x0 - step;
        if ((status = evaluate(s, x, &f, err)) != KS_OK)
            return status;
        if (sign_change(f, f_left)) {
            *out = (bracket){ x, left, f, f_left };
            return KS_OK;
        }
        left = x, f_left = f;
        f_min = fmin(f_min, f), f_max = fmax(f_max, f);
    }
    return unreachable(s, left, right, f_min, f_max, err);
}

/* ---- Brent's method ------------------------------------------------------------- */

/* The automatic residual tolerance: RESIDUAL_REL times the largest of 1,
 * |value| and |target - value| at the bracket's two ends (the target's
 * scale: a root of a smooth target settles far below it, a jump stays
 * about as far off as the ends are). */
static double residual_tol(const ks_goalseek_options *options, double value,
                           bracket br)
{
    if (options->residual_tol > 0)
        return options->residual_tol;
    double scale = fmax(1, fmax(fabs(value), fmax(fabs(br.fa),
                                                  fabs(br.fb))));
    return RESIDUAL_REL * scale;
}

/* The bracket closed onto two adjacent numbers and the target is still
 * off by more than the tolerance: a step, round() or a pole, not a root. */
static ks_status jump(const seek *s, double b, double fb, double c,
                      double fc, ks_error *err)
{
    double below = b < c ? fb : fc, above = b < c ? fc : fb;
    return ks_error_set(err, KS_ENOSOLVE,
                        "no root: at %s = %.10g %s is off by %.10g from "
                        "%.10g (tolerance %.3g; bracket [%.10g, %.10g]); "
                        "it jumps there from %.10g to %.10g",
                        s->vary_name, b, s->target_name, fb, s->value,
                        s->residual_tol, s->lo, s->hi, below + s->value,
                        above + s->value);
}

/*
 * Brent has closed the bracket [b, c] to the x tolerance.  b is the
 * answer when the target there is within the residual tolerance;
 * otherwise bisect on until it is (a steep but continuous target) or b
 * and c are adjacent numbers (a jump: an error).
 */
static ks_status settle(seek *s, double b, double fb, double c, double fc,
                        ks_goalseek_result *result, ks_error *err)
{
    for (int step = 0; step < SETTLE_STEPS; step++) {
        if (fabs(fb) <= s->residual_tol) {
            result->solution = b;
            result->residual = fb;
            return KS_OK;
        }
        double m = b + 0.5 * (c - b), fm;
        if (m == b || m == c)
            break;
        ks_status status = evaluate(s, m, &fm, err);
        if (status != KS_OK)
            return status;
        result->iterations++;
        if ((fm > 0) == (fb > 0))
            b = m, fb = fm;
        else
            c = m, fc = fm;
        if (fabs(fc) < fabs(fb)) {
            double t = b;
            b = c, c = t;
            t = fb, fb = fc, fc = t;
        }
    }
    return jump(s, b, fb, c, fc, err);
}

/* Brent (1973), as in zeroin: b is the best estimate, a the previous one,
 * c the other end of the bracket [b, c]. */
static ks_status brent(seek *s, bracket br, const ks_goalseek_options *options,
                       ks_goalseek_result *result, ks_error *err)
{
    double a = br.a, b = br.b, fa = br.fa, fb = br.fb;
    double c = a, fc = fa, d = b - a, e = d;
    for (int iter = 1; iter <= options->max_iter; iter++) {
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a, fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) {
            a = b, b = c, c = a;
            fa = fb, fb = fc, fc = fa;
        }
        double tol1 = 2 * DBL_EPSILON * fabs(b) + 0.5 * options->tol;
        double xm = 0.5 * (c - b);
        if (fabs(xm) <= tol1 || fb == 0) {
            result->iterations = iter - 1;
            return settle(s, b, fb, c, fc, result, err);
        }
        if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
            double p, q, r, t = fb / fa;
            if (a == c) { /* secant */
                p = 2 * xm * t;
                q = 1 - t;
            } else {      /* inverse quadratic interpolation */
                q = fa / fc;
                r = fb / fc;
                p = t * (2 * xm * q * (q - r) - (b - a) * (r - 1));
                q = (q - 1) * (r - 1) * (t - 1);
            }
            if (p > 0)
                q = -q;
            p = fabs(p);
            if (2 * p < fmin(3 * xm * q - fabs(tol1 * q), fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = xm, e = d; /* bisection */
            }
        } else {
            d = xm, e = d;     /* bisection */
        }
        a = b, fa = fb;
        b += fabs(d) > tol1 ? d : copysign(tol1, xm);
        ks_status status = evaluate(s, b, &fb, err);
        if (status != KS_OK)
            return status;
    }
    double best = fabs(fb) <= fabs(fc) ? b : c;
    double residual = fabs(fb) <= fabs(fc) ? fb : fc;
    return ks_error_set(err, KS_ENOSOLVE,
                        "%s did not reach %.10g within %d iterations varying "
                        "%s: best %.10g, residual %.10g (tolerance %.3g; "
                        "bracket [%.10g, %.10g])",
                        s->target_name, s->value, options->max_iter,
                        s->vary_name, best, residual, s->residual_tol,
                        s->lo, s->hi);
}

/* ---- the entry point ------------------------------------------------------------- */

void ks_goalseek_defaults(ks_goalseek_options *options)
{
    options->lo = 0;
    options->hi = 0;
    options->has_bracket = 0;
    options->tol = 1e-6;
    options->residual_tol = 0;
    options->max_iter = 100;
}

static ks_status check_options(const ks_goalseek_options *options,
                               ks_error *err)
{
    if (!(options->tol > 0) || !isfinite(options->tol))
        return ks_error_set(err, KS_EINVAL, "goal seek: tol must be a "
                            "positive number, not %g", options->tol);
    if (!(options->residual_tol >= 0) || !isfinite(options->residual_tol))
        return ks_error_set(err, KS_EINVAL, "goal seek: residual_tol must "
                            "be 0 (automatic) or a positive number, not %g",
                            options->residual_tol);
    if (options->max_iter < 1)
        return ks_error_set(err, KS_EINVAL, "goal seek: max_iter must be at "
                            "least 1, not %d", options->max_iter);
    if (options->has_bracket &&
        (!isfinite(options->lo) || !isfinite(options->hi) ||
         !(options->lo < options->hi)))
        return ks_error_set(err, KS_EINVAL, "goal seek: the bracket needs "
                            "lo < hi, both finite (got %g and %g)",
                            options->lo, options->hi);
    return KS_OK;
}

static ks_status start_value(seek *s, double *x0, ks_error *err)
{
    ks_value now;
    ks_status status = ks_get(s->model, s->vary.item, s->vary.period, &now,
                              err);
    if (status != KS_OK)
        return status;
    *x0 = now.kind == KS_NUMBER && isfinite(now.number) ? now.number : 0;
    return KS_OK;
}

ks_status ks_goalseek(ks_model *model, ks_cell_ref target, double value,
                      ks_cell_ref vary, const ks_goalseek_options *options,
                      ks_goalseek_result *result, ks_error *err)
{
    ks_goalseek_options defaults;
    ks_goalseek_defaults(&defaults);
    if (!options)
        options = &defaults;
    ks_status status = check_options(options, err);
    if (status != KS_OK)
        return status;
    if (!isfinite(value))
        return ks_error_set(err, KS_EINVAL, "goal seek: the wanted value "
                            "must be a finite number");
    seek s = { .model = model, .target = target, .vary = vary,
               .value = value };
    ks_cell_name(model, target, s.target_name, sizeof s.target_name);
    ks_cell_name(model, vary, s.vary_name, sizeof s.vary_name);
    if ((status = remember(&s, err)) != KS_OK)
        return status;
    bracket br;
    double x0 = 0;
    if (options->has_bracket)
        status = given_bracket(&s, options, &br, err);
    else if ((status = start_value(&s, &x0, err)) == KS_OK)
        status = search_bracket(&s, x0, &br, err);
    ks_goalseek_result found = { 0, 0, 0, 0 };
    if (status == KS_OK) {
        s.lo = fmin(br.a, br.b);
        s.hi = fmax(br.a, br.b);
        s.residual_tol = found.residual_tol = residual_tol(options, value, br);
        status = brent(&s, br, options, &found, err);
    }
    if (status == KS_OK)
        status = ks_set(model, vary.item, vary.period, found.solution, err);
    if (status != KS_OK) {
        restore(&s);
        return status;
    }
    *result = found;
    return KS_OK;
}
