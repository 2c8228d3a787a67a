/*
 * xlsx_import_sheet.c -- a worksheet's rows as records
 * (xlsx_import_sheet.h): expat streams <sheetData>; a row's cells are
 * gathered (their text copied into one buffer per row) and, at </row>,
 * handed over as a record whose fields are the columns from the header's
 * first to its last (further when a row reaches further).  Cell
 * references are checked (a column A..XFD, the row's own number, left to
 * right); rows without a reference follow the one before, as do cells.
 *
 * A large sheet is read in two halves at once (ks_xlsxin_sheet_read):
 * this thread parses the part from its start and hands its rows over as
 * it goes; another inflates the part too but parses only from the first
 * "<row" past about its middle, after the start tags of the elements
 * open there, and keeps its rows.  When this thread meets a row start tag
 * exactly where the other began, inside <sheetData> under the same names,
 * the two parses are the one parse split in two: it waits for the other,
 * hands the kept rows over and stops.  Anything else (an error in the
 * second half, its first row without a number, the middle in a comment)
 * and this thread reads on alone, as it does a small sheet: the records
 * and every message are one reading's.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_import_sheet.h"
#include "io/xlsx_import_split.h"

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_BOOLEAN, CELL_TEXT };

typedef struct cell {
    int column;
    size_t offset, length;   /* its text in the row's bytes               */
    int has_value;
} cell;

/* Rows kept to be handed over later (a sheet read in two halves). */
typedef struct kept_row {
    int row;
    size_t first_cell, cell_count;
} kept_row;

typedef struct row_keep {
    kept_row *rows;
    size_t row_count, row_capacity;
    cell *cells;             /* their offsets into bytes                  */
    size_t cell_count, cell_capacity;
    char *bytes;
    size_t byte_count, byte_capacity;
} row_keep;

typedef struct split_read split_read;

typedef struct sheet_reader {
    ks_xlsxin_book *book;
    const ks_allocator *alloc;
    const char *name;        /* the file, as messages name it             */
    const char *sheet;
    ks_csv_record_fn on_record;
    void *user_data;
    int in_data;             /* inside <sheetData>                        */
    int row;                 /* the row being read, 0 before the first    */
    int in_row;
    int column;              /* the last cell's column                    */
    int cell_open;
    enum cell_type type;
    int collecting;          /* inside <v>, or a <t> of an inline string  */
    int in_inline, phonetic;
    cell *cells;
    size_t cell_count, cell_capacity;
    char *bytes;
    size_t byte_count, byte_capacity;
    ks_csv_field *fields;
    size_t field_capacity;
    int first;               /* the table's first column: the header's    */
    int width;               /* the header's last column with a value     */
    int records;
    size_t cells_read;
    row_keep *keep;          /* not NULL: rows are kept, not handed over  */
    split_read *split;       /* the first half of a split read            */
    /* held around on_record while another thread may allocate: the
     * model's allocator, which on_record uses, is called by one thread at
     * a time */
    pthread_mutex_t *record_lock;
    int first_row;           /* the first row's number (the second half
                                needs it written: r="...")              */
} sheet_reader;

/* ---- positions ---------------------------------------------------------- */

void ks_xlsxin_cell_name(int column, int row, char *out, size_t size)
{
    char letters[8];
    int n = 0;
    for (int c = column; c > 0 && n < 7; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char name[8];
    for (int i = 0; i < n; i++)
        name[i] = letters[n - 1 - i];
    name[n] = '\0';
    snprintf(out, size, "%s%d", name, row);
}

static int needs_quotes(const char *sheet)
{
    for (const char *at = sheet; *at; at++) {
        unsigned char c = (unsigned char)*at;
        if (!(c >= 0x80 || c == '_' || c == '.' || (c >= '0' && c <= '9') ||
              (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return 1;
    }
    return sheet[0] >= '0' && sheet[0] <= '9';
}

void ks_xlsxin_where(const char *name, const char *sheet, int row, int column,
                   char *out, size_t size)
{
    char quoted[200];
    size_t used = 0;
    int quote = needs_quotes(sheet);
    if (quote)
        quoted[used++] = '\'';
    for (const char *at = sheet; *at && used + 4 < sizeof quoted; at++) {
        if (*at == '\'')
            quoted[used++] = '\'';
        quoted[used++] = *at;
    }
    if (quote)
        quoted[used++] = '\'';
    quoted[used] = '\0';
    char cell_name[24] = "";
    if (row > 0 && column > 0)
        ks_xlsxin_cell_name(column, row, cell_name, sizeof cell_name);
    else if (row > 0)
        snprintf(cell_name, sizeof cell_name, "%d:%d", row, row);
    snprintf(out, size, "%s: %s%s%s", name, quoted, cell_name[0] ? "!" : "",
             cell_name);
}

static ks_status row_error(const sheet_reader *reader, ks_error *err,
                           ks_status code, int row, int column,
                           const char *what)
{
    char where[300];
    ks_xlsxin_where(reader->name, reader->sheet, row, column, where,
                    sizeof where);
    return ks_error_at(err, code, row, column, "%s: %s", where, what);
}

static void fail_at(ks_xlsxin_parse *parse, ks_status code, int column,
                    const char *what)
{
    sheet_reader *reader = parse->user;
    ks_xlsxin_stop(parse, row_error(reader, parse->err, code, reader->row,
                                    column, what));
}

static ks_status out_of_memory(const sheet_reader *reader, ks_error *err)
{
    return ks_error_set(err, KS_ENOMEM, "%s: out of memory reading the "
                        "workbook", reader->name);
}

static void fail_memory(ks_xlsxin_parse *parse)
{
    ks_xlsxin_stop(parse, out_of_memory(parse->user, parse->err));
}

/* ---- references --------------------------------------------------------- */

/* A positive decimal number without a leading zero, at most `max`;
 * -1 otherwise. */
static long read_count(const char *text, long max)
{
    if (*text < '1' || *text > '9')
        return -1;
    long value = 0;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        value = value * 10 + (*text - '0');
        if (value > max)
            return -1;
    }
    return value;
}

/* "B7": column 2, row 7.  Returns 0, or -1 for anything else. */
static int read_reference(const char *text, int *column, int *row)
{
    long c = 0;
    int letters = 0;
    for (; *text >= 'A' && *text <= 'Z'; text++) {
        if (++letters > 3)
            return -1;
        c = c * 26 + (*text - 'A' + 1);
    }
    long r = read_count(text, KS_XLSXIN_ROWS_MAX);
    if (letters == 0 || c > KS_XLSXIN_COLUMNS_MAX || r < 0)
        return -1;
    *column = (int)c;
    *row = (int)r;
    return 0;
}

static void refuse_reference(ks_xlsxin_parse *parse, const char *text)
{
    char what[200];
    int column = 0, row = 0;
    int letters = 0;
    while (text[letters] >= 'A' && text[letters] <= 'Z')
        letters++;
    if (letters > 3 || (read_reference(text, &column, &row) != 0 &&
                        letters > 0 && read_count(text + letters,
                                                  KS_XLSXIN_ROWS_MAX) > 0))
        snprintf(what, sizeof what, "cell '%.20s' is beyond column XFD "
                 "(a sheet has at most 16,384 columns)", text);
    else
        snprintf(what, sizeof what, "malformed cell reference '%.20s' "
                 "(expected a column A to XFD and a row 1 to 1,048,576, "
                 "like B7)", text);
    fail_at(parse, KS_EFORMAT, 0, what);
}

/* ---- rows --------------------------------------------------------------- */

static void start_row(ks_xlsxin_parse *parse, const char **attributes)
{
    sheet_reader *reader = parse->user;
    const char *r = ks_xlsxin_attribute(attributes, "r");
    long row = r ? read_count(r, KS_XLSXIN_ROWS_MAX) : reader->row + 1L;
    if (row < 0 || row > KS_XLSXIN_ROWS_MAX) {
        char what[160];
        snprintf(what, sizeof what, "row number '%.20s' (expected 1 to "
                 "1,048,576)", r ? r : "");
        fail_at(parse, KS_EFORMAT, 0, what);
        return;
    }
    if (row <= reader->row) {
        char what[160];
        snprintf(what, sizeof what, "row %ld comes after row %d (rows go "
                 "down the sheet in order)", row, reader->row);
        fail_at(parse, KS_EFORMAT, 0, what);
        return;
    }
    if (reader->first_row == 0)
        reader->first_row = r ? (int)row : -1;
    reader->row = (int)row;
    reader->in_row = 1;
    reader->column = 0;
    reader->cell_count = 0;
    reader->byte_count = 0;
}

static int grow_fields(sheet_reader *reader, size_t count)
{
    return count > reader->field_capacity &&
           ks_mem_grow(reader->alloc, (void **)&reader->fields,
                       &reader->field_capacity, count,
                       sizeof *reader->fields) != 0;
}

static ks_status refuse_left_of_table(const sheet_reader *reader,
                                      ks_error *err, int row, int column)
{
    char first[24], what[160];
    ks_xlsxin_cell_name(reader->first, 1, first, sizeof first);
    first[strcspn(first, "0123456789")] = '\0';
    snprintf(what, sizeof what, "a value left of the table (its header "
             "begins in column %s)", first);
    return row_error(reader, err, KS_EFORMAT, row, column, what);
}

/* The first and the last column of a row's cells with a value (0, 0:
 * none). */
static void row_reach(const cell *cells, size_t count, int *start, int *reach)
{
    *start = *reach = 0;
    for (size_t i = 0; i < count; i++)
        if (cells[i].length > 0) {
            *reach = cells[i].column;
            if (*start == 0)
                *start = *reach;
        }
}

/* A row with a value, handed over: its fields from the table's first
 * column to the header's reach, or further when the row reaches further. */
static ks_status hand_over(sheet_reader *reader, int row, const cell *cells,
                           size_t cell_count, const char *bytes,
                           ks_error *err)
{
    int start, reach;
    row_reach(cells, cell_count, &start, &reach);
    if (reach == 0)
        return KS_OK; /* a row with no value, like a blank line */
    if (reader->width == 0) {
        reader->first = start;
        reader->width = reach;
    }
    if (start < reader->first)
        return refuse_left_of_table(reader, err, row, start);
    int last = reach > reader->width ? reach : reader->width;
    int count = last - reader->first + 1;
    if (grow_fields(reader, (size_t)count))
        return out_of_memory(reader, err);
    for (int c = 0; c < count; c++)
        reader->fields[c] = (ks_csv_field){ "", 0, row, reader->first + c,
                                            1 };
    for (size_t i = 0; i < cell_count; i++) {
        const cell *x = &cells[i];
        if (x->column < reader->first)
            continue; /* no value there: checked above */
        reader->fields[x->column - reader->first] = (ks_csv_field){
            bytes + x->offset, x->length, row, x->column, !x->has_value
        };
    }
    ks_csv_record record = { reader->name, reader->fields, count, row,
                             ++reader->records, ',' };
    if (!reader->record_lock)
        return reader->on_record(reader->user_data, &record, err);
    pthread_mutex_lock(reader->record_lock);
    ks_status status = reader->on_record(reader->user_data, &record, err);
    pthread_mutex_unlock(reader->record_lock);
    return status;
}

/* Rows kept by one half of a split read: at most this many bytes. */
#define KEEP_MAX ((size_t)256 << 20)

/* Keep the row just read (one with a value) to hand it over later. */
static ks_status keep_row(sheet_reader *reader, ks_error *err)
{
    row_keep *keep = reader->keep;
    size_t kept = keep->byte_count + keep->cell_count * sizeof(cell) +
                  keep->row_count * sizeof(kept_row);
    if (kept > KEEP_MAX ||
        ks_mem_grow(reader->alloc, (void **)&keep->rows, &keep->row_capacity,
                    keep->row_count + 1, sizeof *keep->rows) != 0 ||
        ks_mem_grow(reader->alloc, (void **)&keep->cells,
                    &keep->cell_capacity,
                    keep->cell_count + reader->cell_count,
                    sizeof *keep->cells) != 0 ||
        ks_mem_grow(reader->alloc, (void **)&keep->bytes,
                    &keep->byte_capacity,
                    keep->byte_count + reader->byte_count, 1) != 0)
        return out_of_memory(reader, err);
    keep->rows[keep->row_count++] = (kept_row){ reader->row, keep->cell_count,
                                                reader->cell_count };
    for (size_t i = 0; i < reader->cell_count; i++) {
        cell x = reader->cells[i];
        x.offset += keep->byte_count;
        keep->cells[keep->cell_count++] = x;
    }
    if (reader->byte_count > 0)
        memcpy(keep->bytes + keep->byte_count, reader->bytes,
               reader->byte_count);
    keep->byte_count += reader->byte_count;
    return KS_OK;
}

static void end_row(ks_xlsxin_parse *parse)
{
    sheet_reader *reader = parse->user;
    reader->in_row = 0;
    int start, reach;
    row_reach(reader->cells, reader->cell_count, &start, &reach);
    if (reach == 0)
        return;
    ks_status status = reader->keep
                           ? keep_row(reader, parse->err)
                           : hand_over(reader, reader->row, reader->cells,
                                       reader->cell_count, reader->bytes,
                                       parse->err);
    if (status != KS_OK)
        ks_xlsxin_stop(parse, status);
}

/* Kept rows handed over between two looks at the host's poll: fewer than
 * a chunk of XML holds, which is how often one parse looks. */
#define KEPT_POLL_ROWS 64

/* Hand the kept rows over, in order; the host asking to stop stops it, as
 * it would stop one parse. */
static ks_status hand_over_kept(sheet_reader *reader, const row_keep *keep,
                                ks_error *err)
{
    for (size_t i = 0; i < keep->row_count; i++) {
        if (i % KEPT_POLL_ROWS == 0 && ks_interrupted(reader->alloc))
            return ks_xlsxin_interrupted(&reader->book->zip, err);
        const kept_row *row = &keep->rows[i];
        ks_status status = hand_over(reader, row->row,
                                     keep->cells + row->first_cell,
                                     row->cell_count, keep->bytes, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

static void free_keep(const ks_allocator *alloc, row_keep *keep)
{
    ks_mem_free(alloc, keep->rows);
    ks_mem_free(alloc, keep->cells);
    ks_mem_free(alloc, keep->bytes);
    memset(keep, 0, sizeof *keep);
}

/* ---- cells -------------------------------------------------------------- */

static enum cell_type type_of(const char *t)
{
    if (!t || strcmp(t, "n") == 0)
        return CELL_NUMBER;
    if (strcmp(t, "s") == 0)
        return CELL_SHARED;
    if (strcmp(t, "b") == 0)
        return CELL_BOOLEAN;
    return CELL_TEXT; /* str, inlineStr, e (an error's text), d (a date) */
}

/* A cell's attributes r and t (the first of each, whatever its prefix),
 * in one pass: a sheet has millions of cells. */
static void cell_attributes(const char **attributes, const char **r,
                            const char **t)
{
    *r = *t = NULL;
    for (size_t i = 0; attributes[i]; i += 2) {
        const char *name = ks_xlsxin_local(attributes[i]);
        if (name[0] == '\0' || name[1] != '\0')
            continue;
        if (name[0] == 'r' && !*r)
            *r = attributes[i + 1];
        else if (name[0] == 't' && !*t)
            *t = attributes[i + 1];
    }
}

static void start_cell(ks_xlsxin_parse *parse, const char **attributes)
{
    sheet_reader *reader = parse->user;
    const char *r, *t;
    cell_attributes(attributes, &r, &t);
    int column = reader->column + 1, row = reader->row;
    if (r && read_reference(r, &column, &row) != 0) {
        refuse_reference(parse, r);
        return;
    }
    if (!r && column > KS_XLSXIN_COLUMNS_MAX) {
        fail_at(parse, KS_EFORMAT, 0, "a cell beyond column XFD (a sheet "
                "has at most 16,384 columns)");
        return;
    }
    if (row != reader->row || column <= reader->column) {
        char what[200];
        snprintf(what, sizeof what, "cell %.20s is out of place (cells go "
                 "left to right along their own row)", r);
        fail_at(parse, KS_EFORMAT, column, what);
        return;
    }
    if (++reader->cells_read > KS_XLSXIN_CELLS_MAX) {
        fail_at(parse, KS_EFORMAT, column, "more than 50,000,000 cells: "
                "too many to import");
        return;
    }
    if (reader->cell_count == reader->cell_capacity &&
        ks_mem_grow(reader->alloc, (void **)&reader->cells,
                    &reader->cell_capacity, reader->cell_count + 1,
                    sizeof *reader->cells) != 0) {
        fail_memory(parse);
        return;
    }
    reader->column = column;
    reader->cell_open = 1;
    reader->type = type_of(t);
    reader->cells[reader->cell_count++] =
        (cell){ column, reader->byte_count, 0, 0 };
}

/* Add to the row's text: 0, -1 out of memory, -2 past the row's bound
 * (a shared string repeated along a row must not multiply). */
static int append(sheet_reader *reader, const char *text, size_t length)
{
    if (reader->byte_count + length + 1 > KS_XLSXIN_ROW_TEXT_MAX)
        return -2;
    if (reader->byte_count + length + 1 > reader->byte_capacity &&
        ks_mem_grow(reader->alloc, (void **)&reader->bytes,
                    &reader->byte_capacity, reader->byte_count + length + 1,
                    1) != 0)
        return -1;
    memcpy(reader->bytes + reader->byte_count, text, length);
    reader->byte_count += length;
    return 0;
}

static void fail_append(ks_xlsxin_parse *parse, int code, int column)
{
    if (code == -2)
        fail_at(parse, KS_EFORMAT, column, "a row holds more than 16 MB of "
                "text");
    else
        fail_memory(parse);
}

/* The cell's text as collected, made what it stands for. */
static void end_cell(ks_xlsxin_parse *parse)
{
    sheet_reader *reader = parse->user;
    reader->cell_open = 0;
    cell *x = &reader->cells[reader->cell_count - 1];
    x->length = reader->byte_count - x->offset;
    const char *text = reader->bytes ? reader->bytes + x->offset : "";
    const char *replacement = NULL;
    size_t replacement_length = 0;
    if (x->has_value && reader->type == CELL_SHARED) {
        char index_text[24];
        size_t n = x->length < sizeof index_text - 1 ? x->length
                                                     : sizeof index_text - 1;
        memcpy(index_text, text, n);
        index_text[n] = '\0';
        long index = strcmp(index_text, "0") == 0
                         ? 0 : read_count(index_text, 0x7fffffffL);
        replacement = index < 0 ? NULL
                                : ks_xlsxin_shared(reader->book, (size_t)index,
                                                 &replacement_length);
        if (!replacement) {
            char what[200];
            snprintf(what, sizeof what, "shared string '%s' out of range "
                     "(the workbook has %zu)", index_text,
                     reader->book->string_count);
            fail_at(parse, KS_EFORMAT, x->column, what);
            return;
        }
    } else if (x->has_value && reader->type == CELL_BOOLEAN) {
        replacement = x->length == 1 && text[0] == '1' ? "TRUE" : "FALSE";
        replacement_length = strlen(replacement);
    }
    if (replacement) {
        reader->byte_count = x->offset;
        int code = append(reader, replacement, replacement_length);
        if (code != 0) {
            fail_append(parse, code, x->column);
            return;
        }
        x->length = replacement_length;
    }
    int code = append(reader, "", 1);
    if (code != 0) {
        fail_append(parse, code, x->column);
        return;
    }
    reader->bytes[reader->byte_count - 1] = '\0';
}

/* ---- expat handlers ----------------------------------------------------- */

/* An element's local name is `word` (a byte loop: these names are one to
 * nine bytes, met millions of times). */
static int is_name(const char *name, const char *word)
{
    while (*word && *name == *word) {
        name++;
        word++;
    }
    return *name == *word;
}

static void split_begin(ks_xlsxin_parse *parse, split_read *split);
static int split_at_cut(ks_xlsxin_parse *parse, sheet_reader *reader);

static void on_start(ks_xlsxin_parse *parse, const char *name,
                     const char **attributes)
{
    sheet_reader *reader = parse->user;
    if (!reader->in_data) {
        reader->in_data = is_name(name, "sheetData");
        if (reader->in_data && reader->split)
            split_begin(parse, reader->split);
        return;
    }
    if (reader->cell_open) {
        cell *x = &reader->cells[reader->cell_count - 1];
        if (is_name(name, "v") && !reader->in_inline) {
            reader->collecting = 1;
            x->has_value = 1;
        } else if (is_name(name, "is")) {
            reader->in_inline = 1;
            x->has_value = 1;
        } else if (is_name(name, "rPh")) {
            reader->phonetic++;
        } else if (is_name(name, "t") && reader->in_inline) {
            reader->collecting = reader->phonetic == 0;
        }
        return;
    }
    if (is_name(name, "row")) {
        if (!reader->split || !split_at_cut(parse, reader))
            start_row(parse, attributes);
    } else if (is_name(name, "c") && reader->in_row)
        start_cell(parse, attributes);
}

static void on_end(ks_xlsxin_parse *parse, const char *name)
{
    sheet_reader *reader = parse->user;
    if (!reader->in_data)
        return;
    if (reader->cell_open) {
        if (is_name(name, "c"))
            end_cell(parse);
        else if (is_name(name, "v") || is_name(name, "t"))
            reader->collecting = 0;
        else if (is_name(name, "is"))
            reader->in_inline = 0;
        else if (is_name(name, "rPh"))
            reader->phonetic--;
        return;
    }
    if (is_name(name, "row") && reader->in_row)
        end_row(parse);
    else if (is_name(name, "sheetData"))
        reader->in_data = 0;
}

static void on_text(ks_xlsxin_parse *parse, const char *text, int length)
{
    sheet_reader *reader = parse->user;
    if (!reader->collecting)
        return;
    const cell *x = &reader->cells[reader->cell_count - 1];
    if (reader->byte_count - x->offset + (size_t)length > KS_XLSXIN_TEXT_MAX) {
        fail_at(parse, KS_EFORMAT, x->column, "a cell's text is longer "
                "than 1 MB");
        return;
    }
    int code = append(reader, text, (size_t)length);
    if (code != 0)
        fail_append(parse, code, x->column);
}

static const ks_xlsxin_handlers sheet_handlers = { on_start, on_end,
                                                   on_text };

static void reader_init(sheet_reader *reader, ks_xlsxin_book *book,
                        size_t index, const ks_allocator *alloc,
                        ks_csv_record_fn on_record, void *user_data)
{
    memset(reader, 0, sizeof *reader);
    reader->book = book;
    reader->alloc = alloc;
    reader->name = book->zip.name;
    reader->sheet = book->sheets[index].name;
    reader->on_record = on_record;
    reader->user_data = user_data;
}

static void reader_free(sheet_reader *reader)
{
    ks_mem_free(reader->alloc, reader->cells);
    ks_mem_free(reader->alloc, reader->bytes);
    ks_mem_free(reader->alloc, reader->fields);
    reader->cells = NULL;
    reader->bytes = NULL;
    reader->fields = NULL;
    reader->cell_capacity = reader->byte_capacity = 0;
    reader->field_capacity = 0;
}

ks_status ks_xlsxin_sheet_records(ks_xlsxin_book *book, size_t index,
                                ks_csv_record_fn on_record, void *user_data,
                                ks_error *err)
{
    sheet_reader reader;
    reader_init(&reader, book, index, book->zip.alloc, on_record, user_data);
    ks_status status = ks_xlsxin_parse_part(&book->zip,
                                          book->sheets[index].part,
                                          &sheet_handlers, &reader, err);
    reader_free(&reader);
    return status;
}

/* ---- a sheet read in two halves at once --------------------------------- */

struct split_read {
    ks_xlsxin_book *book;
    size_t index;
    ks_xlsxin_serial_alloc *serial; /* both threads allocate through it   */
    ks_xlsxin_part_info part;   /* the sheet, as the first thread sees it */
    uint64_t from;              /* the second half: the first row after   */
    ks_xlsxin_cut cut;
    atomic_int abandon;         /* the second half is not wanted: stop    */
    char open[2][KS_XLSXIN_OPEN_NAME_MAX]; /* open where the second begins */
    char prefix[2 * KS_XLSXIN_OPEN_NAME_MAX + 8];
    int started, joined;
    int settled;                /* the first half no longer looks for it  */
    int used;                   /* its rows were handed over              */
    pthread_t thread;
    /* the second half's, read by the first thread once it has joined */
    sheet_reader second;
    row_keep second_rows;
    ks_status second_status;
    ks_error second_err;
    uint64_t read_before;       /* the workbook's inflated bytes before   */
    uint64_t second_read;       /* ... and after the second half          */
};

static void post_cut(void *data, uint64_t offset)
{
    split_read *split = data;
    ks_xlsxin_cut_post(&split->cut, offset);
}

static void *read_second_half(void *data)
{
    split_read *split = data;
    const ks_xlsxin_zip *book_zip = &split->book->zip;
    ks_xlsxin_zip zip;
    ks_status status = ks_xlsxin_zip_reopen(&zip, book_zip,
                                            &split->serial->allocator,
                                            &split->second_err);
    if (status != KS_OK) {
        ks_xlsxin_cut_post(&split->cut, UINT64_MAX);
        split->second_status = status;
        return NULL;
    }
    /* the file opened again is the one the first thread reads (the same
     * inode: ks_xlsxin_zip_reopen), and must still describe the sheet as
     * it did (not rewritten in place since) */
    const char *part = split->book->sheets[split->index].part;
    ks_xlsxin_part_info info;
    if (ks_xlsxin_part_info_of(&zip, part, &info) != 0 ||
        info.size != split->part.size ||
        info.compressed != split->part.compressed ||
        info.crc != split->part.crc) {
        ks_xlsxin_zip_close(&zip);
        ks_xlsxin_cut_post(&split->cut, UINT64_MAX);
        split->second_status = KS_EFORMAT;
        return NULL;
    }
    zip.read_total = split->read_before; /* the bounds count all parts */
    ks_xlsxin_resume resume = { split->from, split->prefix, post_cut, split,
                                &split->abandon };
    status = ks_xlsxin_parse_part_from(&zip, part, &sheet_handlers,
                                       &split->second, &resume,
                                       &split->second_err);
    split->second_read = zip.read_total;
    ks_xlsxin_zip_close(&zip);
    split->second_status = status;
    return NULL;
}

static void split_join(split_read *split, int wanted)
{
    if (!split->started || split->joined)
        return;
    if (!wanted)
        atomic_store(&split->abandon, 1);
    pthread_join(split->thread, NULL);
    split->joined = 1;
}

/* What the second half holds, given back once its rows are not to be
 * used: the first reads on within one parse's memory. */
static void split_release(split_read *split)
{
    free_keep(&split->serial->allocator, &split->second_rows);
    reader_free(&split->second);
}

/* The first half reads on alone. */
static void split_settle(split_read *split)
{
    split->settled = 1;
    split_join(split, 0);
    split_release(split);
}

/* <sheetData> begins in the first half: start the second, in the same
 * elements. */
static void split_begin(ks_xlsxin_parse *parse, split_read *split)
{
    if (split->started || split->settled)
        return;
    if (parse->depth != 2 || !parse->open[0][0] || !parse->open[1][0]) {
        split->settled = 1;
        return;
    }
    memcpy(split->open, parse->open, sizeof split->open);
    snprintf(split->prefix, sizeof split->prefix, "<%s><%s>",
             split->open[0], split->open[1]);
    if (pthread_create(&split->thread, NULL, read_second_half, split) != 0) {
        split->settled = 1;
        return;
    }
    split->started = 1;
}

/* Whether the second half read what the first would have read from the
 * row it begins with. */
static int halves_agree(const split_read *split, const sheet_reader *first)
{
    const sheet_reader *second = &split->second;
    return split->second_status == KS_OK && second->first_row > first->row &&
           first->cells_read + second->cells_read <= KS_XLSXIN_CELLS_MAX;
}

/* A row begins in the first half: where the second half begins, its rows
 * are handed over and the first stops (1); else the first reads on (0),
 * alone once the second can no longer be used. */
static int split_at_cut(ks_xlsxin_parse *parse, sheet_reader *reader)
{
    split_read *split = reader->split;
    if (split->settled || !split->started)
        return 0;
    uint64_t at = ks_xlsxin_offset(parse);
    if (at < split->from)
        return 0;
    uint64_t cut = ks_xlsxin_cut_wait(&split->cut);
    if (cut != UINT64_MAX && at < cut)
        return 0;
    if (at != cut || parse->depth != 3 || !reader->in_data ||
        reader->in_row || strcmp(parse->open[0], split->open[0]) != 0 ||
        strcmp(parse->open[1], split->open[1]) != 0) {
        split_settle(split);
        return 0;
    }
    split_join(split, 1);
    split->settled = 1;
    if (!halves_agree(split, reader)) {
        split_release(split);
        return 0;
    }
    split->used = 1;
    parse->zip->read_total = split->second_read;
    ks_xlsxin_stop(parse, hand_over_kept(reader, &split->second_rows,
                                         parse->err));
    return 1;
}

static ks_status read_split(ks_xlsxin_book *book, size_t index,
                            const ks_xlsxin_part_info *part,
                            ks_xlsxin_serial_alloc *serial,
                            sheet_reader *first, int *halves, ks_error *err)
{
    split_read split;
    memset(&split, 0, sizeof split);
    split.part = *part;
    if (ks_xlsxin_cut_init(&split.cut) != 0)
        return ks_xlsxin_sheet_records(book, index, first->on_record,
                                       first->user_data, err);
    split.book = book;
    split.index = index;
    split.serial = serial;
    split.from = part->size / 100 * KS_XLSXIN_SPLIT_PERCENT;
    split.read_before = book->zip.read_total;
    atomic_init(&split.abandon, 0);
    reader_init(&split.second, book, index, &serial->allocator, NULL, NULL);
    split.second.keep = &split.second_rows;
    first->split = &split;
    first->record_lock = &serial->lock;
    const ks_allocator *own = book->zip.alloc;
    book->zip.alloc = &serial->allocator;
    ks_status status = ks_xlsxin_parse_part(&book->zip,
                                            book->sheets[index].part,
                                            &sheet_handlers, first, err);
    split_join(&split, 0);
    book->zip.alloc = own;
    free_keep(&serial->allocator, &split.second_rows);
    reader_free(&split.second);
    ks_xlsxin_cut_destroy(&split.cut);
    if (halves)
        *halves = split.used;
    return status;
}

ks_status ks_xlsxin_sheet_read(ks_xlsxin_book *book, size_t index,
                               uint64_t split_size,
                               ks_csv_record_fn on_record, void *user_data,
                               int *halves, ks_error *err)
{
    if (halves)
        *halves = 0;
    ks_xlsxin_part_info part;
    if (split_size == 0 || !book->zip.path || !book->zip.identified ||
        ks_xlsxin_part_info_of(&book->zip, book->sheets[index].part,
                               &part) != 0 ||
        part.size < split_size)
        return ks_xlsxin_sheet_records(book, index, on_record, user_data,
                                       err);
    ks_xlsxin_serial_alloc serial;
    if (ks_xlsxin_serial_alloc_init(&serial, book->zip.alloc) != 0)
        return ks_xlsxin_sheet_records(book, index, on_record, user_data,
                                       err);
    sheet_reader first;
    reader_init(&first, book, index, &serial.allocator, on_record,
                user_data);
    ks_status status = read_split(book, index, &part, &serial, &first,
                                  halves, err);
    reader_free(&first);
    ks_xlsxin_serial_alloc_destroy(&serial);
    return status;
}
