/*
 * plan.c -- planning a simulation over the compiled model: the dependents
 * of the drawn cells in evaluation order, cut to what the outputs need.
 *
 * Each cell the outputs need gets a node and a lane array of KS_SIM_BLOCK
 * doubles: a drawn cell (filled by its distribution), a formula cell (the
 * block machine), a summary cell of a formula item (per lane, the sum of
 * its own periods when they are numbers, else the formula), or the year of
 * an input item holding a draw (a recipe of sums and differences found
 * once from the inputs, as recalc.c derives them, then applied lane by
 * lane).  Every other cell is a constant: the model's current value.
 */
#include <math.h>
#include <string.h>

#include "simulate/simulate_internal.h"

int ks_sim_find_draw(const sim_plan *plan, int item, int period)
{
    /* most cells a plan asks about are of items with no draw at all */
    if (plan->item_drawn && !plan->item_drawn[item])
        return -1;
    for (int d = 0; d < plan->draw_count; d++)
        if (plan->draws[d].item == item && plan->draws[d].period == period)
            return d;
    return -1;
}

/* The recipe of an item's year, from its inputs and draws: the steps
 * ks_eval_input_row (recalc.c) would take with the drawn cells set. */
static void build_recipe(const sim_plan *plan, int item, int year,
                         row_recipe *recipe)
{
    uint8_t prov[KS_SLOTS_PER_YEAR];
    int usable[KS_SLOTS_PER_YEAR];
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++) {
        int period = ks_calendar_period(year, slot);
        recipe->draw[slot] = ks_sim_find_draw(plan, item, period);
        if (recipe->draw[slot] >= 0) {
            prov[slot] = KS_PROV_OVERRIDDEN;
            usable[slot] = 1;
            recipe->start[slot] = 0;
            continue;
        }
        double input = ks_read_input(&plan->reader,
                                     ks_sim_cell(plan, item, period),
                                     &prov[slot]);
        if (ks_is_none(input)) {
            input = NAN;
            prov[slot] = KS_PROV_NONE;
        }
        usable[slot] = ks_is_number(input);
        recipe->start[slot] = ks_is_number(input) ? input : NAN;
    }
    recipe->step_count = ks_row_plan(plan->book->items[item].rule, prov,
                                     usable, recipe->steps);
}

/* The cell a formula reference reads from `period`, or -1. */
static int64_t ref_cell(const sim_plan *plan, const ks_formula_ref *ref,
                        int period)
{
    int target = ref->kind == KS_REF_ABSOLUTE ? ref->period : period;
    if (ref->offset != 0)
        target = ks_calendar_shift(plan->book, target, ref->offset);
    return target < 0 ? -1 : (int64_t)ks_sim_cell(plan, ref->item, target);
}

/* The cells a node reads, marked as needed (need[cell] = 1). */
static void mark_reads(const sim_plan *plan, const sim_node *node,
                       uint8_t *need)
{
    if (node->kind == NODE_ROW_OP) {
        need[ks_sim_cell(plan, node->item, node->a_period)] = 1;
        need[ks_sim_cell(plan, node->item, node->b_period)] = 1;
        return;
    }
    int year = node->period / KS_SLOTS_PER_YEAR;
    int slot = ks_calendar_slot(node->period);
    if (node->kind == NODE_SUMMARY)
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++)
            if (ks_slot_within(s, slot))
                need[ks_sim_cell(plan, node->item,
                                ks_calendar_period(year, s))] = 1;
    int count = ks_formula_ref_count(node->formula);
    for (int r = 0; r < count; r++) {
        int64_t cell = ref_cell(plan, ks_formula_ref_at(node->formula, r),
                                node->period);
        if (cell >= 0)
            need[cell] = 1;
    }
}

static void node_init(sim_node *node, node_kind kind, int item, int period)
{
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->item = item;
    node->period = period;
    node->slot = -1;
    node->implied = -1;
}

/* The steps of an input item's year as nodes; its other slots become
 * constants (their input, or missing). */
static int add_row(sim_plan *plan, int item, int year, int *node_of,
                   uint8_t *seen)
{
    row_recipe recipe;
    build_recipe(plan, item, year, &recipe);
    int added = 0;
    for (int s = 0; s < KS_SLOTS_PER_YEAR; s++) {
        uint64_t cell = ks_sim_cell(plan, item, ks_calendar_period(year, s));
        seen[cell] = 1;
        if (recipe.draw[s] < 0)
            plan->values[cell] = ks_is_number(recipe.start[s])
                                     ? recipe.start[s]
                                     : ks_box_missing();
    }
    /* what the steps give from the constants alone: the value of the
     * steps no draw reaches (not the model's: a draw changes the steps
     * of its year, and so how even those are added up) */
    double fixed[KS_SLOTS_PER_YEAR];
    for (int s = 0; s < KS_SLOTS_PER_YEAR; s++)
        fixed[s] = recipe.draw[s] < 0
                       ? plan->values[ks_sim_cell(plan, item,
                                                  ks_calendar_period(year, s))]
                       : NAN;
    ks_row_apply(recipe.steps, recipe.step_count, fixed);
    for (int k = 0; k < recipe.step_count; k++) {
        const ks_row_step *op = &recipe.steps[k];
        int period = ks_calendar_period(year, op->target);
        double value = fixed[op->target];
        /* an infinity is an overflow, as recalc.c makes it */
        plan->values[ks_sim_cell(plan, item, period)] =
            value - value == 0 || value != value ? value : ks_box_error(0);
        sim_node *node = &plan->nodes[plan->node_count];
        node_init(node, NODE_ROW_OP, item, period);
        node->op = (ks_row_step_kind)op->kind;
        node->a_period = ks_calendar_period(year, op->a);
        node->b_period = ks_calendar_period(year, op->b);
        node_of[ks_sim_cell(plan, item, period)] = plan->node_count++;
        added++;
    }
    return added;
}

/* Whether an item holds an input or a draw in a year. */
static int year_has_inputs(const sim_plan *plan, int item, int year)
{
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++) {
        int period = ks_calendar_period(year, slot);
        uint8_t prov;
        if (ks_sim_find_draw(plan, item, period) >= 0 ||
            !ks_is_none(ks_read_input(&plan->reader,
                                      ks_sim_cell(plan, item, period), &prov)))
            return 1;
    }
    return 0;
}

/* What a formula cell falls back on when its formula gives missing (as
 * recalc.c's implied_fallback): the value its item's inputs and draws of
 * the year imply there.  node->implied is left -1 when they imply none;
 * -1 when memory runs out. */
static int add_implied(sim_plan *plan, sim_node *node)
{
    int year = node->period / KS_SLOTS_PER_YEAR;
    int slot = ks_calendar_slot(node->period);
    node->implied = -1;
    if (!year_has_inputs(plan, node->item, year))
        return 0;
    sim_implied implied;
    build_recipe(plan, node->item, year, &implied.recipe);
    int derived = 0;
    for (int k = 0; k < implied.recipe.step_count; k++)
        derived |= implied.recipe.steps[k].target == slot;
    if (!derived)
        return 0;
    if (ks_mem_grow(plan->alloc, (void **)&plan->implied,
                    &plan->implied_capacity, plan->implied_count + 1,
                    sizeof *plan->implied) != 0)
        return -1;
    implied.target = slot;
    plan->implied[plan->implied_count] = implied;
    node->implied = (int)plan->implied_count++;
    return 0;
}

/* A node for a formula item's cell of the closure, unless it is drawn or
 * holds an input (then a constant); -1 when memory runs out. */
static int add_formula_cell(sim_plan *plan, int item, int period,
                            int *node_of)
{
    const ks_item *it = &plan->book->items[item];
    uint64_t cell = ks_sim_cell(plan, item, period);
    uint8_t prov;
    if (ks_sim_find_draw(plan, item, period) >= 0 ||
        !ks_is_none(ks_read_input(&plan->reader, cell, &prov)))
        return 0;
    sim_node *node = &plan->nodes[plan->node_count];
    const ks_part_set *sets;
    node_init(node,
              ks_summary_sets(it->rule, ks_calendar_slot(period), &sets) > 0
                  ? NODE_SUMMARY
                  : NODE_FORMULA,
              item, period);
    node->formula = it->formula;
    node->rule = it->rule;
    if (add_implied(plan, node) != 0)
        return -1;
    node_of[cell] = plan->node_count++;
    return 0;
}

/* Whether a cell the node reads varies from trial to trial. */
static int reads_vary(const sim_plan *plan, const sim_node *node,
                      const uint8_t *varies)
{
    uint64_t own = ks_sim_cell(plan, node->item, node->period);
    if (node->kind == NODE_ROW_OP)
        return varies[ks_sim_cell(plan, node->item, node->a_period)] |
               varies[ks_sim_cell(plan, node->item, node->b_period)];
    int year = node->period / KS_SLOTS_PER_YEAR;
    int slot = ks_calendar_slot(node->period);
    if (node->kind == NODE_SUMMARY)
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++) {
            uint64_t cell = ks_sim_cell(plan, node->item,
                                       ks_calendar_period(year, s));
            /* only the periods inside this one can make up its sum */
            if (ks_slot_within(s, slot) && cell != own &&
                varies[cell])
                return 1;
        }
    if (node->implied >= 0)
        for (int s = 0; s < KS_SLOTS_PER_YEAR; s++)
            if (plan->implied[node->implied].recipe.draw[s] >= 0)
                return 1;
    int count = ks_formula_ref_count(node->formula);
    for (int r = 0; r < count; r++) {
        int64_t cell = ref_cell(plan, ks_formula_ref_at(node->formula, r),
                                node->period);
        if (cell >= 0 && varies[cell])
            return 1;
    }
    return 0;
}

/* Whether a step of a year no draw reaches still gives another value
 * than the model holds: a draw changes its year's steps, and so how even
 * the others are added up (FY = 4Q + 9M rather than 1H + 2H once 2H is
 * drawn).  Its dependents must then be evaluated too. */
static int differs_from_model(const sim_plan *plan, const sim_node *node)
{
    if (node->kind != NODE_ROW_OP)
        return 0;
    uint64_t cell = ks_sim_cell(plan, node->item, node->period);
    uint8_t prov;
    return ks_bits(ks_read_value(&plan->reader, cell, &prov)) !=
           ks_bits(plan->values[cell]);
}

/* The closure is wider than what the draws change (a drawn 4Q02 makes its
 * whole year a dependent, 1Q02 included): a node none of whose reads
 * varies is the model's own value, a constant.  Nodes come in evaluation
 * order, so one forward pass decides. */
static void drop_constant_nodes(sim_plan *plan, uint8_t *varies,
                                uint8_t *constant)
{
    for (int d = 0; d < plan->draw_count; d++)
        varies[ks_sim_cell(plan, plan->draws[d].item, plan->draws[d].period)] = 1;
    for (int n = 0; n < plan->node_count; n++) {
        const sim_node *node = &plan->nodes[n];
        uint64_t cell = ks_sim_cell(plan, node->item, node->period);
        if (reads_vary(plan, node, varies) || differs_from_model(plan, node)) {
            varies[cell] = 1;
            continue;
        }
        uint8_t prov;
        if (node->kind != NODE_ROW_OP) /* add_row gave those their value */
            plan->values[cell] = ks_read_value(&plan->reader, cell, &prov);
        constant[n] = 1;
    }
}

/* Walk back from the outputs: keep[n] for the nodes something needs. */
static void mark_needed(const sim_plan *plan, uint8_t *need,
                        const uint8_t *constant, uint8_t *keep)
{
    for (int o = 0; o < plan->output_count; o++)
        need[ks_sim_cell(plan, plan->outputs[o].item, plan->outputs[o].period)] = 1;
    for (int n = plan->node_count - 1; n >= 0; n--) {
        const sim_node *node = &plan->nodes[n];
        if (constant[n] || !need[ks_sim_cell(plan, node->item, node->period)])
            continue;
        keep[n] = 1;
        mark_reads(plan, node, need);
    }
}

static int add_dep(sim_plan *plan, int node)
{
    if (ks_mem_grow(plan->alloc, (void **)&plan->deps, &plan->dep_capacity,
                    plan->dep_count + 1, sizeof *plan->deps) != 0)
        return -1;
    plan->deps[plan->dep_count++] = node;
    return 0;
}

/* Add the node computing `cell` (if any) to the dependency list. */
static int add_cell_dep(sim_plan *plan, int64_t cell)
{
    if (cell < 0)
        return 0;
    int slot = plan->slot_of[cell];
    if (slot < 0 || plan->node_of_slot[slot] < 0)
        return 0;
    return add_dep(plan, plan->node_of_slot[slot]);
}

/* A part that is the same in every trial and can never give the summary:
 * under rule sum, not a number; under rule last, missing. */
static int is_constant_gap(const sim_plan *plan, uint64_t cell, ks_rule rule)
{
    if (plan->slot_of[cell] >= 0)
        return 0;
    double value = plan->values[cell];
    return rule == KS_RULE_LAST ? ks_is_missing(value) : !ks_is_number(value);
}

/* A summary's sets of own slots (period_parts.h): those without a
 * constant part that could never give the summary. */
static int summary_combos(sim_plan *plan, sim_node *node)
{
    int year = node->period / KS_SLOTS_PER_YEAR;
    const ks_part_set *sets;
    int count = ks_summary_sets(node->rule, ks_calendar_slot(node->period),
                                &sets);
    node->combo_count = 0;
    for (int c = 0; c < count; c++) {
        const ks_part_set *set = &sets[c];
        int viable = 1;
        for (int k = 0; k < set->count; k++)
            viable &= !is_constant_gap(
                plan,
                ks_sim_cell(plan, node->item,
                            ks_calendar_period(year, set->slots[k])),
                node->rule);
        if (!viable)
            continue;
        int8_t *combo = node->combo[node->combo_count];
        size_t deps_before = plan->dep_count;
        for (int k = 0; k < set->count; k++) {
            combo[k] = set->slots[k];
            if (add_cell_dep(plan, (int64_t)ks_sim_cell(
                                       plan, node->item,
                                       ks_calendar_period(year, set->slots[k]))) != 0)
                return -1;
        }
        node->combo_deps[node->combo_count] =
            (int8_t)(plan->dep_count - deps_before);
        node->combo_length[node->combo_count++] = set->count;
    }
    return 0;
}

static int formula_deps(sim_plan *plan, const sim_node *node)
{
    int count = ks_formula_ref_count(node->formula);
    for (int r = 0; r < count; r++)
        if (add_cell_dep(plan, ref_cell(plan, ks_formula_ref_at(node->formula, r),
                                        node->period)) != 0)
            return -1;
    return 0;
}

/* Each node's dependencies, once every node has its lane array. */
static int build_deps(sim_plan *plan)
{
    for (int n = 0; n < plan->node_count; n++) {
        sim_node *node = &plan->nodes[n];
        node->part_first = (int)plan->dep_count;
        int failed = 0;
        if (node->kind == NODE_FORMULA) {
            failed = formula_deps(plan, node);
        } else if (node->kind == NODE_ROW_OP) {
            failed = add_cell_dep(plan, (int64_t)ks_sim_cell(plan, node->item,
                                                            node->a_period)) ||
                     add_cell_dep(plan, (int64_t)ks_sim_cell(plan, node->item,
                                                            node->b_period));
        } else {
            failed = summary_combos(plan, node);
        }
        node->part_count = (int)plan->dep_count - node->part_first;
        node->read_first = (int)plan->dep_count;
        if (!failed && node->kind == NODE_SUMMARY)
            failed = formula_deps(plan, node);
        node->read_count = (int)plan->dep_count - node->read_first;
        if (failed)
            return -1;
    }
    return 0;
}

/* Nodes from the closure, then only those the outputs need, each with a
 * lane array; drawn cells get lane arrays first. */
static ks_status build_nodes(sim_plan *plan, const uint64_t *cells,
                             size_t count, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    uint8_t *need = ks_mem_calloc(alloc, plan->cell_count, 3);
    int *node_of = ks_mem_alloc(alloc, plan->cell_count * sizeof *node_of);
    uint8_t *keep = ks_mem_calloc(alloc, 2 * (count + 1), 1);
    plan->nodes = ks_mem_calloc(alloc, count + 1, sizeof *plan->nodes);
    plan->node_of_slot = ks_mem_alloc(alloc, ((size_t)plan->draw_count + count + 1) *
                                                 sizeof *plan->node_of_slot);
    ks_status status = KS_OK;
    if (!need || !node_of || !keep || !plan->nodes || !plan->node_of_slot) {
        status = ks_error_set(err, KS_ENOMEM, "simulate: out of memory planning "
                                              "%zu cells", count);
        goto done;
    }
    uint8_t *seen = need + plan->cell_count;
    for (size_t c = 0; c < plan->cell_count; c++) {
        node_of[c] = -1;
        plan->slot_of[c] = -1;
    }
    plan->node_count = 0;
    for (size_t i = 0; i < count; i++) {
        int item = (int)(cells[i] / (uint64_t)plan->period_count);
        int period = (int)(cells[i] % (uint64_t)plan->period_count);
        if (seen[cells[i]])
            continue;
        if (plan->book->items[item].formula) {
            if (add_formula_cell(plan, item, period, node_of) != 0) {
                status = ks_error_set(err, KS_ENOMEM,
                                      "simulate: out of memory planning");
                goto done;
            }
        } else
            add_row(plan, item, period / KS_SLOTS_PER_YEAR, node_of, seen);
    }
    uint8_t *constant = keep + count + 1;
    drop_constant_nodes(plan, seen + plan->cell_count, constant);
    mark_needed(plan, need, constant, keep);
    int slots = 0;
    for (int d = 0; d < plan->draw_count; d++) {
        sim_draw *draw = &plan->draws[d];
        draw->slot = slots;
        plan->node_of_slot[slots++] = -1;
        plan->slot_of[ks_sim_cell(plan, draw->item, draw->period)] = draw->slot;
    }
    int kept = 0;
    for (int n = 0; n < plan->node_count; n++) {
        if (!keep[n])
            continue;
        sim_node *node = &plan->nodes[kept];
        *node = plan->nodes[n];
        node->slot = slots;
        plan->node_of_slot[slots++] = kept;
        plan->slot_of[ks_sim_cell(plan, node->item, node->period)] = node->slot;
        kept++;
    }
    plan->node_count = kept;
    plan->slot_count = slots;
    if (build_deps(plan) != 0)
        status = ks_error_set(err, KS_ENOMEM, "simulate: out of memory planning");
done:
    ks_mem_free(alloc, keep);
    ks_mem_free(alloc, need);
    ks_mem_free(alloc, node_of);
    return status;
}

/* ---- setting up ------------------------------------------------------------ */

ks_status ks_sim_resolve_cell(ks_model *model, const char *cell,
                              const char *role, int *item, int *period,
                              ks_error *err)
{
    if (!cell)
        return ks_error_set(err, KS_EINVAL, "simulate: %s: a cell is needed "
                                            "(\"id@PERIOD\")", role);
    if (!strchr(cell, '@'))
        return ks_error_set(err, KS_EINVAL,
                            "simulate: %s '%s': expected a cell \"id@PERIOD\"",
                            role, cell);
    ks_status status = ks_cell_lookup(model, cell, item, period, err);
    if (status != KS_OK)
        ks_error_prefix(err, "simulate: %s '%s'", role, cell);
    return status;
}


void ks_sim_plan_free(sim_plan *plan)
{
    const ks_allocator *alloc = plan->alloc;
    for (int d = 0; d < plan->draw_count; d++) {
        ks_mem_free(alloc, plan->draws[d].values);
        ks_mem_free(alloc, plan->draws[d].cumulative);
        ks_mem_free(alloc, plan->draws[d].pert_quantiles);
    }
    ks_mem_free(alloc, plan->draws);
    ks_mem_free(alloc, plan->item_drawn);
    ks_mem_free(alloc, plan->group);
    ks_mem_free(alloc, plan->cholesky);
    ks_mem_free(alloc, plan->outputs);
    ks_mem_free(alloc, plan->nodes);
    ks_mem_free(alloc, plan->node_of_slot);
    ks_mem_free(alloc, plan->deps);
    ks_mem_free(alloc, plan->implied);
    ks_mem_free(alloc, plan->slot_of);
    ks_mem_free(alloc, plan->values);
}

static ks_status refresh_model(ks_model *model, ks_error *err)
{
    if (ks_model_is_scenario(model))
        return ks_scenario_refresh(model, err);
    return ks_recalc(model, err);
}

ks_status ks_sim_plan_prepare(sim_plan *plan, ks_model *model,
                              const ks_sim_spec *spec, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    ks_status status = refresh_model(model, err);
    if (status != KS_OK)
        return status;
    ks_book *book = model->book;
    plan->book = book;
    plan->reader.model = model;
    plan->reader.book = book;
    plan->reader.scenario = ks_model_is_scenario(model);
    plan->period_count = book->period_count;
    plan->cell_count = book->item_count * (size_t)book->period_count;
    plan->trials = spec->trials;
    plan->seed = spec->seed;
    plan->sampling = spec->sampling;
    plan->copula = spec->copula;
    plan->draws = ks_mem_calloc(alloc, (size_t)spec->draw_count + 1,
                                sizeof *plan->draws);
    plan->outputs = ks_mem_calloc(alloc, (size_t)spec->output_count,
                                  sizeof *plan->outputs);
    plan->slot_of = ks_mem_alloc(alloc, plan->cell_count * sizeof *plan->slot_of);
    plan->values = ks_mem_alloc(alloc, plan->cell_count * sizeof *plan->values);
    plan->item_drawn = ks_mem_calloc(alloc, (size_t)book->item_count + 1, 1);
    if (!plan->draws || !plan->outputs || !plan->slot_of || !plan->values ||
        !plan->item_drawn)
        return ks_error_set(err, KS_ENOMEM, "simulate: out of memory");
    for (size_t c = 0; c < plan->cell_count; c++) {
        uint8_t prov;
        plan->values[c] = ks_read_value(&plan->reader, c, &prov);
    }
    for (int d = 0; d < spec->draw_count; d++) {
        status = ks_sim_draw_prepare(plan, model, &spec->draws[d], &plan->draws[d], err);
        plan->draw_count = d + 1;
        if (status != KS_OK)
            return status;
        plan->item_drawn[plan->draws[d].item] = 1;
    }
    for (int o = 0; o < spec->output_count; o++) {
        status = ks_sim_resolve_cell(model, spec->outputs[o], "output",
                              &plan->outputs[o].item, &plan->outputs[o].period,
                              err);
        if (status != KS_OK)
            return status;
    }
    plan->output_count = spec->output_count;
    status = ks_sim_correlations_prepare(plan, model, spec, err);
    if (status != KS_OK)
        return status;
    size_t count = 0;
    uint64_t *cells = NULL;
    if (plan->draw_count > 0) {
        uint64_t *seeds = ks_mem_alloc(alloc, (size_t)plan->draw_count * sizeof *seeds);
        if (!seeds)
            return ks_error_set(err, KS_ENOMEM, "simulate: out of memory");
        for (int d = 0; d < plan->draw_count; d++)
            seeds[d] = ks_sim_cell(plan, plan->draws[d].item, plan->draws[d].period);
        cells = ks_closure(book, alloc, seeds, (size_t)plan->draw_count, &count);
        ks_mem_free(alloc, seeds);
        if (!cells)
            return ks_error_set(err, KS_ENOMEM,
                                "simulate: out of memory finding the dependents "
                                "of the draws");
    }
    status = build_nodes(plan, cells, count, err);
    ks_mem_free(alloc, cells);
    if (status != KS_OK)
        return status;
    for (int o = 0; o < plan->output_count; o++) {
        sim_output *output = &plan->outputs[o];
        uint64_t cell = ks_sim_cell(plan, output->item, output->period);
        output->slot = plan->slot_of[cell];
        output->node = output->slot >= 0 ? plan->node_of_slot[output->slot] : -1;
        output->constant = ks_is_number(plan->values[cell]) ? plan->values[cell]
                                                            : NAN;
    }
    plan->zig = &ks_ziggurat_standard;
    return KS_OK;
}
