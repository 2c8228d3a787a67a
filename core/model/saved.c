/*
 * saved.c -- scenarios saved in a model: the book's set of named override
 * lists (name -> cells sorted by (item, period) with their boxed values),
 * looking them up, and changing them all or nothing: a new set is built
 * beside the old one (ks_saved_prepare) and swapped in (ks_saved_commit),
 * so a failed allocation leaves what is saved as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/name_hash.h"
#include "formula/formula.h"
#include "kessan/suggest.h"
#include "model/model_internal.h"

/* Scenarios built between two interrupt polls (well under a millisecond);
 * saving one scenario never polls. */
#define POLL_SCENARIOS 1024

struct ks_saved_plan {
    ks_saved_set set;
};

/* ---- the set ------------------------------------------------------------ */

static void scenario_free(const ks_allocator *alloc, ks_saved_scenario *s)
{
    ks_mem_free(alloc, s->name);
    ks_mem_free(alloc, s->cells);
}

void ks_saved_free(const ks_allocator *alloc, ks_saved_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        scenario_free(alloc, &set->scenarios[i]);
    ks_mem_free(alloc, set->scenarios);
    set->scenarios = NULL;
    set->count = 0;
}

const ks_saved_scenario *ks_saved_find(const ks_book *book, const char *name)
{
    for (size_t i = 0; name && i < book->saved.count; i++)
        if (strcmp(book->saved.scenarios[i].name, name) == 0)
            return &book->saved.scenarios[i];
    return NULL;
}

int ks_saved_cell_order(const void *a, const void *b)
{
    const ks_saved_cell *x = a, *y = b;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return x->period < y->period ? -1 : x->period > y->period;
}

/* ---- the public queries ------------------------------------------------- */

int ks_saved_scenario_count(const ks_model *model)
{
    return (int)model->book->saved.count;
}

const char *ks_saved_scenario_name(const ks_model *model, int index)
{
    const ks_saved_set *set = &model->book->saved;
    if (index < 0 || (size_t)index >= set->count)
        return NULL;
    return set->scenarios[index].name;
}

ks_status ks_saved_scenario_lookup(const ks_model *model, const char *name,
                                   int *index, ks_error *err)
{
    const ks_saved_set *set = &model->book->saved;
    *index = -1;
    if (!name)
        return ks_error_set(err, KS_EINVAL, "no scenario name given");
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->scenarios[i].name, name) == 0) {
            *index = (int)i;
            return KS_OK;
        }
    if (set->count == 0)
        return ks_error_set(err, KS_EUNKNOWN, "no scenario '%.64s' (the "
                            "model has no saved scenarios)", name);
    /* at most a few names: look at the first 64 for a suggestion */
    const char *names[64] = { NULL };
    int count = set->count < 64 ? (int)set->count : 64;
    for (int i = 0; i < count; i++)
        names[i] = set->scenarios[i].name;
    const char *nearest = ks_suggest(name, strlen(name), names, count);
    if (nearest)
        return ks_error_set(err, KS_EUNKNOWN, "no scenario '%.64s' (did you "
                            "mean '%.64s'?)", name, nearest);
    char list[256] = "";
    for (int i = 0, used = 0; i < count && used < (int)sizeof list - 1; i++)
        used += snprintf(list + used, sizeof list - (size_t)used, "%s%s",
                         i ? ", " : "", names[i]);
    return ks_error_set(err, KS_EUNKNOWN, "no scenario '%.64s' (saved: "
                        "%s)", name, list);
}

ks_status ks_saved_scenario_open(ks_model *model, int index, ks_model **out,
                                 ks_error *err)
{
    const ks_saved_set *set = &model->book->saved;
    *out = NULL;
    if (index < 0 || (size_t)index >= set->count)
        return ks_error_set(err, KS_EINVAL, "no saved scenario %d", index);
    const ks_saved_scenario *saved = &set->scenarios[index];
    ks_model *scenario = NULL;
    ks_status status = ks_scenario_new_blank(model, saved->name, &scenario,
                                             err);
    for (size_t i = 0; status == KS_OK && i < saved->count; i++)
        status = ks_set_input(scenario, saved->cells[i].item,
                              saved->cells[i].period, saved->cells[i].value,
                              KS_PROV_OVERRIDDEN, err);
    if (status != KS_OK) {
        ks_model_free(scenario);
        return status;
    }
    *out = scenario;
    return KS_OK;
}

/* ---- building a new set ------------------------------------------------- */

/* The changes by name: a table of change index + 1 (0 empty), so each
 * scenario already saved finds its change in one lookup and preparing
 * 40,000 scenarios takes linear time.  `taken` marks a change merged into
 * a saved scenario, or a later one of a name already seen. */
typedef struct change_index {
    const ks_saved_change *changes;
    size_t *slots;
    size_t mask;
    unsigned char *taken;
} change_index;

static size_t *change_slot(const change_index *index, const char *name)
{
    size_t at = (size_t)ks_name_hash(name, strlen(name)) & index->mask;
    for (;; at = (at + 1) & index->mask) {
        size_t *slot = &index->slots[at];
        if (*slot == 0 || strcmp(index->changes[*slot - 1].name, name) == 0)
            return slot;
    }
}

static void index_release(const ks_allocator *alloc, change_index *index)
{
    ks_mem_free(alloc, index->slots);
    ks_mem_free(alloc, index->taken);
}

static int index_build(const ks_allocator *alloc,
                       const ks_saved_change *changes, size_t count,
                       change_index *index)
{
    size_t size = ks_name_table_size(count);
    *index = (change_index){ changes, NULL, size - 1, NULL };
    if (count == 0)
        return 0;
    index->slots = ks_mem_calloc(alloc, size, sizeof *index->slots);
    index->taken = ks_mem_calloc(alloc, count, sizeof *index->taken);
    if (!index->slots || !index->taken) {
        index_release(alloc, index);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        size_t *slot = change_slot(index, changes[i].name);
        if (*slot)
            index->taken[i] = 1;
        else
            *slot = i + 1;
    }
    return 0;
}

/* The change for a saved scenario's name (marked taken), or NULL. */
static const ks_saved_change *change_for(change_index *index,
                                         const char *name)
{
    if (!index->slots)
        return NULL;
    size_t slot = *change_slot(index, name);
    if (slot == 0)
        return NULL;
    index->taken[slot - 1] = 1;
    return &index->changes[slot - 1];
}

/* Merge `change` over the sorted `old` cells into a new array. */
static ks_status merge_cells(const ks_allocator *alloc, const char *name,
                             const ks_saved_cell *old, size_t old_count,
                             const ks_saved_change *change,
                             int refuse_existing, ks_saved_scenario *out,
                             ks_error *err)
{
    if (change->replace)
        old_count = 0;
    size_t total = old_count + change->count;
    out->cells = total ? ks_mem_alloc(alloc, total * sizeof *out->cells)
                       : NULL;
    if (total && !out->cells)
        return ks_error_set(err, KS_ENOMEM, "out of memory saving scenario "
                            "'%s'", name);
    size_t i = 0, j = 0, n = 0;
    while (i < old_count || j < change->count) {
        int order = i == old_count         ? 1
                    : j == change->count   ? -1
                    : ks_saved_cell_order(&old[i], &change->cells[j]);
        if (order == 0 && refuse_existing)
            return ks_error_set(err, KS_EDUP, "a second value for a cell of "
                                "scenario '%s'", name);
        if (order < 0)
            out->cells[n++] = old[i++];
        else {
            out->cells[n++] = change->cells[j++];
            i += order == 0;
        }
    }
    out->count = n;
    return KS_OK;
}

static ks_status build_scenario(const ks_allocator *alloc, const char *name,
                                const ks_saved_scenario *old,
                                const ks_saved_change *change,
                                int refuse_existing, ks_saved_scenario *out,
                                ks_error *err)
{
    memset(out, 0, sizeof *out);
    out->name = ks_mem_strdup(alloc, name);
    if (!out->name)
        return ks_error_set(err, KS_ENOMEM, "out of memory saving scenario "
                            "'%s'", name);
    static const ks_saved_change none = { NULL, NULL, 0, 0 };
    return merge_cells(alloc, name, old ? old->cells : NULL,
                       old ? old->count : 0, change ? change : &none,
                       refuse_existing, out, err);
}

static ks_status check_change(const ks_saved_change *change, ks_error *err)
{
    if (!change->name || !*change->name || strcmp(change->name, "base") == 0)
        return ks_error_set(err, KS_EINVAL, "a saved scenario needs a name "
                            "other than '' and 'base'");
    return KS_OK;
}

ks_status ks_saved_prepare(ks_model *model, const ks_saved_change *changes,
                           size_t count, int refuse_existing,
                           ks_saved_plan **out, ks_error *err)
{
    *out = NULL;
    const ks_allocator *alloc = &model->alloc;
    const ks_saved_set *old = &model->book->saved;
    for (size_t i = 0; i < count; i++) {
        ks_status status = check_change(&changes[i], err);
        if (status != KS_OK)
            return status;
    }
    change_index index;
    if (index_build(alloc, changes, count, &index) != 0)
        return ks_error_set(err, KS_ENOMEM, "out of memory saving scenarios");
    ks_status status = count > POLL_SCENARIOS
                           ? ks_check_interrupt(alloc, err, "saving scenarios")
                           : KS_OK;
    if (status != KS_OK) {
        index_release(alloc, &index);
        return status;
    }
    ks_saved_plan *plan = ks_mem_calloc(alloc, 1, sizeof *plan);
    size_t capacity = old->count + count;
    if (plan && capacity)
        plan->set.scenarios = ks_mem_calloc(alloc, capacity,
                                            sizeof *plan->set.scenarios);
    if (!plan || (capacity && !plan->set.scenarios)) {
        ks_mem_free(alloc, plan);
        index_release(alloc, &index);
        return ks_error_set(err, KS_ENOMEM, "out of memory saving scenarios");
    }
    for (size_t i = 0; status == KS_OK && i < old->count; i++) {
        const ks_saved_scenario *s = &old->scenarios[i];
        if (i % POLL_SCENARIOS == POLL_SCENARIOS - 1)
            status = ks_check_interrupt(alloc, err, "saving scenarios");
        if (status != KS_OK)
            break;
        status = build_scenario(alloc, s->name, s, change_for(&index, s->name),
                                refuse_existing,
                                &plan->set.scenarios[plan->set.count++], err);
    }
    for (size_t i = 0; status == KS_OK && i < count; i++) {
        if (i % POLL_SCENARIOS == POLL_SCENARIOS - 1)
            status = ks_check_interrupt(alloc, err, "saving scenarios");
        if (status != KS_OK || index.taken[i])
            continue;
        status = build_scenario(alloc, changes[i].name, NULL, &changes[i],
                                refuse_existing,
                                &plan->set.scenarios[plan->set.count++], err);
    }
    index_release(alloc, &index);
    if (status != KS_OK) {
        ks_saved_discard(model, plan);
        return status;
    }
    *out = plan;
    return KS_OK;
}

void ks_saved_commit(ks_model *model, ks_saved_plan *plan)
{
    ks_book *book = model->book;
    ks_saved_free(&model->alloc, &book->saved);
    book->saved = plan->set;
    ks_mem_free(&model->alloc, plan);
}

void ks_saved_discard(ks_model *model, ks_saved_plan *plan)
{
    if (!plan)
        return;
    ks_saved_free(&model->alloc, &plan->set);
    ks_mem_free(&model->alloc, plan);
}

/* ---- saving a scenario handle ------------------------------------------- */

ks_status ks_scenario_save(ks_model *scenario, ks_error *err)
{
    if (!scenario->base)
        return ks_error_set(err, KS_EMISUSE, "only a scenario can be saved, "
                            "not the model itself");
    const ks_book *book = scenario->book;
    const ks_cell_map *overrides = &scenario->overrides;
    ks_saved_cell *cells = NULL;
    if (overrides->count) {
        cells = ks_mem_alloc(&scenario->alloc,
                             overrides->count * sizeof *cells);
        if (!cells)
            return ks_error_set(err, KS_ENOMEM, "out of memory saving "
                                "scenario '%s'", scenario->name);
    }
    size_t count = 0;
    for (size_t i = 0; i < overrides->capacity; i++) {
        const ks_cell_entry *entry = &overrides->entries[i];
        if (!entry->used)
            continue;
        uint64_t period_count = (uint64_t)book->period_count;
        cells[count].item = (int32_t)(entry->cell / period_count);
        cells[count].period = (int32_t)(entry->cell % period_count);
        cells[count].value = entry->value;
        count++;
    }
    if (count > 1)
        qsort(cells, count, sizeof *cells, ks_saved_cell_order);
    ks_saved_change change = { scenario->name, cells, count, 1 };
    ks_saved_plan *plan = NULL;
    ks_status status = ks_saved_prepare(scenario, &change, 1, 0, &plan, err);
    ks_mem_free(&scenario->alloc, cells);
    if (status != KS_OK)
        return status;
    ks_saved_commit(scenario, plan);
    return KS_OK;
}
