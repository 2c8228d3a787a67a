/*
 * recalc.c -- evaluating cells: one cell, one input item's year, the whole
 * model in dependency order, and only the dependents of changed inputs.
 *
 * Order (graph.c): groups of items in dependency order; a group of one item
 * is evaluated row by row (all its periods in time order), a larger group
 * period by period.  Within a year the quarters come before 1H, 2H, 9M, FY,
 * so a summary always finds its parts already computed.
 *
 * What a cell holds, first match wins:
 *   an input (reported or overridden);
 *   for an item with a formula: the formula in a quarter; in a half, 9M or
 *   year the time summary of its own quarters (rule sum: their sum; rule
 *   last: the last quarter) when it can be had, else the formula there
 *   (rule formula: always the formula);
 *   for an item without one: what its year's inputs give (sums of known
 *   parts, computed; differences such as 1Q = 9M - 2Q - 3Q, implied).
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "model/model_internal.h"

typedef ks_eval_context eval_context;

/* ---- reading ---------------------------------------------------------------- */

double ks_read_value(const ks_reader *reader, uint64_t cell, uint8_t *prov)
{
    if (reader->scenario) {
        const ks_cell_entry *entry =
            ks_cell_map_find(&reader->model->overlay, cell);
        if (entry) {
            *prov = (uint8_t)entry->extra;
            return entry->value;
        }
    }
    *prov = reader->book->prov[cell];
    return reader->book->values[cell];
}

double ks_read_input(const ks_reader *reader, uint64_t cell, uint8_t *prov)
{
    if (reader->scenario) {
        const ks_cell_entry *entry =
            ks_cell_map_find(&reader->model->overrides, cell);
        if (entry) {
            *prov = (uint8_t)entry->extra;
            return entry->value;
        }
    }
    *prov = reader->book->input_prov[cell];
    return reader->book->inputs[cell];
}

static double load_base(void *ud, int item, int period)
{
    const eval_context *context = ud;
    const ks_book *book = context->reader->book;
    return book->values[ks_cell_of(book, item, period)];
}

static double load_overlay(void *ud, int item, int period)
{
    const eval_context *context = ud;
    uint8_t prov;
    return ks_read_value(context->reader,
                         ks_cell_of(context->reader->book, item, period),
                         &prov);
}

static int shift_period(void *ud, int period, int offset)
{
    const eval_context *context = ud;
    return ks_calendar_shift(context->reader->book, period, offset);
}

static double record_fault(void *ud, ks_fault fault, const char *detail)
{
    (void)detail;
    const eval_context *context = ud;
    const ks_reader *reader = context->reader;
    uint64_t cell = ks_cell_of(reader->book, context->item, context->period);
    ks_cell_map *faults = reader->scenario ? &reader->model->faults
                                           : &reader->book->faults;
    ks_cell_entry *entry = ks_cell_map_put(&reader->model->alloc, faults, cell);
    if (entry)
        entry->extra = (uint32_t)fault;
    else
        reader->model->faults_lost = 1; /* the pass must be redone */
    return ks_box_error((uint32_t)cell);
}

static const char *item_id(void *ud, int item)
{
    const eval_context *context = ud;
    return context->reader->book->items[item].id;
}

static const char *period_id(void *ud, int period, char *buf, size_t size)
{
    const eval_context *context = ud;
    return ks_period_id(context->reader->model, period, buf, size);
}

void ks_eval_env_setup(ks_eval_env *env, ks_eval_context *context)
{
    env->user_data = context;
    env->load = context->reader->scenario ? load_overlay : load_base;
    env->shift = shift_period;
    env->fail = record_fault;
    env->item_id = item_id;
    env->period_id = period_id;
    env->item = context->item;
    env->period = context->period;
}

/* ---- one cell ------------------------------------------------------------- */

static double eval_formula(const ks_reader *reader, const ks_item *item,
                           int item_index, int period)
{
    eval_context context = { reader, item_index, period };
    ks_eval_env env;
    ks_eval_env_setup(&env, &context);
    double result = ks_formula_eval(item->formula, &env);
    /* an infinity (an input's, passed on) is an overflow, not a value */
    if (result - result != 0 && ks_is_number(result))
        return record_fault(&context, KS_FAULT_OVERFLOW, NULL);
    return result;
}

/* Whether a number is an infinity (a sum of finite parts that overflowed). */
static inline int is_infinite(double x)
{
    return x - x != 0 && x == x;
}

/* A time summary or derived part that overflowed: an error value whose
 * origin is the cell ("overflow in rev.total@FY02"), never an infinity. */
static double overflow_at(const ks_reader *reader, int item, int period)
{
    eval_context context = { reader, item, period };
    return record_fault(&context, KS_FAULT_OVERFLOW, NULL);
}

/* The same for every slot of an input item's year. */
static void overflows_of_row(const ks_reader *reader, int item, int year,
                             double value[KS_SLOTS_PER_YEAR])
{
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
        if (is_infinite(value[slot]))
            value[slot] = overflow_at(reader, item,
                                      ks_calendar_period(year, slot));
}

/* The sum of a set of parts of `item` in `year`, when all are numbers. */
static int sum_parts(const ks_reader *reader, int item, int year,
                     const ks_part_set *set, double *out)
{
    double total = KS_PARTS_SUM_START;
    for (int i = 0; i < set->count; i++) {
        uint8_t prov;
        double part = ks_read_value(
            reader,
            ks_cell_of(reader->book, item,
                       ks_calendar_period(year, set->slots[i])),
            &prov);
        if (!ks_is_number(part))
            return 0;
        total += part;
    }
    *out = total;
    return 1;
}

int ks_summary_source(const ks_reader *reader, int item_index, int period,
                      double *out)
{
    ks_rule rule = reader->book->items[item_index].rule;
    const ks_part_set *sets;
    int count = ks_summary_sets(rule, ks_calendar_slot(period), &sets);
    int year = period / KS_SLOTS_PER_YEAR;
    if (rule == KS_RULE_LAST && count > 0) {
        uint8_t prov;
        *out = ks_read_value(
            reader,
            ks_cell_of(reader->book, item_index,
                       ks_calendar_period(year, sets[0].slots[0])),
            &prov);
        return ks_is_missing(*out) ? -1 : 0;
    }
    for (int k = 0; k < count; k++)
        if (sum_parts(reader, item_index, year, &sets[k], out))
            return k;
    return -1;
}

/* A formula item whose formula gives nothing in a cell falls back on what
 * its own inputs of the year imply there (1Q02 = 9M02 - 2Q02 - 3Q02 stays
 * true after a formula is defined on a reported line). */
static double implied_fallback(const ks_reader *reader, int item, int period,
                               double computed, uint8_t *prov)
{
    if (!ks_is_missing(computed))
        return computed;
    double value[KS_SLOTS_PER_YEAR];
    uint8_t row_prov[KS_SLOTS_PER_YEAR];
    ks_eval_input_row(reader, item, period / KS_SLOTS_PER_YEAR, value,
                      row_prov);
    int slot = ks_calendar_slot(period);
    if (!ks_is_number(value[slot]))
        return computed;
    *prov = row_prov[slot];
    return value[slot];
}

double ks_eval_cell(const ks_reader *reader, int item_index, int period,
                    uint8_t *prov)
{
    const ks_book *book = reader->book;
    const ks_item *item = &book->items[item_index];
    uint64_t cell = ks_cell_of(book, item_index, period);
    double input = ks_read_input(reader, cell, prov);
    if (!ks_is_none(input))
        return input;
    *prov = KS_PROV_COMPUTED;
    double summary;
    if (ks_summary_source(reader, item_index, period, &summary) >= 0)
        return is_infinite(summary) ? overflow_at(reader, item_index, period)
                                    : summary;
    return implied_fallback(reader, item_index, period,
                            eval_formula(reader, item, item_index, period),
                            prov);
}

/* ---- one input item's year -------------------------------------------- */

void ks_eval_input_row(const ks_reader *reader, int item, int year,
                       double value[KS_SLOTS_PER_YEAR],
                       uint8_t prov[KS_SLOTS_PER_YEAR])
{
    const ks_book *book = reader->book;
    int usable[KS_SLOTS_PER_YEAR];
    uint64_t first = ks_cell_of(book, item, ks_calendar_period(year, 0));
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++) {
        if (reader->scenario) {
            value[slot] = ks_read_input(reader, first + (uint64_t)slot,
                                        &prov[slot]);
        } else {
            value[slot] = book->inputs[first + (uint64_t)slot];
            prov[slot] = book->input_prov[first + (uint64_t)slot];
        }
        if (ks_is_none(value[slot])) {
            value[slot] = ks_box_missing();
            prov[slot] = KS_PROV_NONE;
        }
        usable[slot] = ks_is_number(value[slot]);
    }
    ks_row_step steps[KS_ROW_STEPS_MAX];
    int count = ks_row_plan(book->items[item].rule, prov, usable, steps);
    ks_row_apply(steps, count, value);
    overflows_of_row(reader, item, year, value);
}

/* ---- the whole model ------------------------------------------------------- */

static void store_row(ks_book *book, int item, int year,
                      const double value[], const uint8_t prov[])
{
    uint64_t first = ks_cell_of(book, item, ks_calendar_period(year, 0));
    memcpy(&book->values[first], value, KS_SLOTS_PER_YEAR * sizeof *value);
    memcpy(&book->prov[first], prov, KS_SLOTS_PER_YEAR);
}

/* ---- formula rows as blocks of periods ------------------------------------ */

/* A formula whose references are all plain ids (the same period of other
 * items) reads, for a run of consecutive periods, consecutive cells of
 * each row: the block machine evaluates it over the run at once, one lane
 * a period.  Lanes that come out as anything but a number (errors, missing,
 * faults) are evaluated again one by one, which records where errors
 * begin. */
static int is_row_formula(const ks_formula *formula)
{
    int count = ks_formula_ref_count(formula);
    for (int i = 0; i < count; i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        if (ref->kind != KS_REF_RELATIVE || ref->offset != 0)
            return 0;
    }
    return 1;
}

static const double *load_row(void *ud, int item, int period, double *scratch)
{
    (void)scratch;
    const ks_book *book = ud;
    return &book->values[ks_cell_of(book, item, period)];
}

static int shift_row(void *ud, int period, int offset)
{
    return ks_calendar_shift(ud, period, offset);
}

/* The formula over periods first .. first + lanes - 1 into out[]. */
static void eval_row_block(const ks_book *book, const ks_formula *formula,
                           int first, int lanes, double *out)
{
    ks_block_env env = { .user_data = (void *)book, .load_block = load_row,
                         .shift = shift_row, .period = first };
    ks_formula_eval_block(formula, &env, out, lanes);
}

/* The cell of a formula item at `period` once its formula's value (or
 * NaN when the formula is to be run cell by cell) has been put in
 * values[period]: an input, a half or year of a sum or last item from its
 * quarters, or the formula's value when it is a finite number; the rest
 * through ks_eval_cell. */
static void settle_cell(const ks_reader *reader, int item_index,
                        const ks_item *item, double *values, uint8_t *prov,
                        const double *inputs, const uint8_t *input_prov,
                        int period)
{
    if (!ks_is_none(inputs[period])) {
        values[period] = inputs[period];
        prov[period] = input_prov[period];
        return;
    }
    int slot = ks_calendar_slot(period);
    const ks_part_set *sets;
    if (ks_has_summary(item->rule, slot) &&
        ks_summary_sets(item->rule, slot, &sets) > 0) {
        /* the first set, from the row's own quarters, computed already */
        const double *year = &values[period - slot];
        double summary;
        int done;
        if (item->rule == KS_RULE_SUM) {
            summary = KS_PARTS_SUM_START;
            for (int k = 0; k < sets[0].count; k++)
                summary += year[sets[0].slots[k]];
            done = ks_is_number(summary);
        } else {
            summary = year[sets[0].slots[0]];
            done = !ks_is_missing(summary);
        }
        if (done) {
            if (is_infinite(summary))
                summary = overflow_at(reader, item_index, period);
            values[period] = summary;
            prov[period] = KS_PROV_COMPUTED;
            return;
        }
    } else if (values[period] - values[period] == 0) {
        prov[period] = KS_PROV_COMPUTED;
        return;
    }
    values[period] = ks_eval_cell(reader, item_index, period, &prov[period]);
}

/* A formula item's whole row in the base, the hot loop of a full
 * recalculation: the same rules as ks_eval_cell, with the row's own cells
 * read straight from the arrays, the formula run over the whole row on
 * the block machine when it can be (its lanes written into the row, then
 * settled cell by cell in time order), else cell by cell with the
 * environment set up once. */
static void eval_formula_row(const ks_reader *reader, int item_index)
{
    ks_book *book = reader->book;
    const ks_item *item = &book->items[item_index];
    uint64_t first = ks_cell_of(book, item_index, 0);
    double *values = &book->values[first];
    uint8_t *prov = &book->prov[first];
    const double *inputs = &book->inputs[first];
    const uint8_t *input_prov = &book->input_prov[first];
    int period_count = book->period_count;
    if (is_row_formula(item->formula)) {
        for (int start = 0; start < period_count;
             start += KS_BLOCK_LANES_MAX) {
            int lanes = period_count - start < KS_BLOCK_LANES_MAX
                            ? period_count - start
                            : KS_BLOCK_LANES_MAX;
            eval_row_block(book, item->formula, start, lanes,
                           &values[start]);
        }
        for (int period = 0; period < period_count; period++)
            settle_cell(reader, item_index, item, values, prov, inputs,
                        input_prov, period);
        return;
    }
    eval_context context = { reader, item_index, 0 };
    ks_eval_env env;
    ks_eval_env_setup(&env, &context);
    for (int period = 0; period < period_count; period++) {
        values[period] = ks_box_missing();
        if (ks_is_none(inputs[period]) &&
            !ks_has_summary(item->rule, ks_calendar_slot(period))) {
            context.period = env.period = period;
            values[period] = ks_formula_eval(item->formula, &env);
        }
        settle_cell(reader, item_index, item, values, prov, inputs,
                    input_prov, period);
    }
}

/* An input item's row: the common years directly (the four quarters
 * numbers and nothing longer, or nothing at all), the others through
 * ks_eval_input_row. */
static void eval_input_item(const ks_reader *reader, int item)
{
    ks_book *book = reader->book;
    ks_rule rule = book->items[item].rule;
    for (int year = 0; year < book->year_count; year++) {
        uint64_t first = ks_cell_of(book, item, ks_calendar_period(year, 0));
        const double *in = &book->inputs[first];
        double *out = &book->values[first];
        uint8_t *prov = &book->prov[first];
        int longer_none = ks_is_none(in[4]) && ks_is_none(in[5]) &&
                          ks_is_none(in[6]) && ks_is_none(in[7]);
        int quarters = ks_is_number(in[0]) && ks_is_number(in[1]) &&
                       ks_is_number(in[2]) && ks_is_number(in[3]);
        if (longer_none && quarters && rule != KS_RULE_FORMULA) {
            memcpy(out, in, KS_QUARTERS_PER_YEAR * sizeof *out);
            memcpy(prov, &book->input_prov[first], KS_QUARTERS_PER_YEAR);
            ks_row_apply_quarters(rule, out);
            if (rule == KS_RULE_SUM)
                overflows_of_row(reader, item, year, out);
            memset(&prov[KS_QUARTERS_PER_YEAR], KS_PROV_COMPUTED,
                   KS_SLOTS_PER_YEAR - KS_QUARTERS_PER_YEAR);
            continue;
        }
        if (longer_none && ks_is_none(in[0]) && ks_is_none(in[1]) &&
            ks_is_none(in[2]) && ks_is_none(in[3])) {
            for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
                out[slot] = ks_box_missing();
            memset(prov, KS_PROV_NONE, KS_SLOTS_PER_YEAR);
            continue;
        }
        double value[KS_SLOTS_PER_YEAR];
        uint8_t row_prov[KS_SLOTS_PER_YEAR];
        ks_eval_input_row(reader, item, year, value, row_prov);
        store_row(book, item, year, value, row_prov);
    }
}

static void eval_row(const ks_reader *reader, int item)
{
    if (!reader->book->items[item].formula)
        eval_input_item(reader, item);
    else
        eval_formula_row(reader, item);
}

static void full_recalc(ks_model *model)
{
    ks_book *book = model->book;
    ks_reader reader = { model, book, 0 };
    ks_cell_map_clear(&book->faults);
    for (int group = 0; group < book->group_count; group++) {
        int first = book->group_start[group];
        int last = book->group_start[group + 1];
        if (last - first == 1) {
            eval_row(&reader, book->order[first]);
            continue;
        }
        for (int period = 0; period < book->period_count; period++)
            for (int i = first; i < last; i++) {
                int item = book->order[i];
                uint64_t cell = ks_cell_of(book, item, period);
                book->values[cell] =
                    ks_eval_cell(&reader, item, period, &book->prov[cell]);
            }
    }
    book->values_dirty = 0;
    book->pending_count = 0;
}

/* ---- closures of dependents -------------------------------------------------- */

typedef struct cell_queue {
    const ks_allocator *alloc;
    uint64_t *cells;
    size_t count, capacity;
    int failed;
} cell_queue;

static void visit(ks_book *book, cell_queue *queue, int item, int period)
{
    uint64_t cell = ks_cell_of(book, item, period);
    if (book->stamps[cell] == book->generation || queue->failed)
        return;
    if (ks_mem_grow(queue->alloc, (void **)&queue->cells, &queue->capacity,
                    queue->count + 1, sizeof *queue->cells) != 0) {
        queue->failed = 1;
        return;
    }
    book->stamps[cell] = book->generation;
    queue->cells[queue->count++] = cell;
}

/* Queue the cells that depend on `cell`.  An input cell (a seed) changes
 * what its year implies, so the whole year of its item follows. */
static void expand(ks_book *book, cell_queue *queue, uint64_t cell,
                   int is_input)
{
    int item = (int)(cell / (uint64_t)book->period_count);
    int period = (int)(cell % (uint64_t)book->period_count);
    int year = period / KS_SLOTS_PER_YEAR, slot = ks_calendar_slot(period);
    const ks_item *it = &book->items[item];
    if (!it->formula || is_input) {
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++)
            visit(book, queue, item, ks_calendar_period(year, s));
    } else if (it->rule != KS_RULE_FORMULA) {
        for (int s = KS_QUARTERS_PER_YEAR; s < KS_SLOTS_PER_YEAR; s++)
            if (s != slot && ks_slot_within(slot, s))
                visit(book, queue, item, ks_calendar_period(year, s));
    }
    for (int e = book->edge_start[item]; e < book->edge_start[item + 1]; e++) {
        const ks_edge *edge = &book->edges[e];
        const ks_formula_ref *ref = edge->ref;
        if (ref->kind == KS_REF_ABSOLUTE) {
            int target = ref->offset ? ks_calendar_shift(book, ref->period,
                                                         ref->offset)
                                     : ref->period;
            if (target != period)
                continue;
            for (int p = 0; p < book->period_count; p++)
                visit(book, queue, edge->item, p);
            continue;
        }
        int from = ks_calendar_shift(book, period, -ref->offset);
        if (from >= 0)
            visit(book, queue, edge->item, from);
    }
}

static int compare_keys(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

uint64_t *ks_closure(ks_book *book, const ks_allocator *alloc,
                     const uint64_t *cells, size_t count, size_t *out_count)
{
    if (++book->generation == 0) {
        memset(book->stamps, 0,
               book->item_capacity * (size_t)book->period_count *
                   sizeof *book->stamps);
        book->generation = 1;
    }
    cell_queue queue = { alloc, NULL, 0, 0, 0 };
    for (size_t i = 0; i < count; i++) {
        uint64_t cell = cells[i];
        visit(book, &queue, (int)(cell / (uint64_t)book->period_count),
              (int)(cell % (uint64_t)book->period_count));
    }
    size_t seeded = queue.count;
    for (size_t head = 0; head < queue.count && !queue.failed; head++)
        expand(book, &queue, queue.cells[head], head < seeded);
    if (queue.failed || queue.count == 0) {
        ks_mem_free(alloc, queue.cells);
        *out_count = 0;
        return queue.failed ? NULL : ks_mem_alloc(alloc, 1);
    }
    /* sort by (group, period, rank): the evaluation order */
    for (size_t i = 0; i < queue.count; i++) {
        uint64_t cell = queue.cells[i];
        int item = (int)(cell / (uint64_t)book->period_count);
        uint64_t period = cell % (uint64_t)book->period_count;
        queue.cells[i] = ((uint64_t)book->group_of[item] << 40) |
                         (period << 20) | (uint64_t)book->rank[item];
    }
    qsort(queue.cells, queue.count, sizeof *queue.cells, compare_keys);
    for (size_t i = 0; i < queue.count; i++) {
        uint64_t key = queue.cells[i];
        int item = book->order[key & 0xFFFFF];
        int period = (int)((key >> 20) & 0xFFFFF);
        queue.cells[i] = ks_cell_of(book, item, period);
    }
    *out_count = queue.count;
    return queue.cells;
}

void ks_eval_closure(const ks_reader *reader, const uint64_t *cells,
                     size_t count, ks_store_fn store, void *ud)
{
    const ks_book *book = reader->book;
    int last_item = -1, last_year = -1;
    for (size_t i = 0; i < count; i++) {
        int item = (int)(cells[i] / (uint64_t)book->period_count);
        int period = (int)(cells[i] % (uint64_t)book->period_count);
        if (book->items[item].formula) {
            uint8_t prov;
            double value = ks_eval_cell(reader, item, period, &prov);
            store(ud, cells[i], value, prov);
            continue;
        }
        int year = period / KS_SLOTS_PER_YEAR;
        if (item == last_item && year == last_year)
            continue;
        last_item = item;
        last_year = year;
        double value[KS_SLOTS_PER_YEAR];
        uint8_t prov[KS_SLOTS_PER_YEAR];
        ks_eval_input_row(reader, item, year, value, prov);
        for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
            store(ud, ks_cell_of(book, item, ks_calendar_period(year, slot)),
                  value[slot], prov[slot]);
    }
}

static void store_base(void *ud, uint64_t cell, double value, uint8_t prov)
{
    ks_book *book = ud;
    book->values[cell] = value;
    book->prov[cell] = prov;
}

/* When an error's origin could not be recorded, the values are right but
 * an error would be described as plain "error": redo the pass later. */
ks_status ks_faults_lost(ks_model *model, ks_error *err)
{
    if (!model->faults_lost)
        return KS_OK;
    if (model->base)
        model->overlay_dirty = 1;
    else
        model->book->values_dirty = 1;
    return ks_error_set(err, KS_ENOMEM, "out of memory recording where an "
                                        "error value began");
}

ks_status ks_recalc(ks_model *model, ks_error *err)
{
    ks_book *book = model->book;
    if (book->structure_dirty) {
        ks_status status = ks_graph_build(model, -1, err);
        if (status != KS_OK)
            return status;
    }
    model->faults_lost = 0;
    if (book->values_dirty) {
        full_recalc(model);
        return ks_faults_lost(model, err);
    }
    if (book->pending_count == 0)
        return KS_OK;
    size_t count = 0;
    uint64_t *cells = ks_closure(book, &model->alloc, book->pending,
                                 book->pending_count, &count);
    if (!cells) {
        full_recalc(model); /* no memory to track: recompute everything */
        return ks_faults_lost(model, err);
    }
    ks_reader reader = { model, book, 0 };
    ks_eval_closure(&reader, cells, count, store_base, book);
    ks_mem_free(&model->alloc, cells);
    book->pending_count = 0;
    return ks_faults_lost(model, err);
}

