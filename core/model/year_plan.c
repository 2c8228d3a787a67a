/*
 * year_plan.c -- the steps of an item's fiscal year, read from a model or
 * scenario for the parts that write them out (year_plan.h): the inputs
 * as ks_eval_input_row reads them, planned by ks_row_plan.
 */
#include "model/model_internal.h"
#include "model/year_plan.h"

int ks_year_plan(ks_model *model, int item, int year_index,
                 int usable[KS_SLOTS_PER_YEAR],
                 ks_year_step steps[KS_YEAR_STEPS_MAX])
{
    ks_reader reader = { model, model->book, model->base != NULL };
    uint8_t prov[KS_SLOTS_PER_YEAR];
    uint64_t first = ks_cell_of(model->book, item,
                                ks_calendar_period(year_index, 0));
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++) {
        double value = ks_read_input(&reader, first + (uint64_t)slot,
                                     &prov[slot]);
        if (ks_is_none(value))
            prov[slot] = KS_PROV_NONE;
        usable[slot] = !ks_is_none(value) && ks_is_number(value);
    }
    int planned[KS_SLOTS_PER_YEAR];
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
        planned[slot] = usable[slot];
    ks_row_step row[KS_ROW_STEPS_MAX];
    int count = ks_row_plan(model->book->items[item].rule, prov, planned,
                            row);
    for (int k = 0; k < count; k++) {
        steps[k].target = row[k].target;
        steps[k].a = row[k].a;
        steps[k].b = row[k].b;
        steps[k].op = row[k].kind == KS_ROW_ADD   ? '+'
                      : row[k].kind == KS_ROW_SUB ? '-'
                                                  : '=';
    }
    return count;
}
