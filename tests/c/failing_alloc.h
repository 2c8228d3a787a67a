/*
 * failing_alloc.h -- the tests' allocators that fail on purpose: the
 * n-th allocation fails (countdown n; -1 never), once or from then on
 * (persistent), and live blocks are counted so a test can prove that a
 * failed operation freed everything; and the interrupt poll that asks to
 * stop at its n-th call (poll_after, below).  Use as
 *     failing f = { n, persistent, 0, 0 };
 *     ks_allocator alloc = { .realloc_fn = failing_realloc, .user_data = &f };
 */
#ifndef KS_TEST_FAILING_ALLOC_H
#define KS_TEST_FAILING_ALLOC_H

#include <stdlib.h>

typedef struct failing {
    long countdown; /* allocations left before failures start (-1: never) */
    int persistent; /* keep failing after the first failure               */
    int failed;     /* an allocation was refused                          */
    long live;      /* blocks allocated and not yet freed                 */
} failing;

static inline void *failing_realloc(void *ud, void *block, size_t size)
{
    failing *f = ud;
    if (size == 0) {
        if (block) {
            f->live--;
            free(block);
        }
        return NULL;
    }
    if (f->countdown == 0 || (f->failed && f->persistent)) {
        f->failed = 1;
        return NULL;
    }
    if (f->countdown > 0)
        f->countdown--;
    void *grown = realloc(block, size);
    if (grown && !block)
        f->live++;
    return grown;
}

/*
 * The same by number: allocation (or growth) call `fail_at` fails (0:
 * none), and with fail_for_good every call after it; `calls` counts them,
 * so a test can fail n = 1, 2, ... until an operation makes fewer calls.
 *     fail_alloc counts = { 0, n, for_good, 0 };
 *     ks_allocator alloc = { .realloc_fn = fail_realloc, .user_data = &counts };
 */
typedef struct fail_alloc {
    long calls;        /* allocations and growths so far                  */
    long fail_at;      /* 0: never fail; else fail call number fail_at    */
    int fail_for_good; /* and every call after it                         */
    long live;         /* blocks not yet freed                            */
} fail_alloc;

static inline void *fail_realloc(void *user_data, void *block, size_t size)
{
    fail_alloc *state = user_data;
    if (size == 0) {
        if (block) {
            state->live--;
            free(block);
        }
        return NULL;
    }
    state->calls++;
    if (state->fail_at
        && (state->calls == state->fail_at
            || (state->fail_for_good && state->calls > state->fail_at)))
        return NULL;
    void *grown = realloc(block, size);
    if (grown && !block)
        state->live++;
    return grown;
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

#endif
