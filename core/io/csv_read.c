/*
 * csv_read.c -- CSV records with line and column positions, over libcsv's
 * callback API (csv_read.h).
 *
 * libcsv reports fields and rows but not where they are, and it skips blank
 * rows.  Two ways of reading keep track of positions:
 *
 * - Whole lines holding no NUL or invalid UTF-8 (checked eight bytes at a
 *   time), whose quotes only enclose whole fields holding no quote, CR or
 *   LF ("3,404,016", as spreadsheets write numbers with separators), are
 *   split here without libcsv, as libcsv splits them: a row's fields are
 *   found in one pass, the row is copied once and cut at each delimiter,
 *   a field begins past the one before (at its opening quote), CR, LF and
 *   CRLF end a row, blank lines are skipped, an empty field is null
 *   unless quoted.  There is nothing else to decide on such lines, and
 *   libcsv's byte-at-a-time state machine was most of an import's time.
 * - Anything else (a doubled or stray quote, a quoted line break, a field
 *   across chunks, bad bytes)
 *   is scanned byte by byte -- counting lines and columns, checking UTF-8,
 *   refusing NUL bytes -- and libcsv gets runs of ordinary bytes plus each
 *   delimiter, CR and LF on its own, so every callback happens while one
 *   known byte is being parsed.  The delimiter (comma, tab or semicolon)
 *   is decided by the first line, held until it is whole.
 *
 * tests/c/test_csv_fast_path.c checks the first way against the second on
 * random and hostile files, record for record and error for error.
 *
 * Options: CSV_STRICT (stray quotes), CSV_STRICT_FINI (a quote never
 * closed), CSV_EMPTY_IS_NULL (to tell `,,` from `,"",`).  Fields are copied
 * with their length, so CSV_APPEND_NULL is not needed.  Spaces are never
 * trimmed (csv_set_space_func): a field is exactly what was written.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/csv_read.h"
#include "io/number.h"
#include "kessan/text.h"

#define CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL)
#define MIN_BLOCK 1024

/*
 * libcsv's realloc and free hooks take no user data, so they reach the
 * allocator of the parse in progress through this pointer.  It is set just
 * around each csv_parse / csv_fini / csv_free call (and put back after, so
 * a reader used inside another's callback is fine) and is per thread, so
 * readers on different threads never see each other's allocator.
 */
static _Thread_local const ks_allocator *libcsv_allocator;

static void *libcsv_realloc(void *block, size_t size)
{
    return ks_mem_realloc(libcsv_allocator, block, size);
}

static void libcsv_free(void *block)
{
    ks_mem_free(libcsv_allocator, block);
}

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static const unsigned char utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

/* ---- errors ---------------------------------------------------------- */

static ks_status fail_at(ks_csv_reader *reader, ks_status code,
                         ks_csv_position where, const char *what)
{
    if (reader->status != KS_OK)
        return reader->status;
    reader->status = code;
    ks_error_at(&reader->error, code, where.line, where.column, "%s:%d:%d: %s",
                reader->name, where.line, where.column, what);
    return code;
}

static ks_status fail_memory(ks_csv_reader *reader)
{
    if (reader->status != KS_OK)
        return reader->status;
    reader->status = KS_ENOMEM;
    ks_error_set(&reader->error, KS_ENOMEM, "%s: out of memory reading CSV",
                 reader->name);
    return KS_ENOMEM;
}

static ks_status report(const ks_csv_reader *reader, ks_error *err)
{
    if (reader->status != KS_OK && err)
        *err = reader->error;
    return reader->status;
}

/* ---- libcsv callbacks -------------------------------------------------- */

static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static int count_columns(const unsigned char *bytes, size_t size)
{
    int columns = 0;
    for (size_t i = 0; i < size; i++)
        columns += !is_continuation(bytes[i]);
    return columns;
}

static void on_field(void *text, size_t length, void *data)
{
    ks_csv_reader *reader = data;
    if (reader->status != KS_OK)
        return;
    if (length >= SIZE_MAX - reader->byte_count - 1
        || (reader->byte_count + length + 1 > reader->byte_capacity
            && ks_mem_grow(reader->alloc, (void **)&reader->bytes,
                           &reader->byte_capacity,
                           reader->byte_count + length + 1, 1) != 0)
        || (reader->pending_count == reader->pending_capacity
            && ks_mem_grow(reader->alloc, (void **)&reader->pending,
                           &reader->pending_capacity,
                           reader->pending_count + 1,
                           sizeof *reader->pending) != 0)) {
        fail_memory(reader);
        return;
    }
    ks_csv_pending *field = &reader->pending[reader->pending_count++];
    field->offset = reader->byte_count;
    field->length = length;
    field->start = reader->field_start;
    field->is_null = text == NULL;
    if (length)
        memcpy(reader->bytes + reader->byte_count, text, length);
    reader->byte_count += length;
    reader->bytes[reader->byte_count++] = '\0';
    reader->field_start = reader->after;
    reader->row_begun = 1;
}

static void on_row(int terminator, void *data)
{
    (void)terminator;
    ks_csv_reader *reader = data;
    reader->row_begun = 0;
    reader->field_start = reader->after;
    if (reader->status != KS_OK)
        return;
    if (reader->pending_count > reader->field_capacity &&
        ks_mem_grow(reader->alloc, (void **)&reader->fields,
                    &reader->field_capacity, reader->pending_count,
                    sizeof *reader->fields) != 0) {
        fail_memory(reader);
        return;
    }
    for (size_t i = 0; i < reader->pending_count; i++) {
        const ks_csv_pending *field = &reader->pending[i];
        reader->fields[i] = (ks_csv_field){
            reader->bytes + field->offset, field->length, field->start.line,
            field->start.column, field->is_null
        };
    }
    ks_csv_record record = {
        reader->name, reader->fields, (int)reader->pending_count,
        reader->pending_count ? reader->fields[0].line : reader->at.line,
        ++reader->record_count, (char)reader->delimiter
    };
    reader->pending_count = 0;
    reader->byte_count = 0;
    ks_status status = reader->on_record(reader->user_data, &record,
                                         &reader->error);
    if (status != KS_OK)
        reader->status = status;
}

/* ---- feeding libcsv ---------------------------------------------------- */

static size_t parse(ks_csv_reader *reader, const unsigned char *bytes,
                    size_t size)
{
    /* Grow libcsv's field buffer geometrically rather than 128 at a time. */
    size_t block = csv_get_buffer_size(&reader->parser);
    csv_set_blk_size(&reader->parser, block < MIN_BLOCK ? MIN_BLOCK : block);
    const ks_allocator *saved = libcsv_allocator;
    libcsv_allocator = reader->alloc;
    size_t consumed = csv_parse(&reader->parser, bytes, size, on_field, on_row,
                                reader);
    libcsv_allocator = saved;
    return consumed;
}

static ks_status parse_failed(ks_csv_reader *reader, ks_csv_position where,
                              const unsigned char *at, size_t left)
{
    if (reader->status != KS_OK)
        return reader->status;
    int code = csv_error(&reader->parser);
    if (code == CSV_ENOMEM)
        return fail_memory(reader);
    if (code == CSV_ETOOBIG)
        return fail_at(reader, KS_EFORMAT, where, "field too large");
    /* A stray quote: at it, or just after the quote that closed a field. */
    if (left == 0 || *at != '"')
        where.column--;
    return fail_at(reader, KS_EFORMAT, where,
                   "stray quote (a field holding a quote must be quoted, "
                   "with the quote doubled: \"a \"\"b\"\"\")");
}

/* A run of bytes holding no comma, CR or LF. */
static ks_status feed_run(ks_csv_reader *reader, const unsigned char *bytes,
                          size_t size, ks_csv_position start)
{
    if (size == 0)
        return KS_OK;
    reader->row_begun = 1;
    size_t consumed = parse(reader, bytes, size);
    if (consumed == size && reader->status == KS_OK)
        return KS_OK;
    ks_csv_position where = start;
    where.column += count_columns(bytes, consumed);
    return parse_failed(reader, where, bytes + consumed, size - consumed);
}

static ks_csv_position position_after(const ks_csv_reader *reader,
                                      unsigned char c)
{
    ks_csv_position next = reader->at;
    if (c == '\r' || (c == '\n' && !reader->after_cr)) {
        next.line++;
        next.column = 1;
    } else if (c != '\n') {
        next.column++;
    }
    return next;
}

/* One comma, CR or LF: the byte that ends a field, a row or a blank line. */
static ks_status feed_special(ks_csv_reader *reader, unsigned char c)
{
    int row_was_begun = reader->row_begun;
    reader->after = position_after(reader, c);
    if (parse(reader, &c, 1) != 1)
        return parse_failed(reader, reader->at, &c, 1);
    if (reader->status != KS_OK)
        return reader->status;
    if (!row_was_begun && c != reader->delimiter)
        reader->field_start = reader->after; /* a blank line, skipped */
    return KS_OK;
}

/* Check one byte as UTF-8; returns 0, or -1 when it cannot be there. */
static int check_utf8(ks_csv_reader *reader, unsigned char c)
{
    if (reader->utf8_needed > 0) {
        if (c < reader->utf8_low || c > reader->utf8_high)
            return -1;
        reader->utf8_needed--;
        reader->utf8_low = 0x80;
        reader->utf8_high = 0xBF;
        return 0;
    }
    if (c < 0x80)
        return 0;
    reader->utf8_start = reader->at;
    reader->utf8_low = 0x80;
    reader->utf8_high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        reader->utf8_needed = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        reader->utf8_needed = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        reader->utf8_needed = 3;
    else
        return -1;
    if (c == 0xE0)
        reader->utf8_low = 0xA0;  /* overlong */
    else if (c == 0xED)
        reader->utf8_high = 0x9F; /* surrogates */
    else if (c == 0xF0)
        reader->utf8_low = 0x90;  /* overlong */
    else if (c == 0xF4)
        reader->utf8_high = 0x8F; /* beyond U+10FFFF */
    return 0;
}

static ks_status invalid_utf8(ks_csv_reader *reader)
{
    ks_csv_position where =
        reader->utf8_needed > 0 ? reader->utf8_start : reader->at;
    return fail_at(reader, KS_EFORMAT, where,
                   "invalid UTF-8 (save the file as UTF-8)");
}

static int is_special(const ks_csv_reader *reader, unsigned char c)
{
    return c == reader->delimiter || c == '\r' || c == '\n';
}

static ks_status feed_scanned(ks_csv_reader *reader,
                              const unsigned char *bytes, size_t size)
{
    size_t run = 0;
    ks_csv_position run_start = reader->at;
    for (size_t i = 0; i < size; i++) {
        unsigned char c = bytes[i];
        int bad_utf8 = check_utf8(reader, c) != 0;
        if (bad_utf8 || c == '\0' || is_special(reader, c)) {
            if (feed_run(reader, bytes + run, i - run, run_start) != KS_OK)
                return reader->status;
            if (bad_utf8)
                return invalid_utf8(reader);
            if (c == '\0')
                return fail_at(reader, KS_EFORMAT, reader->at,
                               "NUL byte (is this a text file?)");
            if (feed_special(reader, c) != KS_OK)
                return reader->status;
            reader->at = reader->after;
            reader->after_cr = c == '\r';
            run = i + 1;
            run_start = reader->at;
            continue;
        }
        if (!is_continuation(c) && reader->at.column < INT_MAX)
            reader->at.column++;
        reader->after_cr = 0;
    }
    return feed_run(reader, bytes + run, size - run, run_start);
}

/* ---- the fast path: whole clean lines at once ------------------------- */

#define BYTES_OF(x) (UINT64_C(0x0101010101010101) * (x))

/* Any byte of the word zero, a quote or not ASCII. */
static int word_needs_care(uint64_t word)
{
    uint64_t quotes = word ^ BYTES_OF(0x22);
    uint64_t zero = (word - BYTES_OF(0x01)) & ~word;
    uint64_t quote = (quotes - BYTES_OF(0x01)) & ~quotes;
    return ((zero | quote | word) & BYTES_OF(0x80)) != 0;
}

/* Whether a byte ends a field of a clean line: the delimiter, CR, LF. */
static int ends_field(const ks_csv_reader *reader, unsigned char c)
{
    return c == reader->delimiter || c == '\n' || c == '\r';
}

/* A quote at bytes[at] that opens a simple quoted field -- at the start
 * of a line or just after a delimiter, closed by the next quote before
 * any CR, LF or NUL, and followed by the delimiter, CR or LF -- gives the
 * position past its closing quote; anything else 0.  Its bytes are
 * checked as UTF-8 (*ascii cleared when one is not ASCII). */
static size_t simple_quoted(const ks_csv_reader *reader,
                            const unsigned char *bytes, size_t size,
                            size_t at, int *ascii)
{
    if (at > 0 && bytes[at - 1] != reader->delimiter &&
        bytes[at - 1] != '\n' && bytes[at - 1] != '\r')
        return 0;
    for (size_t i = at + 1; i < size;) {
        unsigned char c = bytes[i];
        if (c == '"')
            return i + 1 < size && ends_field(reader, bytes[i + 1]) ? i + 1
                                                                    : 0;
        if (c == '\r' || c == '\n' || c == '\0')
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t length = ks_utf8_decode((const char *)bytes + i, size - i, NULL);
        if (length == 0)
            return 0;
        *ascii = 0;
        i += length;
    }
    return 0;
}

/* How many bytes at the start are whole lines (ending in LF) holding no
 * NUL, invalid UTF-8 or quote but those of simple quoted fields; *ascii
 * tells whether all are ASCII. */
static size_t clean_lines(const ks_csv_reader *reader,
                          const unsigned char *bytes, size_t size, int *ascii)
{
    size_t at = 0;
    *ascii = 1;
    while (at < size) {
        uint64_t word;
        if (size - at >= sizeof word) {
            memcpy(&word, bytes + at, sizeof word);
            if (!word_needs_care(word)) {
                at += sizeof word;
                continue;
            }
        }
        unsigned char c = bytes[at];
        if (c == '"') {
            size_t past = simple_quoted(reader, bytes, size, at, ascii);
            if (past == 0)
                break;
            at = past;
            continue;
        }
        if (c == '\0')
            break;
        if (c < 0x80) {
            at++;
            continue;
        }
        size_t length = ks_utf8_decode((const char *)bytes + at, size - at, NULL);
        if (length == 0)
            break;
        *ascii = 0;
        at += length;
    }
    while (at > 0 && bytes[at - 1] != '\n')
        at--;
    return at;
}

/* A row of a clean run, from `row` up to the CR or LF that ends it: its
 * fields are found in one pass (offsets and columns kept in
 * reader->pending; a quoted field's text is between its quotes), then the
 * row is copied once, cut at the end of each field and handed over.
 * *length is the row's length. */
static ks_status split_row(ks_csv_reader *reader, const unsigned char *row,
                           int line, int ascii, size_t *length)
{
    size_t count = 0, start = 0, at;
    int column = 1;
    for (;;) {
        int quoted = row[start] == '"';
        size_t offset = start + (size_t)quoted, end = offset;
        if (quoted) {
            while (row[end] != '"') /* clean_lines found it on this line */
                end++;
            at = end + 1;
        } else {
            while (!ends_field(reader, row[end]))
                end++;
            at = end;
        }
        if (count == reader->pending_capacity &&
            ks_mem_grow(reader->alloc, (void **)&reader->pending,
                        &reader->pending_capacity, count + 1,
                        sizeof *reader->pending) != 0)
            return fail_memory(reader);
        reader->pending[count++] = (ks_csv_pending){
            offset, end - offset, { line, column }, !quoted && end == offset
        };
        column += (ascii ? (int)(at - start)
                         : count_columns(row + start, at - start)) + 1;
        if (row[at] != reader->delimiter)
            break;
        start = at + 1;
    }
    *length = at;
    if ((at + 1 > reader->byte_capacity &&
         ks_mem_grow(reader->alloc, (void **)&reader->bytes,
                     &reader->byte_capacity, at + 1, 1) != 0)
        || (count > reader->field_capacity &&
            ks_mem_grow(reader->alloc, (void **)&reader->fields,
                        &reader->field_capacity, count,
                        sizeof *reader->fields) != 0))
        return fail_memory(reader);
    char *bytes = reader->bytes;
    memcpy(bytes, row, at);
    for (size_t i = 0; i < count; i++) {
        const ks_csv_pending *field = &reader->pending[i];
        bytes[field->offset + field->length] = '\0';
        reader->fields[i] = (ks_csv_field){ bytes + field->offset,
                                            field->length, line,
                                            field->start.column,
                                            field->is_null };
    }
    ks_csv_record record = { reader->name, reader->fields, (int)count, line,
                             ++reader->record_count, (char)reader->delimiter };
    ks_status status = reader->on_record(reader->user_data, &record,
                                         &reader->error);
    if (status != KS_OK)
        reader->status = status;
    return status;
}

/*
 * Whole clean lines (holding no NUL, invalid UTF-8 or quote but those of
 * simple quoted fields, the last ending in LF), the reader at the start of
 * a row and a line: split here without libcsv, as libcsv would split them
 * -- a CR, an LF or CRLF ends a row, blank lines are skipped, an empty
 * field is null unless quoted, spaces are kept.
 */
static ks_status feed_lines(ks_csv_reader *reader, const unsigned char *bytes,
                            size_t size, int ascii)
{
    size_t at = 0;
    int line = reader->at.line;
    int prev_cr = reader->after_cr;
    while (at < size && reader->status == KS_OK) {
        unsigned char c = bytes[at];
        if (c == '\r' || c == '\n') {
            if (c == '\r' || !prev_cr)
                line++;
            prev_cr = c == '\r';
            at++;
            continue;
        }
        prev_cr = 0;
        size_t length = 0;
        split_row(reader, bytes + at, line, ascii, &length);
        at += length;
    }
    reader->at = (ks_csv_position){ line, 1 };
    reader->after = reader->field_start = reader->at;
    reader->after_cr = prev_cr;
    reader->row_begun = 0;
    return reader->status;
}

static ks_status feed_delimited(ks_csv_reader *reader,
                                const unsigned char *bytes, size_t size)
{
    while (size > 0) {
        int ascii = 1;
        size_t clean = 0;
        if (!reader->row_begun && reader->utf8_needed == 0 &&
            reader->at.column == 1 && reader->at.line < INT_MAX / 2)
            clean = clean_lines(reader, bytes, size, &ascii);
        if (clean > 0) {
            if (feed_lines(reader, bytes, clean, ascii) != KS_OK)
                return reader->status;
        } else {
            /* up to the end of the line, byte by byte */
            const unsigned char *line_end = memchr(bytes, '\n', size);
            clean = line_end ? (size_t)(line_end - bytes) + 1 : size;
            if (feed_scanned(reader, bytes, clean) != KS_OK)
                return reader->status;
        }
        bytes += clean;
        size -= clean;
    }
    return KS_OK;
}

/* ---- the delimiter: comma, tab or semicolon, from the first line ------- */

/* The first line's delimiter: a comma when it has one outside quotes,
 * else a tab, else a semicolon, else (one column) a comma. */
static unsigned char detect_delimiter(const unsigned char *line, size_t size)
{
    size_t commas = 0, tabs = 0, semicolons = 0;
    int quoted = 0;
    for (size_t i = 0; i < size && line[i] != '\n'; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (!quoted) {
            commas += line[i] == ',';
            tabs += line[i] == '\t';
            semicolons += line[i] == ';';
        }
    }
    return commas ? ',' : tabs ? '\t' : semicolons ? ';' : ',';
}

static void set_delimiter(ks_csv_reader *reader, unsigned char delimiter)
{
    reader->delimiter = delimiter;
    csv_set_delim(&reader->parser, delimiter);
}

/* The held first line (or its first KS_CSV_FIRST_LINE_MAX bytes) decides
 * the delimiter; then it is read like the rest. */
static ks_status release_first_line(ks_csv_reader *reader)
{
    set_delimiter(reader, detect_delimiter(reader->first_line,
                                           reader->first_line_length));
    return feed_delimited(reader, reader->first_line,
                          reader->first_line_length);
}

static ks_status feed_bytes(ks_csv_reader *reader, const unsigned char *bytes,
                            size_t size)
{
    if (reader->delimiter)
        return feed_delimited(reader, bytes, size);
    size_t room = sizeof reader->first_line - reader->first_line_length;
    const unsigned char *newline = memchr(bytes, '\n', size);
    size_t take = newline ? (size_t)(newline - bytes) + 1 : size;
    if (take > room)
        take = room;
    memcpy(reader->first_line + reader->first_line_length, bytes, take);
    reader->first_line_length += take;
    int decided = take < size || (newline && newline < bytes + take)
                  || reader->first_line_length == sizeof reader->first_line;
    if (!decided)
        return KS_OK;
    if (release_first_line(reader) != KS_OK)
        return reader->status;
    return feed_delimited(reader, bytes + take, size - take);
}

/* Drop a byte order mark, which may arrive split across chunks. */
static ks_status replay_held_bom(ks_csv_reader *reader)
{
    int held = reader->bom_matched;
    reader->bom_matched = -1;
    return held > 0 ? feed_bytes(reader, utf8_bom, (size_t)held) : KS_OK;
}

/* ---- public ------------------------------------------------------------- */

void ks_csv_reader_init(ks_csv_reader *reader, const ks_allocator *alloc,
                        const char *name, ks_csv_record_fn on_record,
                        void *user_data)
{
    memset(reader, 0, sizeof *reader);
    csv_init(&reader->parser, CSV_OPTIONS);
    csv_set_space_func(&reader->parser, never_space);
    csv_set_realloc_func(&reader->parser, libcsv_realloc);
    csv_set_free_func(&reader->parser, libcsv_free);
    reader->alloc = alloc;
    reader->name = name ? name : "(csv)";
    reader->on_record = on_record;
    reader->user_data = user_data;
    reader->at = (ks_csv_position){ 1, 1 };
    reader->after = reader->at;
    reader->field_start = reader->at;
    ks_error_clear(&reader->error);
}

ks_status ks_csv_reader_feed(ks_csv_reader *reader, const void *data,
                             size_t size, ks_error *err)
{
    const unsigned char *bytes = data;
    if (reader->status != KS_OK || reader->finished)
        return report(reader, err);
    while (size > 0 && reader->bom_matched >= 0) {
        if (*bytes != utf8_bom[reader->bom_matched]) {
            if (replay_held_bom(reader) != KS_OK)
                return report(reader, err);
            break;
        }
        bytes++;
        size--;
        if (++reader->bom_matched == 3)
            reader->bom_matched = -1;
    }
    if (size > 0)
        feed_bytes(reader, bytes, size);
    return report(reader, err);
}

ks_status ks_csv_reader_finish(ks_csv_reader *reader, ks_error *err)
{
    if (reader->status != KS_OK || reader->finished)
        return report(reader, err);
    reader->finished = 1;
    if (replay_held_bom(reader) != KS_OK)
        return report(reader, err);
    if (!reader->delimiter && release_first_line(reader) != KS_OK)
        return report(reader, err);
    if (reader->utf8_needed > 0) {
        invalid_utf8(reader);
        return report(reader, err);
    }
    reader->after = reader->at;
    const ks_allocator *saved = libcsv_allocator;
    libcsv_allocator = reader->alloc;
    int failed = csv_fini(&reader->parser, on_field, on_row, reader) != 0;
    libcsv_allocator = saved;
    if (failed)
        fail_at(reader, KS_EFORMAT, reader->field_start,
                "quote opened here is never closed");
    return report(reader, err);
}

void ks_csv_reader_release(ks_csv_reader *reader)
{
    const ks_allocator *saved = libcsv_allocator;
    libcsv_allocator = reader->alloc;
    csv_free(&reader->parser);
    libcsv_allocator = saved;
    ks_mem_free(reader->alloc, reader->bytes);
    ks_mem_free(reader->alloc, reader->pending);
    ks_mem_free(reader->alloc, reader->fields);
    reader->bytes = NULL;
    reader->pending = NULL;
    reader->fields = NULL;
    reader->byte_capacity = reader->pending_capacity = 0;
    reader->field_capacity = 0;
}

ks_status ks_csv_read_buffer(const ks_allocator *alloc, const char *name,
                             const void *data, size_t size,
                             ks_csv_record_fn on_record, void *user_data,
                             ks_error *err)
{
    ks_csv_reader reader;
    ks_csv_reader_init(&reader, alloc, name, on_record, user_data);
    ks_status status = ks_csv_reader_feed(&reader, data, size, err);
    if (status == KS_OK)
        status = ks_csv_reader_finish(&reader, err);
    ks_csv_reader_release(&reader);
    return status;
}

/* ---- reading fields ------------------------------------------------------ */

ks_csv_span ks_csv_trimmed(const ks_csv_field *field)
{
    ks_csv_span span = { field->text, field->length };
    while (span.length && (span.text[0] == ' ' || span.text[0] == '\t')) {
        span.text++;
        span.length--;
    }
    while (span.length && (span.text[span.length - 1] == ' ' ||
                           span.text[span.length - 1] == '\t'))
        span.length--;
    return span;
}

int ks_csv_span_is(ks_csv_span span, const char *word)
{
    return span.length == strlen(word) &&
           memcmp(span.text, word, span.length) == 0;
}

ks_status ks_csv_fail_field(ks_error *err, ks_status code,
                            const ks_csv_record *record,
                            const ks_csv_field *field, const char *what)
{
    return ks_error_at(err, code, field->line, field->column, "%s:%d:%d: %s",
                       record->name, field->line, field->column, what);
}

/* A value that is no number: the reason when there is one beyond that
 * ("'1e-400' is too small for a double: it would read as 0"). */
ks_status ks_csv_refuse_number(const ks_csv_record *record,
                               const ks_csv_field *field, ks_csv_span text,
                               ks_error *err)
{
    char what[KS_MESSAGE_MAX / 2];
    int shown = (int)(text.length > 40 ? 40 : text.length);
    const char *more = text.length > 40 ? "..." : "";
    const char *reason = ks_number_refusal(text.text, text.length);
    if (reason)
        snprintf(what, sizeof what, "'%.*s%s' %s", shown, text.text, more,
                 reason);
    else
        snprintf(what, sizeof what, "expected a number like 1,234 or "
                 "(566,520), got '%.*s%s'", shown, text.text, more);
    return ks_csv_fail_field(err, KS_EFORMAT, record, field, what);
}
