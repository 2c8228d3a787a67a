/*
 * test_sim_cpus.c -- where a simulation's worker threads run
 * (thread_place.c): a started worker runs first on the index-th allowed
 * CPU after its starter's, then may use every CPU it was allowed; a
 * thread on its waker's CPU moves to such a CPU and its affinity is as it
 * was afterwards; off the caller's CPU, with one CPU allowed, or with no
 * caller CPU known, nothing moves; for a round, thread 0 keeps to the
 * caller's CPU and thread i to the i-th after it, and gets its affinity
 * back after; two threads of a pool end up on two CPUs while a task runs.  Skipped (passing) where the process may use
 * one CPU.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kessan/simulate.h"
#include "simulate/simulate_internal.h"

static int allowed_cpus(cpu_set_t *allowed)
{
    assert_int_equal(sched_getaffinity(0, sizeof *allowed, allowed), 0);
    return CPU_COUNT(allowed);
}

/* The index-th allowed CPU after `from`, round the allowed ones: the
 * allowed CPUs listed in order, the list read from just after `from`,
 * `from` itself left out. */
static int nth_after(const cpu_set_t *allowed, int from, int index)
{
    int listed[CPU_SETSIZE], count = 0, position = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, allowed)) {
            if (cpu == from)
                position = count;
            listed[count++] = cpu;
        }
    int others = count - 1;
    return listed[(position + 1 + (index - 1) % others) % count];
}

/* Leave the current CPU as index `index`: where the thread is just after
 * (tried a few times: the system may move a thread at any tick, so a
 * single reading could see it moved back). */
static void check_leaves(int index)
{
    cpu_set_t allowed, after;
    allowed_cpus(&allowed);
    int moved = 0;
    for (int attempt = 0; attempt < 5 && !moved; attempt++) {
        int caller = sched_getcpu();
        assert_true(caller >= 0);
        ks_sim_leave_cpu(caller, index);
        int now = sched_getcpu();
        moved = now != caller && now == nth_after(&allowed, caller, index);
        assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
        assert_true(CPU_EQUAL(&after, &allowed));
    }
    assert_true(moved);
}

static void test_leaves_the_callers_cpu(void **state)
{
    (void)state;
    cpu_set_t allowed;
    if (allowed_cpus(&allowed) < 2)
        skip();
    for (int index = 1; index <= 4; index++)
        check_leaves(index);
}

static void test_stays_otherwise(void **state)
{
    (void)state;
    cpu_set_t allowed, after, one;
    if (allowed_cpus(&allowed) < 2)
        skip();
    /* no caller CPU known, or one beyond any set: nothing changes */
    ks_sim_leave_cpu(-1, 1);
    ks_sim_leave_cpu(CPU_SETSIZE + 5, 1);
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_EQUAL(&after, &allowed));
    /* one CPU allowed: the thread stays, its one CPU still its own */
    int here = sched_getcpu();
    CPU_ZERO(&one);
    CPU_SET(here, &one);
    assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
    ks_sim_leave_cpu(here, 1);
    assert_int_equal(sched_getcpu(), here);
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_EQUAL(&after, &one));
    assert_int_equal(sched_setaffinity(0, sizeof allowed, &allowed), 0);
    /* a caller CPU the thread is not on: it does not move */
    int other = nth_after(&allowed, sched_getcpu(), 1);
    int before = sched_getcpu();
    ks_sim_leave_cpu(other, 1);
    int now = sched_getcpu();
    assert_true(now == before || now != other);
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_EQUAL(&after, &allowed));
}

static void test_pinned_for_a_round(void **state)
{
    (void)state;
    cpu_set_t allowed, during, after;
    if (allowed_cpus(&allowed) < 2)
        skip();
    for (int index = 0; index <= 3; index++) {
        int caller = sched_getcpu();
        ks_sim_cpus cpus;
        ks_sim_pin_round(caller, index, &cpus);
        assert_true(cpus.pinned);
        int expected = index == 0 ? caller : nth_after(&allowed, caller, index);
        assert_int_equal(sched_getaffinity(0, sizeof during, &during), 0);
        assert_int_equal(CPU_COUNT(&during), 1);
        assert_true(CPU_ISSET(expected, &during));
        assert_int_equal(sched_getcpu(), expected); /* certain: pinned */
        ks_sim_thread_unpin(&cpus);
        assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
        assert_true(CPU_EQUAL(&after, &allowed));
    }
    /* no caller CPU: nothing pinned, nothing to restore */
    ks_sim_cpus none;
    ks_sim_pin_round(-1, 1, &none);
    assert_false(none.pinned);
    ks_sim_thread_unpin(&none);
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_EQUAL(&after, &allowed));
}

/* A started worker: where it first runs, and its affinity once free. */
typedef struct started {
    ks_sim_cpus cpus;
    int first_cpu;
    cpu_set_t freed;
} started;

static void *started_main(void *argument)
{
    started *self = argument;
    self->first_cpu = sched_getcpu();
    ks_sim_thread_unpin(&self->cpus);
    sched_getaffinity(0, sizeof self->freed, &self->freed);
    return NULL;
}

static void test_started_elsewhere(void **state)
{
    (void)state;
    cpu_set_t allowed;
    if (allowed_cpus(&allowed) < 2)
        skip();
    for (int index = 1; index <= 3; index++) {
        started self;
        memset(&self, 0, sizeof self);
        int caller = sched_getcpu();
        pthread_t id;
        assert_int_equal(ks_sim_thread_create(&id, started_main, &self, index,
                                              &self.cpus), 0);
        assert_int_equal(pthread_join(id, NULL), 0);
        /* pinned at birth: where it ran first is certain */
        assert_true(self.cpus.pinned);
        assert_int_equal(self.first_cpu, nth_after(&allowed, caller, index));
        assert_true(CPU_EQUAL(&self.freed, &allowed));
    }
    /* index 0 (the caller's own task) is started as any thread */
    started plain;
    memset(&plain, 0, sizeof plain);
    pthread_t id;
    assert_int_equal(ks_sim_thread_create(&id, started_main, &plain, 0,
                                          &plain.cpus), 0);
    assert_int_equal(pthread_join(id, NULL), 0);
    assert_false(plain.cpus.pinned);
    assert_true(CPU_EQUAL(&plain.freed, &allowed));
}

/* A pool's task: every index notes the CPUs it ran on while all spin for
 * 20 ms, so each has run long enough to have been placed. */
typedef struct spread {
    atomic_int started;
    int threads;
    int cpu_at_end[KS_SIM_THREADS_MAX];
} spread;

static void spread_task(void *context, int index)
{
    spread *s = context;
    atomic_fetch_add(&s->started, 1);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000000000L +
               (now.tv_nsec - start.tv_nsec) < 20000000L);
    s->cpu_at_end[index] = sched_getcpu();
}

static void test_pool_threads_spread(void **state)
{
    (void)state;
    cpu_set_t allowed;
    if (allowed_cpus(&allowed) < 2)
        skip();
    ks_sim_pool *pool = NULL;
    ks_error err;
    assert_int_equal(ks_sim_pool_new(2, NULL, &pool, &err), KS_OK);
    /* a few runs: each wakes the parked (or spinning) worker */
    int apart = 0;
    for (int run = 0; run < 4; run++) {
        spread s;
        memset(&s, 0, sizeof s);
        s.threads = 2;
        assert_true(ks_sim_pool_take(pool, 2));
        ks_sim_pool_run(pool, spread_task, &s, 2);
        ks_sim_pool_give_back(pool);
        assert_int_equal(atomic_load(&s.started), 2);
        apart += s.cpu_at_end[0] != s.cpu_at_end[1];
    }
    /* the system may place threads as it likes on a busy machine; on
     * any machine, at least one run of four had them apart */
    assert_true(apart >= 1);
    ks_sim_pool_free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_started_elsewhere),
        cmocka_unit_test(test_pinned_for_a_round),
        cmocka_unit_test(test_leaves_the_callers_cpu),
        cmocka_unit_test(test_stays_otherwise),
        cmocka_unit_test(test_pool_threads_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
