/*
 * csv_read.h -- reading CSV records with positions (internal), over
 * libcsv's callback API.
 *
 * Each record comes with the 1-based line and column (in characters) where
 * every field begins -- its opening quote for a quoted field.  A UTF-8 byte
 * order mark is dropped, CRLF and LF both end a record, blank lines are
 * skipped, spaces are kept exactly as written (trim where a number is
 * expected), and invalid UTF-8, NUL bytes, stray quotes and a quote never
 * closed are errors "name:line:column: what".  The first error stops the
 * reader: later input is ignored and every call returns that error.
 *
 * Fields are separated by commas, or by tabs or semicolons when the first
 * line (its first KS_CSV_FIRST_LINE_MAX bytes) has them and no comma
 * outside quotes: the files a spreadsheet saves as "tab-separated" or, in
 * locales whose decimal mark is a comma, "CSV" with semicolons.
 */
#ifndef KS_CSV_READ_H
#define KS_CSV_READ_H

#include <stddef.h>
#include <csv.h>

#include "kessan/kessan.h"

typedef struct ks_csv_field {
    const char *text; /* the field, NUL-terminated; valid during the call  */
    size_t length;
    int line;         /* where the field begins                            */
    int column;
    int is_null;      /* nothing written at all (not even "")              */
} ks_csv_field;

typedef struct ks_csv_record {
    const char *name;            /* the file name given to the reader      */
    const ks_csv_field *fields;
    int count;
    int line;                    /* line of the first field                */
    int number;                  /* 1 for the first record (the header)    */
    char delimiter;              /* ',', '\t' or ';' (see above)           */
} ks_csv_record;

/*
 * Called for every record.  Return KS_OK to go on; anything else stops the
 * reader, which keeps the status and the message the callback put in err
 * (fill it with ks_error_at and the field's position).
 */
typedef ks_status (*ks_csv_record_fn)(void *user_data,
                                      const ks_csv_record *record,
                                      ks_error *err);

/* Where a field now being read starts; the rest is private to csv_read.c. */
typedef struct ks_csv_position {
    int line;
    int column;
} ks_csv_position;

typedef struct ks_csv_pending {
    size_t offset;
    size_t length;
    ks_csv_position start;
    int is_null;
} ks_csv_pending;

#define KS_CSV_FIRST_LINE_MAX 4096

typedef struct ks_csv_reader {
    struct csv_parser parser;
    unsigned char delimiter;     /* 0 until the first line has decided     */
    unsigned char first_line[KS_CSV_FIRST_LINE_MAX]; /* held till then     */
    size_t first_line_length;
    const ks_allocator *alloc;
    const char *name;
    ks_csv_record_fn on_record;
    void *user_data;
    ks_status status;            /* the first error, or KS_OK              */
    ks_error error;
    int finished;
    ks_csv_position at;          /* the next byte                          */
    ks_csv_position after;       /* just past the byte being parsed        */
    ks_csv_position field_start; /* the field now being read               */
    int after_cr;
    int row_begun;
    int bom_matched;             /* 0..2 bytes of a BOM held; -1 when done */
    int utf8_needed;             /* continuation bytes still expected      */
    unsigned char utf8_low, utf8_high;
    ks_csv_position utf8_start;
    char *bytes;                 /* the fields of the current record       */
    size_t byte_count, byte_capacity;
    ks_csv_pending *pending;
    size_t pending_count, pending_capacity;
    ks_csv_field *fields;
    size_t field_capacity;
    int record_count;
} ks_csv_reader;

/* Start a reader; `name` (kept, not copied) prefixes messages. */
void ks_csv_reader_init(ks_csv_reader *reader, const ks_allocator *alloc,
                        const char *name, ks_csv_record_fn on_record,
                        void *user_data);
/* Feed the next chunk; chunk boundaries never change the result. */
ks_status ks_csv_reader_feed(ks_csv_reader *reader, const void *data,
                             size_t size, ks_error *err);
/* End of input: the last record without a newline, an unclosed quote. */
ks_status ks_csv_reader_finish(ks_csv_reader *reader, ks_error *err);
/* Release the reader's memory (safe after any error, or twice). */
void ks_csv_reader_release(ks_csv_reader *reader);

/* Read a whole buffer (a file: ks_csv_file_read, csv_file.h). */
ks_status ks_csv_read_buffer(const ks_allocator *alloc, const char *name,
                             const void *data, size_t size,
                             ks_csv_record_fn on_record, void *user_data,
                             ks_error *err);

/* ---- reading fields ------------------------------------------------------ */

/* A field's text without the spaces and tabs around it (not terminated). */
typedef struct ks_csv_span {
    const char *text;
    size_t length;
} ks_csv_span;

ks_csv_span ks_csv_trimmed(const ks_csv_field *field);
/* Whether a span is exactly `word`. */
int ks_csv_span_is(ks_csv_span span, const char *word);
/* Fill err with "name:line:column: what" at the field; returns `code`. */
ks_status ks_csv_fail_field(ks_error *err, ks_status code,
                            const ks_csv_record *record,
                            const ks_csv_field *field, const char *what);
/* Refuse a field that is no number (KS_EFORMAT): with the reason when it
 * reads as one but is refused ("'1e-400' is too small for a double: it
 * would read as 0", io/number.h), else "expected a number like 1,234 or
 * (566,520), got '...'". */
ks_status ks_csv_refuse_number(const ks_csv_record *record,
                               const ks_csv_field *field, ks_csv_span text,
                               ks_error *err);

#endif
