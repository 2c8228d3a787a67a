/*
 * model.c -- the model handle: creation and release, items and their ids,
 * inputs, reading cells, defining formulas, settings.
 *
 * A base model owns a ks_book (model_internal.h): the items, the dense grid
 * of cells, the dependency order and the printed figures.  Scenarios share
 * their base's book and keep overlays of their own (scenario.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "formula/value_rules.h"
#include "kessan/suggest.h"
#include "kessan/text.h"
#include "model/model_internal.h"

/* ---- creation and release ----------------------------------------------- */

/* Period ids carry two-digit years ("1Q02", "FY02"): a range of at most
 * 100 years keeps each id naming one period (1950..2060 would have two
 * 1Q50s, and its export would not import back). */
#define CALENDAR_YEARS_MAX 100

static ks_status validate_calendar(const ks_calendar *calendar, ks_error *err)
{
    if (!calendar)
        return ks_error_set(err, KS_EINVAL, "no calendar given");
    if (calendar->fiscal_year_end_month < 1 ||
        calendar->fiscal_year_end_month > 12)
        return ks_error_set(err, KS_EINVAL,
                            "fiscal year end month %d is not 1..12",
                            calendar->fiscal_year_end_month);
    if (calendar->first_year < 1900 || calendar->last_year > 2999 ||
        calendar->last_year < calendar->first_year)
        return ks_error_set(err, KS_EINVAL,
                            "fiscal years %d..%d are not a range of years "
                            "between 1900 and 2999",
                            calendar->first_year, calendar->last_year);
    if (calendar->last_year - calendar->first_year >= CALENDAR_YEARS_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "fiscal years %d..%d span %d years: a model spans "
                            "at most %d, so that each two-digit period id "
                            "(1Q%02d) names one period",
                            calendar->first_year, calendar->last_year,
                            calendar->last_year - calendar->first_year + 1,
                            CALENDAR_YEARS_MAX, calendar->first_year % 100);
    return KS_OK;
}

ks_status ks_model_new(const ks_calendar *calendar, const ks_allocator *alloc,
                       ks_model **out, ks_error *err)
{
    *out = NULL;
    ks_status status = validate_calendar(calendar, err);
    if (status != KS_OK)
        return status;
    /* the C library's memory, but the caller's poll, when no allocation
     * function is given */
    ks_allocator chosen = *ks_default_allocator();
    if (alloc && alloc->realloc_fn)
        chosen = *alloc;
    if (alloc) {
        chosen.interrupted = alloc->interrupted;
        chosen.interrupt_data = alloc->interrupt_data;
    }
    alloc = &chosen;
    ks_model *model = ks_mem_calloc(alloc, 1, sizeof *model);
    ks_book *book = ks_mem_calloc(alloc, 1, sizeof *book);
    char *name = ks_mem_strdup(alloc, "base");
    if (!model || !book || !name) {
        ks_mem_free(alloc, model);
        ks_mem_free(alloc, book);
        ks_mem_free(alloc, name);
        return ks_error_set(err, KS_ENOMEM, "out of memory creating a model");
    }
    model->alloc = *alloc;
    model->references = 1;
    model->name = name;
    model->book = book;
    book->calendar = *calendar;
    book->year_count = calendar->last_year - calendar->first_year + 1;
    book->period_count = book->year_count * KS_SLOTS_PER_YEAR;
    book->structure_dirty = 1;
    book->values_dirty = 1;
    book->generation = 1;
    *out = model;
    return KS_OK;
}

/* The dense per-cell arrays of a book, allocated and replaced together. */
typedef struct cell_arrays {
    double *inputs;
    uint8_t *input_prov;
    double *values;
    uint8_t *prov;
    uint32_t *stamps;
} cell_arrays;

static void cell_arrays_free(const ks_allocator *alloc, cell_arrays *arrays)
{
    ks_mem_free(alloc, arrays->inputs);
    ks_mem_free(alloc, arrays->input_prov);
    ks_mem_free(alloc, arrays->values);
    ks_mem_free(alloc, arrays->prov);
    ks_mem_free(alloc, arrays->stamps);
    memset(arrays, 0, sizeof *arrays);
}

static void free_item(const ks_allocator *alloc, ks_item *item)
{
    ks_mem_free(alloc, item->id);
    ks_mem_free(alloc, item->label);
    ks_mem_free(alloc, item->label_ja);
    ks_mem_free(alloc, item->unit);
    ks_mem_free(alloc, item->statement);
    ks_mem_free(alloc, item->parent_id);
    ks_formula_free(item->formula, alloc);
}

static void free_book(const ks_allocator *alloc, ks_book *book)
{
    for (size_t i = 0; i < book->item_count; i++)
        free_item(alloc, &book->items[i]);
    ks_mem_free(alloc, book->items);
    ks_index_map_free(alloc, &book->ids);
    cell_arrays cells = { book->inputs, book->input_prov, book->values,
                          book->prov, book->stamps };
    cell_arrays_free(alloc, &cells);
    ks_graph_free(alloc, book);
    ks_mem_free(alloc, book->pending);
    ks_cell_map_free(alloc, &book->faults);
    for (size_t i = 0; i < book->setting_count; i++) {
        ks_mem_free(alloc, book->settings[i].key);
        ks_mem_free(alloc, book->settings[i].value);
    }
    ks_mem_free(alloc, book->settings);
    for (size_t i = 0; i < book->printed_count; i++) {
        ks_mem_free(alloc, book->printed[i].text);
        ks_mem_free(alloc, book->printed[i].source);
    }
    ks_mem_free(alloc, book->printed);
    ks_index_map_free(alloc, &book->printed_index);
    for (size_t i = 0; i < book->note_count; i++) {
        ks_mem_free(alloc, book->notes[i].id);
        ks_mem_free(alloc, book->notes[i].text);
    }
    ks_mem_free(alloc, book->notes);
    ks_saved_free(alloc, &book->saved);
    ks_mem_free(alloc, book);
}

void ks_model_free(ks_model *model)
{
    if (!model || --model->references > 0)
        return;
    ks_allocator alloc = model->alloc;
    ks_model *base = model->base;
    if (base) {
        ks_cell_map_free(&alloc, &model->overrides);
        ks_cell_map_free(&alloc, &model->overlay);
        ks_cell_map_free(&alloc, &model->faults);
    } else {
        free_book(&alloc, model->book);
    }
    ks_mem_free(&alloc, model->name);
    ks_mem_free(&alloc, model);
    ks_model_free(base);
}

const ks_allocator *ks_model_allocator(const ks_model *model)
{
    return &model->alloc;
}

int ks_model_is_scenario(const ks_model *model) { return model->base != NULL; }
const char *ks_model_name(const ks_model *model) { return model->name; }
ks_model *ks_model_base(ks_model *model)
{
    return model->base ? model->base : model;
}

/* ---- items ---------------------------------------------------------------- */

typedef struct id_probe {
    const ks_book *book;
    const char *id;
    size_t length;
} id_probe;

static int same_id(void *ud, uint32_t index)
{
    const id_probe *probe = ud;
    const char *id = probe->book->items[index].id;
    return strncmp(id, probe->id, probe->length) == 0 &&
           id[probe->length] == '\0';
}

static int find_id(const ks_book *book, const char *id, size_t length)
{
    id_probe probe = { book, id, length };
    return ks_index_map_find(&book->ids, ks_hash_bytes(id, length), same_id,
                             &probe);
}

int ks_item_count(const ks_model *model)
{
    return (int)model->book->item_count;
}

int ks_item_find(const ks_model *model, const char *id)
{
    return id ? find_id(model->book, id, strlen(id)) : -1;
}

static const char *nearest_id(const ks_book *book, const char *id,
                              size_t length)
{
    const char *best = NULL;
    int best_distance = 0;
    int cap = (int)length / 3 > 2 ? (int)length / 3 : 2;
    for (size_t i = 0; i < book->item_count; i++) {
        const char *candidate = book->items[i].id;
        int distance = ks_edit_distance(id, length, candidate,
                                         strlen(candidate), cap);
        if (distance <= cap && (!best || distance < best_distance)) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

static ks_status unknown_item(const ks_book *book, const char *id,
                              size_t length, ks_error *err)
{
    const char *nearest = nearest_id(book, id, length);
    if (nearest)
        return ks_error_set(err, KS_EUNKNOWN,
                            "unknown item '%.*s' (did you mean '%s'?)",
                            (int)length, id, nearest);
    return ks_error_set(err, KS_EUNKNOWN, "unknown item '%.*s'", (int)length,
                        id);
}

ks_status ks_item_lookup(const ks_model *model, const char *id, int *item,
                         ks_error *err)
{
    if (!id)
        return ks_error_set(err, KS_EINVAL, "no item id given");
    int found = find_id(model->book, id, strlen(id));
    if (found < 0)
        return unknown_item(model->book, id, strlen(id), err);
    *item = found;
    return KS_OK;
}

ks_status ks_item_get(const ks_model *model, int item, ks_item_info *info)
{
    const ks_book *book = model->book;
    if (item < 0 || (size_t)item >= book->item_count)
        return KS_EINVAL;
    const ks_item *it = &book->items[item];
    info->id = it->id;
    info->label = it->label;
    info->label_ja = it->label_ja;
    info->unit = it->unit;
    info->statement = it->statement;
    info->parent = it->parent_id;
    info->rule = it->rule;
    info->formula = it->formula ? ks_formula_source(it->formula) : NULL;
    return KS_OK;
}

int ks_item_has_formula(const ks_model *model, int item)
{
    const ks_book *book = model->book;
    return item >= 0 && (size_t)item < book->item_count &&
           book->items[item].formula != NULL;
}

/* Ids are lowercase and dotted: [a-z_][a-z0-9_]*(\.[a-z0-9_]+)* */
static int valid_id(const char *id)
{
    if (!id || !(islower((unsigned char)id[0]) || id[0] == '_'))
        return 0;
    for (const char *c = id; *c; c++) {
        if (*c == '.') {
            if (c[1] == '\0' || c[1] == '.')
                return 0;
            continue;
        }
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
              *c == '_'))
            return 0;
    }
    return 1;
}

/* All `cells` arrays, empty (no inputs, values missing), or none. */
static int cell_arrays_alloc(const ks_allocator *alloc, size_t cells,
                             cell_arrays *arrays)
{
    arrays->inputs = ks_mem_alloc(alloc, cells * sizeof *arrays->inputs);
    arrays->input_prov = ks_mem_calloc(alloc, cells, 1);
    arrays->values = ks_mem_alloc(alloc, cells * sizeof *arrays->values);
    arrays->prov = ks_mem_calloc(alloc, cells, 1);
    arrays->stamps = ks_mem_calloc(alloc, cells, sizeof *arrays->stamps);
    if (!arrays->inputs || !arrays->input_prov || !arrays->values ||
        !arrays->prov || !arrays->stamps) {
        cell_arrays_free(alloc, arrays);
        return -1;
    }
    for (size_t i = 0; i < cells; i++) {
        arrays->inputs[i] = ks_box_none();
        arrays->values[i] = ks_box_missing();
    }
    return 0;
}

/* Install `arrays` in the book, freeing the ones it had. */
static void book_take_cells(const ks_allocator *alloc, ks_book *book,
                            cell_arrays *arrays)
{
    cell_arrays old = { book->inputs, book->input_prov, book->values,
                        book->prov, book->stamps };
    cell_arrays_free(alloc, &old);
    book->inputs = arrays->inputs;
    book->input_prov = arrays->input_prov;
    book->values = arrays->values;
    book->prov = arrays->prov;
    book->stamps = arrays->stamps;
}

/* Resize one array to `count` elements of `size` bytes, keeping what it
 * holds; the elements past `filled` are set to `empty` (size bytes each,
 * NULL: zero).  0, or -1 with the array as it was. */
static int resize_array(const ks_allocator *alloc, void **array, size_t count,
                        size_t filled, size_t size, const void *empty)
{
    if (count != 0 && size > SIZE_MAX / count)
        return -1;
    void *resized = ks_mem_realloc(alloc, *array, count * size);
    if (!resized)
        return -1;
    *array = resized;
    char *tail = (char *)resized + filled * size;
    if (count <= filled)
        return 0;
    if (!empty) {
        memset(tail, 0, (count - filled) * size);
        return 0;
    }
    for (size_t i = filled; i < count; i++, tail += size)
        memcpy(tail, empty, size);
    return 0;
}

/* Make every cell array and the items hold `capacity` items (at least the
 * items there are), in place where the allocator can: growing touches only
 * the new cells, trimming copies nothing.  Every array always holds at
 * least item_capacity items: a shrink lowers it first, a growth raises it
 * once every array has grown.  0, or -1 when an array could not be
 * resized (those done stay resized; nothing is lost). */
static int grow_cells(const ks_allocator *alloc, ks_book *book,
                      size_t capacity)
{
    size_t periods = (size_t)book->period_count;
    size_t old_cells = book->item_capacity * periods;
    if (capacity > SIZE_MAX / (periods ? periods : 1))
        return -1;
    size_t cells = capacity * periods;
    if (capacity < book->item_capacity)
        book->item_capacity = capacity;
    double none = ks_box_none(), missing = ks_box_missing();
    if (resize_array(alloc, (void **)&book->items, capacity,
                     book->item_capacity, sizeof *book->items, NULL) != 0 ||
        resize_array(alloc, (void **)&book->inputs, cells, old_cells,
                     sizeof *book->inputs, &none) != 0 ||
        resize_array(alloc, (void **)&book->input_prov, cells, old_cells, 1,
                     NULL) != 0 ||
        resize_array(alloc, (void **)&book->values, cells, old_cells,
                     sizeof *book->values, &missing) != 0 ||
        resize_array(alloc, (void **)&book->prov, cells, old_cells, 1,
                     NULL) != 0 ||
        resize_array(alloc, (void **)&book->stamps, cells, old_cells,
                     sizeof *book->stamps, NULL) != 0)
        return -1;
    book->item_capacity = capacity;
    return 0;
}

static char *copy_or_null(const ks_allocator *alloc, const char *text,
                          int *failed)
{
    if (!text || !*text)
        return NULL;
    char *copy = ks_mem_strdup(alloc, text);
    if (!copy)
        *failed = 1;
    return copy;
}

/* Refuses an item's text that is not valid UTF-8: label, label_ja, unit,
 * statement, parent (files and workbooks kessan writes are UTF-8). */
static ks_status check_item_texts(const char *id, const ks_item_info *info,
                                  ks_error *err)
{
    if (!info)
        return KS_OK;
    const char *names[] = { "label", "label_ja", "unit", "statement",
                            "parent" };
    const char *texts[] = { info->label, info->label_ja, info->unit,
                            info->statement, info->parent };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (!texts[i])
            continue;
        size_t length = strlen(texts[i]);
        size_t invalid = ks_utf8_invalid_at(texts[i], length);
        if (invalid < length)
            return ks_error_set(err, KS_EINVAL,
                                "item '%s': %s is not valid UTF-8 (byte %zu "
                                "is 0x%02X)", id, names[i], invalid + 1,
                                (unsigned char)texts[i][invalid]);
    }
    return KS_OK;
}

/* Add an item (no formula); the caller has checked the id is new. */
static ks_status add_item(ks_model *model, const char *id,
                          const ks_item_info *info, ks_rule default_rule,
                          int *index, ks_error *err)
{
    ks_book *book = model->book;
    const ks_allocator *alloc = &model->alloc;
    ks_status valid = check_item_texts(id, info, err);
    if (valid != KS_OK)
        return valid;
    if (book->item_count == book->item_capacity &&
        grow_cells(alloc, book, book->item_capacity
                                    ? book->item_capacity +
                                          book->item_capacity / 2
                                    : 64) != 0)
        return ks_error_set(err, KS_ENOMEM, "out of memory adding item '%s'",
                            id);
    ks_item item;
    memset(&item, 0, sizeof item);
    int failed = 0;
    item.id = copy_or_null(alloc, id, &failed);
    item.label = copy_or_null(alloc, info && info->label ? info->label : id,
                              &failed);
    item.label_ja = copy_or_null(alloc, info ? info->label_ja : NULL, &failed);
    item.unit = copy_or_null(alloc, info ? info->unit : NULL, &failed);
    item.statement = copy_or_null(alloc, info ? info->statement : NULL,
                                  &failed);
    item.parent_id = copy_or_null(alloc, info ? info->parent : NULL, &failed);
    item.rule = info ? info->rule : default_rule;
    size_t at = book->item_count;
    if (failed || ks_index_map_put(alloc, &book->ids,
                                   ks_hash_bytes(id, strlen(id)),
                                   (uint32_t)at) != 0) {
        free_item(alloc, &item);
        return ks_error_set(err, KS_ENOMEM, "out of memory adding item '%s'",
                            id);
    }
    book->items[at] = item;
    book->item_count++;
    book->structure_dirty = 1;
    book->values_dirty = 1;
    book->version++;
    if (index)
        *index = (int)at;
    return KS_OK;
}

static ks_status check_new_id(const ks_model *model, const char *id,
                              ks_error *err)
{
    if (model->base)
        return ks_error_set(err, KS_EMISUSE,
                            "items belong to the base model, not to "
                            "scenario '%s'", model->name);
    if (!valid_id(id))
        return ks_error_set(err, KS_EINVAL,
                            "bad item id '%s' (expected lowercase dotted "
                            "words like rev.total)", id ? id : "");
    if (strlen(id) > KS_NAME_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "item id '%.40s...' is too long (%zu bytes; at "
                            "most %d)", id, strlen(id), KS_NAME_MAX);
    if (ks_item_find(model, id) >= 0)
        return ks_error_set(err, KS_EDUP, "item '%s' already exists", id);
    return KS_OK;
}

ks_status ks_item_add(ks_model *model, const ks_item_info *info, int *index,
                      ks_error *err)
{
    if (!info)
        return ks_error_set(err, KS_EINVAL, "no item given");
    ks_status status = check_new_id(model, info->id, err);
    if (status != KS_OK)
        return status;
    if ((unsigned)info->rule > KS_RULE_FORMULA)
        return ks_error_set(err, KS_EINVAL, "item '%s': bad summary rule",
                            info->id);
    status = add_item(model, info->id, info, info->rule, index, err);
    if (status != KS_OK || !info->formula || !*info->formula)
        return status;
    return ks_define(model, info->id, info->formula, NULL, err);
}

/* ---- defining formulas ---------------------------------------------------- */

typedef struct define_names {
    const ks_book *book;
    const char *pending_id; /* an item about to be created               */
    int pending_index;
} define_names;

static int names_find_item(void *ud, const char *id, size_t length)
{
    const define_names *names = ud;
    if (names->pending_id && strlen(names->pending_id) == length &&
        strncmp(names->pending_id, id, length) == 0)
        return names->pending_index;
    return find_id(names->book, id, length);
}

static const char *names_nearest(void *ud, const char *id, size_t length)
{
    const define_names *names = ud;
    return nearest_id(names->book, id, length);
}

static int names_find_period(void *ud, const char *id, size_t length)
{
    const define_names *names = ud;
    char text[16];
    if (length >= sizeof text)
        return -1;
    memcpy(text, id, length);
    text[length] = '\0';
    int period = -1;
    if (ks_book_period_lookup(names->book, text, &period, NULL) != KS_OK)
        return -1;
    return period;
}

/* A new item cannot be in a cycle, unless it refers to itself. */
static ks_status check_self_reference(const ks_formula *formula, int item,
                                      const char *id, ks_error *err)
{
    for (int i = 0; i < ks_formula_ref_count(formula); i++) {
        const ks_formula_ref *ref = ks_formula_ref_at(formula, i);
        if (ref->item != item)
            continue;
        if (ref->kind == KS_REF_ABSOLUTE || ref->offset >= 0)
            return ks_error_set(err, KS_ECYCLE,
                                "formula of '%s' would make a cycle: "
                                "%s -> %s", id, id, id);
    }
    return KS_OK;
}

ks_status ks_define(ks_model *model, const char *id, const char *formula,
                    const ks_item_info *info, ks_error *err)
{
    if (model->base)
        return ks_error_set(err, KS_EMISUSE,
                            "formulas belong to the base model, not to "
                            "scenario '%s'", model->name);
    ks_book *book = model->book;
    int existing = ks_item_find(model, id);
    if (existing < 0) {
        ks_status status = check_new_id(model, id, err);
        if (status != KS_OK)
            return status;
    }
    ks_formula *compiled = NULL;
    if (formula && *formula) {
        define_names names = { book, existing < 0 ? id : NULL,
                               (int)book->item_count };
        ks_formula_names resolver = { &names, names_find_item, names_nearest,
                                      names_find_period };
        ks_status status = ks_formula_compile(formula, &resolver,
                                              &model->alloc, &compiled, err);
        if (status != KS_OK) {
            ks_error_prefix(err, "formula of '%s'", id);
            return status;
        }
    }
    if (existing < 0) {
        ks_status status = compiled ? check_self_reference(
                                          compiled, (int)book->item_count,
                                          id, err)
                                    : KS_OK;
        if (status == KS_OK)
            status = add_item(model, id, info, KS_RULE_FORMULA, &existing, err);
        if (status != KS_OK) {
            ks_formula_free(compiled, &model->alloc);
            return status;
        }
        book->items[existing].formula = compiled;
        return KS_OK;
    }
    ks_item *item = &book->items[existing];
    ks_formula *previous = item->formula;
    item->formula = compiled;
    book->structure_dirty = 1;
    book->values_dirty = 1;
    book->version++;
    if (book->batch) {
        ks_formula_free(previous, &model->alloc);
        return KS_OK;
    }
    ks_status status = ks_graph_build(model, existing, err);
    if (status != KS_OK) {
        item->formula = previous;
        ks_formula_free(compiled, &model->alloc);
        return status;
    }
    ks_formula_free(previous, &model->alloc);
    return KS_OK;
}

void ks_model_begin_batch(ks_model *model)
{
    model->book->batch = 1;
}

/* Give back the room for items beyond the last when it is more than an
 * eighth: the cell arrays are most of a model's memory.  Without memory
 * for the smaller copy the arrays stay as they are. */
static void trim_cells(const ks_allocator *alloc, ks_book *book)
{
    size_t spare = book->item_capacity - book->item_count;
    if (book->item_count == 0 || spare <= book->item_count / 8)
        return;
    (void)grow_cells(alloc, book, book->item_count);
}

ks_status ks_model_end_batch(ks_model *model, ks_error *err)
{
    model->book->batch = 0;
    trim_cells(&model->alloc, model->book);
    return ks_graph_build(model, -1, err);
}

/* ---- cells ------------------------------------------------------------------ */

static ks_status check_cell(const ks_model *model, int item, int period,
                            ks_error *err)
{
    const ks_book *book = model->book;
    if (item < 0 || (size_t)item >= book->item_count)
        return ks_error_set(err, KS_EINVAL, "item index %d out of range",
                            item);
    if (period < 0 || period >= book->period_count)
        return ks_error_set(err, KS_ERANGE, "period index %d out of range",
                            period);
    return KS_OK;
}

ks_status ks_model_refresh(ks_model *model, ks_error *err)
{
    if (model->base)
        return ks_scenario_refresh(model, err);
    return ks_recalc(model, err);
}

/* Describe an error value into the handle's buffer. */
static const char *describe_error(ks_model *model, double boxed)
{
    ks_book *book = model->book;
    uint64_t cell = ks_error_origin(boxed);
    const ks_cell_entry *entry = model->base
                                     ? ks_cell_map_find(&model->faults, cell)
                                     : NULL;
    if (!entry)
        entry = ks_cell_map_find(&book->faults, cell);
    if (!entry || book->period_count == 0) {
        snprintf(model->error_text, sizeof model->error_text, "error");
        return model->error_text;
    }
    int item = (int)(cell / (uint64_t)book->period_count);
    int period = (int)(cell % (uint64_t)book->period_count);
    char period_id[16];
    snprintf(model->error_text, sizeof model->error_text, "%s in %s@%s",
             ks_fault_text((ks_fault)entry->extra),
             (size_t)item < book->item_count ? book->items[item].id : "?",
             ks_period_id(model, period, period_id, sizeof period_id));
    return model->error_text;
}

void ks_value_from_boxed(ks_model *model, double boxed, uint8_t provenance,
                         ks_value *out)
{
    out->provenance = (ks_provenance)provenance;
    out->number = 0;
    out->error = NULL;
    if (ks_is_number(boxed)) {
        out->kind = KS_NUMBER;
        out->number = boxed;
    } else if (ks_is_error(boxed)) {
        out->kind = KS_ERROR;
        out->error = describe_error(model, boxed);
    } else {
        out->kind = KS_MISSING;
    }
}

ks_status ks_get(ks_model *model, int item, int period, ks_value *out,
                 ks_error *err)
{
    ks_status status = check_cell(model, item, period, err);
    if (status == KS_OK)
        status = ks_model_refresh(model, err);
    if (status != KS_OK)
        return status;
    ks_reader reader = { model, model->book, model->base != NULL };
    uint8_t provenance = 0;
    double boxed = ks_read_value(&reader, ks_cell_of(model->book, item, period),
                                 &provenance);
    ks_value_from_boxed(model, boxed, provenance, out);
    return KS_OK;
}

int ks_is_input(const ks_model *model, int item, int period)
{
    const ks_book *book = model->book;
    if (item < 0 || (size_t)item >= book->item_count || period < 0 ||
        period >= book->period_count)
        return 0;
    ks_reader reader = { (ks_model *)model, model->book, model->base != NULL };
    uint8_t provenance;
    return !ks_is_none(ks_read_input(&reader, ks_cell_of(book, item, period),
                                     &provenance));
}

/* Note a changed input for the next incremental recalculation; when that
 * cannot be tracked (too many, or no memory) the next one is full. */
static void queue_pending(ks_model *model, uint64_t cell)
{
    ks_book *book = model->book;
    if (book->values_dirty)
        return;
    if (book->pending_count > book->item_count * 4 + 1024 ||
        ks_mem_grow(&model->alloc, (void **)&book->pending,
                    &book->pending_capacity, book->pending_count + 1,
                    sizeof *book->pending) != 0) {
        book->values_dirty = 1;
        return;
    }
    book->pending[book->pending_count++] = cell;
}

ks_status ks_set_input(ks_model *model, int item, int period, double boxed,
                       ks_provenance provenance, ks_error *err)
{
    ks_status status = check_cell(model, item, period, err);
    if (status != KS_OK)
        return status;
    if (!ks_is_number(boxed) && !ks_is_missing(boxed))
        return ks_error_set(err, KS_EINVAL, "an input must be a number or "
                                            "missing");
    ks_book *book = model->book;
    if (boxed - boxed != 0 && ks_is_number(boxed)) {
        /* an infinity would make every sum over it infinite */
        char period_id[16];
        return ks_error_set(err, KS_EINVAL,
                            "%s@%s: an input must be a finite number, got %s",
                            book->items[item].id,
                            ks_period_id(model, period, period_id,
                                         sizeof period_id),
                            boxed > 0 ? "inf" : "-inf");
    }
    uint64_t cell = ks_cell_of(book, item, period);
    if (model->base) {
        ks_cell_entry *entry = ks_cell_map_put(&model->alloc,
                                               &model->overrides, cell);
        if (!entry)
            return ks_error_set(err, KS_ENOMEM,
                                "out of memory setting %s in scenario '%s'",
                                book->items[item].id, model->name);
        entry->value = boxed;
        entry->extra = (uint32_t)provenance;
        model->overlay_dirty = 1;
        return KS_OK;
    }
    book->inputs[cell] = boxed;
    book->input_prov[cell] = (uint8_t)provenance;
    book->version++;
    queue_pending(model, cell);
    return KS_OK;
}

ks_status ks_set(ks_model *model, int item, int period, double number,
                 ks_error *err)
{
    if (number != number) {
        ks_status status = check_cell(model, item, period, err);
        if (status != KS_OK)
            return status;
        char period_id[16];
        return ks_error_set(err, KS_EINVAL,
                            "%s@%s: an input must be a finite number, got NaN",
                            model->book->items[item].id,
                            ks_period_id(model, period, period_id,
                                         sizeof period_id));
    }
    return ks_set_input(model, item, period, number, KS_PROV_OVERRIDDEN, err);
}

ks_status ks_set_missing(ks_model *model, int item, int period, ks_error *err)
{
    return ks_set_input(model, item, period, ks_box_missing(),
                        KS_PROV_OVERRIDDEN, err);
}

ks_status ks_clear(ks_model *model, int item, int period, ks_error *err)
{
    ks_status status = check_cell(model, item, period, err);
    if (status != KS_OK)
        return status;
    ks_book *book = model->book;
    uint64_t cell = ks_cell_of(book, item, period);
    if (model->base) {
        ks_cell_map_remove(&model->overrides, cell);
        model->overlay_dirty = 1;
        return KS_OK;
    }
    if (ks_is_none(book->inputs[cell]))
        return KS_OK;
    /* an override of a figure the release reported goes back to it */
    const ks_printed *printed = ks_printed_find(model, item, period,
                                                KS_MEASURE_VALUE);
    if (printed && !book->items[item].formula) {
        book->inputs[cell] = printed->is_missing ? ks_box_missing()
                                                 : printed->number;
        book->input_prov[cell] = KS_PROV_REPORTED;
    } else {
        book->inputs[cell] = ks_box_none();
        book->input_prov[cell] = KS_PROV_NONE;
    }
    book->version++;
    queue_pending(model, cell);
    return KS_OK;
}

ks_status ks_model_reserve_inputs(ks_model *model, size_t count,
                                  ks_error *err)
{
    if (!model->base) {
        /* a base stores inputs in place; only the list of changed cells
         * grows, and without room for it a full recalculation will do */
        ks_book *book = model->book;
        if (ks_mem_grow(&model->alloc, (void **)&book->pending,
                        &book->pending_capacity, book->pending_count + count,
                        sizeof *book->pending) != 0)
            book->values_dirty = 1;
        return KS_OK;
    }
    if (ks_cell_map_reserve(&model->alloc, &model->overrides, count) != 0)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory reserving %zu inputs", count);
    return KS_OK;
}

ks_status ks_cell_lookup(const ks_model *model, const char *cell, int *item,
                         int *period, ks_error *err)
{
    const char *at = cell ? strchr(cell, '@') : NULL;
    if (!at)
        return ks_error_set(err, KS_ESYNTAX,
                            "bad cell '%s' (expected id@PERIOD like "
                            "rev.total@3Q02)", cell ? cell : "");
    size_t length = (size_t)(at - cell);
    int found = find_id(model->book, cell, length);
    if (found < 0)
        return unknown_item(model->book, cell, length, err);
    ks_status status = ks_period_lookup(model, at + 1, period, err);
    if (status != KS_OK)
        return status;
    *item = found;
    return KS_OK;
}

/* ---- the calendar can grow ---------------------------------------------------- */

ks_status ks_model_extend(ks_model *model, int last_year, ks_error *err)
{
    ks_book *book = model->book;
    if (model->base || model->references > 1)
        return ks_error_set(err, KS_EMISUSE,
                            "the calendar can only grow on a base model with "
                            "no scenarios");
    if (last_year <= book->calendar.last_year)
        return KS_OK;
    ks_calendar calendar = book->calendar;
    calendar.last_year = last_year;
    ks_status status = validate_calendar(&calendar, err);
    if (status != KS_OK)
        return status;
    int old_periods = book->period_count;
    int periods = (last_year - calendar.first_year + 1) * KS_SLOTS_PER_YEAR;
    size_t capacity = book->item_capacity ? book->item_capacity : 1;
    const ks_allocator *alloc = &model->alloc;
    cell_arrays arrays;
    if (cell_arrays_alloc(alloc, capacity * (size_t)periods, &arrays) != 0)
        return ks_error_set(err, KS_ENOMEM, "out of memory extending the "
                                            "calendar");
    for (size_t item = 0; item < book->item_count; item++)
        for (int period = 0; period < old_periods; period++) {
            size_t from = item * (size_t)old_periods + (size_t)period;
            size_t to = item * (size_t)periods + (size_t)period;
            arrays.inputs[to] = book->inputs[from];
            arrays.input_prov[to] = book->input_prov[from];
        }
    book_take_cells(alloc, book, &arrays);
    book->generation = 1;
    book->calendar = calendar;
    book->year_count = last_year - calendar.first_year + 1;
    book->period_count = periods;
    book->pending_count = 0;
    book->values_dirty = 1;
    book->version++;
    ks_cell_map_clear(&book->faults);
    return KS_OK;
}

/* ---- settings ---------------------------------------------------------------- */

const char *ks_setting(const ks_model *model, const char *key)
{
    const ks_book *book = model->book;
    for (size_t i = 0; key && i < book->setting_count; i++)
        if (strcmp(book->settings[i].key, key) == 0)
            return book->settings[i].value;
    return NULL;
}

int ks_setting_count(const ks_model *model)
{
    return (int)model->book->setting_count;
}

ks_status ks_setting_at(const ks_model *model, int index, const char **key,
                        const char **value)
{
    const ks_book *book = model->book;
    if (index < 0 || (size_t)index >= book->setting_count)
        return KS_EINVAL;
    *key = book->settings[index].key;
    *value = book->settings[index].value;
    return KS_OK;
}

ks_status ks_setting_set(ks_model *model, const char *key, const char *value,
                         ks_error *err)
{
    ks_book *book = model->book;
    const ks_allocator *alloc = &model->alloc;
    if (!key || !*key || !value)
        return ks_error_set(err, KS_EINVAL, "a setting needs a key and value");
    char *copy = ks_mem_strdup(alloc, value);
    if (!copy)
        return ks_error_set(err, KS_ENOMEM, "out of memory setting '%s'", key);
    for (size_t i = 0; i < book->setting_count; i++) {
        if (strcmp(book->settings[i].key, key) == 0) {
            ks_mem_free(alloc, book->settings[i].value);
            book->settings[i].value = copy;
            return KS_OK;
        }
    }
    char *key_copy = ks_mem_strdup(alloc, key);
    if (!key_copy ||
        ks_mem_grow(alloc, (void **)&book->settings, &book->setting_capacity,
                    book->setting_count + 1, sizeof *book->settings) != 0) {
        ks_mem_free(alloc, key_copy);
        ks_mem_free(alloc, copy);
        return ks_error_set(err, KS_ENOMEM, "out of memory setting '%s'", key);
    }
    book->settings[book->setting_count].key = key_copy;
    book->settings[book->setting_count].value = copy;
    book->setting_count++;
    return KS_OK;
}

const char *ks_provenance_name(ks_provenance provenance)
{
    switch (provenance) {
    case KS_PROV_REPORTED: return "reported";
    case KS_PROV_COMPUTED: return "computed";
    case KS_PROV_IMPLIED: return "implied";
    case KS_PROV_OVERRIDDEN: return "overridden";
    default: return "none";
    }
}
