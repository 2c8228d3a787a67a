/*
 * alloc.h -- the one allocation hook of the core (internal).
 *
 * Every allocation of a model goes through its ks_allocator, so that tests
 * can fail the n-th allocation and hosts can bound memory.  A NULL
 * allocator means the C library.  ks_mem_* never abort: they return NULL.
 */
#ifndef KS_ALLOC_H
#define KS_ALLOC_H

#include <stddef.h>
#include "kessan/kessan.h"

/* The allocator used when a caller passes NULL. */
const ks_allocator *ks_default_allocator(void);

void *ks_mem_alloc(const ks_allocator *alloc, size_t size);
void *ks_mem_calloc(const ks_allocator *alloc, size_t count, size_t size);
/* Resize; on failure returns NULL and `block` is untouched. */
void *ks_mem_realloc(const ks_allocator *alloc, void *block, size_t size);
/* Grow an array to hold at least `needed` elements of `size` bytes,
 * doubling; updates *capacity.  Returns 0, or -1 on failure (untouched). */
int ks_mem_grow(const ks_allocator *alloc, void **array, size_t *capacity,
                size_t needed, size_t size);
void ks_mem_free(const ks_allocator *alloc, void *block);
/* A copy of a string (or of `length` bytes of it), NUL-terminated. */
char *ks_mem_strdup(const ks_allocator *alloc, const char *text);
char *ks_mem_strndup(const ks_allocator *alloc, const char *text,
                     size_t length);

/* Whether the host asks long calls to stop (ks_allocator.interrupted). */
int ks_interrupted(const ks_allocator *alloc);
/* If so, fill err with KS_EINTERRUPTED ("interrupted while WHAT") and
 * return it; else KS_OK.  For the polls of long loops. */
ks_status ks_check_interrupt(const ks_allocator *alloc, ks_error *err,
                             const char *what);

#endif
