/*
 * alloc.c -- the core's one allocation hook: every allocation of a model
 * goes through its ks_allocator (alloc.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"

static void *libc_realloc(void *user_data, void *block, size_t new_size)
{
    (void)user_data;
    if (new_size == 0) {
        free(block);
        return NULL;
    }
    return realloc(block, new_size);
}

static const ks_allocator libc_allocator = { libc_realloc, NULL, NULL, NULL };

const ks_allocator *ks_default_allocator(void)
{
    return &libc_allocator;
}

static const ks_allocator *pick(const ks_allocator *alloc)
{
    return alloc && alloc->realloc_fn ? alloc : &libc_allocator;
}

void *ks_mem_alloc(const ks_allocator *alloc, size_t size)
{
    alloc = pick(alloc);
    return alloc->realloc_fn(alloc->user_data, NULL, size ? size : 1);
}

void *ks_mem_calloc(const ks_allocator *alloc, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    size_t total = count * size;
    void *block = ks_mem_alloc(alloc, total);
    if (block)
        memset(block, 0, total > 0 ? total : 1);
    return block;
}

void *ks_mem_realloc(const ks_allocator *alloc, void *block, size_t size)
{
    alloc = pick(alloc);
    return alloc->realloc_fn(alloc->user_data, block, size ? size : 1);
}

int ks_mem_grow(const ks_allocator *alloc, void **array, size_t *capacity,
                size_t needed, size_t size)
{
    if (needed <= *capacity)
        return 0;
    size_t wanted = *capacity ? *capacity : 8;
    while (wanted < needed) {
        if (wanted > SIZE_MAX / 2)
            return -1;
        wanted *= 2;
    }
    if (size != 0 && wanted > SIZE_MAX / size)
        return -1;
    void *grown = ks_mem_realloc(alloc, *array, wanted * size);
    if (!grown)
        return -1;
    *array = grown;
    *capacity = wanted;
    return 0;
}

void ks_mem_free(const ks_allocator *alloc, void *block)
{
    if (!block)
        return;
    alloc = pick(alloc);
    alloc->realloc_fn(alloc->user_data, block, 0);
}

char *ks_mem_strndup(const ks_allocator *alloc, const char *text,
                     size_t length)
{
    char *copy = ks_mem_alloc(alloc, length + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *ks_mem_strdup(const ks_allocator *alloc, const char *text)
{
    return ks_mem_strndup(alloc, text, strlen(text));
}

int ks_interrupted(const ks_allocator *alloc)
{
    return alloc && alloc->interrupted &&
           alloc->interrupted(alloc->interrupt_data) != 0;
}

ks_status ks_check_interrupt(const ks_allocator *alloc, ks_error *err,
                             const char *what)
{
    if (!ks_interrupted(alloc))
        return KS_OK;
    return ks_error_set(err, KS_EINTERRUPTED, "interrupted while %s", what);
}
