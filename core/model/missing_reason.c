/*
 * missing_reason.c -- why a cell is missing: the first missing inputs on
 * its path.  It walks what ks_explain shows (the formula's references,
 * the parts of a time summary) from the cell down to the cells that are
 * missing of themselves: an input set missing, or a cell with nothing in
 * it.  Each cell is visited once, so a cycle through an earlier period
 * ends.  The reason names up to three of them: "missing: rev.equipment@
 * 4Q02 has no value", "... and 2 more".
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "model/model_internal.h"
#include "model/period_parts.h"

#define KS_REASON_NAMED 3

typedef struct reason_walk {
    ks_model *model;
    unsigned char *visited; /* [item * period_count + period] */
    char named[KS_REASON_NAMED][160];
    int cause_count;
    int first_item, first_period; /* the first cause */
    ks_provenance first_prov;
} reason_walk;

static int is_missing(const ks_value *value)
{
    return value->kind == KS_MISSING;
}

static void add_cause(reason_walk *walk, int item, int period,
                      ks_provenance prov)
{
    int index = walk->cause_count++;
    if (index == 0) {
        walk->first_item = item;
        walk->first_period = period;
        walk->first_prov = prov;
    }
    if (index >= KS_REASON_NAMED)
        return;
    const char *why = prov == KS_PROV_OVERRIDDEN  ? "was set missing"
                      : prov == KS_PROV_REPORTED ? "is reported missing"
                                                 : "has no value";
    const char *id = walk->model->book->items[item].id;
    char period_id[16];
    if (period < 0)
        snprintf(walk->named[index], sizeof walk->named[index],
                 "%s before the first period %s", id, why);
    else
        snprintf(walk->named[index], sizeof walk->named[index], "%s@%s %s",
                 id, ks_period_id(walk->model, period, period_id,
                                  sizeof period_id),
                 why);
}

static ks_status walk_cell(reason_walk *walk, int item, int period,
                           ks_error *err);

/* Walks the missing references below `node` (not node itself); counts
 * them in *found. */
static ks_status walk_children(reason_walk *walk, const ks_explain_node *node,
                               int *found, ks_error *err)
{
    for (int k = 0; k < node->child_count; k++) {
        const ks_explain_node *child = node->children[k];
        if (!is_missing(&child->value))
            continue;
        ks_status status;
        if (child->item >= 0 && child->period < 0) {
            ++*found;
            add_cause(walk, child->item, -1, KS_PROV_NONE);
            continue;
        }
        if (child->item >= 0) {
            ++*found;
            status = walk_cell(walk, child->item, child->period, err);
        } else {
            status = walk_children(walk, child, found, err);
        }
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

/* A half, nine months or year of an item with no formula: its missing
 * quarters (the last one only for a stock). */
static ks_status walk_quarters(reason_walk *walk, int item, int period,
                               int *found, ks_error *err)
{
    int year = period / KS_SLOTS_PER_YEAR, slot = ks_calendar_slot(period);
    int last_only = walk->model->book->items[item].rule == KS_RULE_LAST;
    for (int part = 0; part < KS_SLOTS_PER_YEAR; part++) {
        if (!ks_slot_is_quarter(part) || part == slot ||
            !ks_slot_within(part, slot) ||
            (last_only && part != ks_slot_last_quarter(slot)))
            continue;
        int quarter = ks_calendar_period(year, part);
        ks_value value;
        ks_status status = ks_get(walk->model, item, quarter, &value, err);
        if (status != KS_OK)
            return status;
        if (!is_missing(&value))
            continue;
        ++*found;
        status = walk_cell(walk, item, quarter, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

static ks_status walk_cell(reason_walk *walk, int item, int period,
                           ks_error *err)
{
    size_t at = (size_t)item * (size_t)walk->model->book->period_count +
                (size_t)period;
    if (walk->visited[at])
        return KS_OK;
    walk->visited[at] = 1;
    ks_explain_node *root = NULL;
    ks_status status = ks_explain(walk->model, item, period, &root, err);
    if (status != KS_OK)
        return status;
    ks_provenance prov = root->value.provenance;
    int found = 0;
    if (!is_missing(&root->value)) {
        /* not missing: nothing to say */
    } else if (prov == KS_PROV_REPORTED || prov == KS_PROV_OVERRIDDEN) {
        found = 1;
        add_cause(walk, item, period, prov);
    } else {
        status = walk_children(walk, root, &found, err);
        if (status == KS_OK && !found &&
            !walk->model->book->items[item].formula)
            status = walk_quarters(walk, item, period, &found, err);
        if (status == KS_OK && !found)
            add_cause(walk, item, period, KS_PROV_NONE);
    }
    ks_explain_free(walk->model, root);
    return status;
}

static void write_reason(const reason_walk *walk, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "missing: ");
    int named = walk->cause_count < KS_REASON_NAMED ? walk->cause_count
                                                    : KS_REASON_NAMED;
    for (int k = 0; k < named && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 k ? ", " : "", walk->named[k]);
    if (walk->cause_count > named && used < size)
        snprintf(buf + used, size - used, " and %d more",
                 walk->cause_count - named);
}

/* The reason into buf; *only_itself: the cell is the one cause, with
 * nothing in it. */
static ks_status find_reason(ks_model *model, int item, int period, char *buf,
                             size_t size, int *only_itself, ks_error *err)
{
    *only_itself = 0;
    if (size)
        buf[0] = '\0';
    ks_value value;
    ks_status status = ks_get(model, item, period, &value, err);
    if (status != KS_OK || value.kind != KS_MISSING || size == 0)
        return status;
    const ks_book *book = model->book;
    reason_walk walk = { .model = model };
    walk.visited = ks_mem_calloc(&model->alloc, book->item_count,
                                 (size_t)book->period_count);
    if (!walk.visited)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory finding why a cell is missing");
    status = walk_cell(&walk, item, period, err);
    ks_mem_free(&model->alloc, walk.visited);
    if (status != KS_OK)
        return status;
    write_reason(&walk, buf, size);
    *only_itself = walk.cause_count == 1 && walk.first_item == item &&
                   walk.first_period == period &&
                   walk.first_prov == KS_PROV_NONE;
    return KS_OK;
}

ks_status ks_missing_reason(ks_model *model, int item, int period, char *buf,
                            size_t size, ks_error *err)
{
    int only_itself;
    return find_reason(model, item, period, buf, size, &only_itself, err);
}

ks_status ks_missing_reason_beyond(ks_model *model, int item, int period,
                                   char *buf, size_t size, ks_error *err)
{
    int only_itself;
    ks_status status =
        find_reason(model, item, period, buf, size, &only_itself, err);
    if (status == KS_OK && only_itself && size)
        buf[0] = '\0';
    return status;
}
