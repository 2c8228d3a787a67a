/*
 * xlsx_export_cell.c -- what one cell of a view holds in the workbook
 * (io/xlsx_export.h), mirroring how kessan computes it:
 *
 *   - an input: in place (a scenario's own override) or a reference to
 *     the Inputs sheet; a missing input is an empty cell;
 *   - an item without a formula: the steps of its year (model/year_plan.h)
 *     -- a half, nine months or year the SUM of its quarters, an implied
 *     quarter the subtraction it is, a stock's period its last quarter;
 *   - an item with a formula: its time summary when the parts are all
 *     numbers (rule sum: the sets of parts tried in order; rule last: the
 *     last quarter unless missing), else the formula translated
 *     (xlsx_export_formula.c), falling back, where the formula gives
 *     missing, on what the item's own inputs of the year imply.
 *
 * A formula longer than Excel holds, nested deeper, or passing min or
 * max more arguments than a function takes, is written as its value, and
 * the cell says why (`unexpressed`).
 */
#include <string.h>

#include "base/error.h"
#include "io/xlsx_export.h"
#include "model/model.h"
#include "model/year_plan.h"

static void put_slot(ks_xlsx_text *text, const ks_xlsx_view *view, int item,
                     int year, int slot)
{
    ks_xlsx_put_cell(text, NULL, view->row[item],
                     view->column[ks_year_period(year, slot)]);
}

/* Slots a..b of a row as "C5:E5" (consecutive slots are consecutive
 * columns), or one cell. */
static void put_slots(ks_xlsx_text *text, const ks_xlsx_view *view, int item,
                      int year, int first, int last)
{
    put_slot(text, view, item, year, first);
    if (last == first)
        return;
    ks_xlsx_put(text, ":");
    put_slot(text, view, item, year, last);
}

/* A part set's cells: a range when its slots run on, else a list. */
static void put_set(ks_xlsx_text *text, const ks_xlsx_view *view, int item,
                    int year, const ks_part_set *set)
{
    int runs = 1;
    for (int k = 1; k < set->count; k++)
        runs &= set->slots[k] == set->slots[k - 1] + 1;
    if (runs) {
        put_slots(text, view, item, year, set->slots[0],
                  set->slots[set->count - 1]);
        return;
    }
    for (int k = 0; k < set->count; k++) {
        if (k)
            ks_xlsx_put(text, ",");
        put_slot(text, view, item, year, set->slots[k]);
    }
}

/* ---- items without a formula: the steps of the year --------------------- */

typedef struct year_plan {
    int usable[KS_SLOTS_PER_YEAR];
    ks_year_step steps[KS_YEAR_STEPS_MAX];
    int count;
} year_plan;

static const ks_year_step *step_to(const year_plan *plan, int slot)
{
    for (int k = 0; k < plan->count; k++)
        if (plan->steps[k].target == slot)
            return &plan->steps[k];
    return NULL;
}

/* The year whose four quarters alone are known under rule sum: each
 * longer period the SUM of its quarters' range. */
static int only_quarters(const year_plan *plan)
{
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
        if (plan->usable[slot] != ks_slot_is_quarter(slot))
            return 0;
    return 1;
}

static void put_step(ks_xlsx_text *text, const ks_xlsx_view *view, int item,
                     int year, const ks_year_step *step)
{
    put_slot(text, view, item, year, step->a);
    if (step->op == '=')
        return;
    ks_xlsx_put(text, step->op == '+' ? "+" : "-");
    put_slot(text, view, item, year, step->b);
}

static int input_row_formula(const ks_xlsx_view *view, int item, int period,
                             ks_rule rule, ks_xlsx_text *text)
{
    int year = period / KS_SLOTS_PER_YEAR, slot = period % KS_SLOTS_PER_YEAR;
    year_plan plan;
    plan.count = ks_year_plan(view->model, item, year, plan.usable,
                              plan.steps);
    const ks_year_step *step = step_to(&plan, slot);
    if (!step)
        return 0;
    if (rule == KS_RULE_SUM && only_quarters(&plan)) {
        uint8_t quarters = ks_slot_quarters(slot);
        int first = 0, last = 3;
        while (!(quarters & (1u << first)))
            first++;
        while (!(quarters & (1u << last)))
            last--;
        ks_xlsx_put(text, "SUM(");
        put_slots(text, view, item, year, first, last);
        ks_xlsx_put(text, ")");
        return 1;
    }
    put_step(text, view, item, year, step);
    return 1;
}

/* What the item's own inputs of the year give at `slot`, as one
 * expression over the input cells (the steps unrolled), or 0 when they
 * give nothing there. */
static int put_implied(ks_xlsx_text *text, const ks_xlsx_view *view,
                       int item, int year, const year_plan *plan, int slot,
                       int depth)
{
    if (plan->usable[slot]) {
        put_slot(text, view, item, year, slot);
        return 1;
    }
    const ks_year_step *step = step_to(plan, slot);
    if (!step || depth > KS_SLOTS_PER_YEAR)
        return 0;
    ks_xlsx_put(text, "(");
    put_implied(text, view, item, year, plan, step->a, depth + 1);
    if (step->op != '=') {
        ks_xlsx_put(text, step->op == '+' ? "+" : "-");
        put_implied(text, view, item, year, plan, step->b, depth + 1);
    }
    ks_xlsx_put(text, ")");
    return 1;
}

/* ---- cells that are always numbers -------------------------------------- */

#define SURE_DEPTH_MAX 256

static int parts_sure(const ks_xlsx_view *view, int item, int year,
                      const ks_part_set *set, int depth)
{
    for (int k = 0; k < set->count; k++)
        if (!ks_xlsx_cell_sure(view, item, ks_year_period(year, set->slots[k]),
                               depth + 1))
            return 0;
    return 1;
}

static int find_sure(const ks_xlsx_view *view, int item, int period,
                     int depth)
{
    ks_value value;
    if (ks_is_input(view->model, item, period))
        return ks_get(view->model, item, period, &value, NULL) == KS_OK &&
               value.kind == KS_NUMBER;
    int year = period / KS_SLOTS_PER_YEAR, slot = period % KS_SLOTS_PER_YEAR;
    const ks_xlsx_formula *formula = ks_xlsx_formula_of(view->formulas, item);
    ks_item_info info;
    ks_item_get(view->model, item, &info);
    if (!formula) {
        year_plan plan;
        plan.count = ks_year_plan(view->model, item, year, plan.usable,
                                  plan.steps);
        return step_to(&plan, slot) != NULL;
    }
    const ks_part_set *sets;
    int set_count = ks_summary_sets(info.rule, slot, &sets);
    if (set_count > 0 && parts_sure(view, item, year, &sets[0], depth))
        return 1;
    return ks_xlsx_formula_sure(view, formula, period, depth);
}

int ks_xlsx_cell_sure(const ks_xlsx_view *view, int item, int period,
                      int depth)
{
    unsigned char *memo =
        &view->sure[(size_t)item * (size_t)view->period_count +
                    (size_t)period];
    if (*memo)
        return *memo == 1;
    if (depth > SURE_DEPTH_MAX)
        return 0; /* not known: the tests stay, which is always right */
    int sure = find_sure(view, item, period, depth);
    *memo = sure ? 1 : 2;
    return sure;
}

/* ---- items with a formula ----------------------------------------------- */

static int formula_cell(const ks_xlsx_view *view,
                        const ks_xlsx_formula *formula,
                        int sheet, int item, int period, ks_rule rule,
                        ks_xlsx_text *text)
{
    int year = period / KS_SLOTS_PER_YEAR, slot = period % KS_SLOTS_PER_YEAR;
    const ks_part_set *sets;
    int set_count = ks_summary_sets(rule, slot, &sets);
    int opened = 0;
    if (set_count > 0 && parts_sure(view, item, year, &sets[0], 0)) {
        /* the first set always gives the summary */
        if (rule == KS_RULE_SUM)
            ks_xlsx_put(text, "SUM(");
        put_set(text, view, item, year, &sets[0]);
        if (rule == KS_RULE_SUM)
            ks_xlsx_put(text, ")");
        return 1;
    }
    if (rule == KS_RULE_LAST && set_count > 0) {
        ks_xlsx_put(text, "IF(");
        put_slot(text, view, item, year, sets[0].slots[0]);
        ks_xlsx_put(text, "=\"\",");
        opened = 1;
    } else {
        for (int k = 0; k < set_count; k++) {
            ks_xlsx_put(text, "IF(COUNT(");
            put_set(text, view, item, year, &sets[k]);
            ks_xlsx_put(text, ")=");
            ks_xlsx_put_number(text, sets[k].count);
            ks_xlsx_put(text, ",SUM(");
            put_set(text, view, item, year, &sets[k]);
            ks_xlsx_put(text, "),");
            opened++;
        }
    }
    year_plan plan;
    plan.count = ks_year_plan(view->model, item, year, plan.usable,
                              plan.steps);
    ks_xlsx_text fallback;
    ks_xlsx_text_init(&fallback, text->alloc);
    int has_fallback = put_implied(&fallback, view, item, year, &plan, slot, 0);
    text->failed |= fallback.failed;
    int deepest = ks_xlsx_formula_translate(
        view, formula, sheet, period, has_fallback ? fallback.data : NULL,
        text);
    ks_xlsx_text_release(&fallback);
    if (rule == KS_RULE_LAST && opened) {
        ks_xlsx_put(text, ",");
        put_slot(text, view, item, year, sets[0].slots[0]);
    }
    for (int k = 0; k < opened; k++)
        ks_xlsx_put(text, ")");
    return deepest + opened;
}

/* ---- the cell ----------------------------------------------------------- */

static void input_cell(const ks_xlsx_view *view, int item, int period,
                       ks_xlsx_text *text, ks_xlsx_cell *cell)
{
    cell->is_input = 1;
    cell->is_override = ks_scenario_has_override(view->model, item, period);
    if (cell->value.kind != KS_NUMBER) {
        cell->kind = KS_XLSX_EMPTY;
        return;
    }
    if ((cell->is_override && view->overrides_in_place) || !view->input_row ||
        view->input_row[item] < 0) {
        cell->kind = KS_XLSX_NUMBER;
        return;
    }
    cell->kind = KS_XLSX_FORMULA;
    ks_xlsx_put_cell(text, view->inputs_prefix, view->input_row[item],
                     view->column[period] - KS_XLSX_FIRST_PERIOD_COLUMN +
                         KS_XLSX_INPUTS_FIRST_COLUMN);
}

ks_status ks_xlsx_cell_of(const ks_xlsx_view *view, int sheet,
                          int item, int period, ks_xlsx_text *text,
                          ks_xlsx_cell *cell, ks_error *err)
{
    memset(cell, 0, sizeof *cell);
    text->length = 0;
    if (text->data)
        text->data[0] = '\0';
    ks_status status = ks_get(view->model, item, period, &cell->value, err);
    if (status != KS_OK)
        return status;
    if (ks_is_input(view->model, item, period)) {
        input_cell(view, item, period, text, cell);
    } else {
        ks_item_info info;
        ks_item_get(view->model, item, &info);
        const ks_xlsx_formula *formula =
            ks_xlsx_formula_of(view->formulas, item);
        int deepest = 0, written;
        if (formula) {
            deepest = formula_cell(view, formula, sheet, item, period,
                                   info.rule, text);
            written = 1;
        } else {
            written = input_row_formula(view, item, period, info.rule, text);
        }
        cell->kind = written ? KS_XLSX_FORMULA : KS_XLSX_EMPTY;
        if (written && text->length > KS_XLSX_FORMULA_MAX - 1)
            cell->unexpressed = "the formula is longer than the 8,192 "
                                "characters a spreadsheet formula holds";
        else if (written && deepest >= KS_XLSX_TOO_MANY_ARGUMENTS)
            cell->unexpressed = "the formula passes min or max more than "
                                "the 255 arguments a spreadsheet function "
                                "takes";
        else if (written && deepest > KS_XLSX_NESTING_MAX)
            cell->unexpressed = "the formula nests functions deeper than "
                                "the 64 levels a spreadsheet allows";
        if (cell->unexpressed)
            cell->kind = cell->value.kind == KS_NUMBER ? KS_XLSX_NUMBER
                                                       : KS_XLSX_EMPTY;
    }
    if (text->failed)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory writing a workbook formula");
    return KS_OK;
}
