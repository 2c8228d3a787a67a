/*
 * simulate.h -- Monte Carlo simulation over the compiled model: draw some
 * cells from distributions, run every trial through the formulas in blocks
 * of trials at once, and keep what the outputs need for their statistics.
 *
 * The trials run entirely in C.  They are split into chunks of a fixed
 * size, each with its own random stream seeded from (seed, chunk index),
 * and each chunk's moments are merged in chunk order, so the same seed
 * gives bit-identical results whatever the number of threads.
 *
 * A trial is the model recalculated with its draws, cell for cell (the
 * differential test tests/c/test_time_rules.c checks it bit for bit on
 * random models): a drawn cell takes its draw (over any input or
 * formula); an input that is not drawn wins; a formula item's quarter is
 * its formula; its half, 9M and year are the time summary of its own
 * quarters (a stock's, its last quarter's, error included) when they
 * give one in that trial, else the formula; an input item's year, and a
 * formula on a reported line that gives missing, take what its inputs
 * and draws imply (sums and implied differences) as the model derives
 * them.  Missing and errors stay apart through the formulas (an error
 * begun in a trial has no origin).  The statistics count a trial whose
 * output is no number as invalid (ks_sim_invalid) and leave it out.
 */
#ifndef KS_SIMULATE_H
#define KS_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "kessan/kessan.h"

typedef enum ks_dist_kind {
    KS_DIST_FIXED = 0,  /* a: the value                                    */
    KS_DIST_NORMAL,     /* a: mean, b: sd > 0                              */
    KS_DIST_LOGNORMAL,  /* a: mu, b: sigma > 0, of the log: exp(N(mu, s))  */
    KS_DIST_UNIFORM,    /* [a, b), a < b                                   */
    KS_DIST_TRIANGULAR, /* a <= c (mode) <= b, a < b                       */
    KS_DIST_PERT,       /* a <= c (mode) <= b, a < b: a + (b-a) Beta(1+4(c-a)/(b-a), 1+4(b-c)/(b-a)) */
    KS_DIST_DISCRETE    /* values[i] with weights[i] >= 0, sum > 0         */
} ks_dist_kind;

typedef struct ks_dist {
    ks_dist_kind kind;
    double a, b, c;
    const double *values;  /* KS_DIST_DISCRETE: `count` values           */
    const double *weights; /* and their weights (NULL: equal)           */
    int count;
} ks_dist;

/* One drawn cell: "rev.si@4Q02" and its distribution. */
typedef struct ks_sim_draw {
    const char *cell;
    ks_dist dist;
} ks_sim_draw;

/* Two drawn cells correlated through a Gaussian copula: rho in (-1, 1) is
 * the correlation of the underlying normals.  Marginals: normal and lognormal directly; uniform,
 * triangular and discrete through the normal CDF and their inverse CDF;
 * pert and fixed cannot be correlated. */
typedef struct ks_sim_correlation {
    const char *cell_a, *cell_b;
    double rho;
} ks_sim_correlation;

/* Called from the calling thread between chunks: trials done so far and
 * the total.  Returning nonzero cancels the run (KS_EMISUSE, "cancelled"). */
typedef int (*ks_sim_progress_fn)(void *user_data, int64_t done,
                                  int64_t total);

/* How the draws are sampled: independent draws, or Latin hypercube
 * (each drawn cell's trials stratified into equal-probability strata). */
typedef enum ks_sim_sampling {
    KS_SIM_MONTE_CARLO = 0,
    KS_SIM_LATIN_HYPERCUBE
} ks_sim_sampling;

/* How `correlations` are imposed: a Gaussian copula (rho of the
 * underlying normals), or rank-order (Spearman) correlation by
 * Iman-Conover, which works for every marginal. */
typedef enum ks_sim_copula {
    KS_SIM_GAUSSIAN_COPULA = 0,
    KS_SIM_RANK_CORRELATION
} ks_sim_copula;

/* A statistic of an output: its mean, or a percentile q (0..100). */
typedef enum ks_sim_stat_kind {
    KS_SIM_STAT_MEAN = 0,
    KS_SIM_STAT_PERCENTILE
} ks_sim_stat_kind;

typedef struct ks_sim_stat {
    ks_sim_stat_kind kind;
    double q; /* KS_SIM_STAT_PERCENTILE: 0..100 */
} ks_sim_stat;

/*
 * Precision control: run chunk after chunk until the confidence interval
 * of `stat` of output `cell` at `confidence` has a half-width of at most
 * `rel` times |the statistic| (checked at fixed points: after 16 chunks,
 * then each time the trials done have grown by a quarter), or until the
 * spec's `trials` (the maximum) are done.  The points do not depend on the
 * thread count, so a seed gives the same result whatever it is.
 */
typedef struct ks_sim_stop {
    const char *cell;   /* one of the outputs                              */
    ks_sim_stat stat;
    double rel;         /* > 0                                             */
    double confidence;  /* in (0, 1), 0.95 usually                         */
} ks_sim_stop;

/* keep: the memory for the kept trials may not exceed this: 8 bytes per
 * trial per kept cell (every output and drawn cell). */
#define KS_SIM_KEEP_BYTES_MAX (UINT64_C(4) << 30)

/*
 * A pool of worker threads for simulations, started once and parked on a
 * condition variable between runs, so that a run pays neither creating
 * threads nor, mostly, waking an idle CPU: ks_simulate nudges the parked
 * threads as it begins (they spin for at most a few milliseconds, while
 * the run is planned) and hands them its chunks.  A pool of `threads`
 * serves runs of up to that many threads (the caller's thread is one of
 * them, so threads - 1 are started; a pool of 1 starts none).  A run that
 * asks for more threads than its pool has, or finds the pool running
 * another simulation (from another thread), starts its threads as
 * without a pool.  Results are the same bits with or without a pool.
 * The threads start with every signal blocked.  ks_sim_pool_free asks the
 * threads to end and joins them; it must not be called while a
 * simulation uses the pool.
 */
typedef struct ks_sim_pool ks_sim_pool;

/* threads: 1 .. KS_SIM_THREADS_MAX; alloc NULL: the C library.  Errors:
 * KS_EINVAL (threads out of range), KS_ENOMEM (memory, or a thread the
 * system would not start: then none is left running). */
ks_status ks_sim_pool_new(int threads, const ks_allocator *alloc,
                          ks_sim_pool **out, ks_error *err);
void ks_sim_pool_free(ks_sim_pool *pool);
/* The most threads a run on the pool may use (the caller's included). */
int ks_sim_pool_threads(const ks_sim_pool *pool);

typedef struct ks_sim_spec {
    int64_t trials;               /* 1 .. KS_SIM_TRIALS_MAX              */
    uint64_t seed;
    int threads;                  /* 1 .. KS_SIM_THREADS_MAX; 0 means 1  */
    const ks_sim_draw *draws;
    int draw_count;
    const char *const *outputs;   /* cells: "op_income@4Q02"             */
    int output_count;
    const ks_sim_correlation *correlations;
    int correlation_count;
    ks_sim_progress_fn progress;  /* may be NULL                         */
    void *progress_data;
    ks_sim_sampling sampling;     /* 0: Monte Carlo                      */
    ks_sim_copula copula;         /* 0: Gaussian copula                  */
    int keep;                     /* keep every trial of every output and
                                     drawn cell (8 bytes per trial per
                                     cell, at most KS_SIM_KEEP_BYTES_MAX) */
    const ks_sim_stop *stop;      /* NULL: run `trials`; else stop when it
                                     holds, `trials` being the maximum   */
    ks_sim_pool *pool;            /* NULL: threads started per run; else
                                     its parked threads run the trials
                                     (ks_sim_pool_new)                   */
} ks_sim_spec;

#define KS_SIM_TRIALS_MAX INT64_C(1000000000)
#define KS_SIM_THREADS_MAX 256
/* Trials per chunk (one random stream each); fixed so that results do not
 * depend on the thread count. */
#define KS_SIM_CHUNK 4096
/* Trials evaluated at once (lanes of the block machine). */
#define KS_SIM_BLOCK 512

typedef struct ks_sim_result ks_sim_result;

/*
 * Run a simulation on `model` (a model or scenario; it is not changed).
 * Errors: unknown cells (with a suggestion), a bad distribution naming the
 * cell and parameter, trials or threads out of range, a correlation that
 * is not positive definite, KS_ENOMEM; on failure *out is NULL and nothing
 * leaks.  The model must not be used by another thread meanwhile.
 */
ks_status ks_simulate(ks_model *model, const ks_sim_spec *spec,
                      ks_sim_result **out, ks_error *err);
void ks_sim_result_free(ks_sim_result *result);

/* Check a distribution's parameters; `what` names it in the message. */
ks_status ks_dist_check(const ks_dist *dist, const char *what, ks_error *err);
/* The exact mean and variance of a distribution (for tests and docs). */
void ks_dist_moments(const ks_dist *dist, double *mean, double *variance);

int64_t ks_sim_trials(const ks_sim_result *result);
int ks_sim_output_count(const ks_sim_result *result);
/* "op_income@4Q02" as written by the model (its period id form). */
const char *ks_sim_output_name(const ks_sim_result *result, int output);
/* The output index of a cell, as given or as the model writes it; -1. */
int ks_sim_output_find(const ks_sim_result *result, const char *cell);

/* Statistics over the trials where the output is a number. */
int64_t ks_sim_count(const ks_sim_result *result, int output);   /* numbers */
/* Trials left out: an error, missing, or an overflow (below). */
int64_t ks_sim_invalid(const ks_sim_result *result, int output);
/* Of those, the trials whose output overflowed: infinite, or beyond
 * +-KS_SIM_VALUE_MAX. */
int64_t ks_sim_overflow(const ks_sim_result *result, int output);
/*
 * The largest magnitude an output's value may have in a trial to count:
 * beyond it (and for an infinity) the trial is invalid, as an error is,
 * and counted apart by ks_sim_overflow.  The bound keeps every statistic
 * finite: a sum of squared deviations of 10^9 trials is at most
 * 10^9 * (1e149)^2 = 1e307.  A figure of an earnings model is far below.
 */
#define KS_SIM_VALUE_MAX 1e149
double ks_sim_mean(const ks_sim_result *result, int output);
double ks_sim_sd(const ks_sim_result *result, int output); /* sample, n-1 */
double ks_sim_min(const ks_sim_result *result, int output);
double ks_sim_max(const ks_sim_result *result, int output);

/*
 * Percentile q in [0, 100], interpolated linearly at q/100 * (n - 1) in
 * the sorted trials (numpy's default).  Kept trials (spec.keep): exact,
 * from a sorted copy of the output's numbers made at the first call (8
 * bytes per trial more).  Otherwise from the output's sketch
 * (KS_SKETCH_ALPHA): each of the two order statistics interpolated is
 * within a relative 1/1025 (under 0.1%) of the exact one, and so is the
 * percentile when both have the same sign.  KS_EINVAL for q out of range
 * or no numbers; KS_ENOMEM.  Not safe to call on one result from two
 * threads at once (the sorted copy is made on demand).
 */
ks_status ks_sim_percentile(ks_sim_result *result, int output, double q,
                            double *out, ks_error *err);
/* The same with p = q / 100 in [0, 1]: the output's quantile function. */
ks_status ks_sim_quantile(ks_sim_result *result, int output, double p,
                          double *out, ks_error *err);

typedef enum ks_sim_op { KS_SIM_LT = 0, KS_SIM_LE, KS_SIM_GT, KS_SIM_GE } ks_sim_op;
/* The share of numeric trials where `output op x` holds; NaN when x is
 * NaN (no share compares with it), no trial gave a number, or output or
 * op is out of range.  Kept trials: exact.  Otherwise from the sketch: it
 * differs from the exact share by at most the share of trials that lie
 * in x's bucket, all of which are within |x| / 512 of x (or below
 * KS_SKETCH_ZERO in magnitude when x is); a trial equal to the run's min
 * or max is counted exactly. */
double ks_sim_prob(ks_sim_result *result, int output, ks_sim_op op, double x);
/* The share of numeric trials with a <= value <= b (a > b: 0; NaN as
 * ks_sim_prob), with ks_sim_prob's bound at each end. */
double ks_sim_prob_range(ks_sim_result *result, int output, double a,
                         double b);
/* The output's empirical CDF: the share of numeric trials <= x. */
double ks_sim_cdf(ks_sim_result *result, int output, double x);
/* counts[0..bins-1] of equal-width bins from min to max (max in the last
 * bin); *lo, *hi receive the range (both NaN, counts 0, when the output
 * gave no number). */
ks_status ks_sim_histogram(ks_sim_result *result, int output, int bins,
                           int64_t *counts, double *lo, double *hi,
                           ks_error *err);

/*
 * Standard error of a statistic and its confidence interval at `level`
 * (0 < level < 1).  Mean: sd / sqrt(n), the interval mean +- z sd /
 * sqrt(n) (z the normal quantile at (1 + level) / 2).  Percentile q: by
 * order statistics (distribution-free): the ranks n p -+ z sqrt(n p (1 -
 * p)) (p = q / 100) bound the interval, read as percentiles are; the se
 * is that interval at z = 1 halved.  KS_EINVAL for a bad stat or level, or
 * an output with fewer than two numbers.
 */
ks_status ks_sim_se(ks_sim_result *result, int output, ks_sim_stat stat,
                    double *out, ks_error *err);
ks_status ks_sim_ci(ks_sim_result *result, int output, ks_sim_stat stat,
                    double level, double *lo, double *hi, ks_error *err);
/* With spec.stop: 1 when the rule held (ks_sim_trials the trials it took),
 * 0 when the maximum was reached first.  Without: 0. */
int ks_sim_stop_held(const ks_sim_result *result);

/*
 * Why an output's trials were invalid: "" when none was; else the reason
 * of its first invalid trial (in trial order, so the same at any thread
 * count): "trial 1: missing: rev.dialup@4Q02 has no value", "trial 17: an
 * error (a division by zero or a result that is no number)", "trial 3:
 * overflow (infinite or beyond 1e+149)".  Owned by the result.  (Lua's
 * s:simulate raises with it when an output gave no number in any trial.)
 */
const char *ks_sim_invalid_reason(const ks_sim_result *result, int output);

/* ---- kept trials (spec.keep) ----------------------------------------------- */

/* Whether the trials were kept. */
int ks_sim_kept(const ks_sim_result *result);
/* The drawn cells ("rev.si@4Q02" as the model writes it), in the order of
 * their names. */
int ks_sim_draw_count(const ks_sim_result *result);
const char *ks_sim_draw_name(const ks_sim_result *result, int draw);
/* The draw index of a cell, as given or as the model writes it; -1. */
int ks_sim_draw_find(const ks_sim_result *result, const char *cell);
/* The kept trials of an output, ks_sim_trials of them in trial order; a
 * trial where it gave no number (error, missing, overflow) is NaN.  NULL
 * when not kept. */
const double *ks_sim_output_values(const ks_sim_result *result, int output);
/* The kept draws of a drawn cell, in trial order; NULL when not kept. */
const double *ks_sim_draw_values(const ks_sim_result *result, int draw);
/* The output's numbers in ascending order (*count of them), made at the
 * first call and owned by the result.  KS_EMISUSE when not kept. */
ks_status ks_sim_sorted(ks_sim_result *result, int output,
                        const double **values, int64_t *count, ks_error *err);
/*
 * Write the kept trials to `path` as CSV (atomically): a header `trial`,
 * then each output and each drawn cell as the model writes it; one row a
 * trial (1 ..), numbers by the data formatter (ks_format_data), a trial
 * that gave no number an empty field.  KS_EMISUSE when not kept.
 */
ks_status ks_sim_export_csv(const ks_sim_result *result, const char *path,
                            ks_error *err);

/* ---- the sketch (without keep) -------------------------------------------- */

/* The buckets of an output's sketch, in ascending order of value: bucket
 * i holds `count` numbers in [lo, hi] (a bucket of zeros: lo = hi = 0;
 * the first's lo and the last's hi are the run's min and max).  What reads
 * a distribution without its trials (CRPS from the sketch) walks them.
 * Returns the number of buckets; ks_sim_bucket gives one (KS_EINVAL out of
 * range). */
int64_t ks_sim_bucket_count(const ks_sim_result *result, int output);
ks_status ks_sim_bucket(const ks_sim_result *result, int output,
                        int64_t index, double *lo, double *hi,
                        int64_t *count, ks_error *err);

#endif
