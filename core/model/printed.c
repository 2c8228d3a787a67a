/*
 * printed.c -- the release as printed: figures kept to check the model
 * against (never used as inputs), and the notes that explain them.
 */
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "model/model_internal.h"

static const char *const measure_names[] = { "value", "pct", "yoy", "qoq",
                                             "usd" };

const char *ks_measure_name(ks_measure measure)
{
    return (unsigned)measure < 5 ? measure_names[measure] : "?";
}

int ks_measure_parse(const char *name)
{
    for (int i = 0; name && i < 5; i++)
        if (strcmp(name, measure_names[i]) == 0)
            return i;
    return -1;
}

/*
 * Memory: a values file of 400,000 figures keeps 400,000 printed figures,
 * so each costs little.  The index is open addressing over entry numbers
 * alone (4 bytes a slot; the entries hold the keys), the entries grow by a
 * quarter, and the texts live in shared blocks: the first figure of every
 * group of PRINTED_GROUP owns a block that the group's texts fill (the
 * entry's `text` is the block, freed with the model; the others' `text`
 * and `source` stay NULL), and a text that does not fit gets a block of its
 * own.
 */
#define PRINTED_GROUP 64

typedef struct text_block {
    size_t size; /* bytes after the header                           */
    size_t used;
} text_block;

static uint32_t printed_hash(int item, int period, ks_measure measure)
{
    uint64_t key = ((uint64_t)(uint32_t)item << 24) ^
                   ((uint64_t)(uint32_t)period << 4) ^ (uint64_t)measure;
    return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32);
}

static int printed_slot(const ks_book *book, int item, int period,
                        ks_measure measure, size_t *slot)
{
    const ks_index_map *index = &book->printed_index;
    *slot = 0;
    if (index->capacity == 0)
        return -1;
    size_t mask = index->capacity - 1;
    size_t at = printed_hash(item, period, measure) & mask;
    for (; index->slots[at]; at = (at + 1) & mask) {
        const ks_printed *printed =
            &book->printed[index->slots[at] - 1].printed;
        if (printed->item == item && printed->period == period &&
            printed->measure == measure) {
            *slot = at;
            return (int)index->slots[at] - 1;
        }
    }
    *slot = at;
    return -1;
}

const ks_printed *ks_printed_find(const ks_model *model, int item, int period,
                                  ks_measure measure)
{
    const ks_book *book = model->book;
    size_t slot;
    int index = printed_slot(book, item, period, measure, &slot);
    return index < 0 ? NULL : &book->printed[index].printed;
}

/* Room in the index for one more entry (at most half full). */
static int reserve_index(const ks_allocator *alloc, ks_book *book)
{
    ks_index_map *index = &book->printed_index;
    if ((book->printed_count + 1) * 2 <= index->capacity)
        return 0;
    size_t capacity = index->capacity ? index->capacity * 2 : 64;
    uint32_t *slots = ks_mem_calloc(alloc, capacity, sizeof *slots);
    if (!slots)
        return -1;
    ks_mem_free(alloc, index->slots);
    ks_mem_free(alloc, index->keys);
    index->keys = NULL;
    index->slots = slots;
    index->capacity = capacity;
    for (size_t i = 0; i < book->printed_count; i++) {
        const ks_printed *printed = &book->printed[i].printed;
        size_t at = printed_hash(printed->item, printed->period,
                                 printed->measure) & (capacity - 1);
        while (slots[at])
            at = (at + 1) & (capacity - 1);
        slots[at] = (uint32_t)i + 1;
    }
    index->count = book->printed_count;
    return 0;
}

/* Room for one more entry, growing by a quarter. */
static int reserve_entries(const ks_allocator *alloc, ks_book *book)
{
    if (book->printed_count < book->printed_capacity)
        return 0;
    size_t capacity = book->printed_capacity < 16
                          ? 16
                          : book->printed_capacity + book->printed_capacity / 4;
    if (capacity > SIZE_MAX / sizeof *book->printed)
        return -1;
    ks_printed_entry *grown = ks_mem_realloc(alloc, book->printed,
                                             capacity * sizeof *grown);
    if (!grown)
        return -1;
    book->printed = grown;
    book->printed_capacity = capacity;
    return 0;
}

/* The block of the group the next entry belongs to, or NULL when the
 * next entry starts a group. */
static text_block *group_block(const ks_book *book)
{
    size_t count = book->printed_count;
    if (count % PRINTED_GROUP == 0)
        return NULL;
    return (text_block *)(void *)book->printed[count - count % PRINTED_GROUP]
        .text;
}

/* A new block for `needed` bytes of text: for a group, sized after what
 * the previous group used; else just that. */
static text_block *new_block(const ks_allocator *alloc, const ks_book *book,
                             size_t needed, int for_group)
{
    size_t size = for_group ? PRINTED_GROUP * 32 : needed;
    if (for_group && book->printed_count >= PRINTED_GROUP) {
        const text_block *previous =
            (const text_block *)(const void *)book
                ->printed[book->printed_count - PRINTED_GROUP].text;
        if (previous)
            size = previous->used + previous->used / 8 + 64;
    }
    if (size < needed)
        size = needed;
    if (size > SIZE_MAX - sizeof(text_block))
        return NULL;
    text_block *block = ks_mem_alloc(alloc, sizeof *block + size);
    if (block) {
        block->size = size;
        block->used = 0;
    }
    return block;
}

static char *block_append(text_block *block, const char *text, size_t size)
{
    char *at = (char *)(block + 1) + block->used;
    memcpy(at, text, size);
    block->used += size;
    return at;
}

ks_status ks_printed_add(ks_model *model, const ks_printed *printed,
                         ks_error *err)
{
    ks_book *book = ks_model_base(model)->book;
    const ks_allocator *alloc = &model->alloc;
    if (printed->item < 0 || (size_t)printed->item >= book->item_count ||
        printed->period < 0 || printed->period >= book->period_count ||
        (unsigned)printed->measure > KS_MEASURE_USD)
        return ks_error_set(err, KS_EINVAL, "printed figure out of range");
    if (ks_printed_find(model, printed->item, printed->period,
                        printed->measure)) {
        char period[16];
        return ks_error_set(err, KS_EDUP, "a second printed %s for %s@%s",
                            ks_measure_name(printed->measure),
                            book->items[printed->item].id,
                            ks_period_id(model, printed->period, period,
                                         sizeof period));
    }
    const char *text = printed->text ? printed->text : "";
    const char *source = printed->source ? printed->source : "";
    size_t text_size = strlen(text) + 1, source_size = strlen(source) + 1;
    if (text_size > SIZE_MAX / 2 - source_size)
        return ks_error_set(err, KS_ENOMEM, "printed figure too large");
    size_t needed = text_size + source_size;
    text_block *block = group_block(book), *owned = NULL;
    if (!block || block->size - block->used < needed)
        owned = new_block(alloc, book, needed, block == NULL);
    if ((!block || block->size - block->used < needed) && !owned) {
        return ks_error_set(err, KS_ENOMEM, "out of memory keeping a printed "
                                            "figure");
    }
    if (reserve_entries(alloc, book) != 0 ||
        reserve_index(alloc, book) != 0) {
        ks_mem_free(alloc, owned);
        return ks_error_set(err, KS_ENOMEM, "out of memory keeping a printed "
                                            "figure");
    }
    size_t slot;
    printed_slot(book, printed->item, printed->period, printed->measure,
                 &slot);
    ks_printed_entry *entry = &book->printed[book->printed_count];
    text_block *target = owned ? owned : block;
    entry->printed = *printed;
    entry->text = (char *)owned; /* NULL: in its group's block */
    entry->source = NULL;
    entry->printed.text = block_append(target, text, text_size);
    entry->printed.source = block_append(target, source, source_size);
    book->printed_index.slots[slot] = (uint32_t)book->printed_count + 1;
    book->printed_index.count++;
    book->printed_count++;
    return KS_OK;
}

int ks_printed_count(const ks_model *model)
{
    return (int)model->book->printed_count;
}

const ks_printed *ks_printed_at(const ks_model *model, int index)
{
    const ks_book *book = model->book;
    if (index < 0 || (size_t)index >= book->printed_count)
        return NULL;
    return &book->printed[index].printed;
}

ks_status ks_note_add(ks_model *model, const char *id, int item, int period,
                      const char *text, ks_error *err)
{
    ks_book *book = model->book;
    const ks_allocator *alloc = &model->alloc;
    if (item >= (int)book->item_count || period >= book->period_count)
        return ks_error_set(err, KS_EINVAL, "note '%s' out of range",
                            id ? id : "");
    char *id_copy = ks_mem_strdup(alloc, id ? id : "");
    char *text_copy = ks_mem_strdup(alloc, text ? text : "");
    if (!id_copy || !text_copy ||
        ks_mem_grow(alloc, (void **)&book->notes, &book->note_capacity,
                    book->note_count + 1, sizeof *book->notes) != 0) {
        ks_mem_free(alloc, id_copy);
        ks_mem_free(alloc, text_copy);
        return ks_error_set(err, KS_ENOMEM, "out of memory keeping a note");
    }
    ks_note_entry *entry = &book->notes[book->note_count++];
    entry->id = id_copy;
    entry->text = text_copy;
    entry->note.id = id_copy;
    entry->note.text = text_copy;
    entry->note.item = item < 0 ? -1 : item;
    entry->note.period = period < 0 ? -1 : period;
    return KS_OK;
}

int ks_note_count(const ks_model *model)
{
    return (int)model->book->note_count;
}

const ks_note *ks_note_at(const ks_model *model, int index)
{
    const ks_book *book = model->book;
    if (index < 0 || (size_t)index >= book->note_count)
        return NULL;
    return &book->notes[index].note;
}
