/*
 * saved_csv.c -- saved scenarios in values CSV: reading a long-form file
 * whose `scenario` column names scenarios (the model's rows staged as
 * csv_import.h does, the others as changes to the saved set), importing
 * such a file all or nothing (ks_import_values: no value from an empty
 * field, no computed cell of the model set unless asked; header names in
 * any case, named columns of one's own skipped, numbers refused with the
 * reason every values file gives, ks_csv_refuse_number), and exporting
 * a model with every saved scenario (ks_export_scenarios_csv: the model's
 * inputs, then each scenario's own).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/name_hash.h"
#include "base/value.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "io/csv_file.h"
#include "io/saved_csv.h"
#include "io/xlsx_import.h"
#include "kessan/suggest.h"
#include "model/model.h"

enum { COL_ITEM, COL_PERIOD, COL_VALUE, COL_SCENARIO, COLUMNS };

static const char *const column_names[COLUMNS] = {
    "item", "period", "value", "scenario"
};

typedef struct rows_reader {
    ks_model *model;
    ks_saved_rows *rows;
    int header_seen;
    int declined;      /* not a long form with a scenario column         */
    int field_count;
    int columns[COLUMNS];
} rows_reader;

/* ---- the staging area --------------------------------------------------- */

void ks_saved_rows_init(ks_saved_rows *rows, const ks_allocator *alloc)
{
    memset(rows, 0, sizeof *rows);
    rows->alloc = alloc;
    ks_values_stage_init(&rows->base, alloc);
}

void ks_saved_rows_release(ks_saved_rows *rows)
{
    const ks_allocator *alloc = rows->alloc;
    ks_values_stage_release(&rows->base);
    ks_mem_free(alloc, rows->rows);
    for (size_t i = 0; i < rows->name_count; i++)
        ks_mem_free(alloc, rows->names[i]);
    ks_mem_free(alloc, rows->names);
    ks_mem_free(alloc, rows->name_slots);
    ks_mem_free(alloc, rows->cells);
    ks_mem_free(alloc, rows->changes);
    ks_saved_rows_init(rows, alloc);
}

static ks_status out_of_memory(const char *name, ks_error *err)
{
    return ks_error_set(err, KS_ENOMEM, "%s: out of memory", name);
}

/* ---- fields ------------------------------------------------------------- */


/* ---- the header --------------------------------------------------------- */

/* The header name folded to lower case (ASCII), at most `size` - 1 bytes. */
static size_t fold_name(ks_csv_span name, char *folded, size_t size)
{
    size_t length = name.length < size ? name.length : size - 1;
    for (size_t i = 0; i < length; i++) {
        char c = name.text[i];
        folded[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    folded[length] = '\0';
    return length;
}

/* One of the long form's columns, its name in any case ("Value",
 * "SCENARIO"), as csv_import.c reads a header; -1 for another name. */
static int column_of(ks_csv_span name)
{
    char folded[16];
    if (name.length >= sizeof folded)
        return -1;
    fold_name(name, folded, sizeof folded);
    for (int i = 0; i < COLUMNS; i++)
        if (strcmp(folded, column_names[i]) == 0)
            return i;
    return -1;
}

/* A column none of the long form's: a named one of the user's own (a
 * label, a comment, the labels export --excel writes) is skipped, unless
 * its name is a near miss of one of ours ("valeu"); a column with no name
 * is refused, as csv_import.c refuses them. */
static ks_status check_own_column(const ks_csv_record *record,
                                  const ks_csv_field *field, ks_csv_span name,
                                  ks_error *err)
{
    char folded[65], what[KS_MESSAGE_MAX / 2];
    size_t length = fold_name(name, folded, sizeof folded);
    const char *near = length ? ks_suggest(folded, length, column_names,
                                           COLUMNS) : NULL;
    if (length && !near)
        return KS_OK;
    if (length)
        snprintf(what, sizeof what, "unknown column '%.64s' (did you mean "
                 "'%s'?)", folded, near);
    else
        snprintf(what, sizeof what, "a column with no name (expected item, "
                 "period, value, scenario, and named columns of your own)");
    return ks_csv_fail_field(err, KS_EFORMAT, record, field, what);
}

/* Whether this reader takes the file: a long-form header (it names period
 * or value) with a scenario column. */
static int takes_header(const ks_csv_record *record)
{
    int long_form = 0, scenario = 0;
    for (int i = 0; i < record->count; i++) {
        int column = column_of(ks_csv_trimmed(&record->fields[i]));
        long_form |= column == COL_PERIOD || column == COL_VALUE;
        scenario |= column == COL_SCENARIO;
    }
    return long_form && scenario;
}

static ks_status read_header(rows_reader *reader, const ks_csv_record *record,
                             ks_error *err)
{
    for (int i = 0; i < COLUMNS; i++)
        reader->columns[i] = -1;
    for (int f = 0; f < record->count; f++) {
        const ks_csv_field *field = &record->fields[f];
        ks_csv_span name = ks_csv_trimmed(field);
        int column = column_of(name);
        if (column < 0) {
            ks_status status = check_own_column(record, field, name, err);
            if (status != KS_OK)
                return status;
            continue;
        }
        if (reader->columns[column] >= 0) {
            char what[KS_MESSAGE_MAX / 2];
            snprintf(what, sizeof what, "second column '%.*s' (expected "
                     "item, period, value and scenario once each)",
                     (int)(name.length > 64 ? 64 : name.length), name.text);
            return ks_csv_fail_field(err, KS_EFORMAT, record, field, what);
        }
        reader->columns[column] = f;
    }
    for (int i = 0; i < COL_SCENARIO; i++)
        if (reader->columns[i] < 0)
            return ks_error_at(err, KS_EFORMAT, record->line, 0,
                               "%s:%d: no '%s' column (the long form's header "
                               "is item,period,value)", record->name,
                               record->line, column_names[i]);
    reader->field_count = record->count;
    return KS_OK;
}

/* ---- rows --------------------------------------------------------------- */

static int stage_text(ks_values_stage *stage, ks_csv_span text, size_t *offset)
{
    if (ks_mem_grow(stage->alloc, (void **)&stage->texts,
                    &stage->text_capacity, stage->text_length + text.length
                    + 1, 1) != 0)
        return -1;
    *offset = stage->text_length;
    memcpy(stage->texts + stage->text_length, text.text, text.length);
    stage->text_length += text.length;
    stage->texts[stage->text_length++] = '\0';
    return 0;
}

static ks_status parse_value(const ks_csv_record *record,
                             const ks_csv_field *field,
                             ks_staged_value *value, ks_error *err)
{
    ks_csv_span text = ks_csv_trimmed(field);
    memset(value, 0, sizeof *value);
    if (ks_parse_number(text.text, text.length, &value->number,
                        &value->is_missing, &value->decimals) != 0)
        return ks_csv_refuse_number(record, field, text, err);
    value->is_empty = text.length == 0;
    value->is_percent = memchr(text.text, '%', text.length) != NULL;
    value->line = field->line;
    value->column = field->column;
    return KS_OK;
}

static ks_status stage_base(ks_saved_rows *rows, const ks_csv_record *record,
                            const ks_csv_field *field, ks_staged_value *value,
                            ks_error *err)
{
    ks_values_stage *stage = &rows->base;
    if (ks_mem_grow(stage->alloc, (void **)&stage->values, &stage->capacity,
                    stage->count + 1, sizeof *stage->values) != 0
        || stage_text(stage, ks_csv_trimmed(field), &value->text) != 0)
        return out_of_memory(record->name, err);
    stage->values[stage->count++] = *value;
    return KS_OK;
}

/* The slot of `name` in the table: where it is, or the empty one where
 * it would go. */
static int *name_slot(const ks_saved_rows *rows, ks_csv_span name)
{
    size_t mask = rows->slot_count - 1;
    size_t at = (size_t)ks_name_hash(name.text, name.length) & mask;
    for (;; at = (at + 1) & mask) {
        int *slot = &rows->name_slots[at];
        if (*slot == 0 || ks_csv_span_is(name, rows->names[*slot - 1]))
            return slot;
    }
}

/* Room in the table for one more name (kept at most half full). */
static int reserve_slot(ks_saved_rows *rows)
{
    if (2 * (rows->name_count + 1) <= rows->slot_count)
        return 0;
    size_t size = ks_name_table_size(rows->name_count + 1);
    int *slots = ks_mem_calloc(rows->alloc, size, sizeof *slots);
    if (!slots)
        return -1;
    ks_mem_free(rows->alloc, rows->name_slots);
    rows->name_slots = slots;
    rows->slot_count = size;
    for (size_t i = 0; i < rows->name_count; i++) {
        ks_csv_span name = { rows->names[i], strlen(rows->names[i]) };
        *name_slot(rows, name) = (int)i + 1;
    }
    return 0;
}

/* The index of a scenario name, added when new; -1 when out of memory.
 * One table lookup a row: a file naming 40,000 scenarios reads in linear
 * time. */
static int name_index(ks_saved_rows *rows, ks_csv_span name)
{
    if (reserve_slot(rows) != 0)
        return -1;
    int *slot = name_slot(rows, name);
    if (*slot)
        return *slot - 1;
    if (ks_mem_grow(rows->alloc, (void **)&rows->names, &rows->name_capacity,
                    rows->name_count + 1, sizeof *rows->names) != 0)
        return -1;
    char *copy = ks_mem_strndup(rows->alloc, name.text, name.length);
    if (!copy)
        return -1;
    rows->names[rows->name_count] = copy;
    *slot = (int)rows->name_count + 1;
    return (int)rows->name_count++;
}

static ks_status stage_scenario(ks_saved_rows *rows,
                                const ks_csv_record *record, ks_csv_span name,
                                const ks_staged_value *value, ks_error *err)
{
    int scenario = name_index(rows, name);
    if (scenario < 0 || ks_mem_grow(rows->alloc, (void **)&rows->rows,
                                    &rows->capacity, rows->count + 1,
                                    sizeof *rows->rows) != 0)
        return out_of_memory(record->name, err);
    ks_saved_row *row = &rows->rows[rows->count++];
    row->scenario = scenario;
    row->line = value->line;
    row->column = value->column;
    row->cell.item = value->item;
    row->cell.period = value->period;
    row->cell.value = value->is_missing ? ks_box_missing() : value->number;
    return KS_OK;
}

static ks_status check_name(const ks_csv_record *record,
                            const ks_csv_field *field, ks_csv_span name,
                            ks_error *err)
{
    if (name.length <= KS_NAME_MAX && !memchr(name.text, '\0', name.length))
        return KS_OK;
    return ks_csv_fail_field(err, KS_EFORMAT, record, field,
                      "scenario name too long (at most 255 bytes)");
}

static ks_status read_row(rows_reader *reader, const ks_csv_record *record,
                          ks_error *err)
{
    if (record->count != reader->field_count)
        return ks_error_at(err, KS_EFORMAT, record->line, 0,
                           "%s:%d: expected %d fields as in the header, got "
                           "%d", record->name, record->line,
                           reader->field_count, record->count);
    const int *col = reader->columns;
    int item, period;
    ks_status status = ks_csv_item_at(reader->model, record,
                                      &record->fields[col[COL_ITEM]], &item,
                                      err);
    if (status == KS_OK)
        status = ks_csv_period_at(reader->model, record,
                                  &record->fields[col[COL_PERIOD]], &period,
                                  err);
    const ks_csv_field *scenario = &record->fields[col[COL_SCENARIO]];
    ks_csv_span name = ks_csv_trimmed(scenario);
    if (status == KS_OK)
        status = check_name(record, scenario, name, err);
    ks_staged_value value;
    if (status == KS_OK)
        status = parse_value(record, &record->fields[col[COL_VALUE]], &value,
                             err);
    if (status != KS_OK)
        return status;
    value.item = item;
    value.period = period;
    if (name.length == 0 || ks_csv_span_is(name, "base"))
        return stage_base(reader->rows, record,
                          &record->fields[col[COL_VALUE]], &value, err);
    /* nothing written: no value for the cell ("-" or "n.a" is missing) */
    if (value.is_empty)
        return KS_OK;
    return stage_scenario(reader->rows, record, name, &value, err);
}

static ks_status on_record(void *user_data, const ks_csv_record *record,
                           ks_error *err)
{
    rows_reader *reader = user_data;
    if (reader->header_seen)
        return read_row(reader, record, err);
    reader->header_seen = 1;
    if (!takes_header(record)) {
        reader->declined = 1;
        return KS_EMISUSE; /* stops the reader; not an error */
    }
    return read_header(reader, record, err);
}

/* ---- sorting by scenario ------------------------------------------------- */

/* Rows sorted between two interrupt polls (a few milliseconds). */
#define POLL_ROWS 16384

typedef int (*group_fn)(const void *element);
typedef int (*order_fn)(const void *a, const void *b);

/*
 * Sort `count` elements of `size` bytes by group (0 .. groups - 1, a
 * counting sort: linear) and each group by `order` (qsort of a group,
 * which is small: the cells of one scenario), polling the interrupt every
 * POLL_ROWS elements.  A single qsort of 800,000 rows took over 100 ms
 * with no poll possible inside it.
 */
static ks_status sort_grouped(const ks_allocator *alloc, void *elements,
                              size_t count, size_t size, size_t groups,
                              group_fn group_of, order_fn order,
                              const char *path, ks_error *err)
{
    if (count < 2)
        return KS_OK;
    size_t *starts = ks_mem_calloc(alloc, groups + 1, sizeof *starts);
    char *sorted = ks_mem_alloc(alloc, count * size);
    if (!starts || !sorted) {
        ks_mem_free(alloc, starts);
        ks_mem_free(alloc, sorted);
        return out_of_memory(path, err);
    }
    char *bytes = elements;
    for (size_t i = 0; i < count; i++)
        starts[group_of(bytes + i * size) + 1]++;
    for (size_t g = 0; g < groups; g++)
        starts[g + 1] += starts[g];
    for (size_t i = 0; i < count; i++) /* stable: file order kept */
        memcpy(sorted + starts[group_of(bytes + i * size)]++ * size,
               bytes + i * size, size);
    memcpy(bytes, sorted, count * size);
    ks_mem_free(alloc, sorted);
    ks_status status = KS_OK;
    size_t begin = 0, since_poll = 0;
    for (size_t g = 0; status == KS_OK && g < groups; g++) {
        size_t end = starts[g]; /* now the end of group g */
        if (end - begin > 1)
            qsort(bytes + begin * size, end - begin, size, order);
        since_poll += end - begin;
        if (since_poll >= POLL_ROWS) {
            since_poll = 0;
            if (ks_interrupted(alloc))
                status = ks_error_set(err, KS_EINTERRUPTED,
                                      "interrupted while reading %s", path);
        }
        begin = end;
    }
    ks_mem_free(alloc, starts);
    return status;
}

/* ---- duplicates --------------------------------------------------------- */

/* A row of either kind, for finding a cell twice in one scenario. */
typedef struct row_key {
    int scenario; /* -1: the model's own rows                              */
    int item, period, line, column;
} row_key;

static int key_group(const void *key)
{
    return ((const row_key *)key)->scenario + 1;
}

/* Within a scenario: by cell, then where in the file. */
static int by_key(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    int order[4][2] = {
        { x->item, y->item }, { x->period, y->period },
        { x->line, y->line }, { x->column, y->column }
    };
    for (int i = 0; i < 4; i++)
        if (order[i][0] != order[i][1])
            return order[i][0] < order[i][1] ? -1 : 1;
    return 0;
}

static ks_status report_duplicate(ks_model *model, const ks_saved_rows *rows,
                                  const char *name, const row_key *first,
                                  const row_key *second, ks_error *err)
{
    ks_item_info info;
    ks_item_get(model, second->item, &info);
    char period[16];
    ks_period_id(model, second->period, period, sizeof period);
    return ks_error_at(err, KS_EDUP, second->line, second->column,
                       "%s:%d:%d: a second value for %s@%s in scenario '%s' "
                       "(the first is on line %d)", name, second->line,
                       second->column, info.id, period,
                       second->scenario < 0 ? "base"
                                            : rows->names[second->scenario],
                       first->line);
}

/* A cell twice in one scenario: the second occurrence earliest in the
 * file is reported. */
static ks_status check_duplicates(ks_model *model, const char *name,
                                  const ks_saved_rows *rows, ks_error *err)
{
    size_t total = rows->base.count + rows->count;
    if (total < 2)
        return KS_OK;
    row_key *keys = ks_mem_alloc(rows->alloc, total * sizeof *keys);
    if (!keys)
        return out_of_memory(name, err);
    for (size_t i = 0; i < rows->base.count; i++) {
        const ks_staged_value *v = &rows->base.values[i];
        keys[i] = (row_key){ -1, v->item, v->period, v->line, v->column };
    }
    for (size_t i = 0; i < rows->count; i++) {
        const ks_saved_row *r = &rows->rows[i];
        keys[rows->base.count + i] = (row_key){
            r->scenario, r->cell.item, r->cell.period, r->line, r->column
        };
    }
    ks_status status = sort_grouped(rows->alloc, keys, total, sizeof *keys,
                                    rows->name_count + 1, key_group, by_key,
                                    name, err);
    const row_key *first = NULL, *second = NULL;
    for (size_t i = 1; status == KS_OK && i < total; i++) {
        const row_key *a = &keys[i - 1], *b = &keys[i];
        if (a->scenario != b->scenario || a->item != b->item
            || a->period != b->period)
            continue;
        if (!second || b->line < second->line) {
            first = a;
            second = b;
        }
    }
    if (status == KS_OK && second)
        status = report_duplicate(model, rows, name, first, second, err);
    ks_mem_free(rows->alloc, keys);
    return status;
}

/* ---- the changes -------------------------------------------------------- */

static int row_group(const void *row)
{
    return ((const ks_saved_row *)row)->scenario;
}

static int by_cell(const void *a, const void *b)
{
    return ks_saved_cell_order(&((const ks_saved_row *)a)->cell,
                               &((const ks_saved_row *)b)->cell);
}

/* Group the rows by scenario into one merge change per name. */
static ks_status make_changes(ks_saved_rows *rows, const char *name,
                              ks_error *err)
{
    if (rows->name_count == 0)
        return KS_OK;
    rows->cells = ks_mem_alloc(rows->alloc, rows->count * sizeof *rows->cells);
    rows->changes = ks_mem_calloc(rows->alloc, rows->name_count,
                                  sizeof *rows->changes);
    if (!rows->cells || !rows->changes)
        return out_of_memory(name, err);
    ks_status status = sort_grouped(rows->alloc, rows->rows, rows->count,
                                    sizeof *rows->rows, rows->name_count,
                                    row_group, by_cell, name, err);
    if (status != KS_OK)
        return status;
    for (size_t i = 0; i < rows->name_count; i++)
        rows->changes[i].name = rows->names[i];
    for (size_t i = 0; i < rows->count; i++) {
        ks_saved_change *change = &rows->changes[rows->rows[i].scenario];
        if (change->count == 0)
            change->cells = &rows->cells[i];
        change->count++;
        rows->cells[i] = rows->rows[i].cell;
    }
    return KS_OK;
}

ks_status ks_saved_rows_read(ks_model *model, const char *path,
                             ks_saved_rows *rows, int *has_scenarios,
                             ks_error *err)
{
    *has_scenarios = 0;
    rows_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.model = model;
    reader.rows = rows;
    ks_status status =
        rows->workbook ? ks_values_file_read(rows->alloc, path, path,
                                             rows->sheet, on_record, &reader,
                                             err)
                       : ks_csv_file_read(rows->alloc, path, path, on_record,
                                          &reader, err);
    if (!reader.header_seen || reader.declined) {
        ks_saved_rows_release(rows);
        if (err && status == KS_EMISUSE)
            ks_error_clear(err);
        return status == KS_EMISUSE ? KS_OK : status;
    }
    if (status == KS_OK)
        status = check_duplicates(model, path, rows, err);
    if (status == KS_OK)
        status = make_changes(rows, path, err);
    *has_scenarios = status == KS_OK;
    return status;
}

/* ---- importing ---------------------------------------------------------- */

static ks_status apply_base(ks_model *model, const ks_values_stage *stage,
                            ks_provenance provenance, ks_error *err)
{
    ks_status status = ks_model_reserve_inputs(model, stage->count, err);
    for (size_t i = 0; status == KS_OK && i < stage->count; i++) {
        const ks_staged_value *value = &stage->values[i];
        if (value->is_empty)
            continue;
        double boxed = value->is_missing ? ks_box_missing() : value->number;
        status = ks_set_input(model, value->item, value->period, boxed,
                              provenance, err);
    }
    return status;
}

/* A value of the model's own rows for a computed cell: the first in the
 * file is refused.  Rows naming a saved scenario are its overrides, as
 * the scenario column says: they change no cell of the model (and an
 * export of every cell is refused on the model's own rows). */
static ks_status check_computed(ks_model *model, const char *path,
                                const ks_values_stage *base, ks_error *err)
{
    const ks_staged_value *first = NULL;
    for (size_t i = 0; i < base->count; i++) {
        const ks_staged_value *v = &base->values[i];
        if (!v->is_empty && ks_is_computed(model, v->item, v->period) &&
            (!first || v->line < first->line))
            first = v;
    }
    if (!first)
        return KS_OK;
    return ks_refuse_computed(model, path, first->item, first->period,
                              first->line, first->column, err);
}

/* ks_import_values with the provenance given, and override or not. */
static ks_status import_values(ks_model *model, const char *path,
                               ks_provenance provenance, int override,
                               const char *sheet, ks_error *err)
{
    /* ks_import_csv refuses another provenance, naming the file */
    if (provenance != KS_PROV_REPORTED && provenance != KS_PROV_OVERRIDDEN)
        return ks_import_csv(model, path, provenance, err);
    ks_import_options options = { .provenance = provenance,
                                  .override = override, .sheet = sheet };
    if (ks_model_is_scenario(model) || !path)
        return ks_import_csv_with(model, path, &options, err);
    ks_saved_rows rows;
    ks_saved_rows_init(&rows, ks_model_allocator(model));
    rows.workbook = 1;
    rows.sheet = sheet;
    int has_scenarios = 0;
    ks_status status = ks_saved_rows_read(model, path, &rows, &has_scenarios,
                                          err);
    if (status == KS_OK && !has_scenarios) {
        ks_saved_rows_release(&rows);
        return ks_import_csv_with(model, path, &options, err);
    }
    if (status == KS_OK && !override)
        status = check_computed(model, path, &rows.base, err);
    ks_saved_plan *plan = NULL;
    if (status == KS_OK)
        status = ks_saved_prepare(model, rows.changes, rows.name_count, 0,
                                  &plan, err);
    /* the base's inputs cannot fail once every cell was checked */
    if (status == KS_OK)
        status = apply_base(model, &rows.base, provenance, err);
    if (status == KS_OK)
        ks_saved_commit(model, plan);
    else
        ks_saved_discard(model, plan);
    ks_saved_rows_release(&rows);
    if (status != KS_OK)
        ks_xlsxin_locate_error(ks_model_allocator(model), path, sheet, err);
    return status;
}

ks_status ks_import_values_with(ks_model *model, const char *path,
                                const ks_import_options *options,
                                ks_error *err)
{
    return import_values(model, path, ks_import_provenance(options),
                         options && options->override,
                         options ? options->sheet : NULL, err);
}

ks_status ks_import_values(ks_model *model, const char *path,
                           ks_provenance provenance, ks_error *err)
{
    return import_values(model, path, provenance, 0, NULL, err);
}

/* ---- exporting ---------------------------------------------------------- */

/* One saved scenario's rows, without a header, after the model's: a
 * handle of its name carrying its saved overrides, opened by index
 * (ks_scenario_new looks the name up among all of them: n scenarios
 * exported took n^2/2 name compares). */
static ks_status export_scenario(ks_model *model, size_t index,
                                 const ks_export_options *options, FILE *out,
                                 ks_error *err)
{
    ks_model *scenario = NULL;
    ks_status status = ks_saved_scenario_open(model, (int)index, &scenario,
                                              err);
    if (status == KS_OK)
        status = ks_export_overrides(scenario, out, options, err);
    ks_model_free(scenario);
    return status;
}

typedef struct scenarios_job {
    ks_model *model;
    const ks_export_options *options;
} scenarios_job;

/* The model's rows, then each saved scenario's, in one file. */
static ks_status write_scenarios(FILE *out, void *context, ks_error *err)
{
    const scenarios_job *job = context;
    ks_model *model = job->model;
    ks_status status = ks_export_rows(model, out, job->options, 1, err);
    size_t count = (size_t)ks_saved_scenario_count(model);
    for (size_t i = 0; status == KS_OK && i < count; i++) {
        status = ks_check_interrupt(ks_model_allocator(model), err,
                                    "exporting saved scenarios");
        if (status == KS_OK)
            status = export_scenario(model, i, job->options, out, err);
    }
    return status;
}

ks_status ks_export_scenarios_csv(ks_model *model, const char *path,
                                  const ks_export_options *options,
                                  ks_error *err)
{
    ks_export_options with_column = { .cells = KS_EXPORT_INPUTS };
    if (options)
        with_column = *options;
    with_column.with_scenario_column = 1;
    if (ks_model_is_scenario(model) || ks_saved_scenario_count(model) == 0)
        return ks_export_csv(model, path, &with_column, err);
    scenarios_job job = { model, &with_column };
    return ks_atomic_write(ks_model_allocator(model), path, write_scenarios,
                           &job, err);
}
