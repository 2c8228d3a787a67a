/*
 * xlsx_import_sheet.c -- a worksheet's rows as records
 * (xlsx_import_sheet.h): expat streams <sheetData>; a row's cells are
 * gathered (their text copied into one buffer per row) and, at </row>,
 * handed over as a record whose fields are the columns from the header's
 * first to its last (further when a row reaches further).  Cell
 * references are checked (a column A..XFD, the row's own number, left to
 * right); rows without a reference follow the one before, as do cells.
 */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_import_sheet.h"

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_BOOLEAN, CELL_TEXT };

typedef struct cell {
    int column;
    size_t offset, length;   /* its text in the row's bytes               */
    int has_value;
} cell;

typedef struct sheet_reader {
    ks_xlsxin_book *book;
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

static void fail_at(ks_xlsxin_parse *parse, ks_status code, int column,
                    const char *what)
{
    sheet_reader *reader = parse->user;
    char where[300];
    ks_xlsxin_where(parse->zip->name, reader->sheet, reader->row, column,
                    where, sizeof where);
    ks_error_at(parse->err, code, reader->row, column, "%s: %s", where, what);
    ks_xlsxin_stop(parse, code);
}

static void fail_memory(ks_xlsxin_parse *parse)
{
    ks_error_set(parse->err, KS_ENOMEM, "%s: out of memory reading the "
                 "workbook", parse->zip->name);
    ks_xlsxin_stop(parse, KS_ENOMEM);
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
    reader->row = (int)row;
    reader->in_row = 1;
    reader->column = 0;
    reader->cell_count = 0;
    reader->byte_count = 0;
}

static int grow_fields(sheet_reader *reader, size_t count)
{
    return count > reader->field_capacity &&
           ks_mem_grow(reader->book->zip.alloc, (void **)&reader->fields,
                       &reader->field_capacity, count,
                       sizeof *reader->fields) != 0;
}

static void refuse_left_of_table(ks_xlsxin_parse *parse, int column)
{
    sheet_reader *reader = parse->user;
    char first[24], what[160];
    ks_xlsxin_cell_name(reader->first, 1, first, sizeof first);
    first[strcspn(first, "0123456789")] = '\0';
    snprintf(what, sizeof what, "a value left of the table (its header "
             "begins in column %s)", first);
    fail_at(parse, KS_EFORMAT, column, what);
}

/* A row with a value: its fields from the table's first column to the
 * header's reach, or further when the row reaches further. */
static void end_row(ks_xlsxin_parse *parse)
{
    sheet_reader *reader = parse->user;
    reader->in_row = 0;
    int reach = 0, start = 0;
    for (size_t i = 0; i < reader->cell_count; i++)
        if (reader->cells[i].length > 0) {
            reach = reader->cells[i].column;
            if (start == 0)
                start = reach;
        }
    if (reach == 0)
        return; /* a row with no value, like a blank line */
    if (reader->width == 0) {
        reader->first = start;
        reader->width = reach;
    }
    if (start < reader->first) {
        refuse_left_of_table(parse, start);
        return;
    }
    int last = reach > reader->width ? reach : reader->width;
    int count = last - reader->first + 1;
    if (grow_fields(reader, (size_t)count)) {
        fail_memory(parse);
        return;
    }
    for (int c = 0; c < count; c++)
        reader->fields[c] = (ks_csv_field){ "", 0, reader->row,
                                            reader->first + c, 1 };
    for (size_t i = 0; i < reader->cell_count; i++) {
        const cell *x = &reader->cells[i];
        if (x->column < reader->first)
            continue; /* no value there: checked above */
        reader->fields[x->column - reader->first] = (ks_csv_field){
            reader->bytes + x->offset, x->length, reader->row, x->column,
            !x->has_value
        };
    }
    ks_csv_record record = { parse->zip->name, reader->fields, count,
                             reader->row, ++reader->records, ',' };
    ks_status status = reader->on_record(reader->user_data, &record,
                                         parse->err);
    if (status != KS_OK)
        ks_xlsxin_stop(parse, status);
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

static void start_cell(ks_xlsxin_parse *parse, const char **attributes)
{
    sheet_reader *reader = parse->user;
    const char *r = ks_xlsxin_attribute(attributes, "r");
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
        ks_mem_grow(reader->book->zip.alloc, (void **)&reader->cells,
                    &reader->cell_capacity, reader->cell_count + 1,
                    sizeof *reader->cells) != 0) {
        fail_memory(parse);
        return;
    }
    reader->column = column;
    reader->cell_open = 1;
    reader->type = type_of(ks_xlsxin_attribute(attributes, "t"));
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
        ks_mem_grow(reader->book->zip.alloc, (void **)&reader->bytes,
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

static void on_start(ks_xlsxin_parse *parse, const char *name,
                     const char **attributes)
{
    sheet_reader *reader = parse->user;
    if (!reader->in_data) {
        reader->in_data = is_name(name, "sheetData");
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
    if (is_name(name, "row"))
        start_row(parse, attributes);
    else if (is_name(name, "c") && reader->in_row)
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

ks_status ks_xlsxin_sheet_records(ks_xlsxin_book *book, size_t index,
                                ks_csv_record_fn on_record, void *user_data,
                                ks_error *err)
{
    static const ks_xlsxin_handlers handlers = { on_start, on_end, on_text };
    sheet_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.book = book;
    reader.sheet = book->sheets[index].name;
    reader.on_record = on_record;
    reader.user_data = user_data;
    ks_status status = ks_xlsxin_parse_part(&book->zip,
                                          book->sheets[index].part,
                                          &handlers, &reader, err);
    const ks_allocator *alloc = book->zip.alloc;
    ks_mem_free(alloc, reader.cells);
    ks_mem_free(alloc, reader.bytes);
    ks_mem_free(alloc, reader.fields);
    return status;
}
