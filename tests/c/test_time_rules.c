/*
 * test_time_rules.c -- the rules of time (which quarters make a half, nine
 * months or year, a stock's last quarter, what an input item's known
 * periods imply for the rest of its year) as the three evaluators apply
 * them: scalar recalculation (ks_eval_cell, one cell at a time, and the
 * closure of a change, on a model and on a scenario's overlay), row
 * recalculation (whole rows at once) and the simulation plan (a block of
 * trials whose draws are fixed, over a model and over a scenario).  On random
 * models and on a few written out by hand, every cell must come out the
 * same from all three: numbers bit for bit, missing as missing, errors
 * as errors (from the same cell, except in a simulation, whose errors
 * are anonymous).
 *
 * Seeded and deterministic: a failure names the seed and the cell.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kessan/kessan.h"
#include "kessan/simulate.h"
#include "model/model_internal.h"
#include "simulate/simulate_internal.h"

#define YEARS 3
#define PERIODS (YEARS * KS_SLOTS_PER_YEAR)
#define ITEMS_MAX 16
#define INPUTS_MAX 256
#define CHANGES_MAX 4
#define RANDOM_MODELS 600

/* ---- a model as data -------------------------------------------------------- */

typedef struct item_spec {
    char id[16];
    ks_rule rule;
    char formula[512]; /* "" for an input item */
} item_spec;

typedef struct cell_spec {
    int item, period;
    int missing; /* else `number` */
    double number;
} cell_spec;

typedef struct model_spec {
    unsigned long seed; /* 0 for a hand-written model */
    int item_count;
    item_spec items[ITEMS_MAX];
    int input_count;
    cell_spec inputs[INPUTS_MAX];  /* reported figures                 */
    int change_count;
    cell_spec changes[CHANGES_MAX]; /* then set (numbers): the draws   */
} model_spec;

static void add_item(model_spec *spec, const char *id, ks_rule rule,
                     const char *formula)
{
    item_spec *item = &spec->items[spec->item_count++];
    snprintf(item->id, sizeof item->id, "%s", id);
    item->rule = rule;
    snprintf(item->formula, sizeof item->formula, "%s", formula ? formula : "");
}

static void add_cell(cell_spec *cells, int *count, int item, int period,
                     int missing, double number)
{
    cell_spec *cell = &cells[(*count)++];
    cell->item = item;
    cell->period = period;
    cell->missing = missing;
    cell->number = number;
}

/* The period of a slot of year 0..YEARS-1 (1Q = slot 0 .. FY = slot 7). */
static int at(int year, int slot) { return ks_calendar_period(year, slot); }

/* ---- building and reading ----------------------------------------------------- */

static const char *where(const model_spec *spec, int item, int period)
{
    static char text[96];
    snprintf(text, sizeof text, "seed %lu: %s@%d (year %d, slot %d)",
             spec->seed, spec->items[item].id, period,
             period / KS_SLOTS_PER_YEAR, period % KS_SLOTS_PER_YEAR);
    return text;
}

static void set_cell(ks_model *model, const cell_spec *cell,
                     ks_provenance prov)
{
    ks_error err;
    double boxed = cell->missing ? ks_box_missing() : cell->number;
    assert_int_equal(ks_set_input(model, cell->item, cell->period, boxed,
                                  prov, &err), KS_OK);
}

/* The model of `spec` with its reported inputs; a formula the model
 * refuses (a cycle) is dropped from the spec, so later builds agree. */
static ks_model *build(model_spec *spec)
{
    ks_calendar calendar = { 3, 2001, 2001 + YEARS - 1 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, NULL, &model, &err), KS_OK);
    for (int i = 0; i < spec->item_count; i++) {
        const item_spec *item = &spec->items[i];
        ks_item_info info = { item->id, item->id, NULL, NULL, "is", NULL,
                              NULL, item->rule };
        assert_int_equal(ks_item_add(model, &info, NULL, &err), KS_OK);
    }
    for (int i = 0; i < spec->item_count; i++) {
        item_spec *item = &spec->items[i];
        if (item->formula[0] &&
            ks_define(model, item->id, item->formula, NULL, &err) != KS_OK) {
            if (err.code != KS_ECYCLE)
                fail_msg("define %s = %s: %s", item->id, item->formula,
                         err.message);
            item->formula[0] = '\0';
        }
    }
    for (int i = 0; i < spec->input_count; i++)
        set_cell(model, &spec->inputs[i], KS_PROV_REPORTED);
    return model;
}

static void set_changes(ks_model *model, const model_spec *spec)
{
    for (int i = 0; i < spec->change_count; i++)
        set_cell(model, &spec->changes[i], KS_PROV_OVERRIDDEN);
}

static double value_at(ks_model *model, int item, int period, uint8_t *prov)
{
    ks_value value;
    ks_error err;
    assert_int_equal(ks_get(model, item, period, &value, &err), KS_OK);
    uint64_t cell = ks_cell_of(model->book, item, period);
    *prov = model->book->prov[cell];
    return model->book->values[cell];
}

static void recalc(ks_model *model)
{
    uint8_t prov;
    value_at(model, 0, 0, &prov);
}

/* ---- the comparisons ---------------------------------------------------------- */

static void expect_same_bits(const model_spec *spec, int item, int period,
                             const char *what, double want, double got)
{
    if (ks_bits(want) != ks_bits(got))
        fail_msg("%s: %s gives %a (bits %016llx), the reference %a (bits "
                 "%016llx)", where(spec, item, period), what, got,
                 (unsigned long long)ks_bits(got), want,
                 (unsigned long long)ks_bits(want));
}

/* Whole rows (`rows`, the changes set before its first recalculation)
 * against the closure of the changes (`closure`, set after one). */
static void compare_rows_and_closure(const model_spec *spec, ks_model *rows,
                                     ks_model *closure)
{
    for (int item = 0; item < spec->item_count; item++)
        for (int period = 0; period < PERIODS; period++) {
            uint8_t prov_rows, prov_closure;
            double want = value_at(rows, item, period, &prov_rows);
            double got = value_at(closure, item, period, &prov_closure);
            expect_same_bits(spec, item, period, "the closure of a change",
                             want, got);
            if (prov_rows != prov_closure)
                fail_msg("%s: provenance %d after a change, %d whole",
                         where(spec, item, period), prov_closure, prov_rows);
        }
}

/* Each cell evaluated alone from the others (ks_eval_cell for a formula
 * item, its year for an input item) against what the rows stored. */
static void compare_cells_to_rows(const model_spec *spec, ks_model *model)
{
    ks_book *book = model->book;
    ks_reader reader = { model, book, 0 };
    for (int item = 0; item < spec->item_count; item++)
        for (int period = 0; period < PERIODS; period++) {
            uint64_t cell = ks_cell_of(book, item, period);
            double got;
            uint8_t prov;
            if (book->items[item].formula) {
                got = ks_eval_cell(&reader, item, period, &prov);
            } else {
                double row[KS_SLOTS_PER_YEAR];
                uint8_t row_prov[KS_SLOTS_PER_YEAR];
                ks_eval_input_row(&reader, item, period / KS_SLOTS_PER_YEAR,
                                  row, row_prov);
                got = row[ks_calendar_slot(period)];
                prov = row_prov[ks_calendar_slot(period)];
            }
            expect_same_bits(spec, item, period, "the cell alone",
                             book->values[cell], got);
            if (prov != book->prov[cell])
                fail_msg("%s: provenance %d alone, %d in its row",
                         where(spec, item, period), prov, book->prov[cell]);
        }
}

/* A simulation's lane against the reference: a number by its bits,
 * missing as missing, an error as an error (anonymous in a block of
 * trials: a simulation counts errors, it does not explain them). */
static void expect_same_value(const model_spec *spec, int item, int period,
                              double want, double got)
{
    if (ks_is_number(want) || ks_is_number(got))
        expect_same_bits(spec, item, period, "the simulation", want, got);
    else if (ks_is_missing(want) != ks_is_missing(got) ||
             ks_is_error(want) != ks_is_error(got))
        fail_msg("%s: the simulation gives %016llx, the reference %016llx",
                 where(spec, item, period), (unsigned long long)ks_bits(got),
                 (unsigned long long)ks_bits(want));
}

/* The plan of a simulation of `base` whose draws are the changes from
 * `first` on, fixed: one block of trials, every cell an output, against
 * `reference` (the model with all the changes set). */
static void compare_simulation(const model_spec *spec, ks_model *base,
                               ks_model *reference, int first)
{
    static char names[ITEMS_MAX * PERIODS][40];
    const char *outputs[ITEMS_MAX * PERIODS];
    static char draw_names[CHANGES_MAX][40];
    ks_sim_draw draws[CHANGES_MAX];
    int count = 0;
    for (int item = 0; item < spec->item_count; item++)
        for (int period = 0; period < PERIODS; period++) {
            char id[16];
            snprintf(names[count], sizeof names[count], "%s@%s",
                     spec->items[item].id,
                     ks_period_id(base, period, id, sizeof id));
            outputs[count] = names[count];
            count++;
        }
    int draw_count = 0;
    for (int c = first; c < spec->change_count; c++) {
        const cell_spec *change = &spec->changes[c];
        int d = draw_count++;
        snprintf(draw_names[d], sizeof draw_names[d], "%s",
                 outputs[change->item * PERIODS + change->period]);
        memset(&draws[d], 0, sizeof draws[d]);
        draws[d].cell = draw_names[d];
        draws[d].dist.kind = KS_DIST_FIXED;
        draws[d].dist.a = change->number;
    }
    ks_sim_spec sim = { .trials = 3, .seed = 1, .threads = 1, .draws = draws,
                        .draw_count = draw_count, .outputs = outputs,
                        .output_count = count };
    sim_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.alloc = ks_model_allocator(base);
    ks_error err;
    if (ks_sim_plan_prepare(&plan, base, &sim, &err) != KS_OK)
        fail_msg("seed %lu: planning: %s", spec->seed, err.message);
    sim_worker worker;
    assert_int_equal(ks_sim_worker_init(&worker, &plan), 0);
    ks_rng_seed(&worker.rng, 1, 0);
    worker.n = 3;
    ks_sim_eval_block(&worker);
    for (int o = 0; o < count; o++) {
        int item = o / PERIODS, period = o % PERIODS;
        const double *lanes = ks_sim_output_lanes(&worker, o);
        uint8_t prov;
        double want = value_at(reference, item, period, &prov);
        /* a constant output's lanes say only "not a number": its value */
        if (plan.outputs[o].slot < 0)
            expect_same_value(spec, item, period, want,
                              plan.values[ks_sim_cell(&plan, item, period)]);
        for (int lane = 0; plan.outputs[o].slot >= 0 && lane < worker.n; lane++)
            expect_same_value(spec, item, period, want, lanes[lane]);
    }
    ks_sim_worker_free(plan.alloc, &worker);
    ks_sim_plan_free(&plan);
}

/* The same as a scenario: the first change an override of its own, which
 * the plan reads through the overlay, the others drawn; then all set on
 * the scenario, whose overlay is the closure of its overrides. */
static void compare_scenario(model_spec *spec, ks_model *rows)
{
    ks_model *base = build(spec), *scenario = NULL;
    recalc(base);
    ks_error err;
    assert_int_equal(ks_scenario_new(base, "trial", &scenario, &err), KS_OK);
    set_cell(scenario, &spec->changes[0], KS_PROV_OVERRIDDEN);
    compare_simulation(spec, scenario, rows, 1);
    for (int c = 1; c < spec->change_count; c++)
        set_cell(scenario, &spec->changes[c], KS_PROV_OVERRIDDEN);
    for (int item = 0; item < spec->item_count; item++)
        for (int period = 0; period < PERIODS; period++) {
            ks_value want, got;
            assert_int_equal(ks_get(rows, item, period, &want, &err), KS_OK);
            assert_int_equal(ks_get(scenario, item, period, &got, &err), KS_OK);
            if (want.kind != got.kind || want.provenance != got.provenance ||
                ks_bits(want.number) != ks_bits(got.number) ||
                (want.kind == KS_ERROR && strcmp(want.error, got.error) != 0))
                fail_msg("%s: the scenario gives kind %d, %a (%s), the "
                         "reference kind %d, %a (%s)",
                         where(spec, item, period), got.kind, got.number,
                         got.kind == KS_ERROR ? got.error : "",
                         want.kind, want.number,
                         want.kind == KS_ERROR ? want.error : "");
        }
    ks_model_free(scenario);
    ks_model_free(base);
}

/* All three evaluators on one model. */
static void check_model(model_spec *spec)
{
    ks_model *rows = build(spec);
    set_changes(rows, spec);
    recalc(rows);
    compare_cells_to_rows(spec, rows);
    ks_model *closure = build(spec);
    recalc(closure); /* whole, before the changes */
    compare_simulation(spec, closure, rows, 0);
    set_changes(closure, spec);
    compare_rows_and_closure(spec, rows, closure);
    compare_cells_to_rows(spec, closure);
    compare_scenario(spec, rows);
    ks_model_free(closure);
    ks_model_free(rows);
}

/* ---- random models ------------------------------------------------------------ */

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static int pick(uint64_t *state, int n) { return (int)(next_random(state) % (uint64_t)n); }

static double random_number(uint64_t *state)
{
    static const double special[] = { 0.0, -0.0, 1.0, -3.0, 2.5, 1e308,
                                      -1e308, 0.1 };
    if (pick(state, 4) == 0)
        return special[pick(state, sizeof special / sizeof *special)];
    double number = (double)(pick(state, 2000) - 1000);
    return pick(state, 2) ? number / 7.0 : number;
}

static void append(char *text, size_t size, const char *format, ...)
{
    size_t used = strlen(text);
    va_list args;
    va_start(args, format);
    vsnprintf(text + used, size - used, format, args);
    va_end(args);
}

/* A reference from item `self` to `target`: the same period, an offset
 * (forward only to an earlier item without a formula, back to any), or a
 * fixed period of an earlier item. */
static void random_ref(uint64_t *state, const model_spec *spec, int self,
                       char *text, size_t size)
{
    int target = pick(state, spec->item_count);
    const item_spec *item = &spec->items[target];
    int earlier = target < self;
    switch (pick(state, 6)) {
    case 0:
        append(text, size, "%s[-1]", item->id);
        return;
    case 1:
        append(text, size, "%s[-4]", item->id);
        return;
    case 2:
        if (earlier && !item->formula[0]) {
            append(text, size, "%s[+1]", item->id);
            return;
        }
        break;
    case 3:
        if (earlier) {
            static const char *const fixed[] = { "FY02", "1Q02", "9M01",
                                                 "2H03", "1H02" };
            append(text, size, "%s%s@%s", item->id, pick(state, 2) ? "[-4]" : "",
                   fixed[pick(state, 5)]);
            return;
        }
        break;
    default:
        break;
    }
    if (target >= self) /* the same period of itself or a later item: a cycle */
        append(text, size, "%s[-1]", item->id);
    else
        append(text, size, "%s", item->id);
}

static void random_expr(uint64_t *state, const model_spec *spec, int self,
                        int depth, char *text, size_t size)
{
    int choice = depth <= 0 ? pick(state, 2) : pick(state, 9);
    switch (choice) {
    case 0: {
        static const char *const numbers[] = { "0", "1", "2", "0.5", "1e308",
                                               "3" };
        append(text, size, "%s", numbers[pick(state, 6)]);
        return;
    }
    case 1:
        random_ref(state, spec, self, text, size);
        return;
    case 2: case 3: case 4: case 5: {
        static const char ops[] = "+-*/";
        append(text, size, "(");
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, " %c ", ops[choice - 2]);
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, ")");
        return;
    }
    case 6:
        append(text, size, "-");
        random_expr(state, spec, self, depth - 1, text, size);
        return;
    case 7: {
        static const char *const names[] = { "sum", "min", "max" };
        append(text, size, "%s(", names[pick(state, 3)]);
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, ", ");
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, ")");
        return;
    }
    default:
        append(text, size, "if(");
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, ", ");
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, ", ");
        random_expr(state, spec, self, depth - 1, text, size);
        append(text, size, ")");
        return;
    }
}

/* Some known periods of a year: quarters alone, quarters and totals,
 * totals alone, or a scattering; now and then missing. */
static void random_year(uint64_t *state, model_spec *spec, int item, int year)
{
    static const uint8_t patterns[] = { 0x0F, 0xFF, 0x80, 0xC0, 0x40, 0x8E,
                                        0x47, 0x30, 0x07, 0x0B };
    unsigned known = pick(state, 3) ? patterns[pick(state, 10)]
                                    : (unsigned)pick(state, 256);
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
        if (known & (1u << slot) && spec->input_count < INPUTS_MAX)
            add_cell(spec->inputs, &spec->input_count, item, at(year, slot),
                     pick(state, 12) == 0, random_number(state));
}

static void random_model(model_spec *spec, unsigned long seed)
{
    uint64_t state = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
    memset(spec, 0, sizeof *spec);
    spec->seed = seed;
    int inputs = 2 + pick(&state, 4), formulas = 2 + pick(&state, 7);
    static const ks_rule rules[] = { KS_RULE_SUM, KS_RULE_SUM, KS_RULE_LAST,
                                     KS_RULE_LAST, KS_RULE_FORMULA };
    for (int i = 0; i < inputs + formulas; i++) {
        char id[16];
        snprintf(id, sizeof id, "%s%d", i < inputs ? "in" : "f", i);
        add_item(spec, id, rules[pick(&state, 5)], NULL);
    }
    for (int i = inputs; i < inputs + formulas; i++) {
        /* at least one reference, so the formula is not a constant */
        char *text = spec->items[i].formula;
        random_ref(&state, spec, i, text, sizeof spec->items[i].formula);
        append(text, sizeof spec->items[i].formula, " + ");
        random_expr(&state, spec, i, 3, text, sizeof spec->items[i].formula);
    }
    for (int i = 0; i < inputs + formulas; i++)
        for (int year = 0; year < YEARS; year++)
            if (i < inputs ? pick(&state, 5) > 0 : pick(&state, 6) == 0)
                random_year(&state, spec, i, year);
    int changes = 1 + pick(&state, CHANGES_MAX);
    for (int c = 0; c < changes; c++) {
        int item = pick(&state, spec->item_count);
        int period = pick(&state, PERIODS);
        int seen = 0;
        for (int k = 0; k < spec->change_count; k++)
            seen |= spec->changes[k].item == item &&
                    spec->changes[k].period == period;
        if (!seen)
            add_cell(spec->changes, &spec->change_count, item, period, 0,
                     random_number(&state));
    }
}

/* The model of a seed, written out (TIME_RULES_SEED=n names it). */
static void dump(const model_spec *spec)
{
    for (int i = 0; i < spec->item_count; i++)
        fprintf(stderr, "item %s rule %d = %s\n", spec->items[i].id,
                spec->items[i].rule, spec->items[i].formula);
    for (int i = 0; i < spec->input_count; i++)
        fprintf(stderr, "input %s@%d %s %a\n",
                spec->items[spec->inputs[i].item].id, spec->inputs[i].period,
                spec->inputs[i].missing ? "missing" : "",
                spec->inputs[i].number);
    for (int i = 0; i < spec->change_count; i++)
        fprintf(stderr, "change %s@%d %a\n",
                spec->items[spec->changes[i].item].id,
                spec->changes[i].period, spec->changes[i].number);
}

static void test_random_models(void **state)
{
    (void)state;
    model_spec spec;
    for (unsigned long seed = 1; seed <= RANDOM_MODELS; seed++) {
        random_model(&spec, seed);
        const char *shown = getenv("TIME_RULES_SEED");
        if (shown && strtoul(shown, NULL, 10) == seed)
            dump(&spec);
        check_model(&spec);
    }
}

/* ---- the rules, written out --------------------------------------------------- */

/* One item's cell as a number, after the three evaluators agreed on it. */
static double number_at(model_spec *spec, int item, int period)
{
    check_model(spec);
    ks_model *model = build(spec);
    set_changes(model, spec);
    uint8_t prov;
    double value = value_at(model, item, period, &prov);
    ks_model_free(model);
    return value;
}

static void test_sum_of_quarters(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "rev", KS_RULE_SUM, NULL);
    add_item(&spec, "twice", KS_RULE_SUM, "rev * 2");
    for (int q = 0; q < 4; q++)
        add_cell(spec.inputs, &spec.input_count, 0, at(1, q), 0, q + 1.0);
    add_cell(spec.changes, &spec.change_count, 0, at(1, 3), 0, 40.0);
    assert_true(number_at(&spec, 0, at(1, 4)) == 3.0);   /* 1H = 1Q + 2Q */
    assert_true(number_at(&spec, 0, at(1, 5)) == 43.0);  /* 2H = 3Q + 4Q */
    assert_true(number_at(&spec, 0, at(1, 6)) == 6.0);   /* 9M */
    assert_true(number_at(&spec, 1, at(1, 7)) == 92.0);  /* FY of a formula */
}

/* A formula item's 9M falls back on 1H + 3Q when a quarter is missing,
 * its FY on 1H + 2H, then 9M + 4Q. */
static void test_sum_fallbacks(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "rev", KS_RULE_SUM, NULL);
    add_item(&spec, "copy", KS_RULE_SUM, "rev");
    add_cell(spec.inputs, &spec.input_count, 1, at(1, 4), 0, 10.0); /* 1H */
    add_cell(spec.inputs, &spec.input_count, 1, at(1, 6), 0, 16.0); /* 9M */
    add_cell(spec.inputs, &spec.input_count, 0, at(1, 2), 0, 6.0);  /* 3Q */
    add_cell(spec.inputs, &spec.input_count, 0, at(1, 3), 0, 7.0);  /* 4Q */
    add_cell(spec.changes, &spec.change_count, 0, at(1, 3), 0, 8.0);
    assert_true(number_at(&spec, 1, at(1, 5)) == 14.0); /* 2H = 3Q + 4Q */
    assert_true(number_at(&spec, 1, at(1, 7)) == 24.0); /* FY = 1H + 2H */
}

/* An input item's missing quarter is implied from its year to date. */
static void test_implied_quarter(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "rev", KS_RULE_SUM, NULL);
    add_cell(spec.inputs, &spec.input_count, 0, at(0, 1), 0, 2.0);
    add_cell(spec.inputs, &spec.input_count, 0, at(0, 2), 0, 3.0);
    add_cell(spec.inputs, &spec.input_count, 0, at(0, 6), 0, 10.0);
    add_cell(spec.changes, &spec.change_count, 0, at(0, 2), 0, 4.0);
    assert_true(number_at(&spec, 0, at(0, 0)) == 4.0); /* 9M - 2Q - 3Q */
}

/* A stock's longer periods take their last quarter, and a quarter that
 * ends a known longer period is that period. */
static void test_last_quarter(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "cash", KS_RULE_LAST, NULL);
    add_item(&spec, "net", KS_RULE_LAST, "cash - 1");
    add_cell(spec.inputs, &spec.input_count, 0, at(0, 1), 0, 5.0);
    add_cell(spec.inputs, &spec.input_count, 0, at(0, 7), 0, 9.0);
    add_cell(spec.changes, &spec.change_count, 0, at(0, 2), 0, 7.0);
    assert_true(number_at(&spec, 0, at(0, 4)) == 5.0); /* 1H = 2Q */
    assert_true(number_at(&spec, 0, at(0, 3)) == 9.0); /* 4Q = FY */
    assert_true(number_at(&spec, 0, at(0, 6)) == 7.0); /* 9M = 3Q */
    assert_true(number_at(&spec, 1, at(0, 5)) == 8.0); /* 2H of a formula */
}

/* A sum that overflows is an error, never an infinity; an error in a
 * stock's last quarter is its longer periods' error. */
static void test_overflow_and_errors(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "big", KS_RULE_SUM, NULL);
    add_item(&spec, "ratio", KS_RULE_LAST, "1 / big");
    for (int q = 0; q < 4; q++)
        add_cell(spec.inputs, &spec.input_count, 0, at(2, q), 0, 1e308);
    add_cell(spec.changes, &spec.change_count, 0, at(2, 3), 0, 0.0);
    check_model(&spec);
    ks_model *model = build(&spec);
    set_changes(model, &spec);
    uint8_t prov;
    assert_true(ks_is_error(value_at(model, 0, at(2, 7), &prov)));
    assert_true(ks_is_error(value_at(model, 1, at(2, 3), &prov)));
    assert_true(ks_is_error(value_at(model, 1, at(2, 7), &prov)));
    ks_model_free(model);
}

/* A formula on a reported line that gives missing falls back on what the
 * line's inputs of the year imply (4Q = FY for a stock), drawn or not. */
static void test_formula_on_reported_line(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "gone", KS_RULE_SUM, NULL);
    add_item(&spec, "cash", KS_RULE_LAST, "gone + 1");
    add_item(&spec, "next", KS_RULE_LAST, "cash * 2");
    add_cell(spec.inputs, &spec.input_count, 1, at(1, 7), 0, 5.0);
    add_cell(spec.changes, &spec.change_count, 1, at(1, 7), 0, 6.0);
    assert_true(number_at(&spec, 1, at(1, 3)) == 6.0);  /* 4Q = FY */
    assert_true(number_at(&spec, 2, at(1, 3)) == 12.0);
}

/* A drawn half changes how its year adds up even where no draw reaches:
 * FY = 4Q + 9M rather than 1H + 2H, and a formula reading FY follows. */
static void test_drawn_half(void **state)
{
    (void)state;
    model_spec spec = { 0 };
    add_item(&spec, "rev", KS_RULE_SUM, NULL);
    add_item(&spec, "fy", KS_RULE_FORMULA, "rev + 0.5");
    static const double quarters[] = { 131.57, -434.0, 0.1, 183.0 };
    for (int q = 0; q < 4; q++)
        add_cell(spec.inputs, &spec.input_count, 0, at(2, q), 0, quarters[q]);
    add_cell(spec.changes, &spec.change_count, 0, at(2, 5), 0, -239.7);
    double fy = number_at(&spec, 0, at(2, 7));
    assert_true(fy == 183.0 + (0.1 + (131.57 + -434.0)));
    assert_true(number_at(&spec, 1, at(2, 7)) == fy + 0.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_of_quarters),
        cmocka_unit_test(test_sum_fallbacks),
        cmocka_unit_test(test_implied_quarter),
        cmocka_unit_test(test_last_quarter),
        cmocka_unit_test(test_overflow_and_errors),
        cmocka_unit_test(test_formula_on_reported_line),
        cmocka_unit_test(test_drawn_half),
        cmocka_unit_test(test_random_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
