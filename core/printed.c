/*
 * printed.c -- the release as printed: figures kept to check the model
 * against (never used as inputs), and the notes that explain them.
 */
#include <string.h>

#include "error.h"
#include "model_internal.h"

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

static uint64_t printed_key(int item, int period, ks_measure measure)
{
    return ((uint64_t)(uint32_t)item << 24) ^
           ((uint64_t)(uint32_t)period << 4) ^ (uint64_t)measure ^
           (UINT64_C(1) << 62);
}

typedef struct printed_probe {
    const ks_book *book;
    int item, period;
    ks_measure measure;
} printed_probe;

static int same_printed(void *ud, uint32_t index)
{
    const printed_probe *probe = ud;
    const ks_printed *printed = &probe->book->printed[index].printed;
    return printed->item == probe->item && printed->period == probe->period &&
           printed->measure == probe->measure;
}

const ks_printed *ks_printed_find(const ks_model *model, int item, int period,
                                  ks_measure measure)
{
    const ks_book *book = model->book;
    printed_probe probe = { book, item, period, measure };
    int index = ks_index_map_find(&book->printed_index,
                                  printed_key(item, period, measure),
                                  same_printed, &probe);
    return index < 0 ? NULL : &book->printed[index].printed;
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
    char *text = ks_mem_strdup(alloc, printed->text ? printed->text : "");
    char *source = ks_mem_strdup(alloc, printed->source ? printed->source
                                                        : "");
    if (!text || !source ||
        ks_mem_grow(alloc, (void **)&book->printed, &book->printed_capacity,
                    book->printed_count + 1, sizeof *book->printed) != 0 ||
        ks_index_map_put(alloc, &book->printed_index,
                         printed_key(printed->item, printed->period,
                                     printed->measure),
                         (uint32_t)book->printed_count) != 0) {
        ks_mem_free(alloc, text);
        ks_mem_free(alloc, source);
        return ks_error_set(err, KS_ENOMEM, "out of memory keeping a printed "
                                            "figure");
    }
    ks_printed_entry *entry = &book->printed[book->printed_count++];
    entry->printed = *printed;
    entry->text = text;
    entry->source = source;
    entry->printed.text = text;
    entry->printed.source = source;
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
