/*
 * model_open.c -- opening a model directory (ks_model_open): settings.csv
 * (the calendar and other settings), items.csv (the chart of accounts and
 * formulas), values*.csv (reported values, also kept as printed figures;
 * rows whose scenario column names a scenario are saved for it),
 * printed.csv (the release's other printed figures) and notes.csv.  The
 * formats are in docs/formats.md.  Any failure frees everything.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "base/value.h"
#include "io/csv_file.h"
#include "io/csv_import.h"
#include "io/csv_read.h"
#include "io/saved_csv.h"
#include "model/model.h"

/* Values applied, and formulas compiled in a batch, between two
 * interrupt polls (a few milliseconds). */
#define POLL_VALUES 4096
#define POLL_FORMULAS 256

typedef struct opener {
    const char *directory;
    const ks_allocator *alloc;
    ks_model *model;
} opener;

/* ---- paths -------------------------------------------------------------- */

static char *join(const ks_allocator *alloc, const char *directory,
                  const char *name)
{
    size_t a = strlen(directory), b = strlen(name);
    char *path = ks_mem_alloc(alloc, a + b + 2);
    if (!path)
        return NULL;
    memcpy(path, directory, a);
    path[a] = '/';
    memcpy(path + a + 1, name, b + 1);
    return path;
}

/* ---- headers ------------------------------------------------------------ */

static int field_is(const ks_csv_field *field, const char *name)
{
    const char *text = field->text;
    size_t length = field->length;
    while (length && (*text == ' ' || *text == '\t')) {
        text++;
        length--;
    }
    while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
        length--;
    return length == strlen(name) && memcmp(text, name, length) == 0;
}

/*
 * Find each of names[0..count-1] in a header; the first `required` must be
 * there, any other column is an error naming it.  columns[i] is -1 when
 * absent.
 */
static ks_status map_header(const ks_csv_record *record,
                            const char *const *names, int count, int required,
                            const char *expected, int *columns, ks_error *err)
{
    for (int i = 0; i < count; i++)
        columns[i] = -1;
    for (int f = 0; f < record->count; f++) {
        const ks_csv_field *field = &record->fields[f];
        int found = -1;
        for (int i = 0; i < count && found < 0; i++)
            if (field_is(field, names[i]))
                found = i;
        if (found < 0 || columns[found] >= 0)
            return ks_error_at(err, KS_EFORMAT, field->line, field->column,
                               "%s:%d:%d: %s column '%.64s' (the header is "
                               "%s)", record->name, field->line,
                               field->column,
                               found < 0 ? "unknown" : "second", field->text,
                               expected);
        columns[found] = f;
    }
    for (int i = 0; i < required; i++)
        if (columns[i] < 0)
            return ks_error_at(err, KS_EFORMAT, record->line, 0,
                               "%s:%d: no '%s' column (the header is %s)",
                               record->name, record->line, names[i],
                               expected);
    return KS_OK;
}

static ks_status check_count(const ks_csv_record *record, int expected,
                             ks_error *err)
{
    if (record->count == expected)
        return KS_OK;
    return ks_error_at(err, KS_EFORMAT, record->line, 0,
                       "%s:%d: expected %d fields as in the header, got %d",
                       record->name, record->line, expected, record->count);
}

/* The text of a column without the spaces and tabs around it, as a new
 * string ("" when the column is absent); NULL when out of memory. */
static char *trimmed_text(const ks_allocator *alloc,
                          const ks_csv_record *record, int column)
{
    if (column < 0)
        return ks_mem_strdup(alloc, "");
    ks_csv_span span = ks_csv_trimmed(&record->fields[column]);
    return ks_mem_strndup(alloc, span.text, span.length);
}

/* The text of an optional column ("" when the column is absent). */
static const char *column_text(const ks_csv_record *record, int column)
{
    return column >= 0 ? record->fields[column].text : "";
}

static ks_status prefix_field(ks_error *err, ks_status status,
                              const ks_csv_record *record,
                              const ks_csv_field *field)
{
    ks_error_prefix(err, "%s:%d:%d", record->name, field->line,
                    field->column);
    if (err) {
        err->line = field->line;
        err->column = field->column;
    }
    return status;
}

static ks_status out_of_memory(const char *name, ks_error *err)
{
    return ks_error_set(err, KS_ENOMEM, "%s: out of memory", name);
}

/* The file `name` of the directory: *present 0 when nothing is there,
 * 1 for a regular file; anything else is an error naming it. */
static ks_status file_present(opener *op, const char *name, int *present,
                              ks_error *err)
{
    char *path = join(op->alloc, op->directory, name);
    if (!path)
        return out_of_memory(op->directory, err);
    ks_status status = ks_csv_file_present(path, present, err);
    ks_mem_free(op->alloc, path);
    return status;
}

/* ---- settings.csv ------------------------------------------------------- */

typedef struct setting {
    char *key;
    char *value;
    int line;
    int column; /* of the value */
} setting;

typedef struct settings_stage {
    const ks_allocator *alloc;
    setting *entries;
    size_t count, capacity;
    int header_seen;
    int columns[2]; /* of key and value */
} settings_stage;

static void settings_release(settings_stage *stage)
{
    for (size_t i = 0; i < stage->count; i++) {
        ks_mem_free(stage->alloc, stage->entries[i].key);
        ks_mem_free(stage->alloc, stage->entries[i].value);
    }
    ks_mem_free(stage->alloc, stage->entries);
}

static ks_status on_setting(void *user_data, const ks_csv_record *record,
                            ks_error *err)
{
    settings_stage *stage = user_data;
    static const char *const names[] = { "key", "value" };
    if (!stage->header_seen) {
        stage->header_seen = 1;
        return map_header(record, names, 2, 2, "key,value", stage->columns,
                          err);
    }
    ks_status status = check_count(record, 2, err);
    if (status != KS_OK)
        return status;
    const ks_csv_field *key = &record->fields[stage->columns[0]];
    const ks_csv_field *value = &record->fields[stage->columns[1]];
    ks_csv_span name = ks_csv_trimmed(key); /* a key is an id: trimmed */
    for (size_t i = 0; i < stage->count; i++)
        if (strlen(stage->entries[i].key) == name.length &&
            memcmp(stage->entries[i].key, name.text, name.length) == 0)
            return ks_error_at(err, KS_EDUP, key->line, key->column,
                               "%s:%d:%d: key '%.*s' again (first on line "
                               "%d)", record->name, key->line, key->column,
                               name.length > 64 ? 64 : (int)name.length,
                               name.text, stage->entries[i].line);
    if (ks_mem_grow(stage->alloc, (void **)&stage->entries, &stage->capacity,
                    stage->count + 1, sizeof *stage->entries) != 0)
        return out_of_memory(record->name, err);
    setting *entry = &stage->entries[stage->count];
    entry->key = ks_mem_strndup(stage->alloc, name.text, name.length);
    entry->value = ks_mem_strdup(stage->alloc, value->text);
    entry->line = key->line;
    entry->column = value->column;
    stage->count++;
    if (!entry->key || !entry->value)
        return out_of_memory(record->name, err);
    return KS_OK;
}

static ks_status calendar_number(const settings_stage *stage, const char *name,
                                 const char *key, int *number, ks_error *err)
{
    for (size_t i = 0; i < stage->count; i++) {
        const setting *entry = &stage->entries[i];
        if (strcmp(entry->key, key) != 0)
            continue;
        char *end = NULL;
        errno = 0;
        long value = strtol(entry->value, &end, 10);
        while (end && (*end == ' ' || *end == '\t'))
            end++;
        if (end == entry->value || *end || errno || value < INT_MIN
            || value > INT_MAX)
            return ks_error_at(err, KS_EFORMAT, entry->line, entry->column,
                               "%s:%d:%d: %s must be a whole number, got "
                               "'%.40s'", name, entry->line, entry->column,
                               key, entry->value);
        *number = (int)value;
        return KS_OK;
    }
    return ks_error_set(err, KS_EFORMAT, "%s: no '%s' (the calendar needs "
                        "fiscal_year_end_month, first_year and last_year)",
                        name, key);
}

static ks_status read_calendar(const settings_stage *stage, const char *name,
                               ks_calendar *calendar, ks_error *err)
{
    ks_status status = calendar_number(stage, name, "fiscal_year_end_month",
                                       &calendar->fiscal_year_end_month, err);
    if (status == KS_OK)
        status = calendar_number(stage, name, "first_year",
                                 &calendar->first_year, err);
    if (status == KS_OK)
        status = calendar_number(stage, name, "last_year",
                                 &calendar->last_year, err);
    return status;
}

/* Read settings.csv, make the model with its calendar, store every key. */
static ks_status open_settings(opener *op, ks_error *err)
{
    char *path = join(op->alloc, op->directory, "settings.csv");
    if (!path)
        return out_of_memory(op->directory, err);
    settings_stage stage = { op->alloc, NULL, 0, 0, 0, { 0, 1 } };
    ks_status status = ks_csv_file_read(op->alloc, path, path, on_setting,
                                        &stage, err);
    ks_calendar calendar;
    if (status == KS_OK)
        status = read_calendar(&stage, path, &calendar, err);
    if (status == KS_OK) {
        status = ks_model_new(&calendar, op->alloc, &op->model, err);
        if (status != KS_OK)
            ks_error_prefix(err, "%s", path);
    }
    for (size_t i = 0; status == KS_OK && i < stage.count; i++)
        status = ks_setting_set(op->model, stage.entries[i].key,
                                stage.entries[i].value, err);
    settings_release(&stage);
    ks_mem_free(op->alloc, path);
    return status;
}

/* ---- items.csv ---------------------------------------------------------- */

enum {
    ITEM_ID, ITEM_LABEL, ITEM_LABEL_JA, ITEM_UNIT, ITEM_STATEMENT, ITEM_PARENT,
    ITEM_RULE, ITEM_FORMULA, ITEM_NOTE, ITEM_COLUMNS
};

typedef struct pending_formula {
    char *id;
    char *formula;
    int line;
} pending_formula;

/* Where an item's parent was named, checked once every item is known. */
typedef struct pending_parent {
    int item;
    int line, column;
} pending_parent;

typedef struct items_reader {
    ks_model *model;
    const ks_allocator *alloc;
    int header_seen;
    int columns[ITEM_COLUMNS];
    int column_count;
    pending_formula *formulas;
    size_t formula_count, formula_capacity;
    pending_parent *parents;
    size_t parent_count, parent_capacity;
} items_reader;

static const char *const item_columns[ITEM_COLUMNS] = {
    "id", "label", "label_ja", "unit", "statement", "parent", "rule",
    "formula", "note"
};

static ks_status parse_rule(const ks_csv_record *record,
                            const ks_csv_field *field, ks_rule *rule,
                            ks_error *err)
{
    if (!field || field->length == 0 || field_is(field, "sum"))
        *rule = KS_RULE_SUM;
    else if (field_is(field, "last"))
        *rule = KS_RULE_LAST;
    else if (field_is(field, "formula"))
        *rule = KS_RULE_FORMULA;
    else
        return ks_error_at(err, KS_EFORMAT, field->line, field->column,
                           "%s:%d:%d: rule must be sum, last or formula, got "
                           "'%.40s'", record->name, field->line,
                           field->column, field->text);
    return KS_OK;
}

static ks_status keep_formula(items_reader *reader, const char *id,
                              const char *formula, int line, const char *name,
                              ks_error *err)
{
    if (ks_mem_grow(reader->alloc, (void **)&reader->formulas,
                    &reader->formula_capacity, reader->formula_count + 1,
                    sizeof *reader->formulas) != 0)
        return out_of_memory(name, err);
    pending_formula *pending = &reader->formulas[reader->formula_count++];
    pending->id = ks_mem_strdup(reader->alloc, id);
    pending->formula = ks_mem_strdup(reader->alloc, formula);
    pending->line = line;
    if (!pending->id || !pending->formula)
        return out_of_memory(name, err);
    return KS_OK;
}

static ks_status store_note(items_reader *reader, const char *id,
                            const char *note, ks_error *err)
{
    size_t length = strlen(id);
    char *key = ks_mem_alloc(reader->alloc, length + sizeof "note.");
    if (!key)
        return ks_error_set(err, KS_ENOMEM, "out of memory");
    memcpy(key, "note.", 5);
    memcpy(key + 5, id, length + 1);
    ks_status status = ks_setting_set(reader->model, key, note, err);
    ks_mem_free(reader->alloc, key);
    return status;
}

/* The columns of a row that hold ids (and a unit): trimmed copies. */
typedef struct item_ids {
    char *id, *unit, *statement, *parent;
} item_ids;

static void item_ids_free(const ks_allocator *alloc, item_ids *ids)
{
    ks_mem_free(alloc, ids->id);
    ks_mem_free(alloc, ids->unit);
    ks_mem_free(alloc, ids->statement);
    ks_mem_free(alloc, ids->parent);
}

static ks_status add_item_row(items_reader *reader,
                              const ks_csv_record *record,
                              const item_ids *ids, ks_error *err)
{
    const int *col = reader->columns;
    const ks_csv_field *id = &record->fields[col[ITEM_ID]];
    ks_item_info info;
    memset(&info, 0, sizeof info);
    info.id = ids->id;
    info.label = column_text(record, col[ITEM_LABEL]);
    info.label_ja = column_text(record, col[ITEM_LABEL_JA]);
    info.unit = ids->unit;
    info.statement = ids->statement;
    info.parent = ids->parent;
    ks_status status = parse_rule(
        record, col[ITEM_RULE] >= 0 ? &record->fields[col[ITEM_RULE]] : NULL,
        &info.rule, err);
    if (status != KS_OK)
        return status;
    if (!*info.label)
        info.label = NULL;
    int index = -1;
    status = ks_item_add(reader->model, &info, &index, err);
    if (status != KS_OK)
        return prefix_field(err, status, record, id);
    if (*info.parent) {
        if (ks_mem_grow(reader->alloc, (void **)&reader->parents,
                        &reader->parent_capacity, reader->parent_count + 1,
                        sizeof *reader->parents) != 0)
            return out_of_memory(record->name, err);
        const ks_csv_field *parent = &record->fields[col[ITEM_PARENT]];
        reader->parents[reader->parent_count++] =
            (pending_parent){ index, parent->line, parent->column };
    }
    const char *formula = column_text(record, col[ITEM_FORMULA]);
    if (*formula)
        status = keep_formula(reader, ids->id, formula, record->line,
                              record->name, err);
    const char *note = column_text(record, col[ITEM_NOTE]);
    if (status == KS_OK && *note)
        status = store_note(reader, ids->id, note, err);
    return status;
}

/* A row of items.csv; the spaces around its ids, unit and rule are not
 * theirs (docs/formats.md), a label's and a note's are. */
static ks_status read_item_row(items_reader *reader,
                               const ks_csv_record *record, ks_error *err)
{
    const int *col = reader->columns;
    item_ids ids = {
        trimmed_text(reader->alloc, record, col[ITEM_ID]),
        trimmed_text(reader->alloc, record, col[ITEM_UNIT]),
        trimmed_text(reader->alloc, record, col[ITEM_STATEMENT]),
        trimmed_text(reader->alloc, record, col[ITEM_PARENT]),
    };
    ks_status status = ids.id && ids.unit && ids.statement && ids.parent
                           ? add_item_row(reader, record, &ids, err)
                           : out_of_memory(record->name, err);
    item_ids_free(reader->alloc, &ids);
    return status;
}

static ks_status on_item(void *user_data, const ks_csv_record *record,
                         ks_error *err)
{
    items_reader *reader = user_data;
    if (!reader->header_seen) {
        reader->header_seen = 1;
        reader->column_count = record->count;
        return map_header(record, item_columns, ITEM_COLUMNS, 1,
                          "id,label,label_ja,unit,statement,parent,rule,"
                          "formula, and optionally note", reader->columns,
                          err);
    }
    ks_status status = check_count(record, reader->column_count, err);
    if (status != KS_OK)
        return status;
    return read_item_row(reader, record, err);
}

/* Every display parent must be an item of the chart. */
static ks_status check_parents(items_reader *reader, const char *name,
                               ks_error *err)
{
    for (size_t i = 0; i < reader->parent_count; i++) {
        const pending_parent *pending = &reader->parents[i];
        ks_item_info info;
        ks_item_get(reader->model, pending->item, &info);
        int found;
        ks_status status = ks_item_lookup(reader->model, info.parent, &found,
                                          err);
        if (status != KS_OK) {
            ks_error_prefix(err, "%s:%d:%d: parent of '%s'", name,
                            pending->line, pending->column, info.id);
            if (err) {
                err->line = pending->line;
                err->column = pending->column;
            }
            return status;
        }
    }
    return KS_OK;
}

/* Define the pending formulas one by one, each checked for cycles: slow
 * (the graph is rebuilt each time) but it names the line of the formula
 * that closes a cycle. */
static ks_status define_one_by_one(items_reader *reader, const char *name,
                                   ks_error *err)
{
    for (size_t i = 0; i < reader->formula_count; i++) {
        const pending_formula *pending = &reader->formulas[i];
        if (ks_interrupted(reader->alloc))
            return ks_error_set(err, KS_EINTERRUPTED, "interrupted while "
                                "compiling the formulas of %s", name);
        ks_status status = ks_define(reader->model, pending->id,
                                     pending->formula, NULL, err);
        if (status != KS_OK) {
            /* ks_define's message names the formula ("formula of ...") */
            ks_error_prefix(err, "%s:%d", name, pending->line);
            return status;
        }
    }
    return KS_OK;
}

/* Second pass: formulas, once every item is known.  They are compiled in a
 * batch and the dependency graph is built once; when that finds a cycle,
 * the formulas are taken back and defined one by one to name its line. */
static ks_status define_formulas(items_reader *reader, const char *name,
                                 ks_error *err)
{
    ks_model_begin_batch(reader->model);
    for (size_t i = 0; i < reader->formula_count; i++) {
        const pending_formula *pending = &reader->formulas[i];
        if (i % POLL_FORMULAS == POLL_FORMULAS - 1 &&
            ks_interrupted(reader->alloc)) {
            ks_model_end_batch(reader->model, NULL);
            return ks_error_set(err, KS_EINTERRUPTED, "interrupted while "
                                "compiling the formulas of %s", name);
        }
        ks_status status = ks_define(reader->model, pending->id,
                                     pending->formula, NULL, err);
        if (status != KS_OK) {
            ks_model_end_batch(reader->model, NULL);
            /* ks_define's message names the formula ("formula of ...") */
            ks_error_prefix(err, "%s:%d", name, pending->line);
            return status;
        }
    }
    ks_status status = ks_model_end_batch(reader->model, err);
    if (status != KS_ECYCLE)
        return status;
    ks_model_begin_batch(reader->model);
    for (size_t i = 0; i < reader->formula_count; i++)
        ks_define(reader->model, reader->formulas[i].id, NULL, NULL, NULL);
    status = ks_model_end_batch(reader->model, err);
    if (status != KS_OK)
        return status;
    return define_one_by_one(reader, name, err);
}

static ks_status open_items(opener *op, ks_error *err)
{
    char *path = join(op->alloc, op->directory, "items.csv");
    if (!path)
        return out_of_memory(op->directory, err);
    items_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.model = op->model;
    reader.alloc = op->alloc;
    ks_status status = ks_csv_file_read(op->alloc, path, path, on_item,
                                        &reader, err);
    if (status == KS_OK && !reader.header_seen)
        status = ks_error_set(err, KS_EFORMAT, "%s: empty file (expected a "
                              "header id,label,...)", path);
    if (status == KS_OK)
        status = check_parents(&reader, path, err);
    if (status == KS_OK)
        status = define_formulas(&reader, path, err);
    ks_mem_free(op->alloc, reader.parents);
    for (size_t i = 0; i < reader.formula_count; i++) {
        ks_mem_free(op->alloc, reader.formulas[i].id);
        ks_mem_free(op->alloc, reader.formulas[i].formula);
    }
    ks_mem_free(op->alloc, reader.formulas);
    ks_mem_free(op->alloc, path);
    return status;
}

/* ---- values*.csv -------------------------------------------------------- */

/* "file:line" into source[300], as snprintf("%.280s:%d") would write it
 * but without its cost, which showed at one call per printed figure. */
static void source_of(char *source, const char *file_name, int line)
{
    size_t length = strlen(file_name);
    if (length > 280)
        length = 280;
    memcpy(source, file_name, length);
    char digits[12];
    int count = 0;
    unsigned value = line < 0 ? 0u - (unsigned)line : (unsigned)line;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    source[length++] = ':';
    if (line < 0)
        source[length++] = '-';
    while (count > 0)
        source[length++] = digits[--count];
    source[length] = '\0';
}

static ks_status keep_printed(ks_model *model, const char *file_name,
                              const ks_values_stage *stage,
                              const ks_staged_value *value, const char *name,
                              ks_error *err)
{
    char source[300];
    source_of(source, file_name, value->line);
    ks_printed printed = {
        value->item, value->period, KS_MEASURE_VALUE, value->number,
        value->is_missing, value->decimals, value->is_percent,
        ks_staged_text(stage, value), source
    };
    ks_status status = ks_printed_add(model, &printed, err);
    if (status != KS_OK) {
        ks_error_prefix(err, "%s:%d:%d", name, value->line, value->column);
        if (err) {
            err->line = value->line;
            err->column = value->column;
        }
    }
    return status;
}

/* A value for an item without a formula is a reported input; every value
 * written is kept as a printed figure. */
static ks_status apply_values(ks_model *model, const char *file_name,
                              const char *path, const ks_values_stage *stage,
                              ks_error *err)
{
    ks_status status = ks_model_reserve_inputs(model, stage->count, err);
    for (size_t i = 0; status == KS_OK && i < stage->count; i++) {
        const ks_staged_value *value = &stage->values[i];
        if (i % POLL_VALUES == 0 && ks_interrupted(ks_model_allocator(model)))
            return ks_error_set(err, KS_EINTERRUPTED, "interrupted while "
                                "opening %s", path);
        if (value->is_empty)
            continue;
        if (!ks_item_has_formula(model, value->item)) {
            double boxed = value->is_missing ? ks_box_missing()
                                             : value->number;
            status = ks_set_input(model, value->item, value->period, boxed,
                                  KS_PROV_REPORTED, err);
        }
        if (status == KS_OK)
            status = keep_printed(model, file_name, stage, value, path, err);
    }
    return status;
}

/* Rows naming a scenario are its saved overrides; a cell saved twice for
 * the same scenario, in one file or two, is an error. */
static ks_status save_scenario_rows(ks_model *model, const char *path,
                                    const ks_saved_rows *rows, ks_error *err)
{
    ks_saved_plan *plan = NULL;
    ks_status status = ks_saved_prepare(model, rows->changes,
                                        rows->name_count, 1, &plan, err);
    if (status != KS_OK) {
        ks_error_prefix(err, "%s", path);
        return status;
    }
    ks_saved_commit(model, plan);
    return KS_OK;
}

/* A long-form file with a scenario column: the model's rows as in any
 * values file, the others saved.  *taken is 0 for any other file. */
static ks_status open_scenario_rows(opener *op, const char *file_name,
                                    const char *path, int *taken,
                                    ks_error *err)
{
    ks_saved_rows rows;
    ks_saved_rows_init(&rows, op->alloc);
    ks_status status = ks_saved_rows_read(op->model, path, &rows, taken,
                                          err);
    if (status == KS_OK && *taken)
        status = apply_values(op->model, file_name, path, &rows.base, err);
    if (status == KS_OK && *taken)
        status = save_scenario_rows(op->model, path, &rows, err);
    ks_saved_rows_release(&rows);
    return status;
}

static ks_status open_values_file(opener *op, const char *file_name,
                                  ks_error *err)
{
    char *path = join(op->alloc, op->directory, file_name);
    if (!path)
        return out_of_memory(op->directory, err);
    int taken = 0;
    ks_status status = open_scenario_rows(op, file_name, path, &taken, err);
    if (status == KS_OK && !taken) {
        ks_values_stage stage;
        ks_values_stage_init(&stage, op->alloc);
        status = ks_values_read(op->model, path, path, NULL, 0, &stage, err);
        if (status == KS_OK)
            status = apply_values(op->model, file_name, path, &stage, err);
        ks_values_stage_release(&stage);
    }
    ks_mem_free(op->alloc, path);
    return status;
}

typedef struct name_list {
    char **names;
    size_t count, capacity;
} name_list;

static int is_values_name(const char *name)
{
    size_t length = strlen(name);
    return length >= strlen("values.csv") && strncmp(name, "values", 6) == 0
        && strcmp(name + length - 4, ".csv") == 0
        && strcmp(name, "values.csv") != 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The values*.csv files other than values.csv, sorted by name. */
static ks_status list_values_files(opener *op, name_list *list, ks_error *err)
{
    DIR *dir = opendir(op->directory);
    if (!dir)
        return ks_error_set(err, KS_EIO, "%s: %s", op->directory,
                            strerror(errno));
    ks_status status = KS_OK;
    struct dirent *entry;
    while (status == KS_OK && (entry = readdir(dir)) != NULL) {
        if (!is_values_name(entry->d_name))
            continue;
        if (ks_mem_grow(op->alloc, (void **)&list->names, &list->capacity,
                        list->count + 1, sizeof *list->names) != 0
            || !(list->names[list->count] =
                     ks_mem_strdup(op->alloc, entry->d_name)))
            status = out_of_memory(op->directory, err);
        else
            list->count++;
    }
    closedir(dir);
    if (list->count > 1)
        qsort(list->names, list->count, sizeof *list->names, by_name);
    return status;
}

static ks_status open_values(opener *op, ks_error *err)
{
    int has_first = 0;
    ks_status status = file_present(op, "values.csv", &has_first, err);
    if (status == KS_OK && has_first)
        status = open_values_file(op, "values.csv", err);
    name_list list = { NULL, 0, 0 };
    if (status == KS_OK)
        status = list_values_files(op, &list, err);
    for (size_t i = 0; status == KS_OK && i < list.count; i++)
        status = open_values_file(op, list.names[i], err);
    for (size_t i = 0; i < list.count; i++)
        ks_mem_free(op->alloc, list.names[i]);
    ks_mem_free(op->alloc, list.names);
    return status;
}

/* ---- printed.csv -------------------------------------------------------- */

enum { PRINTED_ITEM, PRINTED_PERIOD, PRINTED_MEASURE, PRINTED_VALUE,
       PRINTED_COLUMNS };

typedef struct table_reader {
    ks_model *model;
    const char *file_name;
    int header_seen;
    int column_count;
    int columns[4];
} table_reader;

/* pct, yoy and qoq are percentages whether or not "%" is written. */
static int parse_printed(const ks_csv_field *field, int percent_measure,
                         ks_printed *printed)
{
    const char *text = field->text;
    size_t length = field->length;
    printed->is_percent = memchr(text, '%', length) != NULL;
    if (!percent_measure || printed->is_percent)
        return ks_parse_number(text, length, &printed->number,
                               &printed->is_missing, &printed->decimals);
    char buffer[128];
    while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
        length--;
    if (length + 2 > sizeof buffer)
        return -1;
    int paren = length > 0 && text[length - 1] == ')';
    size_t digits = paren ? length - 1 : length;
    memcpy(buffer, text, digits);
    buffer[digits] = '%';
    if (paren)
        buffer[digits + 1] = ')';
    printed->is_percent = 1;
    if (ks_parse_number(text, length, &printed->number, &printed->is_missing,
                        &printed->decimals) != 0)
        return -1;
    if (printed->is_missing)
        return 0;
    return ks_parse_number(buffer, length + 1, &printed->number,
                           &printed->is_missing, &printed->decimals);
}

static ks_status read_printed_row(table_reader *reader,
                                  const ks_csv_record *record, ks_error *err)
{
    const int *col = reader->columns;
    ks_printed printed;
    memset(&printed, 0, sizeof printed);
    ks_status status = ks_csv_item_at(reader->model, record,
                                      &record->fields[col[PRINTED_ITEM]],
                                      &printed.item, err);
    if (status == KS_OK)
        status = ks_csv_period_at(reader->model, record,
                                  &record->fields[col[PRINTED_PERIOD]],
                                  &printed.period, err);
    if (status != KS_OK)
        return status;
    const ks_csv_field *measure = &record->fields[col[PRINTED_MEASURE]];
    int parsed = ks_measure_parse(measure->text);
    if (parsed < 0)
        return ks_error_at(err, KS_EFORMAT, measure->line, measure->column,
                           "%s:%d:%d: measure must be value, pct, yoy, qoq or "
                           "usd, got '%.40s'", record->name, measure->line,
                           measure->column, measure->text);
    printed.measure = (ks_measure)parsed;
    const ks_csv_field *value = &record->fields[col[PRINTED_VALUE]];
    int percent = printed.measure == KS_MEASURE_PCT
               || printed.measure == KS_MEASURE_YOY
               || printed.measure == KS_MEASURE_QOQ;
    if (parse_printed(value, percent, &printed) != 0)
        return ks_error_at(err, KS_EFORMAT, value->line, value->column,
                           "%s:%d:%d: expected a number like 1,234 or "
                           "(566,520), got '%.40s'", record->name,
                           value->line, value->column, value->text);
    char source[300];
    source_of(source, reader->file_name, record->line);
    printed.text = value->text;
    printed.source = source;
    status = ks_printed_add(reader->model, &printed, err);
    if (status != KS_OK)
        return prefix_field(err, status, record, value);
    return KS_OK;
}

static ks_status on_printed(void *user_data, const ks_csv_record *record,
                            ks_error *err)
{
    static const char *const names[PRINTED_COLUMNS] = {
        "item", "period", "measure", "value"
    };
    table_reader *reader = user_data;
    if (!reader->header_seen) {
        reader->header_seen = 1;
        reader->column_count = record->count;
        return map_header(record, names, PRINTED_COLUMNS, PRINTED_COLUMNS,
                          "item,period,measure,value", reader->columns, err);
    }
    ks_status status = check_count(record, reader->column_count, err);
    return status == KS_OK ? read_printed_row(reader, record, err) : status;
}

/* ---- notes.csv ---------------------------------------------------------- */

enum { NOTE_ID, NOTE_ITEM, NOTE_PERIOD, NOTE_TEXT, NOTE_COLUMNS };

static ks_status read_note_row(table_reader *reader,
                               const ks_csv_record *record, ks_error *err)
{
    const int *col = reader->columns;
    const ks_csv_field *item = &record->fields[col[NOTE_ITEM]];
    const ks_csv_field *period = &record->fields[col[NOTE_PERIOD]];
    const ks_csv_field *id = &record->fields[col[NOTE_ID]];
    int item_index = -1, period_index = -1;
    ks_status status = KS_OK;
    if (item->length)
        status = ks_csv_item_at(reader->model, record, item, &item_index,
                                err);
    if (status == KS_OK && period->length)
        status = ks_csv_period_at(reader->model, record, period,
                                  &period_index, err);
    if (status != KS_OK)
        return status;
    status = ks_note_add(reader->model, id->text, item_index, period_index,
                         record->fields[col[NOTE_TEXT]].text, err);
    return status == KS_OK ? KS_OK : prefix_field(err, status, record, id);
}

static ks_status on_note(void *user_data, const ks_csv_record *record,
                         ks_error *err)
{
    static const char *const names[NOTE_COLUMNS] = {
        "id", "item", "period", "text"
    };
    table_reader *reader = user_data;
    if (!reader->header_seen) {
        reader->header_seen = 1;
        reader->column_count = record->count;
        return map_header(record, names, NOTE_COLUMNS, NOTE_COLUMNS,
                          "id,item,period,text", reader->columns, err);
    }
    ks_status status = check_count(record, reader->column_count, err);
    return status == KS_OK ? read_note_row(reader, record, err) : status;
}

/* An optional table: nothing happens when the file is absent. */
static ks_status open_table(opener *op, const char *file_name,
                            ks_csv_record_fn on_record, ks_error *err)
{
    char *path = join(op->alloc, op->directory, file_name);
    if (!path)
        return out_of_memory(op->directory, err);
    int present = 0;
    ks_status status = ks_csv_file_present(path, &present, err);
    if (status == KS_OK && present) {
        table_reader reader;
        memset(&reader, 0, sizeof reader);
        reader.model = op->model;
        reader.file_name = file_name;
        status = ks_csv_file_read(op->alloc, path, path, on_record, &reader,
                                  err);
    }
    ks_mem_free(op->alloc, path);
    return status;
}

/* ---- the directory ------------------------------------------------------ */

static ks_status check_directory(opener *op, ks_error *err)
{
    int found = 0;
    ks_status status = file_present(op, "items.csv", &found, err);
    if (status != KS_OK)
        return status;
    if (!found)
        return ks_error_set(err, KS_EIO, "%s: not a model directory (no "
                            "items.csv)", op->directory);
    return KS_OK;
}

ks_status ks_model_open(const char *directory, const ks_allocator *alloc,
                        ks_model **out, ks_error *err)
{
    *out = NULL;
    if (!directory || !*directory)
        return ks_error_set(err, KS_EINVAL, "no model directory given");
    opener op = { directory, alloc, NULL };
    ks_status status = check_directory(&op, err);
    if (status == KS_OK)
        status = open_settings(&op, err);
    if (status == KS_OK)
        status = open_items(&op, err);
    if (status == KS_OK)
        status = ks_check_interrupt(alloc, err, "opening a model");
    if (status == KS_OK)
        status = open_values(&op, err);
    if (status == KS_OK)
        status = open_table(&op, "printed.csv", on_printed, err);
    if (status == KS_OK)
        status = open_table(&op, "notes.csv", on_note, err);
    if (status != KS_OK) {
        ks_model_free(op.model);
        return status;
    }
    *out = op.model;
    return KS_OK;
}
