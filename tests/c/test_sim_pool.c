/*
 * test_sim_pool.c -- the pool of simulation threads (ks_sim_pool): its
 * bounds; the same bits with and without a pool at every thread count
 * (moments, extremes, percentiles, every non-empty bucket of the sketch, kept
 * trials, a stop rule's rounds); one pool shared by two threads at once;
 * an interrupted run and failed allocations on a pool leaking nothing and
 * leaving the pool usable; a pool created and freed many times.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/model_cells.h"
#include "../support/test_alloc.h"

#include "kessan/kessan.h"
#include "kessan/simulate.h"

#define OUTPUTS 4
#define PRINT_MAX 40000 /* doubles in a result's fingerprint */

/* x, y reported for 1Q..3Q02; z = 2x + 3y - 5 (sum); w = x / y. */
static ks_model *pool_model(const ks_allocator *alloc)
{
    ks_calendar calendar = { 3, 2002, 2002 };
    ks_model *model = empty_model(&calendar, alloc);
    add_input(model, "x", KS_RULE_SUM);
    add_input(model, "y", KS_RULE_SUM);
    define(model, "z", "2 * x + 3 * y - 5", KS_RULE_SUM);
    define(model, "w", "x / y", KS_RULE_FORMULA);
    define(model, "big", "(x > 41) * 1", KS_RULE_FORMULA);
    static const char *const quarters[] = { "1Q02", "2Q02", "3Q02" };
    for (int q = 0; q < 3; q++) {
        char name[32];
        snprintf(name, sizeof name, "x@%s", quarters[q]);
        report(model, name, 10.0 * (q + 1));
        snprintf(name, sizeof name, "y@%s", quarters[q]);
        report(model, name, 100.0 + q);
    }
    return model;
}

static const char *const pool_outputs[OUTPUTS] = { "z@4Q02", "z@FY02",
                                                   "w@4Q02", "big@4Q02" };

static void pool_spec(ks_sim_spec *spec, ks_sim_draw *draws, int64_t trials,
                      int threads, ks_sim_pool *pool)
{
    memset(draws, 0, 2 * sizeof *draws);
    draws[0].cell = "x@4Q02";
    draws[0].dist.kind = KS_DIST_NORMAL;
    draws[0].dist.a = 40;
    draws[0].dist.b = 3;
    draws[1].cell = "y@4Q02";
    draws[1].dist.kind = KS_DIST_TRIANGULAR;
    draws[1].dist.a = 90;
    draws[1].dist.b = 130;
    draws[1].dist.c = 100;
    memset(spec, 0, sizeof *spec);
    spec->trials = trials;
    spec->seed = 7;
    spec->threads = threads;
    spec->draws = draws;
    spec->draw_count = 2;
    spec->outputs = pool_outputs;
    spec->output_count = OUTPUTS;
    spec->pool = pool;
}

/* Everything a result says, as doubles: its trials, and per output the
 * moments, extremes, counts, percentiles and every bucket of its sketch
 * that holds numbers; the number written. */
static size_t fingerprint(ks_sim_result *result, double *out)
{
    size_t at = 0;
    out[at++] = (double)ks_sim_trials(result);
    out[at++] = (double)ks_sim_stop_held(result);
    for (int o = 0; o < ks_sim_output_count(result); o++) {
        out[at++] = ks_sim_mean(result, o);
        out[at++] = ks_sim_sd(result, o);
        out[at++] = ks_sim_min(result, o);
        out[at++] = ks_sim_max(result, o);
        out[at++] = (double)ks_sim_count(result, o);
        out[at++] = (double)ks_sim_invalid(result, o);
        for (double q = 0; q <= 100; q += 2.5) {
            double value = NAN;
            assert_int_equal(ks_sim_percentile(result, o, q, &value, NULL),
                             KS_OK);
            out[at++] = value;
        }
        int64_t buckets = ks_sim_bucket_count(result, o);
        for (int64_t b = 0; b < buckets && at + 3 < PRINT_MAX; b++) {
            double lo, hi;
            int64_t count;
            assert_int_equal(ks_sim_bucket(result, o, b, &lo, &hi, &count,
                                           NULL), KS_OK);
            if (count == 0)
                continue; /* the span of empty buckets kept follows the
                             threads' ranges; the counts do not */
            out[at++] = lo;
            out[at++] = hi;
            out[at++] = (double)count;
        }
        assert_true(at + 60 < PRINT_MAX);
    }
    return at;
}

static ks_sim_result *pool_run(ks_model *model, ks_sim_spec *spec)
{
    ks_sim_result *result = NULL;
    ks_error err;
    if (ks_simulate(model, spec, &result, &err) != KS_OK)
        fail_msg("simulate: %s", err.message);
    return result;
}

/* The fingerprint of a run of `spec` equals `expected` (of `length`) bit
 * for bit; with keep, the kept trials equal `kept` too. */
static void assert_same_run(ks_model *model, ks_sim_spec *spec,
                            const double *expected, size_t length,
                            const char *what)
{
    double *got = calloc(PRINT_MAX, sizeof *got);
    assert_non_null(got);
    ks_sim_result *result = pool_run(model, spec);
    size_t got_length = fingerprint(result, got);
    size_t first = 0;
    while (first < length && first < got_length &&
           memcmp(&got[first], &expected[first], sizeof *got) == 0)
        first++;
    if (got_length != length || first < length)
        fail_msg("%s, %d threads, %lld trials: not the same bits as 1 "
                 "thread without a pool (%zu doubles, %zu expected; the "
                 "first to differ: %zu, %.17g against %.17g)", what,
                 spec->threads, (long long)spec->trials, got_length, length,
                 first, first < got_length ? got[first] : NAN,
                 first < length ? expected[first] : NAN);
    ks_sim_result_free(result);
    free(got);
}

/* ---- bounds -------------------------------------------------------------- */

static void test_pool_bounds(void **state)
{
    (void)state;
    ks_sim_pool *pool = (ks_sim_pool *)&pool;
    ks_error err;
    assert_int_equal(ks_sim_pool_new(0, NULL, &pool, &err), KS_EINVAL);
    assert_null(pool);
    assert_non_null(strstr(err.message, "threads must be from 1 to 256"));
    assert_int_equal(ks_sim_pool_new(KS_SIM_THREADS_MAX + 1, NULL, &pool,
                                     &err), KS_EINVAL);
    assert_int_equal(ks_sim_pool_new(-3, NULL, &pool, &err), KS_EINVAL);
    assert_int_equal(ks_sim_pool_new(1, NULL, &pool, &err), KS_OK);
    assert_int_equal(ks_sim_pool_threads(pool), 1);
    ks_sim_pool_free(pool);
    assert_int_equal(ks_sim_pool_threads(NULL), 1);
    ks_sim_pool_free(NULL);
    /* created and freed many times, some never used: no thread left */
    for (int k = 0; k < 50; k++) {
        assert_int_equal(ks_sim_pool_new(1 + k % 5, NULL, &pool, &err), KS_OK);
        assert_int_equal(ks_sim_pool_threads(pool), 1 + k % 5);
        ks_sim_pool_free(pool);
    }
}

/* Allocations the pool makes fail: KS_ENOMEM and nothing left. */
static void test_pool_new_out_of_memory(void **state)
{
    (void)state;
    for (long fail = 1; fail <= 2; fail++) {
        test_alloc counts = { 0 };
        ks_allocator alloc = test_allocator(&counts);
        test_alloc_arm(&counts, fail, 0);
        ks_sim_pool *pool = NULL;
        ks_error err;
        assert_int_equal(ks_sim_pool_new(3, &alloc, &pool, &err), KS_ENOMEM);
        assert_null(pool);
        assert_int_equal(counts.live, 0);
    }
}

/* ---- the same bits ------------------------------------------------------- */

static void test_pool_same_bits(void **state)
{
    (void)state;
    ks_model *model = pool_model(NULL);
    ks_sim_pool *pool = NULL;
    assert_int_equal(ks_sim_pool_new(4, NULL, &pool, NULL), KS_OK);
    static const int64_t trial_counts[] = { 1, 511, KS_SIM_CHUNK,
                                            9 * KS_SIM_CHUNK + 77 };
    double *expected = calloc(PRINT_MAX, sizeof *expected);
    assert_non_null(expected);
    for (size_t k = 0; k < sizeof trial_counts / sizeof *trial_counts; k++) {
        ks_sim_draw draws[2];
        ks_sim_spec spec;
        pool_spec(&spec, draws, trial_counts[k], 1, NULL);
        ks_sim_result *reference = pool_run(model, &spec);
        size_t length = fingerprint(reference, expected);
        ks_sim_result_free(reference);
        for (int threads = 1; threads <= 6; threads++) {
            /* 5 and 6 threads: more than the pool's, threads started */
            pool_spec(&spec, draws, trial_counts[k], threads, pool);
            assert_same_run(model, &spec, expected, length, "with the pool");
            pool_spec(&spec, draws, trial_counts[k], threads, NULL);
            assert_same_run(model, &spec, expected, length, "without a pool");
        }
    }
    free(expected);
    ks_sim_pool_free(pool);
    ks_model_free(model);
}

/* A stop rule runs rounds (the pool's threads handed one task a round);
 * keep writes every trial from the pool's threads. */
static void test_pool_rounds_and_keep(void **state)
{
    (void)state;
    ks_model *model = pool_model(NULL);
    ks_sim_pool *pool = NULL;
    assert_int_equal(ks_sim_pool_new(3, NULL, &pool, NULL), KS_OK);
    ks_sim_stop stop = { "z@4Q02", { KS_SIM_STAT_PERCENTILE, 99 }, 1e-5,
                         0.95 };
    ks_sim_draw draws[2];
    ks_sim_spec spec;
    pool_spec(&spec, draws, 200 * KS_SIM_CHUNK, 1, NULL);
    spec.stop = &stop;
    spec.keep = 1;
    ks_sim_result *reference = pool_run(model, &spec);
    assert_false(ks_sim_stop_held(reference)); /* every round ran */
    for (int threads = 2; threads <= 3; threads++) {
        pool_spec(&spec, draws, 200 * KS_SIM_CHUNK, threads, pool);
        spec.stop = &stop;
        spec.keep = 1;
        ks_sim_result *result = pool_run(model, &spec);
        assert_int_equal(ks_sim_trials(result), ks_sim_trials(reference));
        for (int o = 0; o < OUTPUTS; o++) {
            double a[3] = { ks_sim_mean(reference, o), ks_sim_sd(reference, o),
                            0 };
            double b[3] = { ks_sim_mean(result, o), ks_sim_sd(result, o), 0 };
            assert_int_equal(ks_sim_percentile(reference, o, 99, &a[2], NULL),
                             KS_OK);
            assert_int_equal(ks_sim_percentile(result, o, 99, &b[2], NULL),
                             KS_OK);
            assert_memory_equal(a, b, sizeof a);
            assert_memory_equal(ks_sim_output_values(reference, o),
                                ks_sim_output_values(result, o),
                                (size_t)ks_sim_trials(result) * sizeof(double));
        }
        ks_sim_result_free(result);
    }
    ks_sim_result_free(reference);
    ks_sim_pool_free(pool);
    ks_model_free(model);
}

/* ---- one pool, two callers at once --------------------------------------- */

typedef struct caller {
    ks_sim_pool *pool;
    const double *expected;
    size_t length;
    int mismatches;
} caller;

static void *caller_main(void *data)
{
    caller *self = data;
    ks_model *model = pool_model(NULL); /* a model per thread */
    double *got = calloc(PRINT_MAX, sizeof *got);
    for (int k = 0; got && model && k < 12; k++) {
        ks_sim_draw draws[2];
        ks_sim_spec spec;
        pool_spec(&spec, draws, 6 * KS_SIM_CHUNK + 5, 2 + k % 2, self->pool);
        ks_sim_result *result = NULL;
        if (ks_simulate(model, &spec, &result, NULL) != KS_OK) {
            self->mismatches++;
            continue;
        }
        size_t length = fingerprint(result, got);
        if (length != self->length ||
            memcmp(got, self->expected, length * sizeof *got) != 0)
            self->mismatches++;
        ks_sim_result_free(result);
    }
    free(got);
    ks_model_free(model);
    return NULL;
}

static void test_pool_shared(void **state)
{
    (void)state;
    ks_model *model = pool_model(NULL);
    double *expected = calloc(PRINT_MAX, sizeof *expected);
    assert_non_null(expected);
    ks_sim_draw draws[2];
    ks_sim_spec spec;
    pool_spec(&spec, draws, 6 * KS_SIM_CHUNK + 5, 1, NULL);
    ks_sim_result *reference = pool_run(model, &spec);
    size_t length = fingerprint(reference, expected);
    ks_sim_result_free(reference);
    ks_model_free(model);
    ks_sim_pool *pool = NULL;
    assert_int_equal(ks_sim_pool_new(3, NULL, &pool, NULL), KS_OK);
    caller callers[2] = { { pool, expected, length, 0 },
                          { pool, expected, length, 0 } };
    pthread_t ids[2];
    for (int c = 0; c < 2; c++)
        assert_int_equal(pthread_create(&ids[c], NULL, caller_main,
                                        &callers[c]), 0);
    for (int c = 0; c < 2; c++)
        assert_int_equal(pthread_join(ids[c], NULL), 0);
    assert_int_equal(callers[0].mismatches, 0);
    assert_int_equal(callers[1].mismatches, 0);
    ks_sim_pool_free(pool);
    free(expected);
}

/* ---- stops and failures on a pool ---------------------------------------- */

/* The interrupt poll, asked from every thread of the run: atomics only. */
typedef struct shared_poll {
    atomic_long calls;
    atomic_long fire_at;
} shared_poll;

static int shared_poll_fires(void *data)
{
    shared_poll *poll = data;
    return atomic_fetch_add(&poll->calls, 1) + 1 >= atomic_load(&poll->fire_at);
}

static void test_pool_interrupted(void **state)
{
    (void)state;
    ks_sim_pool *pool = NULL;
    assert_int_equal(ks_sim_pool_new(3, NULL, &pool, NULL), KS_OK);
    for (long fire = 1; fire <= 40; fire += 3) {
        test_alloc counts = { 0 };
        shared_poll poll;
        atomic_init(&poll.calls, 0);
        atomic_init(&poll.fire_at, 1L << 40);
        ks_allocator alloc = test_allocator(&counts);
        alloc.interrupted = shared_poll_fires;
        alloc.interrupt_data = &poll;
        ks_model *model = pool_model(&alloc);
        ks_value value;
        assert_int_equal(ks_get(model, 0, 0, &value, NULL), KS_OK);
        long live = counts.live;
        ks_sim_draw draws[2];
        ks_sim_spec spec;
        pool_spec(&spec, draws, 50 * KS_SIM_CHUNK, 1 + (int)(fire % 3), pool);
        atomic_store(&poll.calls, 0);
        atomic_store(&poll.fire_at, fire);
        ks_sim_result *result = NULL;
        ks_error err;
        assert_int_equal(ks_simulate(model, &spec, &result, &err),
                         KS_EINTERRUPTED);
        assert_null(result);
        assert_int_equal(counts.live, live);
        /* the pool serves the next run */
        atomic_store(&poll.fire_at, 1L << 40);
        result = pool_run(model, &spec);
        assert_int_equal(ks_sim_count(result, 0), 50 * KS_SIM_CHUNK);
        ks_sim_result_free(result);
        ks_model_free(model);
        assert_int_equal(counts.live, 0);
    }
    ks_sim_pool_free(pool);
}

static void test_pool_out_of_memory(void **state)
{
    (void)state;
    ks_sim_pool *pool = NULL;
    assert_int_equal(ks_sim_pool_new(2, NULL, &pool, NULL), KS_OK);
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    ks_model *model = pool_model(&alloc);
    ks_value value;
    assert_int_equal(ks_get(model, 0, 0, &value, NULL), KS_OK);
    long live = counts.live;
    int succeeded = 0;
    for (long fail = 1; !succeeded && fail < 5000; fail++) {
        ks_sim_draw draws[2];
        ks_sim_spec spec;
        pool_spec(&spec, draws, 3 * KS_SIM_CHUNK, 2, pool);
        test_alloc_arm(&counts, fail, 0);
        ks_sim_result *result = NULL;
        ks_error err;
        ks_status status = ks_simulate(model, &spec, &result, &err);
        int failed = counts.failed;
        test_alloc_disarm(&counts);
        if (status == KS_OK) {
            assert_false(failed);
            succeeded = 1;
            ks_sim_result_free(result);
        } else {
            assert_int_equal(status, KS_ENOMEM);
            assert_null(result);
        }
        assert_int_equal(counts.live, live);
    }
    assert_true(succeeded);
    ks_model_free(model);
    ks_sim_pool_free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_bounds),
        cmocka_unit_test(test_pool_new_out_of_memory),
        cmocka_unit_test(test_pool_same_bits),
        cmocka_unit_test(test_pool_rounds_and_keep),
        cmocka_unit_test(test_pool_shared),
        cmocka_unit_test(test_pool_interrupted),
        cmocka_unit_test(test_pool_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
