/*
 * name_hash.h -- the hash of a name for the core's open-addressing tables
 * of names (internal): saved scenarios by name, the scenario names of a
 * values file.  FNV-1a over the bytes; tables are powers of two.
 */
#ifndef KS_NAME_HASH_H
#define KS_NAME_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t ks_name_hash(const char *text, size_t length)
{
    uint64_t hash = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < length; i++) {
        hash ^= (unsigned char)text[i];
        hash *= UINT64_C(0x100000001b3);
    }
    return hash;
}

/* The smallest power of two at least twice `count` (at least 8). */
static inline size_t ks_name_table_size(size_t count)
{
    size_t size = 8;
    while (size < 2 * count)
        size *= 2;
    return size;
}

#endif
