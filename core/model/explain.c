/*
 * explain.c -- why a cell holds what it holds: its formula tree with the
 * value of every node, or the parts of its time summary, or the year's
 * reported figures it was implied from.  Nodes are laid out as
 * formula_explain.c lays them out (node, text and children allocated
 * apart) so that ks_explain_node_free frees either kind.
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "model/model_internal.h"

static ks_explain_node *cell_node(ks_model *model, const ks_reader *reader,
                                  int item, int period)
{
    const ks_allocator *alloc = &model->alloc;
    ks_explain_node *node = ks_mem_calloc(alloc, 1, sizeof *node);
    if (!node)
        return NULL;
    char period_id[16];
    char text[256];
    snprintf(text, sizeof text, "%s@%s", reader->book->items[item].id,
             ks_period_id(model, period, period_id, sizeof period_id));
    node->text = ks_mem_strdup(alloc, text);
    if (!node->text) {
        ks_mem_free(alloc, node);
        return NULL;
    }
    uint8_t prov;
    double boxed = ks_read_value(reader, ks_cell_of(reader->book, item, period),
                                 &prov);
    ks_value_from_boxed(model, boxed, prov, &node->value);
    node->item = item;
    node->period = period;
    if (ks_explain_node_keep_error(alloc, node) != 0) {
        ks_explain_node_free(alloc, node);
        return NULL;
    }
    return node;
}

static int add_child(const ks_allocator *alloc, ks_explain_node *parent,
                     ks_explain_node *child)
{
    if (!child)
        return -1;
    ks_explain_node **children = ks_mem_realloc(
        alloc, parent->children,
        (size_t)(parent->child_count + 1) * sizeof *children);
    if (!children) {
        ks_explain_node_free(alloc, child);
        return -1;
    }
    parent->children = children;
    parent->children[parent->child_count++] = child;
    return 0;
}

/* user_data is the evaluation context of the cell explained. */
static void to_value(void *user_data, double boxed, int item, int period,
                     ks_value *out)
{
    const ks_eval_context *context = user_data;
    const ks_reader *reader = context->reader;
    uint8_t prov = KS_PROV_COMPUTED;
    if (item >= 0 && period >= 0)
        ks_read_value(reader, ks_cell_of(reader->book, item, period), &prov);
    ks_value_from_boxed(reader->model, boxed, prov, out);
}

/* Children for a summary: the parts of the set that gave it (rule sum),
 * or the quarters of the period (rule last). */
static int add_summary_parts(ks_model *model, const ks_reader *reader,
                             ks_explain_node *root, int item, int period,
                             int set)
{
    int year = period / KS_SLOTS_PER_YEAR, slot = ks_calendar_slot(period);
    const ks_item *it = &reader->book->items[item];
    const ks_part_set *sets;
    ks_summary_sets(it->rule, slot, &sets);
    for (int part = 0; part < KS_SLOTS_PER_YEAR; part++) {
        int used = 0;
        if (it->rule == KS_RULE_SUM)
            for (int k = 0; k < sets[set].count; k++)
                used |= sets[set].slots[k] == part;
        else
            used = ks_slot_is_quarter(part) && ks_slot_within(part, slot);
        if (used && add_child(&model->alloc, root,
                              cell_node(model, reader, item,
                                        ks_calendar_period(year, part))) != 0)
            return -1;
    }
    return 0;
}

/* Children for an implied or summed input cell: the year's inputs. */
static int add_year_inputs(ks_model *model, const ks_reader *reader,
                           ks_explain_node *root, int item, int period)
{
    int year = period / KS_SLOTS_PER_YEAR;
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++) {
        int other = ks_calendar_period(year, slot);
        uint8_t prov;
        if (other == period ||
            ks_is_none(ks_read_input(reader,
                                     ks_cell_of(reader->book, item, other),
                                     &prov)))
            continue;
        if (add_child(&model->alloc, root,
                      cell_node(model, reader, item, other)) != 0)
            return -1;
    }
    return 0;
}

ks_status ks_explain(ks_model *model, int item, int period,
                     ks_explain_node **out, ks_error *err)
{
    *out = NULL;
    ks_value probe;
    ks_status status = ks_get(model, item, period, &probe, err);
    if (status != KS_OK)
        return status;
    ks_reader reader = { model, model->book, model->base != NULL };
    const ks_item *it = &model->book->items[item];
    ks_explain_node *root = cell_node(model, &reader, item, period);
    if (!root)
        return ks_error_set(err, KS_ENOMEM, "out of memory explaining a cell");
    int failed = 0, set;
    double summary;
    ks_provenance prov = root->value.provenance;
    if (prov == KS_PROV_REPORTED || prov == KS_PROV_OVERRIDDEN ||
        prov == KS_PROV_NONE) {
        /* an input, or nothing: a leaf */
    } else if (!it->formula) {
        failed = add_year_inputs(model, &reader, root, item, period);
    } else if ((set = ks_summary_source(&reader, item, period, &summary)) <
               0) {
        ks_explain_node *tree = NULL;
        ks_eval_context context = { &reader, item, period };
        ks_eval_env env;
        ks_eval_env_setup(&env, &context);
        status = ks_formula_explain(it->formula, &env, to_value,
                                    &model->alloc, &tree, err);
        if (status != KS_OK) {
            ks_explain_node_free(&model->alloc, root);
            return status;
        }
        failed = add_child(&model->alloc, root, tree);
    } else {
        /* a half, 9M or year that its parts summarize */
        failed = add_summary_parts(model, &reader, root, item, period, set);
    }
    if (failed) {
        ks_explain_node_free(&model->alloc, root);
        return ks_error_set(err, KS_ENOMEM, "out of memory explaining a cell");
    }
    *out = root;
    return KS_OK;
}

void ks_explain_free(ks_model *model, ks_explain_node *node)
{
    ks_explain_node_free(&model->alloc, node);
}
