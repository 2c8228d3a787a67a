/*
 * fake_formula_model.h -- a small model held in arrays, for compiling and
 * evaluating formulas without the model: 9 items (rev.total,
 * expenses.total, op_income, a, b, c, x, g, z; formulas are evaluated as
 * z's) by 10 periods (1Q01..4Q02, FY01, FY02), the names the compiler
 * looks up, the environments of the scalar and the block machines, and
 * explain's conversion of a boxed value.  Quarters shift by quarters,
 * years by whole years.  A fault is recorded in the world (how many, the
 * last one and its detail) and evaluates to error 1000 + its number.  The
 * block machine's lanes vary a, b, c, x and g (fake_lanes); the other
 * items are the world's constants, and fake_check_lanes compares the two
 * machines lane by lane.  Shared by the formula tests and the formula
 * fuzzing harness; a broken contract aborts.
 */
#ifndef KS_TEST_FAKE_FORMULA_MODEL_H
#define KS_TEST_FAKE_FORMULA_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/value.h"
#include "formula/formula.h"
#include "kessan/suggest.h"

enum { ITEMS = 9, QUARTERS = 8, PERIODS = 10, FY01 = 8, FY02 = 9 };
enum { REV = 0, EXPENSES, OP_INCOME, A, B, C, X, G, Z };
enum { VARYING = 5 }; /* the items the lanes vary: A .. A + VARYING - 1 */

static const char *const fake_item_ids[ITEMS] = {
    "rev.total", "expenses.total", "op_income", "a", "b", "c", "x", "g", "z"
};
static const char *const fake_period_ids[PERIODS] = {
    "1Q01", "2Q01", "3Q01", "4Q01", "1Q02", "2Q02", "3Q02", "4Q02",
    "FY01", "FY02"
};

typedef struct fake_world {
    double values[ITEMS][PERIODS];
    int fail_count;        /* faults so far                               */
    ks_fault last_fault;
    char last_detail[128];
} fake_world;

/* The world every formula test starts from: nothing varying, each input
 * cell 10 x (item + 1) + period. */
static inline void fake_world_fill(fake_world *world)
{
    memset(world, 0, sizeof *world);
    for (int item = 0; item < ITEMS; item++)
        for (int period = 0; period < PERIODS; period++)
            world->values[item][period] = 10.0 * (item + 1) + period;
}

/* Block evaluation's inputs: every lane of the varying items, and the
 * world that holds the constants. */
typedef struct fake_lanes {
    fake_world *world;
    double lanes[VARYING][PERIODS][KS_BLOCK_LANES_MAX];
} fake_lanes;

/* ---- names -------------------------------------------------------------- */

static inline int fake_find_in(const char *const *list, int count,
                               const char *id, size_t length)
{
    for (int i = 0; i < count; i++)
        if (strlen(list[i]) == length && memcmp(list[i], id, length) == 0)
            return i;
    return -1;
}

static inline int fake_find_item(void *user_data, const char *id,
                                 size_t length)
{
    (void)user_data;
    return fake_find_in(fake_item_ids, ITEMS, id, length);
}

static inline const char *fake_nearest_item(void *user_data, const char *id,
                                            size_t length)
{
    (void)user_data;
    return ks_suggest(id, length, fake_item_ids, ITEMS);
}

static inline int fake_find_period(void *user_data, const char *id,
                                   size_t length)
{
    (void)user_data;
    return fake_find_in(fake_period_ids, PERIODS, id, length);
}

static inline const ks_formula_names *fake_names(void)
{
    static const ks_formula_names names = {
        NULL, fake_find_item, fake_nearest_item, fake_find_period
    };
    return &names;
}

/* ---- the scalar machine's environment ----------------------------------- */

static inline double fake_load(void *user_data, int item, int period)
{
    fake_world *world = user_data;
    if (item < 0 || item >= ITEMS || period < 0 || period >= PERIODS)
        abort();
    return world->values[item][period];
}

static inline int fake_shift(void *user_data, int period, int offset)
{
    (void)user_data;
    if (period < 0 || period >= PERIODS)
        abort();
    if (period < QUARTERS) {
        long shifted = (long)period + offset;
        return shifted < 0 ? -1 : shifted >= QUARTERS ? -2 : (int)shifted;
    }
    if (offset % 4 != 0)
        return -3;
    long year = period - FY01 + offset / 4;
    return year < 0 ? -1 : year > 1 ? -2 : FY01 + (int)year;
}

static inline double fake_fail(void *user_data, ks_fault fault,
                               const char *detail)
{
    fake_world *world = user_data;
    if (detail && strlen(detail) > 4096)
        abort();
    world->fail_count++;
    world->last_fault = fault;
    snprintf(world->last_detail, sizeof world->last_detail, "%s",
             detail ? detail : "");
    return ks_box_error((uint32_t)(1000 + world->fail_count));
}

static inline const char *fake_item_id(void *user_data, int item)
{
    (void)user_data;
    return fake_item_ids[item];
}

static inline const char *fake_period_id(void *user_data, int period,
                                         char *buf, size_t size)
{
    (void)user_data;
    snprintf(buf, size, "%s", fake_period_ids[period]);
    return buf;
}

/* z's formula evaluated in `period` of `world`. */
static inline ks_eval_env fake_env_at(fake_world *world, int period)
{
    ks_eval_env env = { world, fake_load, fake_shift, fake_fail,
                        fake_item_id, fake_period_id, Z, period };
    return env;
}

/* ---- the block machine's loaders (user data: a fake_lanes) -------------- */

static inline int fake_varying_index(int item)
{
    return item >= A && item < A + VARYING ? item - A : -1;
}

/* Constants broadcast into every lane of `scratch`. */
static inline const double *fake_load_block(void *user_data, int item,
                                            int period, double *scratch)
{
    fake_lanes *blocks = user_data;
    int index = fake_varying_index(item);
    if (index >= 0)
        return blocks->lanes[index][period];
    for (int i = 0; i < KS_BLOCK_LANES_MAX; i++)
        scratch[i] = blocks->world->values[item][period];
    return scratch;
}

/* The same through load_lanes (as the simulation loads): constants are
 * not broadcast at all. */
static inline const double *fake_load_lanes(void *user_data, int item,
                                            int period, double *constant)
{
    fake_lanes *blocks = user_data;
    int index = fake_varying_index(item);
    if (index >= 0)
        return blocks->lanes[index][period];
    *constant = blocks->world->values[item][period];
    return NULL;
}

/* Lane `lane` of the varying items copied into the world, so that the
 * scalar machine sees what the block machine saw in that lane. */
static inline void fake_world_take_lane(fake_world *world,
                                        const fake_lanes *blocks, int lane)
{
    for (int index = 0; index < VARYING; index++)
        for (int period = 0; period < PERIODS; period++)
            world->values[A + index][period] =
                blocks->lanes[index][period][lane];
}

/* ---- the block machine against the scalar machine ----------------------- */

/* What fake_check_lanes found. */
typedef struct fake_lane_check {
    int lane;        /* the first lane that disagrees; -1: none            */
    double by_block; /* its value through load_block                       */
    double by_lanes; /* through load_lanes (bit for bit the same, or not)  */
    double scalar;   /* the scalar machine's on that lane's inputs         */
    int gaps;        /* lanes that are not numbers                         */
} fake_lane_check;

/* `formula` evaluated in `period` over `lanes` lanes of `blocks`, through
 * both loaders, and by the scalar machine on each lane's inputs (copied
 * into blocks->world): every lane must be bit for bit the same through
 * both loaders, and be the scalar machine's number, or NaN where that is
 * not a number. */
static inline fake_lane_check fake_check_lanes(const ks_formula *formula,
                                               fake_lanes *blocks, int period,
                                               int lanes)
{
    static double by_block[KS_BLOCK_LANES_MAX], by_lanes[KS_BLOCK_LANES_MAX];
    ks_block_env block_env = { blocks, fake_load_block, fake_shift, period,
                               NULL };
    ks_block_env lanes_env = { blocks, NULL, fake_shift, period,
                               fake_load_lanes };
    ks_formula_eval_block(formula, &block_env, by_block, lanes);
    ks_formula_eval_block(formula, &lanes_env, by_lanes, lanes);
    ks_eval_env env = fake_env_at(blocks->world, period);
    fake_lane_check check = { -1, 0, 0, 0, 0 };
    for (int lane = 0; lane < lanes; lane++) {
        fake_world_take_lane(blocks->world, blocks, lane);
        double scalar = ks_formula_eval(formula, &env);
        int same = memcmp(&by_block[lane], &by_lanes[lane],
                          sizeof by_block[lane]) == 0;
        int agree = ks_is_number(scalar) ? by_block[lane] == scalar
                                         : by_block[lane] != by_block[lane];
        if (!same || !agree) {
            check = (fake_lane_check){ lane, by_block[lane], by_lanes[lane],
                                       scalar, check.gaps };
            return check;
        }
        check.gaps += !ks_is_number(by_block[lane]);
    }
    return check;
}

/* A xorshift generator: the next number in [0, 1) from `state`. */
static inline double fake_random_unit(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (double)(*state >> 11) / 9007199254740992.0;
}

/* ---- explain ------------------------------------------------------------ */

static inline void fake_to_value(void *user_data, double boxed, int item,
                                 int period, ks_value *out)
{
    (void)user_data;
    (void)item;
    (void)period;
    memset(out, 0, sizeof *out);
    if (ks_is_number(boxed)) {
        out->kind = KS_NUMBER;
        out->provenance = KS_PROV_COMPUTED;
        out->number = boxed;
    } else if (ks_is_error(boxed)) {
        out->kind = KS_ERROR;
        out->error = "an error";
    } else {
        out->kind = KS_MISSING;
    }
}

#endif
