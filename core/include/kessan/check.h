/*
 * check.h -- the tie-out audit of a model's printed figures (docs/check.md).
 *
 * The audit applies rules over the chart of accounts, so the same code
 * audits any company's model:
 *  1. every printed figure of an item with a formula against the engine's
 *     value of that cell (totals against their parts, operating, pretax
 *     and net lines, per-share figures, ...);
 *  2. every printed % of base (pct), year-on-year (yoy), quarter-on-quarter
 *     (qoq) and convenience-currency (usd) figure against the engine's;
 *  3. the identities written in the settings as `check.identity.<name>` =
 *     `lhs == rhs`, evaluated on the printed figures (the engine's where
 *     nothing is printed) at every period where the left side is printed.
 * A cell's break is reported once, by the first check that finds it: the
 * printed figure's own check, else the first identity in settings order;
 * a later check that breaks the same cell is named in its message and
 * makes no result of its own, so the count of breaks counts cells.
 * A note on the cell explains a break; the setting `check.implies.<note
 * id>` = `name = expression` makes the note name the quantity it implies,
 * which the audit computes on the printed figures at each cell it explains.
 * A figure printed with d decimals ties when the engine's figure rounds
 * half away from zero to it: the printed figure stands for an interval of
 * its last digit, as in XBRL Calculations 1.1.
 *
 * The API needs only kessan.h.  Strings in a report point into the model
 * (ids, statements, printed texts, notes) or into the report itself; they
 * stay valid while the model is unchanged and the report is not freed.
 */
#ifndef KS_CHECK_H
#define KS_CHECK_H

#include <stddef.h>

#include "kessan/kessan.h"

typedef enum ks_check_kind {
    KS_CHECK_TOTAL = 0,      /* a total against the sum of its parts       */
    KS_CHECK_FORMULA,        /* another formula: op income, eps, margins   */
    KS_CHECK_IDENTITY,       /* a settings identity within one statement   */
    KS_CHECK_ROLL_FORWARD,   /* an identity on the item's own prior value  */
    KS_CHECK_CROSS_STATEMENT,/* a formula or identity across statements    */
    KS_CHECK_MEASURE         /* a printed pct / yoy / qoq / usd figure     */
} ks_check_kind;

typedef enum ks_check_status {
    KS_CHECK_PASS = 0,   /* ties at the printed precision                    */
    KS_CHECK_ADJUSTED,   /* one unit of the last printed digit off, and the
                            printed column it belongs to foots exactly       */
    KS_CHECK_BREAK,      /* does not tie, and no note explains it            */
    KS_CHECK_EXPLAINED   /* does not tie; a note on the cell explains it     */
} ks_check_status;

typedef struct ks_check_result {
    const char *statement;   /* "is", "bs", ...: the checked item's         */
    ks_check_kind kind;
    ks_check_status status;
    int item, period;        /* the checked cell (an identity's left item)  */
    const char *item_id;
    char period_id[16];
    const char *measure;     /* "value", "pct", "yoy", "qoq", "usd"         */
    char identity[64];       /* the identity's name, or ""                  */
    int rule;                /* the identity's place in the settings, or -1 */
    /* Figures in printed units: a percent figure is in percent (7.4, not
     * 0.074), a usd figure in dollars of the item's scale. */
    double expected;         /* the engine's (unrounded)                     */
    int expected_missing;    /* the engine has no number for it              */
    double printed;
    const char *printed_text;/* as printed, or NULL                          */
    int decimals;            /* digits after the point as printed            */
    int is_percent;
    double difference;       /* printed - expected                           */
    const char *note_id;     /* the explaining note, or NULL                 */
    const char *note_text;
    /* The quantity the explaining note implies (check.implies.<note id>),
     * or implied[0] == '\0': its name, its expression as written (in
     * the model's settings), and its value on the printed figures at this
     * cell, as the expression computes it (a ratio is a fraction). */
    char implied[64];
    const char *implied_formula;
    double implied_value;
    int implied_missing;     /* the expression has no value at this cell    */
    char message[320];       /* one line: what was compared                  */
} ks_check_result;

typedef struct ks_check_report {
    ks_check_result *results; /* grouped by statement, then display order  */
    size_t count;
    int passed, adjusted, breaks, explained;
    ks_allocator alloc;       /* the model's, copied: frees the report     */
} ks_check_report;

/*
 * Audit `model`.  On success *out is a report to free with ks_check_free.
 * Errors are about the model's own rules: a malformed identity setting
 * ("check.identity.bs: expected 'lhs == rhs'"), an unknown id in one, a
 * malformed check.implies setting or one naming no note on an item, or
 * memory.  Failed ties are results, not errors.
 */
ks_status ks_check_run(ks_model *model, ks_check_report **out, ks_error *err);
void ks_check_free(ks_check_report *report);

/* "PASS", "ADJUSTED", "BREAK", "EXPLAINED"; and short "ADJ". */
const char *ks_check_status_name(ks_check_status status);
/* "total", "formula", "identity", "roll-forward", "cross-statement",
 * "measure" */
const char *ks_check_kind_name(ks_check_kind kind);

/*
 * Round half away from zero to `decimals` digits after the point, on the
 * value's shortest decimal text (ks_round_decimal, never in binary: 1.005
 * at 2 is 1.01, 1234567890.1234 at 3 is 1234567890.123), and
 * compare a value with a printed figure at its precision: the number of
 * units of the last printed digit by which `printed` exceeds `value`
 * rounded (0: ties).  A difference beyond 2^62 units, or one of two
 * values that is not a finite number (while the other is), gives
 * LLONG_MAX (or -LLONG_MAX): never a tie.
 */
double ks_round_half_away(double value, int decimals);
long long ks_check_units_off(double value, double printed, int decimals);

#endif
