/*
 * sim_analysis.h -- what is read from a simulation's result after the
 * run: the sensitivity of an output to each drawn cell (the simulation's
 * own tornado) and the score of a forecast against what happened (PIT,
 * CRPS, pinball losses) with a calibration summary over several.
 *
 * Sensitivity needs the trials (ks_sim_spec.keep).  Scores read the kept
 * trials when there are (exact), else the output's sketch (within a bound
 * computed from it).
 */
#ifndef KS_SIM_ANALYSIS_H
#define KS_SIM_ANALYSIS_H

#include <stdint.h>

#include "kessan/kessan.h"
#include "kessan/simulate.h"

/* ---- sensitivity ------------------------------------------------------------ */

typedef struct ks_sim_sensitivity {
    int draw;                /* ks_sim_draw_name(result, draw)               */
    /* Spearman's rank correlation of the draw with the output over the
     * trials where the output is a number (ties take their mean rank);
     * 0 for a draw that never varies. */
    double rank_correlation;
    /* The draw's contribution to the output's variance: b^2 var(x) /
     * var(y), b its coefficient in the least-squares fit of the output on
     * every varying draw (with an intercept).  For an output linear in
     * independent draws, y = c + sum b_i x_i, it is b_i^2 var_i / var(y)
     * and the contributions add up to 1; otherwise it is the share of the
     * variance the draw explains linearly, holding the others. */
    double contribution;
} ks_sim_sensitivity;

/*
 * The sensitivity of output `output` to each of the ks_sim_draw_count
 * drawn cells, into out[0 .. draw count - 1], sorted by contribution, then
 * by |rank correlation|, largest first.  KS_EMISUSE when the trials were
 * not kept; KS_EINVAL for an output out of range or with fewer than three
 * numeric trials; KS_ENOMEM.  Memory: 48 bytes per trial while it runs.
 */
ks_status ks_sim_sensitivity_of(ks_sim_result *result, int output,
                                ks_sim_sensitivity *out, ks_error *err);

/* ---- scores ------------------------------------------------------------------- */

typedef struct ks_sim_score {
    double actual;
    /* The forecast's CDF at the actual (the probability integral
     * transform): the share of numeric trials below it plus half of those
     * equal to it. */
    double pit;
    /* The continuous ranked probability score, E|X - y| - E|X - X'| / 2
     * over the numeric trials (both expectations over the n trials, as
     * properscoring's crps_ensemble); smaller is better, in the output's
     * unit. */
    double crps;
    /* 0 from the kept trials (exact to rounding); from the sketch, the
     * most the sketch's CRPS can differ from the trials': the sum over
     * its buckets of 2 x share x width. */
    double crps_bound;
    int exact;  /* 1: from the kept trials */
} ks_sim_score;

/* Score output `output` against `actual` (a finite number).  KS_EINVAL for
 * an output out of range, with no numeric trial, or an actual that is no
 * finite number; KS_ENOMEM. */
ks_status ks_sim_score_of(ks_sim_result *result, int output, double actual,
                          ks_sim_score *out, ks_error *err);

/* The pinball (quantile) loss at level tau in (0, 1): with q the output's
 * quantile at tau, tau (y - q) when y >= q, else (1 - tau) (q - y). */
ks_status ks_sim_pinball(ks_sim_result *result, int output, double actual,
                         double tau, double *loss, ks_error *err);

/* Over several scored forecasts (quarters): are the actuals where the
 * forecasts said they would be? */
typedef struct ks_score_summary {
    int count;
    double mean_pit;      /* 0.5 when calibrated                          */
    double mean_crps;
    /* shares of actuals inside the central 50% and 90% intervals (PIT in
     * [0.25, 0.75] and [0.05, 0.95]): near 0.5 and 0.9 when calibrated */
    double inside_50, inside_90;
    /* the largest distance between the PITs' empirical CDF and the
     * uniform's (Kolmogorov-Smirnov): small when calibrated */
    double ks_distance;
} ks_score_summary;

void ks_score_summarize(const ks_sim_score *scores, int count,
                        ks_score_summary *out);

#endif
