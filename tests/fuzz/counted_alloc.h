/*
 * counted_alloc.h -- the harnesses' allocator: it counts live blocks (a
 * harness aborts when any is left after the model is freed) and, when
 * `fail_from` is set, refuses every call from that one on.
 *     counted count = { 0, 0, fail_from };
 *     ks_allocator alloc = { .realloc_fn = counted_realloc, .user_data = &count };
 */
#ifndef KS_FUZZ_COUNTED_ALLOC_H
#define KS_FUZZ_COUNTED_ALLOC_H

#include <stdlib.h>

typedef struct counted {
    long live;
    long calls;
    long fail_from; /* 0: never */
} counted;

static void *counted_realloc(void *user_data, void *block, size_t size)
{
    counted *count = user_data;
    if (size == 0) {
        if (block)
            count->live--;
        free(block);
        return NULL;
    }
    count->calls++;
    if (count->fail_from && count->calls >= count->fail_from)
        return NULL;
    void *grown = realloc(block, size);
    if (grown && !block)
        count->live++;
    return grown;
}

#endif
