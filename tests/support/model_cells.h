/*
 * model_cells.h -- the cmocka tests' way into a model: opening one
 * (open_model, open_iij), building a small one (empty_model, add_input,
 * define),
 * naming its cells as "item@period" (cell, item_of, period_of), and
 * reading and setting them (value_of, number_of, put, report).  Anything
 * the library refuses fails the test with its message.
 */
#ifndef KS_TEST_MODEL_CELLS_H
#define KS_TEST_MODEL_CELLS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kessan/kessan.h"
#include "kessan/whatif.h"
#include "model/model.h" /* ks_set_input */

/* ---- opening and building ----------------------------------------------- */

/* The model in `directory`, allocating through `alloc` (NULL: malloc). */
static inline ks_model *open_model(const char *directory,
                                   const ks_allocator *alloc)
{
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_open(directory, alloc, &model, &err) != KS_OK)
        fail_msg("open %s: %s", directory, err.message);
    return model;
}

/* data/iij: IIJ's release of 3Q02, the worked example. */
static inline ks_model *open_iij(void)
{
    return open_model(KESSAN_SOURCE_DIR "/data/iij", NULL);
}

/* A model of `calendar` with no items yet. */
static inline ks_model *empty_model(const ks_calendar *calendar,
                                    const ks_allocator *alloc)
{
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_new(calendar, alloc, &model, &err) != KS_OK)
        fail_msg("new model: %s", err.message);
    return model;
}

/* An item as described (with info->formula, a formula item); the test
 * fails naming it when the model refuses it. */
static inline void add_item_info(ks_model *model, const ks_item_info *info)
{
    ks_error err;
    if (ks_item_add(model, info, NULL, &err) != KS_OK)
        fail_msg("add %s: %s", info->id, err.message);
}

/* An input item of the income statement, in JPY thousands. */
static inline void add_input(ks_model *model, const char *id, ks_rule rule)
{
    ks_item_info info = { id, id, NULL, "JPY thousands", "is", NULL, NULL,
                          rule };
    add_item_info(model, &info);
}

/* The same with a formula. */
static inline void define(ks_model *model, const char *id,
                          const char *formula, ks_rule rule)
{
    ks_item_info info = { id, id, NULL, "JPY thousands", "is", NULL, NULL,
                          rule };
    ks_error err;
    if (ks_define(model, id, formula, &info, &err) != KS_OK)
        fail_msg("define %s = %s: %s", id, formula, err.message);
}

/* A setting (settings.csv's key,value); the test fails naming it when
 * the model refuses it. */
static inline void set_setting(ks_model *model, const char *key,
                               const char *value)
{
    ks_error err;
    if (ks_setting_set(model, key, value, &err) != KS_OK)
        fail_msg("setting %s: %s", key, err.message);
}

/* ---- naming cells ------------------------------------------------------- */

static inline int item_of(ks_model *model, const char *id)
{
    int item = ks_item_find(model, id);
    if (item < 0)
        fail_msg("no item %s", id);
    return item;
}

static inline int period_of(ks_model *model, const char *id)
{
    int period = -1;
    ks_error err;
    if (ks_period_lookup(model, id, &period, &err) != KS_OK)
        fail_msg("period %s: %s", id, err.message);
    return period;
}

/* The cell "item@period". */
static inline ks_cell_ref cell(ks_model *model, const char *name)
{
    ks_cell_ref ref;
    ks_error err;
    if (ks_cell_lookup(model, name, &ref.item, &ref.period, &err) != KS_OK)
        fail_msg("cell %s: %s", name, err.message);
    return ref;
}

/* ---- reading and setting ------------------------------------------------ */

static inline ks_value value_of(ks_model *model, const char *name)
{
    ks_cell_ref ref = cell(model, name);
    ks_value value;
    ks_error err;
    if (ks_get(model, ref.item, ref.period, &value, &err) != KS_OK)
        fail_msg("get %s: %s", name, err.message);
    return value;
}

/* The cell's value, which must be a number. */
static inline double number_of(ks_model *model, const char *name)
{
    ks_value value = value_of(model, name);
    if (value.kind != KS_NUMBER)
        fail_msg("%s is not a number (kind %d)", name, value.kind);
    return value.number;
}

/* A figure set as a script sets it (ks_set: an override of a reported
 * one). */
static inline void put(ks_model *model, const char *name, double number)
{
    ks_cell_ref ref = cell(model, name);
    ks_error err;
    if (ks_set(model, ref.item, ref.period, number, &err) != KS_OK)
        fail_msg("set %s: %s", name, err.message);
}

/* A figure as the release reported it. */
static inline void report(ks_model *model, const char *name, double number)
{
    ks_cell_ref ref = cell(model, name);
    ks_error err;
    if (ks_set_input(model, ref.item, ref.period, number, KS_PROV_REPORTED,
                     &err) != KS_OK)
        fail_msg("report %s: %s", name, err.message);
}

#endif
