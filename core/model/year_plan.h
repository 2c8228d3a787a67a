/*
 * year_plan.h -- the steps of an item's fiscal year as recalculation
 * takes them (year_steps.c), for parts outside model/ that write those
 * steps out (the workbook export, io/xlsx_export_cell.c): which slot of
 * the year is the sum, difference or copy of which others, given the
 * inputs the model or scenario holds.  Slots as period_parts.h numbers
 * them; a year's slot is the period year * KS_SLOTS_PER_YEAR + slot.
 */
#ifndef KS_YEAR_PLAN_H
#define KS_YEAR_PLAN_H

#include "kessan/kessan.h"
#include "model/period_parts.h"

/* One step: slot `target` of the year is a + b (op '+', computed), a - b
 * (op '-', implied), or a itself (op '=': a stock's last quarter, or the
 * quarter ending a longer period). */
typedef struct ks_year_step {
    int target, a, b;
    char op;
} ks_year_step;

#define KS_YEAR_STEPS_MAX (KS_SLOTS_PER_YEAR * KS_SLOTS_PER_YEAR)

/*
 * The steps recalculation takes, in order, for `item`'s fiscal year
 * `year_index` (0 for the calendar's first) in `model` (a model or a
 * scenario, whose overrides count): from the slots whose inputs are
 * numbers (usable[slot] set to 1 for them) to the slots that follow.
 * Returns how many steps; 0 when nothing follows (rule formula, or too
 * little known).
 */
int ks_year_plan(ks_model *model, int item, int year_index,
                 int usable[KS_SLOTS_PER_YEAR],
                 ks_year_step steps[KS_YEAR_STEPS_MAX]);

static inline int ks_year_period(int year_index, int slot)
{
    return year_index * KS_SLOTS_PER_YEAR + slot;
}

#endif
