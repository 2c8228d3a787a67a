/*
 * failing_alloc.h -- the tests' allocator that fails on purpose: the
 * n-th allocation fails (countdown n; -1 never), once or from then on
 * (persistent), and live blocks are counted so a test can prove that a
 * failed operation freed everything.  Use as
 *     failing f = { n, persistent, 0, 0 };
 *     ks_allocator alloc = { failing_realloc, &f };
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

#endif
