/*
 * test_alloc_failure.c -- running out of memory is an error like any other.
 *
 * One allocator hook counts allocations and fails the n-th, for n = 1, 2,
 * ... until the operation succeeds, once failing a single time and once
 * failing for good, for: opening data/iij, importing values (long, wide,
 * from a file), exporting, defining a formula (a new item, a changed
 * formula), recalculating (set then get), creating and changing a
 * scenario, and a short simulation.  Every failure must return KS_ENOMEM,
 * and leave the model exactly as it was before the failing call: every
 * cell's value, kind, provenance and input flag compared against a run
 * that did not fail.  The hook counts live blocks: after the model is
 * freed none may be left (LeakSanitizer checks the same in the sanitizer
 * build, valgrind in scripts/dev/test --valgrind).  The distinct allocation
 * sites where a failure was injected and handled are counted and printed.
 */
#include <execinfo.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"
#include "../support/test_files.h"
#include "base/alloc.h"
#include "kessan/kessan.h"
#include "kessan/simulate.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define IIJ "data/iij"

/* ---- the hook ------------------------------------------------------------------ */

enum { MAX_SITES = 4096 };

/* The allocations counted and failed; where the first refusal was made. */
static test_alloc the_hook;
static uintptr_t failing_site;

/* Every site where a failure was injected, over the whole run. */
static uintptr_t sites[MAX_SITES];
static int site_count;

/* The address range of alloc.c's functions, to skip them in a backtrace. */
static uintptr_t alloc_functions[8];

static void alloc_functions_init(void)
{
    uintptr_t list[8] = {
        (uintptr_t)ks_default_allocator, (uintptr_t)ks_mem_alloc,
        (uintptr_t)ks_mem_calloc, (uintptr_t)ks_mem_realloc,
        (uintptr_t)ks_mem_grow, (uintptr_t)ks_mem_free,
        (uintptr_t)ks_mem_strdup, (uintptr_t)ks_mem_strndup
    };
    /* sorted, so that an address belongs to the function before it */
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            if (list[j] < list[i]) {
                uintptr_t t = list[i];
                list[i] = list[j];
                list[j] = t;
            }
    memcpy(alloc_functions, list, sizeof list);
}

/* Whether a return address lies in alloc.c (the last function is taken to
 * be shorter than 160 bytes). */
static int in_alloc_c(uintptr_t address)
{
    return address > alloc_functions[0] && address < alloc_functions[7] + 160;
}

/* The first caller outside alloc.c after the frames in it (this hook is
 * called from alloc.c): the allocation site. */
static uintptr_t allocation_site(void)
{
    void *frames[16];
    int count = backtrace(frames, 16);
    int i = 0;
    while (i < count && !in_alloc_c((uintptr_t)frames[i]))
        i++;
    while (i < count && in_alloc_c((uintptr_t)frames[i]))
        i++;
    return i < count ? (uintptr_t)frames[i] : 0;
}

static void record_site(uintptr_t site)
{
    for (int i = 0; i < site_count; i++)
        if (sites[i] == site)
            return;
    if (site_count < MAX_SITES)
        sites[site_count++] = site;
}

/* The shared counting allocator, noting the site of its first refusal. */
static void *hook_realloc(void *user_data, void *block, size_t size)
{
    int failed_before = the_hook.failed;
    void *grown = test_alloc_realloc(user_data, block, size);
    if (the_hook.failed && !failed_before)
        failing_site = allocation_site();
    return grown;
}

static const ks_allocator hook_allocator = { .realloc_fn = hook_realloc, .user_data = &the_hook };

static void arm(long fail_at, int for_good)
{
    test_alloc_arm(&the_hook, fail_at, for_good);
    failing_site = 0;
}

static void disarm(void)
{
    test_alloc_disarm(&the_hook);
}

/* ---- the state compared: every cell of the model and of its scenario ---------- */

typedef struct cell_state {
    ks_kind kind;
    ks_provenance provenance;
    uint64_t bits;
    int is_input;
    char error[96];
} cell_state;

typedef struct snapshot {
    cell_state *cells;
    int count;
    int items;
} snapshot;

static void snapshot_add(snapshot *shot, ks_model *model)
{
    int periods = ks_period_count(model);
    int items = ks_item_count(model);
    size_t total = (size_t)shot->count + (size_t)items * (size_t)periods;
    shot->cells = realloc(shot->cells, total * sizeof *shot->cells);
    assert_non_null(shot->cells);
    shot->items += items;
    for (int item = 0; item < items; item++)
        for (int i = 0; i < periods; i++) {
            int period = ks_period_at(model, i);
            ks_value value;
            ks_error err;
            if (ks_get(model, item, period, &value, &err) != KS_OK)
                fail_msg("snapshot: %s", err.message);
            cell_state *cell = &shot->cells[shot->count++];
            memset(cell, 0, sizeof *cell);
            cell->kind = value.kind;
            cell->provenance = value.provenance;
            if (value.kind == KS_NUMBER)
                memcpy(&cell->bits, &value.number, sizeof cell->bits);
            cell->is_input = ks_is_input(model, item, period);
            if (value.kind == KS_ERROR && value.error)
                snprintf(cell->error, sizeof cell->error, "%s", value.error);
        }
}

static void snapshot_free(snapshot *shot)
{
    free(shot->cells);
    memset(shot, 0, sizeof *shot);
}

/* The first cell that differs, as "item 12 period 5: kind 0 prov 2 ..."
 * (cells are numbered model first, then scenario; item-major). */
static void describe_difference(const snapshot *a, const snapshot *b,
                                char *buf, size_t size)
{
    snprintf(buf, size, "%d cells, %d before", b->count, a->count);
    for (int i = 0; i < a->count && i < b->count; i++) {
        const cell_state *x = &a->cells[i], *y = &b->cells[i];
        if (memcmp(x, y, sizeof *x) == 0)
            continue;
        double before, after;
        memcpy(&before, &x->bits, sizeof before);
        memcpy(&after, &y->bits, sizeof after);
        snprintf(buf, size, "cell %d: kind %d/%d, provenance %d/%d, "
                 "number %.17g/%.17g, input %d/%d, error '%s'/'%s'", i,
                 x->kind, y->kind, x->provenance, y->provenance, before,
                 after, x->is_input, y->is_input, x->error, y->error);
        return;
    }
}

static int snapshot_equal(const snapshot *a, const snapshot *b)
{
    return a->count == b->count && a->items == b->items
        && memcmp(a->cells, b->cells, sizeof *a->cells * (size_t)a->count) == 0;
}

/* ---- operations: a model, a scenario, and steps taken in order -------------------- */

typedef struct world {
    ks_model *model;
    ks_model *scenario;
    char export_path[512];
    char import_path[512];
} world;

typedef struct operation {
    const char *name;
    int steps;
    ks_status (*step)(world *w, int index, ks_error *err);
    /* called after a failed step: anything beyond the cells to check */
    void (*after_failure)(world *w, int index);
} operation;

static void take_snapshot(world *w, snapshot *shot)
{
    memset(shot, 0, sizeof *shot);
    snapshot_add(shot, w->model);
    if (w->scenario)
        snapshot_add(shot, w->scenario);
}

static const char long_values[] =
    "item,period,value,scenario\n"
    "rev.si,4Q02,\"4,600,000\",\n"
    "rev.dedicated,4Q02,\"3,500,000\",\n"
    "cost.si,4Q02,\"(4,100,000)\",\n"
    "opex.sm,4Q02,n.a,\n";

static const char wide_values[] =
    "\xef\xbb\xbfitem,4Q02,FY02\r\n"
    "rev.equipment,\"1,234\",\r\n"
    "rev.vas,\"2,000,000\",-\r\n";

static ks_status step_import_long(world *w, int index, ks_error *err)
{
    (void)index;
    return ks_import_csv_buffer(w->model, "long.csv", long_values,
                                sizeof long_values - 1, KS_PROV_OVERRIDDEN,
                                err);
}

static ks_status step_import_wide(world *w, int index, ks_error *err)
{
    (void)index;
    return ks_import_csv_buffer(w->model, "wide.csv", wide_values,
                                sizeof wide_values - 1, KS_PROV_REPORTED,
                                err);
}

static ks_status step_import_file(world *w, int index, ks_error *err)
{
    (void)index;
    return ks_import_csv(w->model, w->import_path, KS_PROV_OVERRIDDEN, err);
}

static ks_status step_export(world *w, int index, ks_error *err)
{
    ks_export_options options = {
        .with_scenario_column = index,
        .cells = index ? KS_EXPORT_INPUTS : KS_EXPORT_ALL
    };
    return ks_export_csv(w->model, w->export_path, &options, err);
}

/* A failed export leaves the file it was to replace as it was. */
static void export_untouched(world *w, int index)
{
    (void)index;
    char *text = read_file(w->export_path);
    assert_string_equal(text, "not replaced\n");
    free(text);
}

static ks_status step_define_new(world *w, int index, ks_error *err)
{
    (void)index;
    ks_item_info info = { "gross", "Gross profit", "売上総利益",
                          "JPY thousands", "is", "rev.total", NULL,
                          KS_RULE_SUM };
    return ks_define(w->model, "gross", "rev.total - cost.total", &info,
                     err);
}

static ks_status step_define_change(world *w, int index, ks_error *err)
{
    if (index == 0)
        return ks_define(w->model, "op_income",
                         "rev.total - expenses.total + rev.si[-4] * 0", NULL,
                         err);
    return ks_define(w->model, "rev.connectivity", NULL, NULL, err);
}

static ks_status step_recalc(world *w, int index, ks_error *err)
{
    if (index == 0) {
        ks_cell_ref at = cell(w->model, "rev.si@4Q02");
        return ks_set(w->model, at.item, at.period, 4.6e6, err);
    }
    if (index == 1) {
        ks_cell_ref at = cell(w->model, "rev.dedicated@2Q02");
        return ks_set_missing(w->model, at.item, at.period, err);
    }
    ks_value value;
    ks_cell_ref at = cell(w->model, index == 2 ? "op_income@FY02"
                                               : "net_income@9M02");
    return ks_get(w->model, at.item, at.period, &value, err);
}

static ks_status step_scenario(world *w, int index, ks_error *err)
{
    ks_cell_ref si = cell(w->model, "rev.si@4Q02");
    ks_cell_ref dedicated = cell(w->model, "rev.dedicated@3Q02");
    ks_cell_ref op_income = cell(w->model, "op_income@FY02");
    ks_value value;
    switch (index) {
    case 0:
        return ks_scenario_new(w->model, "low", &w->scenario, err);
    case 1:
        return ks_set(w->scenario, si.item, si.period, 3.9e6, err);
    case 2:
        return ks_set_missing(w->scenario, dedicated.item, dedicated.period,
                              err);
    case 3:
        return ks_clear(w->scenario, dedicated.item, dedicated.period, err);
    case 4:
        return ks_import_csv_buffer(w->scenario, "low.csv", long_values,
                                    sizeof long_values - 1,
                                    KS_PROV_OVERRIDDEN, err);
    default:
        return ks_get(w->scenario, op_income.item, op_income.period, &value,
                      err);
    }
}

static ks_status step_simulate(world *w, int index, ks_error *err)
{
    (void)index;
    ks_sim_draw draws[2] = {
        { "rev.si@4Q02", { KS_DIST_NORMAL, 4.5e6, 3e5, 0, NULL, NULL, 0 } },
        { "cost.si@4Q02",
          { KS_DIST_TRIANGULAR, 3.9e6, 4.5e6, 4.2e6, NULL, NULL, 0 } },
    };
    const char *outputs[] = { "op_income@4Q02", "op_income@FY02" };
    ks_sim_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.trials = 600;
    spec.seed = 1;
    spec.threads = 1;
    spec.draws = draws;
    spec.draw_count = 2;
    spec.outputs = outputs;
    spec.output_count = 2;
    ks_sim_result *result = (ks_sim_result *)&spec;
    ks_status status = ks_simulate(w->model, &spec, &result, err);
    if (status != KS_OK)
        assert_null(result);
    ks_sim_result_free(status == KS_OK ? result : NULL);
    return status;
}

/* ---- the driver ------------------------------------------------------------------- */

static void world_open(world *w)
{
    memset(w, 0, sizeof *w);
    disarm();
    ks_error err;
    if (ks_model_open(IIJ, &hook_allocator, &w->model, &err) != KS_OK)
        fail_msg("%s", err.message);
    snprintf(w->export_path, sizeof w->export_path, "%s/alloc-export.csv",
             KESSAN_TEST_TMP);
    snprintf(w->import_path, sizeof w->import_path, "%s/alloc-import.csv",
             KESSAN_TEST_TMP);
    FILE *file = fopen(w->export_path, "wb");
    assert_non_null(file);
    fputs("not replaced\n", file);
    fclose(file);
}

static void world_close(world *w)
{
    ks_model_free(w->scenario);
    ks_model_free(w->model);
    assert_int_equal(the_hook.live, 0);
}

/* The run that does not fail: the state after each step. */
static snapshot *reference_states(const operation *op, long *allocations)
{
    snapshot *states = calloc((size_t)op->steps + 1, sizeof *states);
    assert_non_null(states);
    world w;
    world_open(&w);
    take_snapshot(&w, &states[0]);
    arm(0, 0);
    for (int i = 0; i < op->steps; i++) {
        ks_error err;
        ks_status status = op->step(&w, i, &err);
        if (status != KS_OK)
            fail_msg("%s step %d: %s", op->name, i, err.message);
        long calls = the_hook.calls;
        take_snapshot(&w, &states[i + 1]);
        the_hook.calls = calls;
    }
    *allocations = the_hook.calls;
    world_close(&w);
    return states;
}

/* One attempt with allocation n failing: 1 when it went through whole. */
static int attempt(const operation *op, const snapshot *states, long n,
                   int for_good)
{
    world w;
    world_open(&w);
    arm(n, for_good);
    int done = 1;
    for (int i = 0; i < op->steps; i++) {
        ks_error err;
        memset(&err, 0, sizeof err);
        ks_status status = op->step(&w, i, &err);
        if (status == KS_OK)
            continue;
        disarm();
        if (status != KS_ENOMEM || err.code != KS_ENOMEM)
            fail_msg("%s step %d, allocation %ld failing%s: %s: %s", op->name,
                     i, n, for_good ? " for good" : "",
                     ks_status_name(status), err.message);
        if (!the_hook.failed)
            fail_msg("%s step %d: KS_ENOMEM with no failed allocation",
                     op->name, i);
        record_site(failing_site);
        snapshot now;
        take_snapshot(&w, &now);
        if (!snapshot_equal(&now, &states[i])) {
            char difference[400];
            describe_difference(&states[i], &now, difference,
                                sizeof difference);
            fail_msg("%s step %d, allocation %ld failing%s: the model "
                     "changed: %s", op->name, i, n,
                     for_good ? " for good" : "", difference);
        }
        snapshot_free(&now);
        if (op->after_failure)
            op->after_failure(&w, i);
        done = 0;
        break;
    }
    disarm();
    if (done && the_hook.failed)
        record_site(failing_site); /* failed, and recovered */
    world_close(&w);
    return done;
}

static void run_operation(const operation *op)
{
    long allocations = 0;
    the_hook.live = 0; /* a test that failed before may have left some */
    snapshot *states = reference_states(op, &allocations);
    long failures[2] = { 0, 0 };
    for (int for_good = 0; for_good <= 1; for_good++) {
        for (long n = 1;; n++) {
            if (attempt(op, states, n, for_good)) {
                if (n > allocations)
                    break;
                continue; /* the failure was absorbed: a retry, a halving */
            }
            failures[for_good]++;
            assert_true(n < 1000000);
        }
    }
    print_message("%-16s %6ld allocations, %ld failures once, %ld for good\n",
                  op->name, allocations, failures[0], failures[1]);
    for (int i = 0; i <= op->steps; i++)
        snapshot_free(&states[i]);
    free(states);
}

/* ---- opening: no model before, nothing after ------------------------------------ */

/* Under valgrind (50 times slower) opening fails every 17th allocation
 * only; the sanitizer build fails every one. */
static void test_open_iij(void **state)
{
    (void)state;
    long allocations = 0, failures = 0;
    long stride = RUNNING_ON_VALGRIND ? 17 : 1;
    for (int for_good = 0; for_good <= 1; for_good++) {
        for (long n = 1;; n += stride) {
            arm(n, for_good);
            ks_model *model = (ks_model *)&model;
            ks_error err;
            ks_status status = ks_model_open(IIJ, &hook_allocator, &model,
                                             &err);
            disarm();
            long calls = the_hook.calls;
            if (the_hook.failed)
                record_site(failing_site);
            if (status == KS_OK) {
                ks_model_free(model);
                assert_int_equal(the_hook.live, 0);
                if (!the_hook.failed) {
                    allocations = calls;
                    break;
                }
                continue;
            }
            failures++;
            if (status != KS_ENOMEM)
                fail_msg("open, allocation %ld failing: %s: %s", n,
                         ks_status_name(status), err.message);
            assert_null(model);
            assert_int_equal(the_hook.live, 0);
        }
    }
    print_message("%-16s %6ld allocations, %ld failures\n", "open data/iij",
                  allocations, failures);
    assert_true(failures > 0);
}

static void test_import_long(void **state)
{
    (void)state;
    static const operation op = { "import long", 1, step_import_long, NULL };
    run_operation(&op);
}

static void test_import_wide(void **state)
{
    (void)state;
    static const operation op = { "import wide", 1, step_import_wide, NULL };
    run_operation(&op);
}

static void test_import_file(void **state)
{
    (void)state;
    /* the file: the release's inputs, exported */
    world w;
    world_open(&w);
    ks_export_options options = { .with_scenario_column = 0, .cells = KS_EXPORT_INPUTS };
    ks_error err;
    assert_int_equal(ks_export_csv(w.model, w.import_path, &options, &err),
                     KS_OK);
    world_close(&w);
    static const operation op = { "import file", 1, step_import_file, NULL };
    run_operation(&op);
}

static void test_export(void **state)
{
    (void)state;
    static const operation op = { "export", 1, step_export, export_untouched };
    run_operation(&op);
}

static void test_define(void **state)
{
    (void)state;
    static const operation added = { "define new", 1, step_define_new, NULL };
    run_operation(&added);
    static const operation changed = { "define change", 2,
                                       step_define_change, NULL };
    run_operation(&changed);
}

static void test_recalc(void **state)
{
    (void)state;
    static const operation op = { "set and get", 4, step_recalc, NULL };
    run_operation(&op);
}

static void test_scenario(void **state)
{
    (void)state;
    static const operation op = { "scenario", 6, step_scenario, NULL };
    run_operation(&op);
}

static void test_simulate(void **state)
{
    (void)state;
    static const operation op = { "simulate", 1, step_simulate, NULL };
    run_operation(&op);
}

static void test_sites_covered(void **state)
{
    (void)state;
    print_message("allocation sites covered: %d\n", site_count);
    assert_true(site_count > 20);
}

static int setup(void **state)
{
    (void)state;
    alloc_functions_init();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_iij),
        cmocka_unit_test(test_import_long),
        cmocka_unit_test(test_import_wide),
        cmocka_unit_test(test_import_file),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_define),
        cmocka_unit_test(test_recalc),
        cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_simulate),
        cmocka_unit_test(test_sites_covered),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
