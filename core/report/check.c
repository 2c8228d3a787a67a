/*
 * check.c -- the tie-out audit: printed figures against the engine, the
 * identities of the settings, footing adjustments told from breaks, a
 * cell's break reported once, and the notes that explain a break with the
 * quantity they imply (check.h, docs/check.md).
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "formula/formula.h"
#include "kessan/check.h"
#include "kessan/text.h"
#include "model/model.h"

#define ID_MAX 160
#define IDENTITY_PREFIX "check.identity."
#define IMPLIES_PREFIX "check.implies."

/* ---- names and numbers ------------------------------------------------------ */

const char *ks_check_status_name(ks_check_status status)
{
    switch (status) {
    case KS_CHECK_PASS: return "PASS";
    case KS_CHECK_ADJUSTED: return "ADJUSTED";
    case KS_CHECK_BREAK: return "BREAK";
    case KS_CHECK_EXPLAINED: return "EXPLAINED";
    }
    return "?";
}

const char *ks_check_kind_name(ks_check_kind kind)
{
    switch (kind) {
    case KS_CHECK_TOTAL: return "total";
    case KS_CHECK_FORMULA: return "formula";
    case KS_CHECK_IDENTITY: return "identity";
    case KS_CHECK_ROLL_FORWARD: return "roll-forward";
    case KS_CHECK_CROSS_STATEMENT: return "cross-statement";
    case KS_CHECK_MEASURE: return "measure";
    }
    return "?";
}

/* Units of the last digit, rounded half away from zero.  The nudge keeps
 * a binary 7.3499999... that stands for a decimal 7.35 rounding up. */
/* `value` rounded half away from zero to `decimals` decimals on its
 * shortest decimal text (ks_round_decimal): as a figure, or in units of
 * the last decimal (1.005 at 2 -> 101, 1234567890.1234 at 3 ->
 * 1234567890123). */
static double round_units(double value, int decimals, int in_units)
{
    decimals = decimals > 308 ? 308 : decimals < -307 ? -307 : decimals;
    int unit_power = in_units ? 0 : -decimals;
    ks_rounded_decimal rounded;
    if (ks_round_decimal(value, decimals, &rounded) < 0)
        return value; /* not a finite number: as it is */
    char text[sizeof rounded.digits + 16];
    ks_snprintf_c(text, sizeof text, "%s%se%d", rounded.negative ? "-" : "",
                  rounded.digits, rounded.zeros + unit_power);
    return ks_strtod_c(text, NULL);
}

double ks_round_half_away(double value, int decimals)
{
    return round_units(value, decimals, 0);
}

/* The difference of two whole numbers of units, as an integer: beyond
 * what a long long holds (figures of 1e300), and for what is not a
 * number, the largest off there is, never a cast out of range. */
#define UNITS_OFF_MAX 0x1p62

long long ks_check_units_off(double value, double printed, int decimals)
{
    if (value == printed)
        return 0; /* also where their units overflow */
    double off = round_units(printed, decimals, 1) -
                 round_units(value, decimals, 1);
    if (off == 0)
        return 0;
    if (off != off || off >= UNITS_OFF_MAX)
        return LLONG_MAX;
    if (off <= -UNITS_OFF_MAX)
        return -LLONG_MAX;
    return (long long)off;
}

/* A figure for a message: with `decimals` decimals (at most 20), or in
 * scientific notation from 1e21 on, where its digits would fill the
 * message and be cut short. */
static const char *figure_text(char *buf, size_t size, int decimals,
                               double value)
{
    if (!(fabs(value) < 1e21))
        ks_snprintf_c(buf, size, "%.17g", value);
    else
        ks_snprintf_c(buf, size, "%.*f",
                 decimals < 0 ? 0 : decimals > 20 ? 20 : decimals, value);
    return buf;
}

/* ---- the run's context ------------------------------------------------------- */

/* A note that names the quantity it implies: `check.implies.<note id>` =
 * `name = expression`. */
typedef struct implication {
    const ks_note *note;
    char name[64];
    const char *source;     /* the expression, inside the setting's value */
    int source_length;      /* without the spaces after it                 */
    ks_formula *formula;
} implication;

typedef struct check_run {
    ks_model *model;
    const ks_allocator *alloc;
    ks_check_result *results;
    size_t count, capacity;
    int item_count;
    ks_formula **formulas;  /* compiled formula of each item, or NULL      */
    unsigned char *column;  /* the formula adds up within one statement    */
    int *period_rank;       /* time order of each period                   */
    double usd_rate;        /* 0 when not set                              */
    implication *implications;
    int implication_count;
} check_run;

static ks_status out_of_memory(ks_error *err)
{
    return ks_error_set(err, KS_ENOMEM, "check: out of memory");
}

static const char *statement_of(ks_model *model, int item)
{
    ks_item_info info;
    if (item < 0 || ks_item_get(model, item, &info) != KS_OK)
        return "";
    return info.statement ? info.statement : "";
}

static const char *id_of(ks_model *model, int item)
{
    ks_item_info info;
    if (item < 0 || ks_item_get(model, item, &info) != KS_OK)
        return "";
    return info.id;
}

/* ---- compiling formulas against the model ------------------------------------- */

static int names_find_item(void *user_data, const char *id, size_t length)
{
    char buffer[ID_MAX];
    if (length >= sizeof buffer)
        return -1;
    memcpy(buffer, id, length);
    buffer[length] = '\0';
    return ks_item_find(user_data, buffer);
}

static int names_find_period(void *user_data, const char *id, size_t length)
{
    char buffer[32];
    int period = -1;
    if (length >= sizeof buffer)
        return -1;
    memcpy(buffer, id, length);
    buffer[length] = '\0';
    return ks_period_lookup(user_data, buffer, &period, NULL) == KS_OK
               ? period : -1;
}

static ks_status compile(check_run *run, const char *source,
                         ks_formula **out, ks_error *err)
{
    ks_formula_names names = { run->model, names_find_item, NULL,
                               names_find_period };
    return ks_formula_compile(source, &names, run->alloc, out, err);
}

/* A formula whose references are the same period of items of the item's
 * own statement: a column of the printed statement can be footed by it. */
static int is_column_formula(check_run *run, int item,
                             const ks_formula *formula)
{
    const char *statement = statement_of(run->model, item);
    for (int i = 0; i < ks_formula_ref_count(formula); i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        if (ref->kind != KS_REF_RELATIVE || ref->offset != 0 ||
            strcmp(statement_of(run->model, ref->item), statement) != 0)
            return 0;
    }
    return 1;
}

static ks_status compile_items(check_run *run, ks_error *err)
{
    for (int item = 0; item < run->item_count; item++) {
        ks_item_info info;
        if (ks_item_get(run->model, item, &info) != KS_OK || !info.formula ||
            !*info.formula)
            continue;
        ks_status status = compile(run, info.formula, &run->formulas[item],
                                   err);
        if (status != KS_OK) {
            ks_error_prefix(err, "check: formula of '%s'", info.id);
            return status;
        }
        run->column[item] = (unsigned char)is_column_formula(
            run, item, run->formulas[item]);
    }
    return KS_OK;
}

static int references(const ks_formula *formula, int item)
{
    for (int i = 0; i < ks_formula_ref_count(formula); i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        if (ref->item == item && ref->kind == KS_REF_RELATIVE &&
            ref->offset == 0)
            return 1;
    }
    return 0;
}

/* ---- evaluation environments --------------------------------------------------- */

typedef struct eval_state {
    check_run *run;
    ks_measure measure;
    int prefer_engine_when_absent; /* identities: engine where not printed */
    int failed;                    /* a figure absent, or a fault          */
} eval_state;

static double boxed_engine(check_run *run, int item, int period)
{
    ks_value value;
    if (ks_get(run->model, item, period, &value, NULL) != KS_OK)
        return ks_box_error(0);
    if (value.kind == KS_NUMBER)
        return value.number;
    return value.kind == KS_MISSING ? ks_box_missing() : ks_box_error(0);
}

/* Printed figures of one measure; a printed "-" is nothing, i.e. 0 in a
 * column.  Identities read the engine where a figure is not printed. */
static double load_printed(void *user_data, int item, int period)
{
    eval_state *state = user_data;
    const ks_printed *printed = ks_printed_find(state->run->model, item,
                                                period, state->measure);
    if (printed)
        return printed->is_missing
                   ? (state->prefer_engine_when_absent ? ks_box_missing()
                                                       : 0.0)
                   : printed->number;
    if (state->prefer_engine_when_absent)
        return boxed_engine(state->run, item, period);
    state->failed = 1;
    return ks_box_missing();
}

static int shift_period(void *user_data, int period, int offset)
{
    eval_state *state = user_data;
    return ks_period_shift(state->run->model, period, offset);
}

static double fail_eval(void *user_data, ks_fault fault, const char *detail)
{
    eval_state *state = user_data;
    (void)fault;
    (void)detail;
    state->failed = 1;
    return ks_box_error(0);
}

/* Evaluate a formula at a cell; 1 and *out when it gives a number. */
static int evaluate(eval_state *state, const ks_formula *formula, int item,
                    int period, double *out)
{
    ks_eval_env env;
    memset(&env, 0, sizeof env);
    env.user_data = state;
    env.load = load_printed;
    env.shift = shift_period;
    env.fail = fail_eval;
    env.item = item;
    env.period = period;
    state->failed = 0;
    double value = ks_formula_eval(formula, &env);
    if (state->failed || !ks_is_number(value))
        return 0;
    *out = value;
    return 1;
}

/* ---- the engine's figure for a printed measure --------------------------------- */

static int engine_number(check_run *run, int item, int period, double *out)
{
    if (item < 0 || period < 0)
        return 0;
    double boxed = boxed_engine(run, item, period);
    if (!ks_is_number(boxed))
        return 0;
    *out = boxed;
    return 1;
}

/* The engine's figure for (item, period, measure), unscaled (a pct is a
 * fraction); 0 with `why` filled when it has none. */
static int engine_measure(check_run *run, int item, int period,
                          ks_measure measure, double *out, char *why,
                          size_t size)
{
    double value, other;
    char period_id[16];
    if (!engine_number(run, item, period, &value)) {
        snprintf(why, size, "the engine has no value for %s@%s",
                 id_of(run->model, item),
                 ks_period_id(run->model, period, period_id,
                              sizeof period_id));
        return 0;
    }
    switch (measure) {
    case KS_MEASURE_VALUE:
        *out = value;
        return 1;
    case KS_MEASURE_PCT: {
        char key[96];
        const char *statement = statement_of(run->model, item);
        snprintf(key, sizeof key, "pct_base.%.80s", statement);
        const char *base = ks_setting(run->model, key);
        int base_item = base ? ks_item_find(run->model, base) : -1;
        if (base_item < 0) {
            snprintf(why, size, "no %% base: setting %s %s", key,
                     base ? "names an unknown item" : "is not set");
            return 0;
        }
        if (!engine_number(run, base_item, period, &other) || other == 0) {
            snprintf(why, size, "the %% base %s has no value", base);
            return 0;
        }
        *out = value / other;
        return 1;
    }
    case KS_MEASURE_YOY:
    case KS_MEASURE_QOQ: {
        int offset = measure == KS_MEASURE_YOY ? -4 : -1;
        int earlier = ks_period_shift(run->model, period, offset);
        if (!engine_number(run, item, earlier, &other) || other == 0) {
            snprintf(why, size, "no value a %s earlier to compare with",
                     offset == -4 ? "year" : "quarter");
            return 0;
        }
        *out = value / other - 1.0;
        return 1;
    }
    case KS_MEASURE_USD:
        if (run->usd_rate <= 0) {
            snprintf(why, size, "setting rate.USD is not a positive number");
            return 0;
        }
        *out = value / run->usd_rate;
        return 1;
    }
    return 0;
}

/* ---- rounding intervals ----------------------------------------------------- */

/* The interval a figure stands for: an input printed with d decimals is
 * any number that rounds to it, so +- half a unit of its last digit; a
 * computed figure, or one with no printed text, is taken as exact. */
static void operand_interval(check_run *run, int item, int period,
                             double value, double *lo, double *hi)
{
    *lo = *hi = value;
    if (run->formulas[item])
        return;
    const ks_printed *printed = ks_printed_find(run->model, item, period,
                                                KS_MEASURE_VALUE);
    if (!printed || printed->is_missing)
        return;
    double half = 0.5 * pow(10.0, -printed->decimals);
    if (printed->is_percent)
        half /= 100.0;
    *lo = value - half;
    *hi = value + half;
}

/* The range of a / b over a in [a_lo, a_hi], b in [b_lo, b_hi]; 0 when b
 * may be zero. */
static int ratio_range(double a_lo, double a_hi, double b_lo, double b_hi,
                       double *lo, double *hi)
{
    if (b_lo <= 0 && b_hi >= 0)
        return 0;
    double corners[4] = { a_lo / b_lo, a_lo / b_hi, a_hi / b_lo,
                          a_hi / b_hi };
    *lo = *hi = corners[0];
    for (int i = 1; i < 4; i++) {
        *lo = corners[i] < *lo ? corners[i] : *lo;
        *hi = corners[i] > *hi ? corners[i] : *hi;
    }
    return 1;
}

/*
 * The range a ratio measure (pct, yoy, qoq) can take when its two figures
 * are rounded printed inputs, as XBRL Calculations 1.1 compares rounded
 * figures as intervals: Table 4's 902 and 772 (millions) give a YoY of
 * 16.70% to 16.98%, so a text that says 16.7% ties.  0 when the measure
 * is not a ratio of two figures.
 */
static int measure_range(check_run *run, int item, int period,
                         ks_measure measure, double *lo, double *hi)
{
    int other_item = item, other_period = period;
    if (measure == KS_MEASURE_PCT) {
        char key[96];
        snprintf(key, sizeof key, "pct_base.%.80s",
                 statement_of(run->model, item));
        const char *base = ks_setting(run->model, key);
        other_item = base ? ks_item_find(run->model, base) : -1;
    } else if (measure == KS_MEASURE_YOY || measure == KS_MEASURE_QOQ) {
        other_period = ks_period_shift(run->model, period,
                                       measure == KS_MEASURE_YOY ? -4 : -1);
    } else {
        return 0;
    }
    double value, other, a_lo, a_hi, b_lo, b_hi;
    if (!engine_number(run, item, period, &value) ||
        !engine_number(run, other_item, other_period, &other))
        return 0;
    operand_interval(run, item, period, value, &a_lo, &a_hi);
    operand_interval(run, other_item, other_period, other, &b_lo, &b_hi);
    if (!ratio_range(a_lo, a_hi, b_lo, b_hi, lo, hi))
        return 0;
    if (measure != KS_MEASURE_PCT) {
        *lo -= 1.0;
        *hi -= 1.0;
    }
    return 1;
}

/* Whether the printed figure's interval (its value +- half a unit of its
 * last digit) meets the range the measure's rounded figures allow. */
static int ties_within_rounding(check_run *run, const ks_printed *printed,
                                double scale)
{
    double lo, hi;
    if (!measure_range(run, printed->item, printed->period, printed->measure,
                       &lo, &hi))
        return 0;
    double half = 0.5 * pow(10.0, -printed->decimals);
    double shown = printed->number * scale;
    return shown + half >= lo * scale && shown - half <= hi * scale;
}

/* ---- results ----------------------------------------------------------------------- */

static ks_check_result *new_result(check_run *run, ks_error *err)
{
    if (ks_mem_grow(run->alloc, (void **)&run->results, &run->capacity,
                    run->count + 1, sizeof *run->results) != 0) {
        out_of_memory(err);
        return NULL;
    }
    ks_check_result *result = &run->results[run->count++];
    memset(result, 0, sizeof *result);
    result->rule = -1;
    return result;
}

static void set_cell(check_run *run, ks_check_result *result, int item,
                     int period, ks_measure measure)
{
    result->item = item;
    result->period = period;
    result->item_id = id_of(run->model, item);
    result->statement = statement_of(run->model, item);
    result->measure = ks_measure_name(measure);
    ks_period_id(run->model, period, result->period_id,
                 sizeof result->period_id);
}

/* The note on this cell (or on every period of its item); model-wide
 * notes explain nothing. */
static const ks_note *note_for(ks_model *model, int item, int period)
{
    for (int i = 0; i < ks_note_count(model); i++) {
        const ks_note *note = ks_note_at(model, i);
        if (note->item >= 0 && note->item == item &&
            (note->period < 0 || note->period == period))
            return note;
    }
    return NULL;
}

/* Add `text` to the end of the result's message, cut at its size. */
static void append_message(ks_check_result *result, const char *text)
{
    size_t used = strlen(result->message);
    snprintf(result->message + used, sizeof result->message - used, "%s",
             text);
}

static void settle_break(check_run *run, ks_check_result *result)
{
    const ks_note *note = note_for(run->model, result->item, result->period);
    result->status = note ? KS_CHECK_EXPLAINED : KS_CHECK_BREAK;
    if (note) {
        result->note_id = note->id;
        result->note_text = note->text;
    }
}

/* ---- footing adjustments ----------------------------------------------------------- */

/* Whether every column formula of the item's statement that the figure
 * takes part in (the item's own, and those of the totals using it) holds
 * on the printed figures of `measure` at the period, and at least one can
 * be evaluated: then a one-unit difference is the release nudging the
 * figure so that its printed column adds up. */
static int column_foots(check_run *run, int item, int period,
                        ks_measure measure)
{
    const char *statement = statement_of(run->model, item);
    eval_state state = { run, measure, 0, 0 };
    int evaluated = 0;
    for (int total = 0; total < run->item_count; total++) {
        const ks_formula *formula = run->formulas[total];
        if (!formula || !run->column[total] ||
            strcmp(statement_of(run->model, total), statement) != 0)
            continue;
        if (total != item && !references(formula, item))
            continue;
        const ks_printed *printed = ks_printed_find(run->model, total, period,
                                                    measure);
        double sum;
        if (!printed || printed->is_missing ||
            !evaluate(&state, formula, total, period, &sum))
            continue;
        double scale = printed->is_percent ? 100.0 : 1.0;
        if (ks_check_units_off(sum * scale, printed->number * scale,
                               printed->decimals) != 0)
            return 0;
        evaluated++;
    }
    return evaluated > 0;
}

/* ---- rule 1 and 2: printed figures ------------------------------------------------- */

/* A formula that is a plain sum of the item's display children. */
static int is_sum_of_children(check_run *run, int item)
{
    ks_item_info info;
    if (ks_item_get(run->model, item, &info) != KS_OK || !info.formula)
        return 0;
    const char *text = info.formula;
    while (*text == ' ')
        text++;
    if (strncmp(text, "sum(", 4) == 0)
        text += 4;
    for (const char *c = text; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_. +,)", *c))
            return 0;
    const ks_formula *formula = run->formulas[item];
    for (int i = 0; formula && i < ks_formula_ref_count(formula); i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        ks_item_info part;
        if (ref->kind != KS_REF_RELATIVE || ref->offset != 0 ||
            ks_item_get(run->model, ref->item, &part) != KS_OK ||
            !part.parent || strcmp(part.parent, info.id) != 0)
            return 0;
    }
    return formula != NULL;
}

static ks_check_kind kind_of_formula(check_run *run, int item)
{
    if (is_sum_of_children(run, item))
        return KS_CHECK_TOTAL;
    const ks_formula *formula = run->formulas[item];
    const char *statement = statement_of(run->model, item);
    for (int i = 0; formula && i < ks_formula_ref_count(formula); i++)
        if (strcmp(statement_of(run->model, ks_formula_ref_at(formula,
                                                              i)->item),
                   statement) != 0)
            return KS_CHECK_CROSS_STATEMENT;
    return KS_CHECK_FORMULA;
}

/* What the engine's figure is, for the message. */
static void describe_basis(check_run *run, const ks_printed *printed,
                           char *buf, size_t size)
{
    ks_item_info info;
    char period_id[16];
    ks_item_get(run->model, printed->item, &info);
    switch (printed->measure) {
    case KS_MEASURE_VALUE:
        snprintf(buf, size, "= %.150s", info.formula ? info.formula : "");
        return;
    case KS_MEASURE_PCT: {
        char key[96];
        snprintf(key, sizeof key, "pct_base.%.80s", info.statement);
        const char *base = ks_setting(run->model, key);
        snprintf(buf, size, "of %.80s", base ? base : "?");
        return;
    }
    case KS_MEASURE_YOY:
    case KS_MEASURE_QOQ: {
        int offset = printed->measure == KS_MEASURE_YOY ? -4 : -1;
        int earlier = ks_period_shift(run->model, printed->period, offset);
        snprintf(buf, size, "against %s",
                 earlier < 0 ? "?"
                             : ks_period_id(run->model, earlier, period_id,
                                            sizeof period_id));
        return;
    }
    case KS_MEASURE_USD:
        ks_snprintf_c(buf, size, "at %g per USD", run->usd_rate);
        return;
    }
    buf[0] = '\0';
}

static void classify_figure(check_run *run, ks_check_result *result,
                            const ks_printed *printed)
{
    const char *suffix = result->is_percent ? "%" : "";
    char basis[180], engine[64];
    describe_basis(run, printed, basis, sizeof basis);
    if (result->expected_missing) {
        settle_break(run, result);
        return;
    }
    long long off = ks_check_units_off(result->expected,
                                       result->printed, result->decimals);
    result->difference = result->printed - result->expected;
    int shown = result->decimals +
                (fabs(result->expected - round(result->expected)) < 1e-9 ? 0
                                                                        : 2);
    int rounding = 0;
    if (off == 0)
        result->status = KS_CHECK_PASS;
    else if ((rounding = ties_within_rounding(
                  run, printed, result->is_percent ? 100.0 : 1.0)))
        result->status = KS_CHECK_PASS;
    else if ((off == 1 || off == -1) &&
             column_foots(run, printed->item, printed->period,
                          printed->measure))
        result->status = KS_CHECK_ADJUSTED;
    else
        settle_break(run, result);
    snprintf(result->message, sizeof result->message,
             "printed %s, engine %s%s (%s)%s", printed->text,
             figure_text(engine, sizeof engine, shown, result->expected),
             suffix, basis,
             result->status == KS_CHECK_ADJUSTED
                 ? ": one unit of the last digit off; the printed column "
                   "foots"
             : rounding ? ": ties within the rounding of the printed figures "
                          "it is computed from"
             : result->status == KS_CHECK_PASS ? "" : ": does not tie");
}

static ks_status check_figure(check_run *run, const ks_printed *printed,
                              ks_error *err)
{
    if (printed->measure == KS_MEASURE_VALUE && !run->formulas[printed->item])
        return KS_OK; /* an input: the engine holds the figure itself */
    ks_check_result *result = new_result(run, err);
    if (!result)
        return KS_ENOMEM;
    set_cell(run, result, printed->item, printed->period, printed->measure);
    result->kind = printed->measure == KS_MEASURE_VALUE
                       ? kind_of_formula(run, printed->item)
                       : KS_CHECK_MEASURE;
    result->is_percent = printed->is_percent ||
                         printed->measure == KS_MEASURE_PCT ||
                         printed->measure == KS_MEASURE_YOY ||
                         printed->measure == KS_MEASURE_QOQ;
    double scale = result->is_percent ? 100.0 : 1.0;
    result->decimals = printed->decimals;
    result->printed_text = printed->text;
    result->printed = printed->is_missing ? 0.0 : printed->number * scale;
    char why[160];
    double expected;
    if (engine_measure(run, printed->item, printed->period, printed->measure,
                       &expected, why, sizeof why)) {
        result->expected = expected * scale;
    } else if (printed->is_missing) {
        result->status = KS_CHECK_PASS; /* "-" where nothing is computed */
        result->expected_missing = 1;
        snprintf(result->message, sizeof result->message,
                 "printed %s and nothing to compute", printed->text);
        return KS_OK;
    } else {
        result->expected_missing = 1;
        snprintf(result->message, sizeof result->message,
                 "printed %s, but %s", printed->text, why);
    }
    classify_figure(run, result, printed);
    return KS_OK;
}

/* ---- rule 3: identities from the settings ------------------------------------------ */

typedef struct identity {
    const char *name;   /* after "check.identity."                         */
    const char *source; /* "lhs == rhs"                                    */
    ks_formula *lhs, *rhs;
    int lhs_item;       /* the left side's first item                      */
    int lhs_single;     /* the left side is one item: its decimals count   */
    ks_check_kind kind;
    int index;          /* its place among the identities                 */
} identity;

/* Split "lhs == rhs" at its top-level "=="; 0 when there is none. */
static int split_identity(const char *source, size_t *at)
{
    int depth = 0;
    for (size_t i = 0; source[i]; i++) {
        if (source[i] == '(')
            depth++;
        else if (source[i] == ')')
            depth--;
        else if (depth == 0 && source[i] == '=' && source[i + 1] == '=') {
            *at = i;
            return 1;
        }
    }
    return 0;
}

static ks_check_kind kind_of_identity(check_run *run, const identity *rule)
{
    const char *statement = statement_of(run->model, rule->lhs_item);
    int cross = 0;
    const ks_formula *sides[2] = { rule->lhs, rule->rhs };
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < ks_formula_ref_count(sides[s]); i++) {
            const ks_formula_ref *ref = ks_formula_ref_at(sides[s], i);
            if (ref->item == rule->lhs_item && ref->offset != 0)
                return KS_CHECK_ROLL_FORWARD;
            if (strcmp(statement_of(run->model, ref->item), statement) != 0)
                cross = 1;
        }
    return cross ? KS_CHECK_CROSS_STATEMENT : KS_CHECK_IDENTITY;
}

static ks_status compile_identity(check_run *run, identity *rule,
                                  ks_error *err)
{
    size_t at;
    if (!split_identity(rule->source, &at))
        return ks_error_set(err, KS_ESYNTAX, "settings: " IDENTITY_PREFIX
                            "%.60s: expected 'lhs == rhs', got '%.80s'",
                            rule->name, rule->source);
    char *lhs = ks_mem_strndup(run->alloc, rule->source, at);
    if (!lhs)
        return out_of_memory(err);
    ks_status status = compile(run, lhs, &rule->lhs, err);
    if (status == KS_OK)
        status = compile(run, rule->source + at + 2, &rule->rhs, err);
    if (status == KS_OK && ks_formula_ref_count(rule->lhs) == 0)
        status = ks_error_set(err, KS_ESYNTAX, "left side names no item");
    if (status == KS_OK) {
        rule->lhs_item = ks_formula_ref_at(rule->lhs, 0)->item;
        char trimmed[ID_MAX];
        snprintf(trimmed, sizeof trimmed, "%s", lhs);
        char *start = trimmed, *end = trimmed + strlen(trimmed);
        while (*start == ' ')
            start++;
        while (end > start && end[-1] == ' ')
            *--end = '\0';
        rule->lhs_single = ks_item_find(run->model, start) == rule->lhs_item;
        rule->kind = kind_of_identity(run, rule);
    }
    ks_mem_free(run->alloc, lhs);
    if (status != KS_OK && status != KS_ENOMEM)
        ks_error_prefix(err, "settings: " IDENTITY_PREFIX "%.60s", rule->name);
    return status;
}

/*
 * A cell's break is reported once: when an earlier check (the printed
 * figure's, or an identity before this one) already broke the cell, the
 * identity's break is named in that result's message and makes no result
 * of its own.  1 when it was folded so.
 */
static int fold_into_earlier_break(check_run *run, const identity *rule,
                                   int period)
{
    const char *value = ks_measure_name(KS_MEASURE_VALUE);
    for (size_t i = 0; i < run->count; i++) {
        ks_check_result *earlier = &run->results[i];
        if (earlier->item != rule->lhs_item || earlier->period != period ||
            strcmp(earlier->measure, value) != 0 ||
            (earlier->status != KS_CHECK_BREAK &&
             earlier->status != KS_CHECK_EXPLAINED))
            continue;
        char also[100];
        snprintf(also, sizeof also, "; identity %.60s breaks too",
                 rule->name);
        append_message(earlier, also);
        return 1;
    }
    return 0;
}

static ks_status check_identity_at(check_run *run, const identity *rule,
                                   int period, ks_error *err)
{
    eval_state state = { run, KS_MEASURE_VALUE, 1, 0 };
    double lhs, rhs;
    char left[64], right[64];
    if (!evaluate(&state, rule->lhs, rule->lhs_item, period, &lhs) ||
        !evaluate(&state, rule->rhs, rule->lhs_item, period, &rhs))
        return KS_OK; /* not computable here (e.g. no prior period) */
    const ks_printed *printed = rule->lhs_single
        ? ks_printed_find(run->model, rule->lhs_item, period,
                          KS_MEASURE_VALUE)
        : NULL;
    int ties = ks_check_units_off(rhs, lhs,
                                  printed ? printed->decimals : 6) == 0;
    if (!ties && fold_into_earlier_break(run, rule, period))
        return KS_OK;
    ks_check_result *result = new_result(run, err);
    if (!result)
        return KS_ENOMEM;
    set_cell(run, result, rule->lhs_item, period, KS_MEASURE_VALUE);
    result->kind = rule->kind;
    result->rule = rule->index;
    snprintf(result->identity, sizeof result->identity, "%s", rule->name);
    result->decimals = printed ? printed->decimals : 0;
    result->printed_text = printed ? printed->text : NULL;
    result->printed = lhs;
    result->expected = rhs;
    result->difference = lhs - rhs;
    if (ties)
        result->status = KS_CHECK_PASS;
    else
        settle_break(run, result);
    snprintf(result->message, sizeof result->message,
             "%.100s: %.60s against %.60s", rule->source,
             figure_text(left, sizeof left, result->decimals, lhs),
             figure_text(right, sizeof right,
                         result->decimals +
                             (fabs(rhs - round(rhs)) < 1e-9 ? 0 : 2),
                         rhs));
    return KS_OK;
}

static ks_status check_identity(check_run *run, identity *rule,
                                ks_error *err)
{
    ks_status status = compile_identity(run, rule, err);
    int periods = ks_period_count(run->model);
    for (int p = 0; status == KS_OK && p < periods; p++) {
        int period = ks_period_at(run->model, p);
        if (ks_printed_find(run->model, rule->lhs_item, period,
                            KS_MEASURE_VALUE))
            status = check_identity_at(run, rule, period, err);
    }
    ks_formula_free(rule->lhs, run->alloc);
    ks_formula_free(rule->rhs, run->alloc);
    return status;
}

/* The identities, in the order of settings.csv. */
static ks_status check_identities(check_run *run, ks_error *err)
{
    size_t prefix = strlen(IDENTITY_PREFIX);
    int count = 0;
    for (int i = 0; i < ks_setting_count(run->model); i++) {
        const char *key, *value;
        ks_setting_at(run->model, i, &key, &value);
        if (strncmp(key, IDENTITY_PREFIX, prefix) != 0)
            continue;
        identity rule;
        memset(&rule, 0, sizeof rule);
        rule.name = key + prefix;
        rule.source = value;
        rule.index = count++;
        ks_status status = check_identity(run, &rule, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

/* ---- notes that imply a quantity -------------------------------------------------- */

static const ks_note *note_named(ks_model *model, const char *id)
{
    for (int i = 0; i < ks_note_count(model); i++) {
        const ks_note *note = ks_note_at(model, i);
        if (strcmp(note->id, id) == 0)
            return note;
    }
    return NULL;
}

/* Split "name = expression": the name into `rule`, the expression's start
 * into rule->source; 0 when the value has not that form. */
static int split_implication(const char *value, implication *rule)
{
    const char *name = value;
    while (*name == ' ')
        name++;
    const char *end = name;
    while (isalnum((unsigned char)*end) || *end == '_' || *end == '.')
        end++;
    const char *equals = end;
    while (*equals == ' ')
        equals++;
    size_t length = (size_t)(end - name);
    if (length == 0 || length >= sizeof rule->name || *equals != '=' ||
        equals[1] == '=')
        return 0;
    memcpy(rule->name, name, length);
    rule->name[length] = '\0';
    rule->source = equals + 1;
    while (*rule->source == ' ')
        rule->source++;
    size_t source_length = strlen(rule->source);
    while (source_length > 0 && rule->source[source_length - 1] == ' ')
        source_length--;
    rule->source_length = source_length > 100 ? 100 : (int)source_length;
    return source_length > 0;
}

static ks_status compile_implication(check_run *run, const char *note_id,
                                     const char *value, implication *rule,
                                     ks_error *err)
{
    rule->note = note_named(run->model, note_id);
    if (!rule->note)
        return ks_error_set(err, KS_EUNKNOWN, "settings: " IMPLIES_PREFIX
                            "%.60s: no such note in notes.csv", note_id);
    if (rule->note->item < 0)
        return ks_error_set(err, KS_EINVAL, "settings: " IMPLIES_PREFIX
                            "%.60s: the note is on no item, so it explains "
                            "no break", note_id);
    if (!split_implication(value, rule))
        return ks_error_set(err, KS_ESYNTAX, "settings: " IMPLIES_PREFIX
                            "%.60s: expected 'name = expression', got "
                            "'%.80s'", note_id, value);
    ks_status status = compile(run, rule->source, &rule->formula, err);
    if (status != KS_OK && status != KS_ENOMEM)
        ks_error_prefix(err, "settings: " IMPLIES_PREFIX "%.60s", note_id);
    return status;
}

/* Every check.implies setting, compiled, in the order of settings.csv. */
static ks_status compile_implications(check_run *run, ks_error *err)
{
    size_t prefix = strlen(IMPLIES_PREFIX);
    int settings = ks_setting_count(run->model);
    for (int i = 0; i < settings; i++) {
        const char *key, *value;
        ks_setting_at(run->model, i, &key, &value);
        if (strncmp(key, IMPLIES_PREFIX, prefix) != 0)
            continue;
        if (!run->implications) {
            run->implications = ks_mem_calloc(run->alloc, (size_t)settings,
                                              sizeof *run->implications);
            if (!run->implications)
                return out_of_memory(err);
        }
        implication *rule = &run->implications[run->implication_count++];
        ks_status status = compile_implication(run, key + prefix, value,
                                               rule, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

/* The quantity the explaining note implies, on the printed figures at the
 * explained cell (the engine's where nothing is printed), into the
 * result's fields and message. */
static void imply(check_run *run, ks_check_result *result,
                  const implication *rule)
{
    eval_state state = { run, KS_MEASURE_VALUE, 1, 0 };
    double value = 0;
    snprintf(result->implied, sizeof result->implied, "%s", rule->name);
    result->implied_formula = rule->source;
    result->implied_missing = !evaluate(&state, rule->formula, result->item,
                                        result->period, &value);
    result->implied_value = result->implied_missing ? 0.0 : value;
    /* shown as the message shows the engine's figure: two more digits
       than printed, unless it is whole */
    int shown = result->decimals + (fabs(value - round(value)) < 1e-9 ? 0
                                                                    : 2);
    char figure[64], text[320];
    snprintf(text, sizeof text, "; the note implies %s = %.*s = %s",
             rule->name, rule->source_length, rule->source,
             result->implied_missing
                 ? "n.a"
                 : figure_text(figure, sizeof figure, shown, value));
    append_message(result, text);
}

static void imply_explained(check_run *run)
{
    for (size_t i = 0; i < run->count; i++) {
        ks_check_result *result = &run->results[i];
        if (result->status != KS_CHECK_EXPLAINED)
            continue;
        for (int r = 0; r < run->implication_count; r++)
            if (run->implications[r].note->id == result->note_id) {
                imply(run, result, &run->implications[r]);
                break;
            }
    }
}

/* ---- ordering and counting ---------------------------------------------------------- */

typedef struct sort_context {
    check_run *run;
    int *statement_rank; /* per item: index of the statement's first item */
} sort_context;

static int compare_ints(int a, int b) { return (a > b) - (a < b); }

static int compare_results(const ks_check_result *a, const ks_check_result *b,
                           const sort_context *context)
{
    int order = compare_ints(context->statement_rank[a->item],
                             context->statement_rank[b->item]);
    if (!order) /* figures first, then identities in settings order */
        order = compare_ints(a->rule, b->rule);
    if (!order && a->rule < 0)
        order = compare_ints(a->item, b->item);
    if (!order)
        order = compare_ints(context->run->period_rank[a->period],
                             context->run->period_rank[b->period]);
    if (!order)
        order = ks_measure_parse(a->measure) - ks_measure_parse(b->measure);
    return order;
}

/* Insertion sort: stable, and a report is a few hundred lines. */
static void sort_results(check_run *run, int *statement_rank)
{
    sort_context context = { run, statement_rank };
    for (size_t i = 1; i < run->count; i++) {
        ks_check_result moving = run->results[i];
        size_t j = i;
        while (j > 0 &&
               compare_results(&run->results[j - 1], &moving, &context) > 0) {
            run->results[j] = run->results[j - 1];
            j--;
        }
        run->results[j] = moving;
    }
}

static ks_status order_results(check_run *run, ks_error *err)
{
    int *rank = ks_mem_calloc(run->alloc, (size_t)run->item_count + 1,
                              sizeof *rank);
    if (!rank)
        return out_of_memory(err);
    for (int item = 0; item < run->item_count; item++) {
        const char *statement = statement_of(run->model, item);
        rank[item] = item;
        for (int first = 0; first < item; first++)
            if (strcmp(statement_of(run->model, first), statement) == 0) {
                rank[item] = rank[first];
                break;
            }
    }
    sort_results(run, rank);
    ks_mem_free(run->alloc, rank);
    return KS_OK;
}

/* ---- the run --------------------------------------------------------------------------- */

static ks_status prepare(check_run *run, ks_error *err)
{
    /* recalculated first: a failure there is the audit's, not a cell
       with no value (a false break) */
    ks_status status = ks_model_refresh(run->model, err);
    if (status != KS_OK)
        return status;
    run->item_count = ks_item_count(run->model);
    int periods = ks_period_count(run->model);
    size_t items = (size_t)run->item_count + 1;
    run->formulas = ks_mem_calloc(run->alloc, items, sizeof *run->formulas);
    run->column = ks_mem_calloc(run->alloc, items, 1);
    run->period_rank = ks_mem_calloc(run->alloc, (size_t)periods + 1,
                                     sizeof *run->period_rank);
    if (!run->formulas || !run->column || !run->period_rank)
        return out_of_memory(err);
    for (int i = 0; i < periods; i++)
        run->period_rank[ks_period_at(run->model, i)] = i;
    const char *rate = ks_setting(run->model, "rate.USD");
    run->usd_rate = rate ? ks_strtod_c(rate, NULL) : 0.0;
    status = compile_items(run, err);
    return status == KS_OK ? compile_implications(run, err) : status;
}

static void release(check_run *run)
{
    for (int item = 0; run->formulas && item < run->item_count; item++)
        ks_formula_free(run->formulas[item], run->alloc);
    ks_mem_free(run->alloc, run->formulas);
    ks_mem_free(run->alloc, run->column);
    ks_mem_free(run->alloc, run->period_rank);
    for (int r = 0; r < run->implication_count; r++)
        ks_formula_free(run->implications[r].formula, run->alloc);
    ks_mem_free(run->alloc, run->implications);
}

static ks_status audit(check_run *run, ks_error *err)
{
    ks_status status = prepare(run, err);
    for (int i = 0; status == KS_OK && i < ks_printed_count(run->model); i++)
        status = check_figure(run, ks_printed_at(run->model, i), err);
    if (status == KS_OK)
        status = check_identities(run, err);
    if (status == KS_OK) {
        imply_explained(run);
        status = order_results(run, err);
    }
    return status;
}

ks_status ks_check_run(ks_model *model, ks_check_report **out, ks_error *err)
{
    *out = NULL;
    if (!model)
        return ks_error_set(err, KS_EINVAL, "check: no model");
    check_run run;
    memset(&run, 0, sizeof run);
    run.model = model;
    run.alloc = ks_model_allocator(model);
    ks_status status = audit(&run, err);
    release(&run);
    ks_check_report *report = status == KS_OK
        ? ks_mem_calloc(run.alloc, 1, sizeof *report) : NULL;
    if (status == KS_OK && !report)
        status = out_of_memory(err);
    if (status != KS_OK) {
        ks_mem_free(run.alloc, run.results);
        return status;
    }
    report->results = run.results;
    report->count = run.count;
    report->alloc = *run.alloc;
    for (size_t i = 0; i < run.count; i++) {
        switch (run.results[i].status) {
        case KS_CHECK_PASS: report->passed++; break;
        case KS_CHECK_ADJUSTED: report->adjusted++; break;
        case KS_CHECK_BREAK: report->breaks++; break;
        case KS_CHECK_EXPLAINED: report->explained++; break;
        }
    }
    *out = report;
    return KS_OK;
}

void ks_check_free(ks_check_report *report)
{
    if (!report)
        return;
    ks_allocator alloc = report->alloc;
    ks_mem_free(&alloc, report->results);
    ks_mem_free(&alloc, report);
}
