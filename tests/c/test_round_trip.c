/*
 * test_round_trip.c -- export then import gives back the model: over
 * data/iij, examples/acme and randomly made models (inputs, formulas,
 * sums, stocks, reported and set values, missing inputs, saved
 * scenarios), the inputs exported and imported into a fresh model of the
 * same chart leave every cell equal, bit for bit, and equal again after
 * the same random changes to both.  The same for a model with its saved
 * scenarios (ks_export_scenarios_csv) and for a wide file written from
 * the model's inputs.  A value for a computed cell is refused, naming it,
 * unless the import overrides.  Seeded: every run makes the same models.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_files.h"
#include "kessan/kessan.h"
#include "model/model.h"

#define RANDOM_MODELS 24
#define CHANGES 40

/* ---- random numbers ------------------------------------------------------ */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next(rng *r)
{
    r->state ^= r->state << 13;
    r->state ^= r->state >> 7;
    r->state ^= r->state << 17;
    return r->state;
}

static int below(rng *r, int n)
{
    return (int)(next(r) % (uint64_t)n);
}

/* A number with every bit significant, or one of the edges. */
static double any_number(rng *r)
{
    static const double edges[] = { 0.0, -0.0, 1.0, 1e-300, 4.9e-324,
                                    1e300, -2.5 };
    if (below(r, 6) == 0)
        return edges[below(r, (int)(sizeof edges / sizeof *edges))];
    double unit = (double)(next(r) >> 11) / 9007199254740992.0;
    return (unit - 0.3) * 1e6;
}

/* ---- models --------------------------------------------------------------- */

typedef enum source { IIJ, ACME, RANDOM } source;

typedef struct model_kind {
    source from;
    uint64_t seed;
} model_kind;

static const char *directory_of(source from)
{
    return from == IIJ ? KESSAN_SOURCE_DIR "/data/iij"
                       : KESSAN_SOURCE_DIR "/examples/acme";
}

/* The chart of a directory without its values: a scratch copy of its
 * items, settings and notes. */
static ks_model *open_chart(source from)
{
    char directory[600];
    snprintf(directory, sizeof directory, "%s/chart-%s", KESSAN_TEST_TMP,
             from == IIJ ? "iij" : "acme");
    mkdir(directory, 0755);
    const char *files[] = { "items.csv", "settings.csv", "notes.csv" };
    for (int i = 0; i < 3; i++) {
        char in[700], out[700];
        snprintf(in, sizeof in, "%s/%s", directory_of(from), files[i]);
        snprintf(out, sizeof out, "%s/%s", directory, files[i]);
        copy_file(in, out);
    }
    return open_model(directory, NULL);
}

/* An item among the first `count`, by id. */
static void item_id(rng *r, int count, int inputs, char *id, size_t size)
{
    int k = below(r, count);
    if (k < inputs)
        snprintf(id, size, "in.%d", k);
    else
        snprintf(id, size, "f.%d", k - inputs);
}

/* A random chart: inputs (flows and stocks), then formulas over what
 * came before: sums, differences, scalings, ratios (which divide by
 * zero), lags and stocks carried from the quarter before. */
static ks_model *random_chart(uint64_t seed)
{
    rng r = { seed };
    ks_calendar calendar = { 3, 2001, 2003 };
    ks_model *model = empty_model(&calendar, NULL);
    int inputs = 2 + below(&r, 5), formulas = 2 + below(&r, 7);
    for (int i = 0; i < inputs; i++) {
        char id[32];
        snprintf(id, sizeof id, "in.%d", i);
        add_input(model, id, below(&r, 3) == 0 ? KS_RULE_LAST : KS_RULE_SUM);
    }
    for (int i = 0; i < formulas; i++) {
        char id[32], a[32], b[32], c[32], formula[160];
        snprintf(id, sizeof id, "f.%d", i);
        item_id(&r, inputs + i, inputs, a, sizeof a);
        item_id(&r, inputs + i, inputs, b, sizeof b);
        item_id(&r, inputs + i, inputs, c, sizeof c);
        ks_rule rule = (ks_rule)below(&r, 3);
        switch (below(&r, 6)) {
        case 0: snprintf(formula, sizeof formula, "%s + %s + %s", a, b, c);
            break;
        case 1: snprintf(formula, sizeof formula, "%s - %s", a, b); break;
        case 2: snprintf(formula, sizeof formula, "%s * 0.5", a); break;
        case 3: snprintf(formula, sizeof formula, "%s / %s", a, b); break;
        case 4: snprintf(formula, sizeof formula, "%s[-1]", a); break;
        default:
            snprintf(formula, sizeof formula, "%s[-1] + %s", id, a);
            rule = KS_RULE_LAST;
        }
        define(model, id, formula, rule);
    }
    return model;
}

static ks_model *chart(const model_kind *kind)
{
    return kind->from == RANDOM ? random_chart(kind->seed)
                                : open_chart(kind->from);
}

/* A random cell of the model. */
static void any_cell(rng *r, ks_model *model, int *item, int *period)
{
    *item = below(r, ks_item_count(model));
    *period = ks_period_at(model, below(r, ks_period_count(model)));
}

/* Inputs of every kind on a random model: reported figures, values set
 * by hand (on formula cells too) and missing inputs. */
static void fill_random(rng *r, ks_model *model)
{
    ks_error err;
    int items = ks_item_count(model), periods = ks_period_count(model);
    for (int item = 0; item < items; item++)
        for (int i = 0; i < periods; i++) {
            int period = ks_period_at(model, i);
            int formula = ks_item_has_formula(model, item);
            int pick = below(r, formula ? 20 : 4);
            ks_status status = KS_OK;
            if (pick == 0)
                status = ks_set_input(model, item, period, any_number(r),
                                      KS_PROV_REPORTED, &err);
            else if (pick == 1)
                status = ks_set(model, item, period, any_number(r), &err);
            else if (pick == 2)
                status = ks_set_missing(model, item, period, &err);
            if (status != KS_OK)
                fail_msg("fill: %s", err.message);
        }
}

/* Saved scenarios of random overrides, none on a cell the base has set
 * by hand (an override the same as the base's is not told apart from
 * it: see ks_export_scenarios_csv). */
static void save_random_scenarios(rng *r, ks_model *model)
{
    int count = below(r, 3);
    for (int s = 0; s < count; s++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", s);
        ks_model *scenario = NULL;
        ks_error err;
        if (ks_scenario_new(model, name, &scenario, &err) != KS_OK)
            fail_msg("scenario: %s", err.message);
        for (int i = 0; i < 12; i++) {
            int item, period;
            any_cell(r, model, &item, &period);
            ks_value base;
            assert_int_equal(ks_get(model, item, period, &base, &err), KS_OK);
            if (ks_is_input(model, item, period) &&
                base.provenance == KS_PROV_OVERRIDDEN)
                continue;
            ks_status status = below(r, 4) == 0
                ? ks_set_missing(scenario, item, period, &err)
                : ks_set(scenario, item, period, any_number(r), &err);
            assert_int_equal(status, KS_OK);
        }
        if (ks_scenario_save(scenario, &err) != KS_OK)
            fail_msg("save: %s", err.message);
        ks_model_free(scenario);
    }
}

/* The model to export: the directory's, or a random chart filled; both
 * with some values set by hand and saved scenarios. */
static ks_model *original(const model_kind *kind)
{
    rng r = { kind->seed * 2654435761u + 7 };
    ks_model *model = kind->from == RANDOM
                          ? random_chart(kind->seed)
                          : open_model(directory_of(kind->from), NULL);
    ks_error err;
    if (kind->from == RANDOM) {
        fill_random(&r, model);
    } else {
        for (int i = 0; i < 20; i++) {
            int item, period;
            any_cell(&r, model, &item, &period);
            ks_status status = below(&r, 5) == 0
                ? ks_set_missing(model, item, period, &err)
                : ks_set(model, item, period, any_number(&r), &err);
            assert_int_equal(status, KS_OK);
        }
    }
    save_random_scenarios(&r, model);
    return model;
}

/* ---- comparing ------------------------------------------------------------ */

static void same_cells(ks_model *a, ks_model *b, const char *what)
{
    assert_int_equal(ks_item_count(a), ks_item_count(b));
    assert_int_equal(ks_period_count(a), ks_period_count(b));
    ks_error err;
    for (int item = 0; item < ks_item_count(a); item++)
        for (int period = 0; period < ks_period_count(a); period++) {
            ks_value x, y;
            assert_int_equal(ks_get(a, item, period, &x, &err), KS_OK);
            assert_int_equal(ks_get(b, item, period, &y, &err), KS_OK);
            int same = x.kind == y.kind;
            if (same && x.kind == KS_NUMBER)
                same = memcmp(&x.number, &y.number, sizeof x.number) == 0;
            if (same && x.kind == KS_ERROR)
                same = strcmp(x.error, y.error) == 0;
            if (!same) {
                ks_item_info info;
                ks_item_get(a, item, &info);
                char id[16];
                fail_msg("%s: %s@%s: kind %d %.17g against kind %d %.17g",
                         what, info.id, ks_period_id(a, period, id, sizeof id),
                         x.kind, x.number, y.kind, y.number);
            }
        }
}

static void same_scenarios(ks_model *a, ks_model *b, const char *what)
{
    same_cells(a, b, what);
    assert_int_equal(ks_saved_scenario_count(a), ks_saved_scenario_count(b));
    for (int i = 0; i < ks_saved_scenario_count(a); i++) {
        const char *name = ks_saved_scenario_name(a, i);
        ks_model *x = NULL, *y = NULL;
        ks_error err;
        assert_int_equal(ks_scenario_new(a, name, &x, &err), KS_OK);
        assert_int_equal(ks_scenario_new(b, name, &y, &err), KS_OK);
        same_cells(x, y, name);
        ks_model_free(x);
        ks_model_free(y);
    }
}

/* The same random changes to both: values set, made missing and cleared
 * (but not an override of a figure the release printed: clearing it
 * goes back to the figure, which is no input and so no part of an
 * export). */
static void change_both(ks_model *a, ks_model *b, uint64_t seed,
                        const char *what)
{
    rng r = { seed };
    ks_error err;
    for (int i = 0; i < CHANGES; i++) {
        int item, period;
        any_cell(&r, a, &item, &period);
        int pick = below(&r, 4);
        if (pick == 3 && ks_printed_find(a, item, period, KS_MEASURE_VALUE) &&
            !ks_item_has_formula(a, item))
            pick = 0;
        double number = any_number(&r);
        ks_model *both[2] = { a, b };
        for (int m = 0; m < 2; m++) {
            ks_status status =
                pick == 3   ? ks_clear(both[m], item, period, &err)
                : pick == 2 ? ks_set_missing(both[m], item, period, &err)
                            : ks_set(both[m], item, period, number, &err);
            assert_int_equal(status, KS_OK);
        }
    }
    same_cells(a, b, what);
}

/* ---- importing ------------------------------------------------------------ */

/* Whether the model holds an input on a computed cell (set by hand). */
static int sets_a_formula(ks_model *model)
{
    for (int item = 0; item < ks_item_count(model); item++)
        for (int period = 0; period < ks_period_count(model); period++)
            if (ks_item_has_formula(model, item) &&
                ks_is_input(model, item, period))
                return 1;
    return 0;
}

static int holds_inputs(ks_model *model)
{
    for (int item = 0; item < ks_item_count(model); item++)
        for (int period = 0; period < ks_period_count(model); period++)
            if (ks_is_input(model, item, period))
                return 1;
    return 0;
}

/* Import `path` into `fresh`: refused, naming a computed cell and
 * changing nothing, when it sets one; then with override. */
static void import_back(ks_model *fresh, const char *path, int refused)
{
    ks_error err;
    ks_import_options options = { .provenance = KS_PROV_REPORTED };
    ks_status status = ks_import_values_with(fresh, path, &options, &err);
    if (refused) {
        assert_int_equal(status, KS_EINVAL);
        if (!strstr(err.message, " is computed (formula ") ||
            !strstr(err.message, "); import with override to set it") ||
            strncmp(err.message, path, strlen(path)) != 0)
            fail_msg("unexpected refusal: %s", err.message);
        assert_false(holds_inputs(fresh));
        assert_int_equal(ks_saved_scenario_count(fresh), 0);
        options.override = 1;
        status = ks_import_values_with(fresh, path, &options, &err);
    }
    if (status != KS_OK)
        fail_msg("import %s: %s", path, err.message);
}

static void scratch_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", KESSAN_TEST_TMP, name);
}

/* The file written from `model` imported into a fresh chart, the same
 * changes made to both; the model is freed. */
static void import_and_change(ks_model *model, const model_kind *kind,
                              const char *path, uint64_t salt,
                              const char *what)
{
    ks_model *fresh = chart(kind);
    import_back(fresh, path, sets_a_formula(model));
    same_cells(model, fresh, what);
    change_both(model, fresh, kind->seed + salt, what);
    ks_model_free(fresh);
    ks_model_free(model);
}

/* The long form: the inputs, imported into the chart. */
static void long_round_trip(const model_kind *kind, const char *what)
{
    ks_model *model = original(kind);
    char path[600];
    scratch_path(path, sizeof path, "long.csv");
    ks_error err;
    ks_export_options options = {
        .with_scenario_column = 0,
        .cells = KS_EXPORT_INPUTS
    };
    if (ks_export_csv(model, path, &options, &err) != KS_OK)
        fail_msg("export: %s", err.message);
    import_and_change(model, kind, path, 1, what);
}

/* The model with its saved scenarios, which keep following the model. */
static void scenarios_round_trip(const model_kind *kind, const char *what)
{
    ks_model *model = original(kind);
    char path[600];
    scratch_path(path, sizeof path, "scenarios.csv");
    ks_error err;
    if (ks_export_scenarios_csv(model, path, NULL, &err) != KS_OK)
        fail_msg("export: %s", err.message);
    ks_model *fresh = chart(kind);
    /* a saved scenario's rows are its overrides: only the model's own
     * rows are refused on a computed cell */
    int refused = sets_a_formula(model);
    import_back(fresh, path, refused);
    same_scenarios(model, fresh, what);
    change_both(model, fresh, kind->seed + 2, what);
    same_scenarios(model, fresh, what);
    ks_model_free(fresh);
    ks_model_free(model);
}

/* A wide file of the model's inputs: item, then one column per period;
 * an empty field where the cell holds no input. */
static void write_wide(ks_model *model, const char *path)
{
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    int periods = ks_period_count(model);
    fputs("item", out);
    for (int i = 0; i < periods; i++) {
        char id[16];
        fprintf(out, ",%s", ks_period_id(model, ks_period_at(model, i), id,
                                          sizeof id));
    }
    for (int item = 0; item < ks_item_count(model); item++) {
        ks_item_info info;
        ks_item_get(model, item, &info);
        fprintf(out, "\n%s", info.id);
        for (int i = 0; i < periods; i++) {
            int period = ks_period_at(model, i);
            ks_value value;
            ks_error err;
            assert_int_equal(ks_get(model, item, period, &value, &err), KS_OK);
            if (!ks_is_input(model, item, period))
                fputs(",", out);
            else if (value.kind == KS_MISSING)
                fputs(",n.a", out);
            else
                fprintf(out, ",%.17g", value.number);
        }
    }
    fputs("\n", out);
    assert_int_equal(fclose(out), 0);
}

static void wide_round_trip(const model_kind *kind, const char *what)
{
    ks_model *model = original(kind);
    char path[600];
    scratch_path(path, sizeof path, "wide.csv");
    write_wide(model, path);
    import_and_change(model, kind, path, 3, what);
}

static void round_trips(const model_kind *kind, const char *what)
{
    long_round_trip(kind, what);
    scenarios_round_trip(kind, what);
    wide_round_trip(kind, what);
}

/* ---- the tests ------------------------------------------------------------ */

static void test_iij(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        model_kind kind = { IIJ, seed };
        round_trips(&kind, "data/iij");
    }
}

static void test_acme(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        model_kind kind = { ACME, seed };
        round_trips(&kind, "examples/acme");
    }
}

static void test_random_models(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= RANDOM_MODELS; seed++) {
        model_kind kind = { RANDOM, seed * 0x9E3779B97F4A7C15u };
        char what[64];
        snprintf(what, sizeof what, "random model %llu",
                 (unsigned long long)seed);
        round_trips(&kind, what);
    }
}

/* The issue's own case: a total follows its parts after the round trip,
 * and an empty field on a formula row leaves the formula alone. */
static void test_totals_follow(void **state)
{
    (void)state;
    ks_model *model = open_iij();
    char path[600];
    scratch_path(path, sizeof path, "iij.csv");
    ks_error err;
    if (ks_export_csv(model, path, NULL, &err) != KS_OK)
        fail_msg("export: %s", err.message);
    ks_model *fresh = open_chart(IIJ);
    import_back(fresh, path, 0);
    put(model, "rev.si@3Q02", 0);
    put(fresh, "rev.si@3Q02", 0);
    assert_true(number_of(model, "rev.total@3Q02") ==
                number_of(fresh, "rev.total@3Q02"));
    same_cells(model, fresh, "data/iij, SI at zero");
    ks_model_free(fresh);
    ks_model_free(model);

    ks_calendar calendar = { 3, 2002, 2002 };
    model = empty_model(&calendar, NULL);
    add_input(model, "a", KS_RULE_SUM);
    define(model, "b", "a * 2", KS_RULE_SUM);
    const char *file = "item,period,value\na,4Q02,3\nb,4Q02,\na,3Q02,-\n";
    assert_int_equal(ks_import_csv_buffer(model, "x.csv", file, strlen(file),
                                          KS_PROV_OVERRIDDEN, &err), KS_OK);
    assert_true(number_of(model, "b@4Q02") == 6);
    assert_false(ks_is_input(model, item_of(model, "b"),
                             period_of(model, "4Q02")));
    assert_int_equal(value_of(model, "a@3Q02").kind, KS_MISSING);
    assert_true(ks_is_input(model, item_of(model, "a"),
                            period_of(model, "3Q02")));
    ks_model_free(model);
}

/* A computed cell is refused by name, and set only with override. */
static void test_computed_refused(void **state)
{
    (void)state;
    ks_calendar calendar = { 3, 2002, 2002 };
    ks_model *model = empty_model(&calendar, NULL);
    add_input(model, "a", KS_RULE_SUM);
    define(model, "b", "a * 2", KS_RULE_SUM);
    const char *file = "item,period,value\na,4Q02,3\nb,4Q02,7\n";
    ks_error err;
    assert_int_equal(ks_import_csv_buffer(model, "x.csv", file, strlen(file),
                                          KS_PROV_OVERRIDDEN, &err),
                     KS_EINVAL);
    assert_string_equal(err.message, "x.csv:3:8: b@4Q02 is computed (formula "
                        "a * 2); import with override to set it");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 8);
    assert_false(ks_is_input(model, item_of(model, "a"),
                             period_of(model, "4Q02")));
    ks_import_options options = { .provenance = KS_PROV_NONE, .override = 1 };
    assert_int_equal(ks_import_csv_buffer_with(model, "x.csv", file,
                                               strlen(file), &options, &err),
                     KS_OK);
    assert_true(number_of(model, "b@4Q02") == 7);
    assert_int_equal(value_of(model, "b@4Q02").provenance,
                     KS_PROV_OVERRIDDEN);
    /* once an input, the cell takes a value again without override */
    const char *again = "item,4Q02\nb,8\n";
    assert_int_equal(ks_import_csv_buffer(model, "y.csv", again,
                                          strlen(again), KS_PROV_OVERRIDDEN,
                                          &err), KS_OK);
    assert_true(number_of(model, "b@4Q02") == 8);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iij),
        cmocka_unit_test(test_acme),
        cmocka_unit_test(test_random_models),
        cmocka_unit_test(test_totals_follow),
        cmocka_unit_test(test_computed_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
