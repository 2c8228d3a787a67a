/*
 * year_steps.c -- how the year of an item without a formula follows from what is
 * known of it: for a sum, the union of two known periods that make up a
 * third (1H = 1Q + 2Q, computed) and the difference of a known period and
 * a known part of it (1Q = 9M - 2Q - 3Q, implied), until nothing more
 * follows; for a stock, a longer period is its last quarter and a quarter
 * that ends a known longer period is that period (implied).
 *
 * The steps depend only on which slots are known, not on their values, so
 * recalculation plans and applies them at once, and a simulation plans a
 * year once and applies the steps to every trial.  Which quarters make
 * which period is period_parts.h's.
 */
#include "model/model_internal.h"

static void add_step(ks_row_step *steps, int *count, int target, int a, int b,
                     ks_row_step_kind kind)
{
    ks_row_step *step = &steps[(*count)++];
    step->target = (int8_t)target;
    step->a = (int8_t)a;
    step->b = (int8_t)b;
    step->kind = (uint8_t)kind;
}

/* One round of unions and differences; returns whether anything followed. */
static int plan_sums(uint8_t prov[], int usable[], ks_row_step *steps,
                     int *count)
{
    int changed = 0;
    for (int a = 0; a < KS_SLOTS_PER_YEAR; a++) {
        if (!usable[a])
            continue;
        uint8_t mask_a = ks_slot_quarters(a);
        for (int b = 0; b < KS_SLOTS_PER_YEAR; b++) {
            if (!usable[b] || a == b)
                continue;
            uint8_t mask_b = ks_slot_quarters(b);
            int slot = -1;
            ks_row_step_kind kind = KS_ROW_ADD;
            uint8_t how = KS_PROV_COMPUTED;
            if ((mask_a & mask_b) == 0 && a < b) {
                slot = ks_slot_of_quarters(mask_a | mask_b);
            } else if ((mask_b & ~mask_a) == 0) {
                slot = ks_slot_of_quarters(mask_a & ~mask_b);
                kind = KS_ROW_SUB;
                how = KS_PROV_IMPLIED;
            }
            if (slot < 0 || prov[slot] != KS_PROV_NONE)
                continue;
            add_step(steps, count, slot, a, b, kind);
            prov[slot] = how;
            usable[slot] = 1;
            changed = 1;
        }
    }
    return changed;
}

static void plan_last(uint8_t prov[], const int usable[], ks_row_step *steps,
                      int *count)
{
    for (int slot = KS_QUARTERS_PER_YEAR; slot < KS_SLOTS_PER_YEAR; slot++) {
        int quarter = ks_slot_last_quarter(slot);
        if (prov[slot] == KS_PROV_NONE && usable[quarter]) {
            add_step(steps, count, slot, quarter, quarter, KS_ROW_COPY);
            prov[slot] = KS_PROV_COMPUTED;
        }
    }
    for (int quarter = 0; quarter < KS_QUARTERS_PER_YEAR; quarter++) {
        if (prov[quarter] != KS_PROV_NONE)
            continue;
        for (int slot = KS_QUARTERS_PER_YEAR; slot < KS_SLOTS_PER_YEAR;
             slot++) {
            if (ks_slot_last_quarter(slot) == quarter && usable[slot] &&
                prov[slot] != KS_PROV_COMPUTED) {
                add_step(steps, count, quarter, slot, slot, KS_ROW_COPY);
                prov[quarter] = KS_PROV_IMPLIED;
                break;
            }
        }
    }
}

/* The common year: its four quarters known, nothing longer.  Under rule
 * sum the halves are sums of quarters, 9M = 1H + 3Q and FY = 1H + 2H;
 * under rule last each longer period is its last quarter. */
static const ks_row_step quarter_steps_sum[4] = {
    { 4, 0, 1, KS_ROW_ADD }, { 5, 2, 3, KS_ROW_ADD },
    { 6, 4, 2, KS_ROW_ADD }, { 7, 4, 5, KS_ROW_ADD },
};
static const ks_row_step quarter_steps_last[4] = {
    { 4, 1, 1, KS_ROW_COPY }, { 5, 3, 3, KS_ROW_COPY },
    { 6, 2, 2, KS_ROW_COPY }, { 7, 3, 3, KS_ROW_COPY },
};

static int quarter_steps(ks_rule rule, const ks_row_step **steps)
{
    *steps = rule == KS_RULE_SUM ? quarter_steps_sum : quarter_steps_last;
    return rule == KS_RULE_FORMULA ? 0 : 4;
}

/* Whether only the four quarters are known, all of them numbers. */
static int only_quarters(const uint8_t prov[], const int usable[])
{
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
        if (ks_slot_is_quarter(slot) ? !usable[slot]
                                     : prov[slot] != KS_PROV_NONE)
            return 0;
    return 1;
}

int ks_row_plan(ks_rule rule, uint8_t prov[KS_SLOTS_PER_YEAR],
                int usable[KS_SLOTS_PER_YEAR],
                ks_row_step steps[KS_ROW_STEPS_MAX])
{
    int count = 0;
    if (rule != KS_RULE_FORMULA && only_quarters(prov, usable)) {
        const ks_row_step *common;
        count = quarter_steps(rule, &common);
        for (int k = 0; k < count; k++) {
            steps[k] = common[k];
            prov[common[k].target] = KS_PROV_COMPUTED;
            usable[common[k].target] = 1;
        }
        return count;
    }
    if (rule == KS_RULE_SUM) {
        while (plan_sums(prov, usable, steps, &count))
            ;
    } else if (rule == KS_RULE_LAST) {
        plan_last(prov, usable, steps, &count);
    }
    return count;
}

static inline void apply_steps(const ks_row_step *steps, int count,
                               double value[KS_SLOTS_PER_YEAR])
{
    for (int k = 0; k < count; k++) {
        const ks_row_step *step = &steps[k];
        switch (step->kind) {
        case KS_ROW_ADD:
            value[step->target] = value[step->a] + value[step->b];
            break;
        case KS_ROW_SUB:
            value[step->target] = value[step->a] - value[step->b];
            break;
        default:
            value[step->target] = value[step->a];
            break;
        }
    }
}

void ks_row_apply(const ks_row_step *steps, int count,
                  double value[KS_SLOTS_PER_YEAR])
{
    apply_steps(steps, count, value);
}

/* The steps of the common year, unrolled: full recalculation takes every
 * such year of every input item through here. */
void ks_row_apply_quarters(ks_rule rule, double value[KS_SLOTS_PER_YEAR])
{
    if (rule == KS_RULE_SUM)
        apply_steps(quarter_steps_sum, 4, value);
    else if (rule == KS_RULE_LAST)
        apply_steps(quarter_steps_last, 4, value);
}
