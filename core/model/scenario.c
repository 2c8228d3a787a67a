/*
 * scenario.c -- scenarios: named copy-on-write overlays on a base model.
 *
 * A scenario holds its own inputs (overrides) and, after a refresh, the
 * values of exactly the cells they change (the overlay): the closure of
 * dependents of its overrides, evaluated in order reading through to the
 * base.  It is rebuilt when the base changes (its version moves) or an
 * override changes.  A new scenario starts from the overrides saved in the
 * model under its name (saved.c), copied.
 */
#include <string.h>

#include "base/error.h"
#include "kessan/text.h"
#include "model/model_internal.h"

static void store_overlay(void *ud, uint64_t cell, double value, uint8_t prov)
{
    ks_model *scenario = ud;
    /* room was reserved for the whole closure: this cannot fail */
    ks_cell_entry *entry = ks_cell_map_put(&scenario->alloc,
                                           &scenario->overlay, cell);
    if (entry) {
        entry->value = value;
        entry->extra = prov;
    }
}


ks_status ks_scenario_refresh(ks_model *scenario, ks_error *err)
{
    ks_model *base = scenario->base;
    ks_book *book = scenario->book;
    ks_status status = ks_recalc(base, err);
    if (status != KS_OK)
        return status;
    if (!scenario->overlay_dirty && scenario->seen_version == book->version)
        return KS_OK;
    size_t seed_count = 0;
    uint64_t *seeds = ks_mem_alloc(&scenario->alloc,
                                   (scenario->overrides.count + 1) *
                                       sizeof *seeds);
    if (!seeds)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory recalculating scenario '%s'",
                            scenario->name);
    for (size_t i = 0; i < scenario->overrides.capacity; i++)
        if (scenario->overrides.entries[i].used)
            seeds[seed_count++] = scenario->overrides.entries[i].cell;
    size_t count = 0;
    uint64_t *cells = ks_closure(book, &scenario->alloc, seeds, seed_count,
                                 &count);
    ks_mem_free(&scenario->alloc, seeds);
    ks_cell_map_clear(&scenario->overlay);
    if (!cells || ks_cell_map_reserve(&scenario->alloc, &scenario->overlay,
                                      count) != 0) {
        ks_mem_free(&scenario->alloc, cells);
        scenario->overlay_dirty = 1;
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory recalculating scenario '%s'",
                            scenario->name);
    }
    ks_cell_map_clear(&scenario->faults);
    ks_reader reader = { scenario, book, 1 };
    scenario->faults_lost = 0;
    ks_eval_closure(&reader, cells, count, store_overlay, scenario);
    ks_mem_free(&scenario->alloc, cells);
    scenario->overlay_dirty = 0;
    scenario->seen_version = book->version;
    return ks_faults_lost(scenario, err);
}

/* A new handle starts from the overrides saved under its name (a copy). */
static int copy_saved(ks_model *scenario)
{
    const ks_saved_scenario *saved = ks_saved_find(scenario->book,
                                                   scenario->name);
    if (!saved || saved->count == 0)
        return 0;
    if (ks_cell_map_reserve(&scenario->alloc, &scenario->overrides,
                            saved->count) != 0)
        return -1;
    for (size_t i = 0; i < saved->count; i++) {
        const ks_saved_cell *cell = &saved->cells[i];
        /* room was reserved: this cannot fail */
        ks_cell_entry *entry = ks_cell_map_put(
            &scenario->alloc, &scenario->overrides,
            ks_cell_of(scenario->book, cell->item, cell->period));
        if (!entry)
            return -1;
        entry->value = cell->value;
        entry->extra = KS_PROV_OVERRIDDEN;
    }
    return 0;
}

static ks_status scenario_create(ks_model *base, const char *name,
                                 int with_saved, ks_model **out,
                                 ks_error *err);

ks_status ks_scenario_new(ks_model *base, const char *name, ks_model **out,
                          ks_error *err)
{
    return scenario_create(base, name, 1, out, err);
}

ks_status ks_scenario_new_blank(ks_model *base, const char *name,
                                ks_model **out, ks_error *err)
{
    return scenario_create(base, name, 0, out, err);
}

static ks_status scenario_create(ks_model *base, const char *name,
                                 int with_saved, ks_model **out,
                                 ks_error *err)
{
    *out = NULL;
    base = ks_model_base(base);
    if (!name || !*name)
        return ks_error_set(err, KS_EINVAL, "a scenario needs a name");
    size_t length = strlen(name);
    if (strchr(" \t", name[0]) || strchr(" \t", name[length - 1]))
        return ks_error_set(err, KS_EINVAL,
                            "scenario name '%s' begins or ends with a space "
                            "or tab (values files read names trimmed)", name);
    if (length > KS_NAME_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "scenario name '%.40s...' is too long (%zu "
                            "bytes; at most %d)", name, length, KS_NAME_MAX);
    size_t invalid = ks_utf8_invalid_at(name, length);
    if (invalid < length)
        return ks_error_set(err, KS_EINVAL,
                            "scenario name is not valid UTF-8 (byte %zu is "
                            "0x%02X; values files are UTF-8)", invalid + 1,
                            (unsigned char)name[invalid]);
    ks_model *scenario = ks_mem_calloc(&base->alloc, 1, sizeof *scenario);
    char *copy = ks_mem_strdup(&base->alloc, name);
    if (!scenario || !copy) {
        ks_mem_free(&base->alloc, scenario);
        ks_mem_free(&base->alloc, copy);
        return ks_error_set(err, KS_ENOMEM, "out of memory creating scenario "
                                            "'%s'", name);
    }
    scenario->alloc = base->alloc;
    scenario->references = 1;
    scenario->name = copy;
    scenario->base = base;
    scenario->book = base->book;
    scenario->overlay_dirty = 1;
    base->references++;
    if (with_saved && copy_saved(scenario) != 0) {
        ks_model_free(scenario);
        return ks_error_set(err, KS_ENOMEM, "out of memory creating scenario "
                                            "'%s'", name);
    }
    *out = scenario;
    return KS_OK;
}

int ks_scenario_has_override(const ks_model *model, int item, int period)
{
    const ks_book *book = model->book;
    if (!model->base || item < 0 || (size_t)item >= book->item_count ||
        period < 0 || period >= book->period_count)
        return 0;
    return ks_cell_map_find(&model->overrides,
                            ks_cell_of(book, item, period)) != NULL;
}
