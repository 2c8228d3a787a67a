/*
 * fuzz_formula.c -- libFuzzer harness for the formula language.
 *
 * The input is the formula text.  It is compiled against a small fake
 * model (names and values held here); when it compiles it is evaluated in
 * every period by the scalar machine and by the block machine (which must
 * agree lane by lane), explained as a tree and disassembled.  The same text
 * is then defined on a real in-memory model, every period read and
 * explained, on the model and on a scenario.  Every block must be freed:
 * the allocator counts live blocks and the harness aborts on a leak.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/test_alloc.h"
#include "formula/formula.h"
#include "kessan/kessan.h"
#include "base/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the fake model: 8 items x 10 periods (1Q01..4Q02, FY01, FY02) -------- */

enum { ITEMS = 8, QUARTERS = 8, PERIODS = 10, FY01 = 8 };
enum { VARYING = 4, LANES = 37 };

static const char *const item_ids[ITEMS] = {
    "rev.total", "expenses.total", "op_income", "a", "b", "c", "x", "z"
};
static const char *const period_ids[PERIODS] = {
    "1Q01", "2Q01", "3Q01", "4Q01", "1Q02", "2Q02", "3Q02", "4Q02",
    "FY01", "FY02"
};

typedef struct fake_world {
    double values[ITEMS][PERIODS];
    double lanes[VARYING][PERIODS][LANES]; /* items a, b, c, x per lane */
} fake_world;

static int find_in(const char *const *list, int count, const char *id,
                   size_t length)
{
    for (int i = 0; i < count; i++)
        if (strlen(list[i]) == length && memcmp(list[i], id, length) == 0)
            return i;
    return -1;
}

static int fake_find_item(void *user_data, const char *id, size_t length)
{
    (void)user_data;
    return find_in(item_ids, ITEMS, id, length);
}

static const char *fake_nearest_item(void *user_data, const char *id,
                                     size_t length)
{
    (void)user_data;
    return ks_suggest(id, length, item_ids, ITEMS);
}

static int fake_find_period(void *user_data, const char *id, size_t length)
{
    (void)user_data;
    return find_in(period_ids, PERIODS, id, length);
}

static double fake_load(void *user_data, int item, int period)
{
    fake_world *world = user_data;
    if (item < 0 || item >= ITEMS || period < 0 || period >= PERIODS)
        abort();
    return world->values[item][period];
}

static int fake_shift(void *user_data, int period, int offset)
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

static double fake_fail(void *user_data, ks_fault fault, const char *detail)
{
    (void)user_data;
    if (detail && strlen(detail) > 4096)
        abort();
    return ks_box_error((uint32_t)fault);
}

static const char *fake_item_id(void *user_data, int item)
{
    (void)user_data;
    return item_ids[item];
}

static const char *fake_period_id(void *user_data, int period, char *buf,
                                  size_t size)
{
    (void)user_data;
    snprintf(buf, size, "%s", period_ids[period]);
    return buf;
}

static int varying_index(int item)
{
    return item >= 3 && item < 3 + VARYING ? item - 3 : -1;
}

static const double *fake_load_block(void *user_data, int item, int period,
                                     double *scratch)
{
    fake_world *world = user_data;
    int index = varying_index(item);
    if (index >= 0)
        return world->lanes[index][period];
    for (int i = 0; i < KS_BLOCK_LANES_MAX; i++)
        scratch[i] = world->values[item][period];
    return scratch;
}

static double lane_input(int index, int period, int lane)
{
    int pick = (index * 7 + period * 3 + lane * 5) % 23;
    if (pick == 0)
        return ks_box_missing();
    if (pick == 1)
        return 0;
    if (pick == 2)
        return ks_box_error(3);
    if (pick == 3)
        return -1.5;
    return (pick - 11) * 12.25 + lane;
}

static void world_init(fake_world *world)
{
    for (int item = 0; item < ITEMS; item++)
        for (int period = 0; period < PERIODS; period++)
            world->values[item][period] = 10.0 * (item + 1) - period;
    world->values[1][3] = 0;
    world->values[2][5] = ks_box_missing();
    for (int index = 0; index < VARYING; index++)
        for (int period = 0; period < PERIODS; period++)
            for (int lane = 0; lane < LANES; lane++)
                world->lanes[index][period][lane] =
                    lane_input(index, period, lane);
}

static void explain_node_check(const ks_explain_node *node, int depth)
{
    if (!node || !node->text || depth > 10000)
        abort();
    for (int i = 0; i < node->child_count; i++)
        explain_node_check(node->children[i], depth + 1);
}

static void to_value(void *user_data, double boxed, int item, int period,
                     ks_value *out)
{
    (void)user_data;
    (void)item;
    (void)period;
    memset(out, 0, sizeof *out);
    out->kind = ks_is_number(boxed) ? KS_NUMBER
              : ks_is_error(boxed) ? KS_ERROR : KS_MISSING;
    out->number = ks_is_number(boxed) ? boxed : 0;
    out->error = out->kind == KS_ERROR ? "error" : NULL;
}

/* The same through load_lanes (as the simulation loads): constants are
 * not broadcast, and chains of + and - run fused. */
static const double *fake_load_lanes(void *user_data, int item, int period,
                                     double *constant)
{
    fake_world *world = user_data;
    int index = varying_index(item);
    if (index >= 0)
        return world->lanes[index][period];
    *constant = world->values[item][period];
    return NULL;
}

/* Scalar and block evaluation (through both loaders, bit for bit alike)
 * must agree in every lane of every period. */
static void check_block(const ks_formula *formula, fake_world *world)
{
    static double out[KS_BLOCK_LANES_MAX], out_lanes[KS_BLOCK_LANES_MAX];
    for (int period = 0; period < PERIODS; period++) {
        ks_block_env block_env = { world, fake_load_block, fake_shift,
                                   period, NULL };
        ks_block_env lanes_env = { world, NULL, fake_shift, period,
                                   fake_load_lanes };
        ks_formula_eval_block(formula, &block_env, out, LANES);
        ks_formula_eval_block(formula, &lanes_env, out_lanes, LANES);
        if (memcmp(out, out_lanes, LANES * sizeof *out) != 0)
            abort();
        ks_eval_env env = { world, fake_load, fake_shift, fake_fail,
                            fake_item_id, fake_period_id, 7, period };
        for (int lane = 0; lane < LANES; lane++) {
            for (int index = 0; index < VARYING; index++)
                for (int p = 0; p < PERIODS; p++)
                    world->values[3 + index][p] = world->lanes[index][p][lane];
            double scalar = ks_formula_eval(formula, &env);
            int agree = ks_is_number(scalar)
                      ? (out[lane] == scalar || (isnan(scalar) && isnan(out[lane])))
                      : isnan(out[lane]);
            if (!agree) {
                fprintf(stderr, "block %.17g, scalar %.17g in lane %d of %s\n",
                        out[lane], scalar, lane, period_ids[period]);
                abort();
            }
        }
    }
}

static void fuzz_fake_model(const char *source, size_t length)
{
    test_alloc count = { 0 };
    ks_allocator alloc = test_allocator(&count);
    static const ks_formula_names names = {
        NULL, fake_find_item, fake_nearest_item, fake_find_period
    };
    ks_formula *formula = (ks_formula *)&count;
    ks_error err;
    ks_status status = ks_formula_compile(source, &names, &alloc, &formula,
                                          &err);
    if (status != KS_OK) {
        if (formula || err.code != status || err.column < 0
            || (size_t)err.column > length + 1
            || !memchr(err.message, '\0', sizeof err.message))
            abort();
        if (count.live != 0)
            abort();
        return;
    }
    static fake_world world;
    world_init(&world);
    for (int i = 0; i < ks_formula_ref_count(formula); i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        if (ref->item < 0 || ref->item >= ITEMS || ref->period >= PERIODS)
            abort();
    }
    check_block(formula, &world);
    world_init(&world);
    for (int period = 0; period < PERIODS; period += 3) {
        ks_eval_env env = { &world, fake_load, fake_shift, fake_fail,
                            fake_item_id, fake_period_id, 7, period };
        ks_explain_node *tree = NULL;
        if (ks_formula_explain(formula, &env, to_value, &alloc, &tree, &err)
            == KS_OK) {
            explain_node_check(tree, 0);
            ks_explain_node_free(&alloc, tree);
        }
    }
    static char listing[1 << 16];
    ks_formula_disassemble(formula, listing, sizeof listing);
    ks_formula_free(formula, &alloc);
    if (count.live != 0)
        abort();
}

/* ---- the real model -------------------------------------------------------- */

static void add_item(ks_model *model, const char *id, ks_rule rule)
{
    ks_item_info info = { id, id, NULL, "JPY thousands", "is", NULL, NULL,
                          rule };
    ks_error err;
    if (ks_item_add(model, &info, NULL, &err) != KS_OK)
        abort();
}

static void read_all(ks_model *model)
{
    ks_error err;
    for (int item = 0; item < ks_item_count(model); item++)
        for (int i = 0; i < ks_period_count(model); i++) {
            ks_value value;
            ks_status status = ks_get(model, item, ks_period_at(model, i),
                                      &value, &err);
            if (status != KS_OK && status != KS_ENOMEM)
                abort();
        }
}

static void fuzz_real_model(const char *source)
{
    test_alloc count = { 0 };
    ks_allocator alloc = test_allocator(&count);
    ks_calendar calendar = { 3, 2001, 2002 };
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_new(&calendar, &alloc, &model, &err) != KS_OK)
        abort();
    add_item(model, "rev.total", KS_RULE_SUM);
    add_item(model, "cost.total", KS_RULE_SUM);
    add_item(model, "bs.cash", KS_RULE_LAST);
    if (ks_define(model, "op_income", "rev.total - cost.total", NULL, &err)
        != KS_OK)
        abort();
    for (int i = 0; i < ks_period_count(model); i++) {
        int period = ks_period_at(model, i);
        if (ks_period_kind_of(model, period) != KS_QUARTER || i % 5 == 4)
            continue;
        ks_set(model, 0, period, 1000.0 + 10 * i, &err);
        ks_set(model, 1, period, 900.0 - 7 * i, &err);
        ks_set(model, 2, period, i == 2 ? 0 : 50.0 * i, &err);
    }
    ks_item_info info = { "fz", "Fuzzed", NULL, "ratio", "kpi", NULL, NULL,
                          KS_RULE_FORMULA };
    if (ks_define(model, "fz", source, &info, &err) == KS_OK) {
        read_all(model);
        int item = ks_item_find(model, "fz");
        for (int i = 0; i < ks_period_count(model); i += 5) {
            ks_explain_node *tree = NULL;
            if (ks_explain(model, item, ks_period_at(model, i), &tree, &err)
                == KS_OK) {
                explain_node_check(tree, 0);
                ks_explain_free(model, tree);
            }
        }
        ks_model *scenario = NULL;
        if (ks_scenario_new(model, "low", &scenario, &err) == KS_OK) {
            ks_set(scenario, 0, ks_period_at(scenario, 3), 0, &err);
            read_all(scenario);
            ks_model_free(scenario);
        }
        /* a second definition of the same item may refer to itself */
        ks_define(model, "rev.total", source, NULL, &err);
        read_all(model);
        ks_define(model, "fz", NULL, NULL, &err);
        read_all(model);
    }
    ks_model_free(model);
    if (count.live != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *source = malloc(size + 1);
    if (!source)
        return 0;
    memcpy(source, data, size);
    source[size] = '\0';
    fuzz_fake_model(source, size);
    fuzz_real_model(source);
    free(source);
    return 0;
}
