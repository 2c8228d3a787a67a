/*
 * test_alloc.h -- the allocator that the tests and the fuzzing harnesses
 * hand to the library: it counts allocation calls and live blocks (so a
 * test can prove that an operation freed everything, even one that
 * failed), and refuses call number `fail_at` (1-based; 0: none), once or,
 * with `fail_for_good`, every call after it too.  A test fails n = 1, 2,
 * ... until an operation makes fewer than n calls:
 *     test_alloc counts = { 0 };
 *     ks_allocator alloc = test_allocator(&counts);
 *     test_alloc_arm(&counts, n, for_good);   ... the operation ...
 *     test_alloc_disarm(&counts);
 * And the interrupt poll that asks to stop from its fire_at-th call on
 * (poll_count, poll_after; test_allocator_polled gives both).  Header
 * only, so that the fuzzing harnesses, which are built apart, use the
 * same.
 */
#ifndef KS_TEST_ALLOC_H
#define KS_TEST_ALLOC_H

#include <stdlib.h>

#include "kessan/kessan.h"

typedef struct test_alloc {
    long calls;        /* allocations and growths since armed             */
    long fail_at;      /* 0: never fail; else refuse call number fail_at  */
    int fail_for_good; /* and every call after it                         */
    int failed;        /* a call was refused since armed                  */
    long live;         /* blocks allocated and not yet freed              */
} test_alloc;

static inline void *test_alloc_realloc(void *user_data, void *block,
                                       size_t size)
{
    test_alloc *counts = user_data;
    if (size == 0) {
        if (block)
            counts->live--;
        free(block);
        return NULL;
    }
    counts->calls++;
    if (counts->fail_at
        && (counts->calls == counts->fail_at
            || (counts->fail_for_good && counts->calls > counts->fail_at))) {
        counts->failed = 1;
        return NULL;
    }
    void *grown = realloc(block, size);
    if (grown && !block)
        counts->live++;
    return grown;
}

/* The library's allocator over `counts` (no interrupt poll). */
static inline ks_allocator test_allocator(test_alloc *counts)
{
    return (ks_allocator){ .realloc_fn = test_alloc_realloc,
                           .user_data = counts };
}

/* Count calls afresh and refuse call number fail_at (0: none) and, with
 * for_good, every one after it; live blocks go on being counted. */
static inline void test_alloc_arm(test_alloc *counts, long fail_at,
                                  int for_good)
{
    counts->calls = 0;
    counts->fail_at = fail_at;
    counts->fail_for_good = for_good;
    counts->failed = 0;
}

/* Refuse nothing from now on (calls go on being counted). */
static inline void test_alloc_disarm(test_alloc *counts)
{
    counts->fail_at = 0;
}

/*
 * An allocator's interrupt poll that asks to stop from its fire_at-th
 * call on; `calls` counts the polls, so a test can interrupt at poll
 * k = 1, 2, ... until an operation polls fewer times.
 *     poll_count poll = { 0, k };
 *     alloc.interrupted = poll_after; alloc.interrupt_data = &poll;
 */
typedef struct poll_count {
    long calls;   /* polls so far                          */
    long fire_at; /* the first poll that asks to stop      */
} poll_count;

static inline int poll_after(void *data)
{
    poll_count *poll = data;
    return ++poll->calls >= poll->fire_at;
}

/* The library's allocator over `counts`, polling `poll`. */
static inline ks_allocator test_allocator_polled(test_alloc *counts,
                                                 poll_count *poll)
{
    ks_allocator alloc = test_allocator(counts);
    alloc.interrupted = poll_after;
    alloc.interrupt_data = poll;
    return alloc;
}

#endif
