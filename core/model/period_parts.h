/*
 * period_parts.h -- the parts of a period (internal): which quarters each
 * of a fiscal year's eight slots (1Q 2Q 3Q 4Q 1H 2H 9M FY) is made of,
 * its last quarter, the slot a set of quarters makes, which slots lie
 * within another, and the sets of parts a half, nine months or year is
 * summarized from under an item's rule, in the order they are tried.
 *
 * One table (period_parts.c) holds it all.  The calendar, recalculation
 * (recalc.c, one cell or whole rows), the steps of an input item's year
 * (year_steps.c), explanations and the simulation plan read it here, so a
 * rule of time is written once.
 */
#ifndef KS_PERIOD_PARTS_H
#define KS_PERIOD_PARTS_H

#include <stdint.h>

#include "kessan/kessan.h"

#define KS_SLOTS_PER_YEAR 8    /* 1Q 2Q 3Q 4Q 1H 2H 9M FY                  */
#define KS_QUARTERS_PER_YEAR 4 /* slots 0..3; the longer periods follow   */
#define KS_SUMMARY_SETS_MAX 3  /* sets of parts a summary may be had from */
#define KS_SET_PARTS_MAX 4     /* slots in one set                        */

/* Slots of one year whose values, added in this order, give a summary
 * (under rule last, the one slot whose value it takes). */
typedef struct ks_part_set {
    int8_t count;
    int8_t slots[KS_SET_PARTS_MAX];
} ks_part_set;

typedef struct ks_slot_parts {
    uint8_t quarters; /* its quarters as bits: 1Q = 1, 2Q = 2, 3Q = 4, 4Q = 8 */
    int8_t length;    /* how many quarters                               */
    int8_t last;      /* its last quarter (a slot 0..3)                  */
    ks_part_set last_set; /* rule last: { last }; none for a quarter     */
    int8_t sum_set_count; /* rule sum: the sets, in the order tried       */
    ks_part_set sum_sets[KS_SUMMARY_SETS_MAX];
} ks_slot_parts;

extern const ks_slot_parts ks_slot_parts_table[KS_SLOTS_PER_YEAR];
/* quarters (bits) -> the slot made of exactly them, or -1 */
extern const int8_t ks_slot_of_quarters_table[16];

static inline int ks_slot_is_quarter(int slot)
{
    return slot < KS_QUARTERS_PER_YEAR;
}

static inline uint8_t ks_slot_quarters(int slot)
{
    return ks_slot_parts_table[slot].quarters;
}

static inline int ks_slot_length(int slot)
{
    return ks_slot_parts_table[slot].length;
}

static inline int ks_slot_last_quarter(int slot)
{
    return ks_slot_parts_table[slot].last;
}

/* The slot made of exactly the quarters `quarters` (bits), or -1: 1Q + 2Q
 * is 1H; 2Q + 3Q is no period. */
static inline int ks_slot_of_quarters(unsigned quarters)
{
    return quarters < 16 ? ks_slot_of_quarters_table[quarters] : -1;
}

/* Whether every quarter of `inner` is one of `outer`'s (a slot lies
 * within itself). */
static inline int ks_slot_within(int inner, int outer)
{
    return (ks_slot_quarters(inner) & ~ks_slot_quarters(outer)) == 0;
}

/*
 * The sets of parts the summary of a formula item's `slot` is tried from
 * under `rule`, in order; returns how many (0: a quarter, or rule formula,
 * where the formula alone gives the cell).  Rule sum: 1H = 1Q + 2Q; 2H =
 * 3Q + 4Q; 9M = 1Q + 2Q + 3Q, else 1H + 3Q; FY = 1Q + 2Q + 3Q + 4Q, else
 * 1H + 2H, else 9M + 4Q: the first set whose parts are all numbers gives
 * their sum.  Rule last: the last quarter, unless it is missing.  When no
 * set gives the summary, the formula does.
 */
/* Whether a formula item's `slot` is tried from a summary under `rule`:
 * a half, nine months or year under rule sum or last. */
static inline int ks_has_summary(ks_rule rule, int slot)
{
    return !ks_slot_is_quarter(slot) && rule != KS_RULE_FORMULA;
}

static inline int ks_summary_sets(ks_rule rule, int slot,
                                  const ks_part_set **sets)
{
    const ks_slot_parts *parts = &ks_slot_parts_table[slot];
    if (rule == KS_RULE_SUM) {
        *sets = parts->sum_sets;
        return parts->sum_set_count;
    }
    *sets = &parts->last_set;
    return rule == KS_RULE_LAST && parts->last_set.count > 0;
}

/* Where a set's sum starts: -0, the identity of addition, so that the sum
 * is exactly the parts added in order (-0 + -0 stays -0). */
#define KS_PARTS_SUM_START (-0.0)

#endif
