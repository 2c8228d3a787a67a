/*
 * xlsx_export.h -- what the workbook export's files share (internal to
 * io/xlsx_export*.c): where each item's row is on which sheet (a view),
 * formula text as it is built, and the cell formulas of a view.
 *
 *   xlsx_export.c          the workbook: sheets in order, atomic write,
 *                          the report
 *   xlsx_export_sheet.c    a sheet of items by periods: headers, labels,
 *                          rows; the Inputs sheet
 *   xlsx_export_names.c    sheet names as Excel takes them, unique
 *   xlsx_export_formula.c  a kessan formula as an Excel formula
 *   xlsx_export_cell.c     what one cell holds: an input, a reference to
 *                          the Inputs sheet, a time summary, an implied
 *                          quarter, a formula
 *   xlsx_export_formats.c  number formats and styles
 *   xlsx_export_text.c     text as XML and formulas: numbers, A1
 *                          references, escaped labels
 *   xlsx_export_parts.c    the package's small parts: workbook, rels,
 *                          content types, properties, comments and their
 *                          VML drawings
 *   xlsx_package.c         the zip package, each part deflated as it is
 *                          produced (xlsx_package.h)
 */
#ifndef KS_XLSX_EXPORT_H
#define KS_XLSX_EXPORT_H

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "kessan/workbook.h"

/* Excel's limits: the longest formula (characters) and the deepest
 * nesting of functions. */
#define KS_XLSX_FORMULA_MAX 8192
#define KS_XLSX_NESTING_MAX 64
/* ... and the most arguments a function takes. */
#define KS_XLSX_ARGUMENTS_MAX 255
/* ks_xlsx_formula_translate's answer for a formula that passes min or max
 * more arguments than that. */
#define KS_XLSX_TOO_MANY_ARGUMENTS 1000000
/* Excel's range of numbers (its specifications and limits): a number
 * nearer 0 than DBL_MIN (2^-1022, a subnormal) is read and computed as
 * 0; none larger in magnitude than this is typed into a cell, though a
 * formula computes up to DBL_MAX. */
#define KS_XLSX_TYPED_MAX 9.99999999999999e307
/* The first period's column on a statement or scenario sheet (A label,
 * B Japanese label, C id), and on the Inputs sheet (A id). */
#define KS_XLSX_FIRST_PERIOD_COLUMN 3
#define KS_XLSX_INPUTS_FIRST_COLUMN 1

/* Formula text being built; a failed allocation sets `failed` and later
 * appends do nothing. */
typedef struct ks_xlsx_text {
    char *data;
    size_t length, capacity;
    const ks_allocator *alloc;
    int failed;
} ks_xlsx_text;

void ks_xlsx_text_init(ks_xlsx_text *text, const ks_allocator *alloc);
void ks_xlsx_text_release(ks_xlsx_text *text);
/* Room for `length` more bytes and a NUL (sets `failed` when none). */
void ks_xlsx_reserve(ks_xlsx_text *text, size_t length);
static inline void ks_xlsx_put_bytes(ks_xlsx_text *text, const char *bytes,
                                     size_t length)
{
    if (text->length + length >= text->capacity) {
        ks_xlsx_reserve(text, length);
        if (text->failed)
            return;
    }
    memcpy(text->data + text->length, bytes, length);
    text->length += length;
    text->data[text->length] = '\0';
}
void ks_xlsx_put(ks_xlsx_text *text, const char *bytes);
/* A number in a formula (shortest text that reads back the same,
 * negative in parentheses). */
void ks_xlsx_put_number(ks_xlsx_text *text, double number);
/* A number as a cell's value <v>: text that reads back as the same
 * double (a short decimal when there is one, else 17 digits). */
void ks_xlsx_put_value(ks_xlsx_text *text, double number);
void ks_xlsx_put_int(ks_xlsx_text *text, long number);
/* `bytes` as XML character data or an attribute's value: & < > "
 * escaped; the text is to be ks_xlsx_xml_safe already. */
void ks_xlsx_put_escaped(ks_xlsx_text *text, const char *bytes,
                         size_t length);
/* The same as an element's character data: & < > escaped. */
void ks_xlsx_put_content(ks_xlsx_text *text, const char *bytes,
                         size_t length);
/* "C5", or "'Income statement'!C5" when on another sheet than `here`. */
void ks_xlsx_put_cell(ks_xlsx_text *text, const char *sheet_prefix,
                      int row, int column);
void ks_xlsx_put_column(ks_xlsx_text *text, int column);

typedef struct ks_xlsx_formulas ks_xlsx_formulas;

/* Where a view's items are: the sheets of the base model's statements,
 * or one scenario's sheet.  Row and sheet per item; column per period. */
typedef struct ks_xlsx_view {
    ks_model *model;      /* the handle whose values the cells cache      */
    int *sheet;           /* per item: index into prefix, or -1           */
    int *row;             /* per item: 0-based row on its sheet           */
    char **prefix;        /* per sheet: "'Name'!"                          */
    int sheet_count;
    const int *column;    /* per period: 0-based column                   */
    int *input_row;       /* per item: row on the Inputs sheet, or -1     */
    const char *inputs_prefix; /* "'Inputs'!"                             */
    int overrides_in_place; /* a scenario's sheet: its own overrides are
                               written in the cell, not on Inputs        */
    const ks_xlsx_formulas *formulas;
    unsigned char *sure;  /* per cell (item * periods + period): 0 not yet
                             known, 1 always a number, 2 not            */
    int period_count;
} ks_xlsx_view;

/* One parsed formula per item (NULL: none), shared by every view. */

ks_status ks_xlsx_formulas_parse(ks_model *model, ks_xlsx_formulas **out,
                                 ks_error *err);
void ks_xlsx_formulas_free(ks_model *model, ks_xlsx_formulas *formulas);

/* What a cell holds in the workbook. */
typedef enum ks_xlsx_cell_kind {
    KS_XLSX_EMPTY = 0,  /* missing, with nothing to compute it            */
    KS_XLSX_NUMBER,     /* an input written in place (a scenario's own)  */
    KS_XLSX_FORMULA     /* text: a formula (without '='), value cached    */
} ks_xlsx_cell_kind;

typedef struct ks_xlsx_cell {
    ks_xlsx_cell_kind kind;
    ks_value value;        /* kessan's value of the cell                   */
    int is_input;          /* an input of the view (reference or in place) */
    int is_override;       /* a scenario's own override                    */
    const char *unexpressed; /* why the formula could not be written, or
                                NULL: then the cell is a value + comment  */
} ks_xlsx_cell;

/*
 * The cell (item, period) of `view` into *cell, its formula into `text`
 * (emptied first).  KS_ENOMEM only; a formula Excel cannot hold (too long,
 * nested too deep) comes back as KS_XLSX_NUMBER or KS_XLSX_EMPTY with
 * `unexpressed` saying why.
 */
ks_status ks_xlsx_cell_of(const ks_xlsx_view *view, int sheet,
                          int item, int period, ks_xlsx_text *text,
                          ks_xlsx_cell *cell, ks_error *err);

/* The formula of `item` at `period` translated (xlsx_export_formula.c):
 * written into `text` as an expression that is "" where kessan's value is
 * missing; `fallback` (may be NULL) is what a missing result becomes
 * instead of "".  Returns the deepest function nesting used, or
 * KS_XLSX_TOO_MANY_ARGUMENTS (sum's arguments past Excel's 255 are a
 * nested SUM; AND and OR likewise). */
typedef struct ks_xlsx_formula ks_xlsx_formula;
int ks_xlsx_formula_translate(const ks_xlsx_view *view,
                              const ks_xlsx_formula *formula, int sheet,
                              int period, const char *fallback,
                              ks_xlsx_text *text);
ks_xlsx_formula *ks_xlsx_formula_of(const ks_xlsx_formulas *formulas,
                                    int item);

/*
 * Whether a cell of the view is always a number, whatever numbers its
 * inputs hold (xlsx_export_cell.c): an input holding a number, a step of
 * its year from such, a summary whose first set of parts is, a formula
 * that reads only such cells and neither divides nor raises to a power.
 * A reference to it needs no test for missing or error, and a summary of
 * such parts is its SUM alone.  `depth` (cells and formula nodes on the
 * way) bounds the recursion: beyond it, not known to be, which is always
 * safe.
 */
int ks_xlsx_cell_sure(const ks_xlsx_view *view, int item, int period,
                      int depth);
/* The same for a formula at `period` (xlsx_export_formula.c). */
int ks_xlsx_formula_sure(const ks_xlsx_view *view,
                         const ks_xlsx_formula *formula, int period,
                         int depth);

/* ---- styles (xlsx_export_formats.c) ---------------------------------- */

/* How an item's figures are printed: as a percentage or not, and the
 * decimals the release prints them with (-1: none printed). */
typedef struct ks_xlsx_item_style {
    int percent;
    int decimals;
    int scaled;   /* money in thousands or millions: whole             */
    int bold;     /* a total: an item other items hang from            */
    int depth;    /* indentation: its depth in the parent tree         */
} ks_xlsx_item_style;

/* What a cell is, for its colour: computed (black), an input (blue), a
 * scenario's own override (blue on yellow). */
typedef enum ks_xlsx_role {
    KS_XLSX_COMPUTED = 0,
    KS_XLSX_INPUT,
    KS_XLSX_OVERRIDE,
    KS_XLSX_ROLES
} ks_xlsx_role;

#define KS_XLSX_DECIMALS_MAX 6
#define KS_XLSX_DEPTH_MAX 8

/* A cell format (an <xf> of styles.xml): its number format, font,
 * fill, border and alignment. */
typedef struct ks_xlsx_xf {
    char number_format[40]; /* "" : General                               */
    unsigned char bold, blue, fill, header;
    unsigned char indent;
} ks_xlsx_xf;

#define KS_XLSX_XF_MAX                                                       \
    (KS_XLSX_ROLES * 2 * 2 * (KS_XLSX_DECIMALS_MAX + 1) +                    \
     2 * (KS_XLSX_DEPTH_MAX + 1) + 4)

/* The formats cells use, each made (given an index, 0 being the default
 * one) when first asked for: styles.xml is written from them once the
 * sheets are. */
typedef struct ks_xlsx_styles {
    ks_xlsx_xf xf[KS_XLSX_XF_MAX];
    int count;
    /* index + 1 when made, else 0 */
    int value[KS_XLSX_ROLES][2][2][KS_XLSX_DECIMALS_MAX + 1];
    int label[2][KS_XLSX_DEPTH_MAX + 1];
    int header;
} ks_xlsx_styles;

/* Per item of the model into styles[] (ks_item_count entries). */
ks_status ks_xlsx_item_styles(ks_model *model, ks_xlsx_item_style *styles,
                              ks_error *err);
/* The format (index) of a figure of an item with `style` holding
 * `number`. */
int ks_xlsx_value_format(ks_xlsx_styles *styles,
                         const ks_xlsx_item_style *style, ks_xlsx_role role,
                         double number);
int ks_xlsx_label_format(ks_xlsx_styles *styles,
                         const ks_xlsx_item_style *style);
void ks_xlsx_styles_init(ks_xlsx_styles *styles);
/* xl/styles.xml of the formats made. */
void ks_xlsx_styles_xml(const ks_xlsx_styles *styles, ks_xlsx_text *out);

/* ---- the workbook being written (xlsx_export.c, xlsx_export_sheet.c) ---- */

typedef enum ks_xlsx_sheet_kind {
    KS_XLSX_ITEMS_SHEET,  /* items by periods: a statement, a scenario     */
    KS_XLSX_INPUTS_SHEET, /* the inputs, wide                              */
    KS_XLSX_TABLE_SHEET   /* a caller's table                              */
} ks_xlsx_sheet_kind;

/* A cell written as a value with a comment saying why. */
typedef struct ks_xlsx_comment {
    int row, column;
    const char *reason;
} ks_xlsx_comment;

typedef struct ks_xlsx_book ks_xlsx_book;

/* One sheet of the workbook: what it shows and how far it is written. */
typedef struct ks_xlsx_sheet {
    ks_xlsx_book *book;
    int number;              /* N of xl/worksheets/sheetN.xml, from 1       */
    const char *name;        /* unique, as the workbook names it            */
    ks_xlsx_sheet_kind kind;
    const ks_xlsx_view *view; /* items: whose cells                         */
    int view_sheet;          /* items: its index among the view's sheets   */
    const int *items;        /* items or Inputs: the rows' items            */
    int count;
    const ks_xlsx_table *table;
    int phase, next;         /* written so far: part, row                   */
    ks_xlsx_text formula;    /* a cell's formula as it is built             */
    int comment_number;      /* N of commentsN.xml when this pass writes
                                its comments, else 0                        */
    ks_xlsx_comment *comments;
    size_t comment_count, comment_capacity;
} ks_xlsx_sheet;

#define KS_XLSX_RETRY_ASKED 2

struct ks_xlsx_book {
    ks_model *model;
    const ks_allocator *alloc;
    const char *path;    /* the workbook's, as given: what messages name */
    time_t written;      /* the time the workbook says it was written:
                            SOURCE_DATE_EPOCH's when set, else now       */
    ks_xlsx_styles styles;
    ks_xlsx_formulas *formulas;
    ks_xlsx_item_style *item_styles; /* per item                          */
    int period_count;
    int *periods;        /* periods in column order (time)                */
    int *column;         /* per period: its column on a statement sheet   */
    char **names;        /* the sheets' names so far                      */
    int name_count;
    ks_xlsx_sheet *sheets; /* per name                                    */
    int *wants_comments; /* per sheet number - 1: found a cell needing a
                            comment (the next pass writes its part)       */
    int wants_capacity;
    int retry;           /* a sheet needs comments this pass did not plan
                            for: 1; KS_XLSX_RETRY_ASKED once the pass
                            failed for it                               */
    ks_xlsx_report *report;
    ks_xlsx_text scratch; /* text made fit for a sheet (ks_xlsx_xml_safe) */
};

/* `text` as a sheet may hold it: an invalid UTF-8 byte, or a control
 * character XML does not allow (all below U+0020 but tab, line feed and
 * carriage return), replaced by U+FFFD; `text` itself when it needs
 * nothing, else the book's scratch text (valid until the next call). */
const char *ks_xlsx_xml_safe(ks_xlsx_book *book, const char *text);
/* The bytes of the first characters of `text` (valid UTF-8) that make at
 * most `max` of the characters Excel counts (UTF-16 code units: one past
 * U+FFFF counts two). */
size_t ks_xlsx_text_prefix(const char *text, size_t max);

/* A sheet named `wanted` made unique and no longer than Excel allows,
 * added to the book's sheets (*sheet, valid until the next one is
 * added: book->sheets grows); its quoted prefix ("'Name'!") into *prefix
 * when prefix is not NULL. */
ks_status ks_xlsx_add_sheet(ks_xlsx_book *book, const char *wanted,
                            ks_xlsx_sheet_kind kind, char **prefix,
                            ks_error *err);
/* The sheet's XML, produced piece by piece (a ks_xlsx_part_fill over a
 * ks_xlsx_sheet). */
ks_status ks_xlsx_sheet_fill(void *sheet, ks_xlsx_text *out, int *done,
                             ks_error *err);
void ks_xlsx_sheet_release(ks_xlsx_sheet *sheet);

/* ---- the package's other parts (xlsx_export_parts.c) --------------------- */

/* The parts known before the sheets are written, into the package:
 * content types, the package's and the workbook's rels, the workbook,
 * the document properties.  Sheets and comments are all named by now. */
typedef struct ks_xlsx_package ks_xlsx_package;
ks_status ks_xlsx_add_book_parts(ks_xlsx_book *book,
                                 ks_xlsx_package *package, ks_error *err);
/* A sheet, and after it its comments, VML drawing and rels when this
 * pass writes comments for it. */
ks_status ks_xlsx_add_sheet_parts(ks_xlsx_sheet *sheet,
                                  ks_xlsx_package *package, ks_error *err);
/* xl/styles.xml, written after the sheets (which make the formats); it
 * fails the package when a sheet found a comment this pass did not plan
 * for (book->retry: the export writes the package again). */
ks_status ks_xlsx_add_styles_part(ks_xlsx_book *book,
                                  ks_xlsx_package *package, ks_error *err);

#endif
