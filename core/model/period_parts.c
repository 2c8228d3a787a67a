/*
 * period_parts.c -- the table of the parts of a period (period_parts.h):
 * for each slot of a year, its quarters, its last quarter and the sets of
 * parts its summary is tried from.
 */
#include "model/period_parts.h"

/* { count, { slots } }: the parts of a set, added in this order */
const ks_slot_parts ks_slot_parts_table[KS_SLOTS_PER_YEAR] = {
    /* quarters, length, last quarter, rule last's set, rule sum's sets */
    [0] = { 0x1, 1, 0, { 0, { 0 } }, 0, { { 0, { 0 } } } },             /* 1Q */
    [1] = { 0x2, 1, 1, { 0, { 0 } }, 0, { { 0, { 0 } } } },             /* 2Q */
    [2] = { 0x4, 1, 2, { 0, { 0 } }, 0, { { 0, { 0 } } } },             /* 3Q */
    [3] = { 0x8, 1, 3, { 0, { 0 } }, 0, { { 0, { 0 } } } },             /* 4Q */
    [4] = { 0x3, 2, 1, { 1, { 1 } }, 1, { { 2, { 0, 1 } } } },          /* 1H */
    [5] = { 0xC, 2, 3, { 1, { 3 } }, 1, { { 2, { 2, 3 } } } },          /* 2H */
    [6] = { 0x7, 3, 2, { 1, { 2 } }, 2,                                 /* 9M */
            { { 3, { 0, 1, 2 } }, { 2, { 4, 2 } } } },
    [7] = { 0xF, 4, 3, { 1, { 3 } }, 3,                                 /* FY */
            { { 4, { 0, 1, 2, 3 } }, { 2, { 4, 5 } }, { 2, { 6, 3 } } } },
};

const int8_t ks_slot_of_quarters_table[16] = {
    -1, 0, 1, 4, 2, -1, -1, 6, 3, -1, -1, -1, 5, -1, -1, 7
};
