/*
 * fuzz_formula.c -- libFuzzer harness for the formula language.
 *
 * The input is the formula text.  It is compiled against a small fake
 * model (fake_formula_model.h); when it compiles it is evaluated in
 * every period by the scalar machine and by the block machine (which must
 * agree lane by lane), explained as a tree and disassembled.  The same text
 * is then defined on a real in-memory model, every period read and
 * explained, on the model and on a scenario.  Every block must be freed:
 * the allocator counts live blocks and the harness aborts on a leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fake_formula_model.h"
#include "../support/test_alloc.h"
#include "kessan/kessan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the fake model (fake_formula_model.h), 37 lanes --------------------- */

enum { LANES = 37 };

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

static void world_init(fake_world *world, fake_lanes *blocks)
{
    memset(world, 0, sizeof *world);
    for (int item = 0; item < ITEMS; item++)
        for (int period = 0; period < PERIODS; period++)
            world->values[item][period] = 10.0 * (item + 1) - period;
    world->values[EXPENSES][3] = 0;
    world->values[OP_INCOME][5] = ks_box_missing();
    blocks->world = world;
    for (int index = 0; index < VARYING; index++)
        for (int period = 0; period < PERIODS; period++)
            for (int lane = 0; lane < LANES; lane++)
                blocks->lanes[index][period][lane] =
                    lane_input(index, period, lane);
}

static void explain_node_check(const ks_explain_node *node, int depth)
{
    if (!node || !node->text || depth > 10000)
        abort();
    for (int i = 0; i < node->child_count; i++)
        explain_node_check(node->children[i], depth + 1);
}

/* Scalar and block evaluation (through both loaders, bit for bit alike)
 * must agree in every lane of every period. */
static void check_block(const ks_formula *formula, fake_lanes *blocks)
{
    for (int period = 0; period < PERIODS; period++) {
        fake_lane_check check = fake_check_lanes(formula, blocks, period,
                                                 LANES);
        if (check.lane >= 0) {
            fprintf(stderr, "load_block %.17g, load_lanes %.17g, scalar "
                    "%.17g in lane %d of %s\n", check.by_block,
                    check.by_lanes, check.scalar, check.lane,
                    fake_period_ids[period]);
            abort();
        }
    }
}

static void fuzz_fake_model(const char *source, size_t length)
{
    test_alloc count = { 0 };
    ks_allocator alloc = test_allocator(&count);
    ks_formula *formula = (ks_formula *)&count;
    ks_error err;
    ks_status status = ks_formula_compile(source, fake_names(), &alloc,
                                          &formula, &err);
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
    static fake_lanes blocks;
    world_init(&world, &blocks);
    for (int i = 0; i < ks_formula_ref_count(formula); i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        if (ref->item < 0 || ref->item >= ITEMS || ref->period >= PERIODS)
            abort();
    }
    check_block(formula, &blocks);
    world_init(&world, &blocks);
    for (int period = 0; period < PERIODS; period += 3) {
        ks_eval_env env = fake_env_at(&world, period);
        ks_explain_node *tree = NULL;
        if (ks_formula_explain(formula, &env, fake_to_value, &alloc, &tree,
                               &err)
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
