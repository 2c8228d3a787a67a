/*
 * hash_maps.c -- the two hash maps of the model: ids to indexes (ks_index_map)
 * and sparse cells to values (ks_cell_map), open addressing, linear probes,
 * power-of-two capacities kept at most half full.
 */
#include <string.h>

#include "model/model_internal.h"

uint64_t ks_hash_bytes(const char *text, size_t length)
{
    uint64_t hash = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < length; i++) {
        hash ^= (unsigned char)text[i];
        hash *= UINT64_C(1099511628211);
    }
    return hash ? hash : 1;
}

static uint64_t mix(uint64_t key)
{
    key ^= key >> 33;
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return key;
}

int ks_index_map_find(const ks_index_map *map, uint64_t key,
                      int (*same)(void *ud, uint32_t index), void *ud)
{
    if (map->capacity == 0)
        return -1;
    size_t mask = map->capacity - 1;
    for (size_t at = mix(key) & mask;; at = (at + 1) & mask) {
        if (map->slots[at] == 0)
            return -1;
        if (map->keys[at] == key && (!same || same(ud, map->slots[at] - 1)))
            return (int)(map->slots[at] - 1);
    }
}

static void index_map_insert(ks_index_map *map, uint64_t key, uint32_t index)
{
    size_t mask = map->capacity - 1;
    size_t at = mix(key) & mask;
    while (map->slots[at] != 0)
        at = (at + 1) & mask;
    map->keys[at] = key;
    map->slots[at] = index + 1;
    map->count++;
}

int ks_index_map_put(const ks_allocator *alloc, ks_index_map *map,
                     uint64_t key, uint32_t index)
{
    if ((map->count + 1) * 2 > map->capacity) {
        size_t capacity = map->capacity ? map->capacity * 2 : 64;
        uint64_t *keys = ks_mem_calloc(alloc, capacity, sizeof *keys);
        uint32_t *slots = ks_mem_calloc(alloc, capacity, sizeof *slots);
        if (!keys || !slots) {
            ks_mem_free(alloc, keys);
            ks_mem_free(alloc, slots);
            return -1;
        }
        ks_index_map old = *map;
        map->keys = keys;
        map->slots = slots;
        map->capacity = capacity;
        map->count = 0;
        for (size_t i = 0; i < old.capacity; i++)
            if (old.slots[i])
                index_map_insert(map, old.keys[i], old.slots[i] - 1);
        ks_mem_free(alloc, old.keys);
        ks_mem_free(alloc, old.slots);
    }
    index_map_insert(map, key, index);
    return 0;
}

void ks_index_map_free(const ks_allocator *alloc, ks_index_map *map)
{
    ks_mem_free(alloc, map->keys);
    ks_mem_free(alloc, map->slots);
    memset(map, 0, sizeof *map);
}

/* ---- cell maps ---------------------------------------------------------- */

ks_cell_entry *ks_cell_map_find(const ks_cell_map *map, uint64_t cell)
{
    if (map->capacity == 0)
        return NULL;
    size_t mask = map->capacity - 1;
    for (size_t at = mix(cell) & mask;; at = (at + 1) & mask) {
        ks_cell_entry *entry = &map->entries[at];
        if (!entry->used)
            return NULL;
        if (entry->cell == cell)
            return entry;
    }
}

static ks_cell_entry *cell_map_slot(ks_cell_map *map, uint64_t cell)
{
    size_t mask = map->capacity - 1;
    size_t at = mix(cell) & mask;
    while (map->entries[at].used && map->entries[at].cell != cell)
        at = (at + 1) & mask;
    return &map->entries[at];
}

int ks_cell_map_reserve(const ks_allocator *alloc, ks_cell_map *map,
                        size_t count)
{
    size_t needed = (map->count + count) * 2;
    if (needed <= map->capacity)
        return 0;
    size_t capacity = map->capacity ? map->capacity : 16;
    while (capacity < needed)
        capacity *= 2;
    ks_cell_entry *entries = ks_mem_calloc(alloc, capacity, sizeof *entries);
    if (!entries)
        return -1;
    ks_cell_map old = *map;
    map->entries = entries;
    map->capacity = capacity;
    map->count = 0;
    for (size_t i = 0; i < old.capacity; i++) {
        if (!old.entries[i].used)
            continue;
        *cell_map_slot(map, old.entries[i].cell) = old.entries[i];
        map->count++;
    }
    ks_mem_free(alloc, old.entries);
    return 0;
}

ks_cell_entry *ks_cell_map_put(const ks_allocator *alloc, ks_cell_map *map,
                               uint64_t cell)
{
    ks_cell_entry *found = ks_cell_map_find(map, cell);
    if (found)
        return found;
    if (ks_cell_map_reserve(alloc, map, 1) != 0)
        return NULL;
    ks_cell_entry *entry = cell_map_slot(map, cell);
    entry->used = 1;
    entry->cell = cell;
    entry->value = 0;
    entry->extra = 0;
    map->count++;
    return entry;
}

void ks_cell_map_remove(ks_cell_map *map, uint64_t cell)
{
    ks_cell_entry *entry = ks_cell_map_find(map, cell);
    if (!entry)
        return;
    /* backward-shift deletion keeps probe chains whole */
    size_t mask = map->capacity - 1;
    size_t hole = (size_t)(entry - map->entries);
    entry->used = 0;
    map->count--;
    for (size_t at = (hole + 1) & mask; map->entries[at].used;
         at = (at + 1) & mask) {
        size_t home = mix(map->entries[at].cell) & mask;
        int movable = hole <= at ? (home <= hole || home > at)
                                 : (home <= hole && home > at);
        if (movable) {
            map->entries[hole] = map->entries[at];
            map->entries[at].used = 0;
            hole = at;
        }
    }
}

void ks_cell_map_clear(ks_cell_map *map)
{
    if (map->capacity)
        memset(map->entries, 0, map->capacity * sizeof *map->entries);
    map->count = 0;
}

void ks_cell_map_free(const ks_allocator *alloc, ks_cell_map *map)
{
    ks_mem_free(alloc, map->entries);
    memset(map, 0, sizeof *map);
}
