/*
 * csv_import.c -- values CSV in: the long form (item,period,value with an
 * optional scenario column, in any order) and the wide form (item then one
 * column per period), told apart by the header.  A file is read and checked
 * whole into a staging area (csv_import.h), then applied: ks_import_csv
 * leaves the model exactly as it was on any error.  An import takes no
 * value from an empty field, and refuses a value for a computed cell
 * unless asked to override it (ks_import_options).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/value.h"
#include "io/csv_file.h"
#include "io/csv_import.h"
#include "io/csv_read.h"
#include "io/xlsx_import.h"
#include "kessan/suggest.h"
#include "model/model.h"

#define ID_MAX (KS_NAME_MAX + 1)

enum { FORM_NONE = 0, FORM_LONG, FORM_WIDE };

#define PERIOD_CACHE_BITS 8
#define PERIOD_CACHE (1 << PERIOD_CACHE_BITS) /* entries */

/* A period id of at most 8 bytes, packed, and its period. */
typedef struct period_entry {
    uint64_t key;
    int period; /* -1: empty */
} period_entry;

/* What ks_import_csv stages of a value: no more than it applies and
 * what a duplicate's message names (24 bytes, not a ks_staged_value). */
typedef struct input_value {
    int item, period;
    double boxed;    /* the number, or missing                            */
    int line, column;
} input_value;

typedef struct input_stage {
    input_value *values;
    size_t count, capacity;
} input_stage;

typedef struct values_reader {
    ks_model *model;
    ks_values_stage *stage;
    input_stage *inputs; /* NULL: stage ks_staged_values with their texts
                          * (printed figures), else only input_values    */
    int override;        /* with inputs: computed cells may be set       */
    int form;
    int columns;
    int item_column, period_column, value_column, scenario_column;
    /* rows of the long form name the same item again and again, and the
     * same few periods: one lookup per new id */
    int last_item;   /* -1: none yet                                      */
    size_t last_item_length;
    char last_item_id[ID_MAX];
    period_entry periods[PERIOD_CACHE];
} values_reader;

/* ---- the staging area --------------------------------------------------- */

void ks_values_stage_init(ks_values_stage *stage, const ks_allocator *alloc)
{
    memset(stage, 0, sizeof *stage);
    stage->alloc = alloc;
}

void ks_values_stage_release(ks_values_stage *stage)
{
    ks_mem_free(stage->alloc, stage->values);
    ks_mem_free(stage->alloc, stage->texts);
    ks_mem_free(stage->alloc, stage->wide_periods);
    ks_values_stage_init(stage, stage->alloc);
}

const char *ks_staged_text(const ks_values_stage *stage,
                           const ks_staged_value *value)
{
    return stage->texts + value->text;
}

static int stage_text(ks_values_stage *stage, const char *text, size_t length,
                      size_t *offset)
{
    if (ks_mem_grow(stage->alloc, (void **)&stage->texts,
                    &stage->text_capacity, stage->text_length + length + 1,
                    1) != 0)
        return -1;
    *offset = stage->text_length;
    memcpy(stage->texts + stage->text_length, text, length);
    stage->text_length += length;
    stage->texts[stage->text_length++] = '\0';
    return 0;
}

/* ---- fields ------------------------------------------------------------- */


/* A trimmed, NUL-terminated copy of a short field (ids, periods). */
static ks_status copy_id(const ks_csv_record *record,
                         const ks_csv_field *field, char *buffer,
                         ks_error *err)
{
    ks_csv_span s = ks_csv_trimmed(field);
    if (s.length >= ID_MAX)
        return ks_csv_fail_field(err, KS_EFORMAT, record, field,
                          "id too long (at most 255 bytes)");
    memcpy(buffer, s.text, s.length);
    buffer[s.length] = '\0';
    return KS_OK;
}

static int is_label_of(const ks_item_info *info, const char *text)
{
    return (info->label && strcmp(info->label, text) == 0)
        || (info->label_ja && strcmp(info->label_ja, text) == 0);
}

/* Appends ", id" to a list of candidates, "..." once it is full. */
static void list_candidate(char *list, size_t size, const char *id)
{
    size_t used = strlen(list);
    int wrote = snprintf(list + used, size - used, "%s%s", used ? ", " : "",
                         id);
    if (wrote < 0 || (size_t)wrote >= size - used)
        snprintf(list + (size > 4 ? size - 4 : 0), size > 4 ? 4 : size,
                 "...");
}

/* `text`, which is no item's id, as an English or Japanese label: the one
 * item that has it.  Returns KS_OK, KS_EUNKNOWN when no item has it (err
 * untouched), or an error listing the items that share it. */
static ks_status item_by_label(const ks_model *model,
                               const ks_csv_record *record,
                               const ks_csv_field *field, const char *text,
                               int *item, ks_error *err)
{
    char candidates[KS_MESSAGE_MAX / 4] = "";
    int matches = 0;
    for (int i = 0; i < ks_item_count(model); i++) {
        ks_item_info info;
        if (ks_item_get(model, i, &info) != KS_OK || !is_label_of(&info, text))
            continue;
        if (matches++ == 0)
            *item = i;
        list_candidate(candidates, sizeof candidates, info.id);
    }
    if (matches == 0)
        return KS_EUNKNOWN;
    if (matches == 1)
        return KS_OK;
    char what[KS_MESSAGE_MAX / 2];
    snprintf(what, sizeof what, "'%.64s' is the label of %d items (%s): "
             "write the id", text, matches, candidates);
    return ks_csv_fail_field(err, KS_EINVAL, record, field, what);
}

ks_status ks_csv_item_at(ks_model *model, const ks_csv_record *record,
                         const ks_csv_field *field, int *item, ks_error *err)
{
    char id[ID_MAX];
    ks_status status = copy_id(record, field, id, err);
    if (status != KS_OK)
        return status;
    ks_error why;
    ks_error_clear(&why);
    status = ks_item_lookup(model, id, item, &why);
    if (status == KS_OK)
        return KS_OK;
    ks_status by_label = item_by_label(model, record, field, id, item, err);
    if (by_label != KS_EUNKNOWN)
        return by_label;
    return ks_csv_fail_field(err, status, record, field, why.message);
}

ks_status ks_csv_period_at(ks_model *model, const ks_csv_record *record,
                           const ks_csv_field *field, int *period,
                           ks_error *err)
{
    char id[ID_MAX];
    ks_status status = copy_id(record, field, id, err);
    if (status != KS_OK)
        return status;
    ks_error why;
    ks_error_clear(&why);
    status = ks_period_lookup(model, id, period, &why);
    if (status != KS_OK)
        return ks_csv_fail_field(err, status, record, field, why.message);
    return KS_OK;
}

static ks_status item_cached(values_reader *reader,
                             const ks_csv_record *record,
                             const ks_csv_field *field, int *item,
                             ks_error *err)
{
    ks_csv_span id = ks_csv_trimmed(field);
    if (reader->last_item >= 0 && id.length == reader->last_item_length &&
        memcmp(id.text, reader->last_item_id, id.length) == 0) {
        *item = reader->last_item;
        return KS_OK;
    }
    ks_status status = ks_csv_item_at(reader->model, record, field, item,
                                      err);
    if (status != KS_OK)
        return status;
    reader->last_item = *item;
    reader->last_item_length = id.length; /* < ID_MAX: checked above */
    memcpy(reader->last_item_id, id.text, id.length);
    return KS_OK;
}

static ks_status period_cached(values_reader *reader,
                               const ks_csv_record *record,
                               const ks_csv_field *field, int *period,
                               ks_error *err)
{
    ks_csv_span id = ks_csv_trimmed(field);
    if (id.length == 0 || id.length > sizeof(uint64_t))
        return ks_csv_period_at(reader->model, record, field, period, err);
    uint64_t key = 0;
    memcpy(&key, id.text, id.length);
    period_entry *entry =
        &reader->periods[(key * UINT64_C(0x9E3779B97F4A7C15)) >>
                         (64 - PERIOD_CACHE_BITS)];
    if (entry->period >= 0 && entry->key == key) {
        *period = entry->period;
        return KS_OK;
    }
    ks_status status = ks_csv_period_at(reader->model, record, field, period,
                                        err);
    if (status == KS_OK) {
        entry->key = key;
        entry->period = *period;
    }
    return status;
}

/* ---- the header --------------------------------------------------------- */

/* A header name, trimmed, in any case ("Value", "PERIOD"). */
static int name_is(ks_csv_span name, const char *word)
{
    size_t length = strlen(word);
    if (name.length != length)
        return 0;
    for (size_t i = 0; i < length; i++) {
        char c = name.text[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

static int is_long_header(const ks_csv_record *record)
{
    for (int i = 0; i < record->count; i++) {
        ks_csv_span name = ks_csv_trimmed(&record->fields[i]);
        if (name_is(name, "period") || name_is(name, "value"))
            return 1;
    }
    return 0;
}

static const char *const long_columns[] = { "item", "period", "value",
                                            "scenario" };

static int *long_column(values_reader *reader, ks_csv_span name)
{
    int *columns[] = { &reader->item_column, &reader->period_column,
                       &reader->value_column, &reader->scenario_column };
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (name_is(name, long_columns[i]))
            return columns[i];
    return NULL;
}

/* A column that is none of the long form's: a named one is the user's
 * (a label, a comment) and is skipped, unless its name is a near miss of
 * one of ours ("valeu"); a column with no name is refused. */
static ks_status check_extra_column(const ks_csv_record *record,
                                    const ks_csv_field *field,
                                    ks_csv_span name, ks_error *err)
{
    char what[KS_MESSAGE_MAX / 2];
    int shown = (int)(name.length > 64 ? 64 : name.length);
    char folded[65];
    for (int i = 0; i < shown; i++)
        folded[i] = (char)((name.text[i] >= 'A' && name.text[i] <= 'Z')
                               ? name.text[i] - 'A' + 'a'
                               : name.text[i]);
    const char *near = ks_suggest(folded, (size_t)shown, long_columns,
                                  (int)(sizeof long_columns
                                        / sizeof long_columns[0]));
    if (name.length == 0)
        snprintf(what, sizeof what, "a column with no name (expected item, "
                 "period, value, optionally scenario, and named columns of "
                 "your own)");
    else if (near)
        snprintf(what, sizeof what, "unknown column '%.*s' (did you mean "
                 "'%s'?)", shown, name.text, near);
    else
        return KS_OK;
    return ks_csv_fail_field(err, KS_EFORMAT, record, field, what);
}

static ks_status read_long_header(values_reader *reader,
                                  const ks_csv_record *record, ks_error *err)
{
    reader->item_column = reader->period_column = -1;
    reader->value_column = reader->scenario_column = -1;
    for (int i = 0; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        ks_csv_span name = ks_csv_trimmed(field);
        int *column = long_column(reader, name);
        if (!column) {
            ks_status status = check_extra_column(record, field, name, err);
            if (status != KS_OK)
                return status;
            continue;
        }
        if (*column >= 0) {
            char what[KS_MESSAGE_MAX / 2];
            snprintf(what, sizeof what, "second column '%.*s' (expected "
                     "item, period, value and optionally scenario)",
                     (int)(name.length > 64 ? 64 : name.length), name.text);
            return ks_csv_fail_field(err, KS_EFORMAT, record, field, what);
        }
        *column = i;
    }
    const char *missing = reader->item_column < 0     ? "item"
                          : reader->period_column < 0 ? "period"
                          : reader->value_column < 0  ? "value" : NULL;
    if (missing)
        return ks_error_at(err, KS_EFORMAT, record->line, 0,
                           "%s:%d: no '%s' column (the long form's header is "
                           "item,period,value)", record->name, record->line,
                           missing);
    reader->form = FORM_LONG;
    return KS_OK;
}

static ks_status read_wide_header(values_reader *reader,
                                  const ks_csv_record *record, ks_error *err)
{
    ks_values_stage *stage = reader->stage;
    if (!name_is(ks_csv_trimmed(&record->fields[0]), "item"))
        return ks_csv_fail_field(err, KS_EFORMAT, record, &record->fields[0],
                          "expected a header item,period,value (long form) or "
                          "item,<period>,<period>,... (wide form)");
    if (ks_mem_grow(stage->alloc, (void **)&stage->wide_periods,
                    &stage->wide_capacity, (size_t)record->count,
                    sizeof *stage->wide_periods) != 0)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory",
                            record->name);
    for (int i = 1; i < record->count; i++) {
        const ks_csv_field *field = &record->fields[i];
        ks_status status = ks_csv_period_at(reader->model, record, field,
                                            &stage->wide_periods[i], err);
        if (status != KS_OK)
            return status;
        for (int j = 1; j < i; j++)
            if (stage->wide_periods[j] == stage->wide_periods[i])
                return ks_csv_fail_field(err, KS_EDUP, record, field,
                                  "the same period is also an earlier column");
    }
    reader->form = FORM_WIDE;
    return KS_OK;
}

/* ---- rows --------------------------------------------------------------- */

static ks_status check_field_count(const values_reader *reader,
                                   const ks_csv_record *record, ks_error *err)
{
    if (record->count == reader->columns)
        return KS_OK;
    if (reader->form == FORM_LONG)
        return ks_error_at(err, KS_EFORMAT, record->line, 0,
                           "%s:%d: expected %d fields as in the header, got "
                           "%d", record->name, record->line, reader->columns,
                           record->count);
    return ks_error_at(err, KS_EFORMAT, record->line, 0,
                       "%s:%d: expected %d fields (item and %d periods, as in "
                       "the header), got %d", record->name, record->line,
                       reader->columns, reader->columns - 1, record->count);
}

static ks_status check_scenario(const values_reader *reader,
                                const ks_csv_record *record, ks_error *err)
{
    if (reader->scenario_column < 0)
        return KS_OK;
    const ks_csv_field *field = &record->fields[reader->scenario_column];
    ks_csv_span name = ks_csv_trimmed(field);
    const char *model_name = ks_model_name(reader->model);
    if (name.length == 0 || ks_csv_span_is(name, model_name))
        return KS_OK;
    char what[KS_MESSAGE_MAX / 2];
    snprintf(what, sizeof what, "a value for scenario '%.*s', but this is "
             "'%.64s'", (int)(name.length > 64 ? 64 : name.length), name.text,
             model_name);
    return ks_csv_fail_field(err, KS_EINVAL, record, field, what);
}

static ks_status stage_input(values_reader *reader,
                             const ks_csv_record *record,
                             const ks_staged_value *value, ks_error *err)
{
    input_stage *inputs = reader->inputs;
    if (inputs->count == inputs->capacity &&
        ks_mem_grow(reader->stage->alloc, (void **)&inputs->values,
                    &inputs->capacity, inputs->count + 1,
                    sizeof *inputs->values) != 0)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory",
                            record->name);
    inputs->values[inputs->count++] = (input_value){
        value->item, value->period,
        value->is_missing ? ks_box_missing() : value->number, value->line,
        value->column
    };
    return KS_OK;
}

static ks_status stage_value(values_reader *reader,
                             const ks_csv_record *record,
                             const ks_csv_field *field, int item, int period,
                             ks_error *err)
{
    ks_values_stage *stage = reader->stage;
    ks_csv_span text = ks_csv_trimmed(field);
    ks_staged_value value;
    memset(&value, 0, sizeof value);
    if (record->delimiter == ';' && memchr(text.text, ',', text.length))
        return ks_csv_fail_field(err, KS_EFORMAT, record, field,
                                 "a comma in a number of a file separated "
                                 "by semicolons may be a decimal comma: "
                                 "write the number with no thousands "
                                 "separator and a decimal point");
    if (ks_parse_number(text.text, text.length, &value.number,
                        &value.is_missing, &value.decimals) != 0)
        return ks_csv_refuse_number(record, field, text, err);
    value.item = item;
    value.period = period;
    value.is_empty = text.length == 0;
    value.is_percent = memchr(text.text, '%', text.length) != NULL;
    value.line = field->line;
    value.column = field->column;
    if (reader->inputs && value.is_empty)
        return KS_OK;
    if (reader->inputs && !reader->override &&
        ks_is_computed(reader->model, item, period))
        return ks_refuse_computed(reader->model, record->name, item, period,
                                  value.line, value.column, err);
    if (reader->inputs)
        return stage_input(reader, record, &value, err);
    if ((stage->count == stage->capacity &&
         ks_mem_grow(stage->alloc, (void **)&stage->values, &stage->capacity,
                     stage->count + 1, sizeof *stage->values) != 0)
        || stage_text(stage, text.text, text.length, &value.text) != 0)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory",
                            record->name);
    stage->values[stage->count++] = value;
    return KS_OK;
}

static ks_status read_long_row(values_reader *reader,
                               const ks_csv_record *record, ks_error *err)
{
    int item, period;
    ks_status status = item_cached(reader, record,
                                   &record->fields[reader->item_column],
                                   &item, err);
    if (status == KS_OK)
        status = period_cached(reader, record,
                               &record->fields[reader->period_column],
                               &period, err);
    if (status == KS_OK)
        status = check_scenario(reader, record, err);
    if (status != KS_OK)
        return status;
    return stage_value(reader, record, &record->fields[reader->value_column],
                       item, period, err);
}

static ks_status read_wide_row(values_reader *reader,
                               const ks_csv_record *record, ks_error *err)
{
    int item;
    ks_status status = item_cached(reader, record, &record->fields[0], &item,
                                   err);
    for (int i = 1; status == KS_OK && i < record->count; i++)
        status = stage_value(reader, record, &record->fields[i], item,
                             reader->stage->wide_periods[i], err);
    return status;
}

static ks_status on_values_record(void *user_data, const ks_csv_record *record,
                                  ks_error *err)
{
    values_reader *reader = user_data;
    if (reader->form == FORM_NONE) {
        reader->columns = record->count;
        return is_long_header(record) ? read_long_header(reader, record, err)
                                      : read_wide_header(reader, record, err);
    }
    ks_status status = check_field_count(reader, record, err);
    if (status != KS_OK)
        return status;
    return reader->form == FORM_LONG ? read_long_row(reader, record, err)
                                     : read_wide_row(reader, record, err);
}

/* ---- duplicates --------------------------------------------------------- */

/* Where the values of a file are, whichever way they were staged. */
typedef struct staged_cells {
    const char *base;   /* the first value                                */
    size_t stride;      /* bytes from one value to the next               */
    size_t count;
    size_t item_at, period_at, line_at, column_at; /* offsets in a value  */
} staged_cells;

static int cell_field(const staged_cells *cells, size_t i, size_t offset)
{
    int field;
    memcpy(&field, cells->base + i * cells->stride + offset, sizeof field);
    return field;
}

/* The same (item, period) twice: report the earliest second occurrence
 * (values are staged in file order), found with one bit a cell of the
 * model's grid. */
static ks_status check_duplicates(ks_model *model, const char *name,
                                  const ks_allocator *alloc,
                                  const staged_cells *cells, ks_error *err)
{
    if (cells->count < 2)
        return KS_OK;
    size_t periods = (size_t)ks_period_count(model);
    size_t grid = (size_t)ks_item_count(model) * periods;
    uint64_t *seen = ks_mem_calloc(alloc, grid / 64 + 1, sizeof *seen);
    if (!seen)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory", name);
    size_t second = cells->count;
    for (size_t i = 0; i < cells->count; i++) {
        size_t cell = (size_t)cell_field(cells, i, cells->item_at) * periods +
                      (size_t)cell_field(cells, i, cells->period_at);
        uint64_t bit = UINT64_C(1) << (cell % 64);
        if (seen[cell / 64] & bit) {
            second = i;
            break;
        }
        seen[cell / 64] |= bit;
    }
    ks_mem_free(alloc, seen);
    if (second == cells->count)
        return KS_OK;
    int item = cell_field(cells, second, cells->item_at);
    int period_index = cell_field(cells, second, cells->period_at);
    size_t first = 0;
    while (cell_field(cells, first, cells->item_at) != item ||
           cell_field(cells, first, cells->period_at) != period_index)
        first++;
    int line = cell_field(cells, second, cells->line_at);
    int column = cell_field(cells, second, cells->column_at);
    ks_item_info info;
    ks_item_get(model, item, &info);
    char period[16];
    ks_period_id(model, period_index, period, sizeof period);
    return ks_error_at(err, KS_EDUP, line, column,
                       "%s:%d:%d: a second value for %s@%s (the first is on "
                       "line %d)", name, line, column, info.id, period,
                       cell_field(cells, first, cells->line_at));
}

/* ---- computed cells ------------------------------------------------------ */

int ks_is_computed(const ks_model *model, int item, int period)
{
    return ks_item_has_formula(model, item) &&
           !ks_is_input(model, item, period);
}

ks_status ks_refuse_computed(const ks_model *model, const char *name,
                             int item, int period, int line, int column,
                             ks_error *err)
{
    ks_item_info info;
    ks_item_get(model, item, &info);
    char period_id[16];
    ks_period_id(model, period, period_id, sizeof period_id);
    const char *formula = info.formula ? info.formula : "";
    size_t length = strlen(formula);
    return ks_error_at(err, KS_EINVAL, line, column,
                       "%s:%d:%d: %s@%s is computed (formula %.*s%s); import "
                       "with override to set it", name, line, column, info.id,
                       period_id, length > 80 ? 77 : (int)length, formula,
                       length > 80 ? "..." : "");
}

/* ---- reading and importing ---------------------------------------------- */

/* Where the records come from: a file (a workbook too when `workbook`,
 * its sheet `sheet`), or a buffer when path is NULL. */
typedef struct values_source {
    const char *name, *path;
    const char *data;
    size_t size;
    int workbook;
    const char *sheet;
} values_source;

static ks_status read_records(const values_source *source,
                              const ks_allocator *alloc, values_reader *reader,
                              ks_error *err)
{
    if (!source->path)
        return ks_csv_buffer_read(alloc, source->name, source->data,
                                  source->size, on_values_record, reader,
                                  err);
    if (source->workbook)
        return ks_values_file_read(alloc, source->path, source->name,
                                   source->sheet, on_values_record, reader,
                                   err);
    return ks_csv_file_read(alloc, source->path, source->name,
                            on_values_record, reader, err);
}

static ks_status read_values(ks_model *model, const values_source *source,
                             ks_values_stage *stage, input_stage *inputs,
                             int override, ks_error *err)
{
    const char *name = source->name;
    values_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.model = model;
    reader.stage = stage;
    reader.inputs = inputs;
    reader.override = override;
    reader.last_item = -1;
    for (int i = 0; i < PERIOD_CACHE; i++)
        reader.periods[i].period = -1;
    ks_status status = read_records(source, stage->alloc, &reader, err);
    if (status != KS_OK)
        return status;
    if (reader.form == FORM_NONE)
        return ks_error_set(err, KS_EFORMAT, "%s: empty file (expected a "
                            "header item,period,value or item,<period>,...)",
                            name);
#define CELLS_OF(array, count, type)                                        \
    ((staged_cells){ (const char *)(array), sizeof(type), (count),          \
                     offsetof(type, item), offsetof(type, period),          \
                     offsetof(type, line), offsetof(type, column) })
    staged_cells cells =
        inputs ? CELLS_OF(inputs->values, inputs->count, input_value)
               : CELLS_OF(stage->values, stage->count, ks_staged_value);
#undef CELLS_OF
    return check_duplicates(model, name, stage->alloc, &cells, err);
}

ks_status ks_values_read(ks_model *model, const char *name, const char *path,
                         const char *data, size_t size,
                         ks_values_stage *stage, ks_error *err)
{
    values_source source = { name, path, data, size, 0, NULL };
    return read_values(model, &source, stage, NULL, 0, err);
}

static ks_status apply(ks_model *model, const input_stage *inputs,
                       ks_provenance provenance, ks_error *err)
{
    ks_status status = ks_model_reserve_inputs(model, inputs->count, err);
    for (size_t i = 0; status == KS_OK && i < inputs->count; i++) {
        const input_value *value = &inputs->values[i];
        status = ks_set_input(model, value->item, value->period, value->boxed,
                              provenance, err);
    }
    return status;
}

ks_provenance ks_import_provenance(const ks_import_options *options)
{
    if (!options || options->provenance == KS_PROV_NONE)
        return KS_PROV_OVERRIDDEN;
    return options->provenance;
}

static ks_status import(ks_model *model, const values_source *source,
                        ks_provenance provenance, int override,
                        ks_error *err)
{
    if (provenance != KS_PROV_REPORTED && provenance != KS_PROV_OVERRIDDEN)
        return ks_error_set(err, KS_EINVAL, "%s: values are imported as "
                            "reported or overridden inputs", source->name);
    const ks_allocator *alloc = ks_model_allocator(model);
    ks_values_stage stage;
    ks_values_stage_init(&stage, alloc);
    input_stage inputs = { NULL, 0, 0 };
    ks_status status = read_values(model, source, &stage, &inputs, override,
                                   err);
    if (status == KS_OK)
        status = apply(model, &inputs, provenance, err);
    ks_mem_free(alloc, inputs.values);
    ks_values_stage_release(&stage);
    if (status != KS_OK && source->workbook)
        ks_xlsxin_locate_error(alloc, source->path, source->sheet, err);
    return status;
}

/* A values file on disk, which may be a workbook. */
static values_source file_source(const char *path,
                                 const ks_import_options *options)
{
    return (values_source){ path, path, NULL, 0, 1,
                            options ? options->sheet : NULL };
}

static values_source buffer_source(const char *name, const char *data,
                                   size_t size)
{
    return (values_source){ name ? name : "(buffer)", NULL, data, size, 0,
                            NULL };
}

ks_status ks_import_csv_with(ks_model *model, const char *path,
                             const ks_import_options *options, ks_error *err)
{
    values_source source = file_source(path, options);
    return import(model, &source, ks_import_provenance(options),
                  options && options->override, err);
}

ks_status ks_import_csv(ks_model *model, const char *path,
                        ks_provenance provenance, ks_error *err)
{
    values_source source = file_source(path, NULL);
    return import(model, &source, provenance, 0, err);
}

ks_status ks_import_csv_buffer_with(ks_model *model, const char *name,
                                    const char *data, size_t size,
                                    const ks_import_options *options,
                                    ks_error *err)
{
    values_source source = buffer_source(name, data, size);
    return import(model, &source, ks_import_provenance(options),
                  options && options->override, err);
}

ks_status ks_import_csv_buffer(ks_model *model, const char *name,
                               const char *data, size_t size,
                               ks_provenance provenance, ks_error *err)
{
    values_source source = buffer_source(name, data, size);
    return import(model, &source, provenance, 0, err);
}
