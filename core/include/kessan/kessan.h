/*
 * kessan.h -- the public C API of the kessan engine.
 *
 * A model is a grid of line items x fiscal periods.  Cells hold numbers,
 * *missing* or *error* values; items may carry a formula written once and
 * applied to every period.  Scenarios are copy-on-write overlays on a model.
 *
 * Conventions
 *  - Every function that can fail returns a ks_status and, when `err` is not
 *    NULL, fills it with a message naming where and what.  The library never
 *    prints, never exits, and reports a failed allocation as KS_ENOMEM.
 *  - Handles are opaque.  Strings returned by the library belong to the
 *    handle they came from and stay valid until that handle changes or dies,
 *    unless a function says otherwise.
 *  - Items and periods are addressed by index once looked up; ids are
 *    looked up with ks_item_lookup / ks_period_lookup.
 *  - All memory goes through the model's allocator (ks_allocator).
 */
#ifndef KESSAN_H
#define KESSAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KESSAN_VERSION "0.1.0"

/* ---- status and errors -------------------------------------------------- */

typedef enum ks_status {
    KS_OK = 0,
    KS_ENOMEM,    /* an allocation failed                                  */
    KS_EINVAL,    /* a bad argument: wrong id form, out-of-range value      */
    KS_ESYNTAX,   /* a formula or period id did not parse                   */
    KS_EUNKNOWN,  /* an unknown item or period id                           */
    KS_ECYCLE,    /* a formula would make a cycle                           */
    KS_EDUP,      /* a duplicate item, or a duplicate (item, period) value  */
    KS_EFORMAT,   /* a malformed file: CSV, number, header                  */
    KS_EIO,       /* a file could not be read or written                    */
    KS_ERANGE,    /* a period outside the model's calendar                  */
    KS_EMISUSE,   /* an operation not allowed on this handle               */
    KS_ENOSOLVE,  /* a what-if solver found no answer                       */
    KS_ECHECK,    /* a tie-out audit found unexplained breaks              */
    KS_EINTERRUPTED /* the host asked a long call to stop (ks_allocator)   */
} ks_status;

#define KS_MESSAGE_MAX 768
/* The longest item id or scenario name, in bytes: what a values file can
 * carry, so that whatever is exported imports back. */
#define KS_NAME_MAX 255

typedef struct ks_error {
    ks_status code;
    int line;     /* 1-based line in a file, or 0                           */
    int column;   /* 1-based column in a file or formula, or 0              */
    char message[KS_MESSAGE_MAX]; /* complete: "file:line:col: what", ...   */
} ks_error;

/* A short constant name for a status: "ENOMEM", "ESYNTAX", ... */
const char *ks_status_name(ks_status status);

/* ---- allocation ---------------------------------------------------------- */

/*
 * One hook for every allocation a model makes.  realloc_fn(ud, NULL, n)
 * allocates, realloc_fn(ud, p, n) resizes, realloc_fn(ud, p, 0) frees and
 * returns NULL.  A NULL return for n > 0 is a failed allocation.
 */
typedef struct ks_allocator {
    void *(*realloc_fn)(void *user_data, void *block, size_t new_size);
    void *user_data;
    /*
     * Optional (NULL: never): polled by long calls (ks_simulate,
     * ks_datatable, ks_tornado_run, ks_goalseek, opening and importing
     * values files) at least every few milliseconds of work, per block,
     * row, iteration or scenario.  Returning nonzero stops the call within
     * 50 ms with KS_EINTERRUPTED ("interrupted"), the model as it was and
     * nothing leaked.  It may be called from the simulation's worker
     * threads and from the second thread that reads a large workbook
     * sheet, at once, so it must be thread-safe (read a flag or a
     * clock).  realloc_fn may also be called from those threads, but
     * never from two at a time: the core serialises its calls.
     */
    int (*interrupted)(void *interrupt_data);
    void *interrupt_data;
} ks_allocator;

/* ---- values -------------------------------------------------------------- */

typedef enum ks_kind {
    KS_NUMBER = 0,
    KS_MISSING,  /* the release's "-" or "n.a", or nothing known            */
    KS_ERROR     /* propagates like #DIV/0!; ks_value.error says where from */
} ks_kind;

typedef enum ks_provenance {
    KS_PROV_NONE = 0,   /* nothing: the cell is missing                     */
    KS_PROV_REPORTED,   /* an input loaded from the model's values          */
    KS_PROV_COMPUTED,   /* a formula, or a time summary of quarters         */
    KS_PROV_IMPLIED,    /* implied from a year-to-date total and the rest   */
    KS_PROV_OVERRIDDEN  /* set by a script, or by a scenario                */
} ks_provenance;

typedef struct ks_value {
    ks_kind kind;
    ks_provenance provenance;
    double number;      /* when kind == KS_NUMBER                           */
    const char *error;  /* when kind == KS_ERROR: "division by zero in
                           op_margin@4Q02", owned by the model              */
} ks_value;

const char *ks_provenance_name(ks_provenance provenance);

/* ---- value rules ----------------------------------------------------------- */

/*
 * Arithmetic on values as a formula does it (docs/formulas.md, "Values"),
 * for callers that combine values themselves (the Lua binding's series):
 * an error operand gives that error, the left one first (*out is a copy
 * of it, its description included); else a missing operand gives missing;
 * else the numbers' result, unless it is not a finite number or divides
 * by zero: then *out is an error that begins here, its description the
 * error's name ("division by zero", "not a number", "overflow": static
 * text), and the call returns 1.  Otherwise it returns 0.  A result
 * that is not a copy has provenance KS_PROV_COMPUTED.
 */
int ks_value_add(const ks_value *a, const ks_value *b, ks_value *out);
int ks_value_sub(const ks_value *a, const ks_value *b, ks_value *out);
int ks_value_mul(const ks_value *a, const ks_value *b, ks_value *out);
int ks_value_div(const ks_value *a, const ks_value *b, ks_value *out);
int ks_value_neg(const ks_value *a, ks_value *out);

/* ---- the model ----------------------------------------------------------- */

typedef struct ks_model ks_model;

typedef struct ks_calendar {
    int fiscal_year_end_month; /* 1..12; IIJ: 3 (FY2002 = Apr 2002..Mar 2003) */
    int first_year;            /* first fiscal year held, e.g. 2001          */
    int last_year;             /* last fiscal year held, e.g. 2002           */
} ks_calendar;

/* A new empty model.  alloc may be NULL (the C library's realloc/free). */
ks_status ks_model_new(const ks_calendar *calendar, const ks_allocator *alloc,
                       ks_model **out, ks_error *err);

/*
 * Open a model directory: settings.csv, items.csv, values*.csv, printed.csv,
 * notes.csv (docs/formats.md).  On failure *out is NULL and nothing leaks.
 */
ks_status ks_model_open(const char *directory, const ks_allocator *alloc,
                        ks_model **out, ks_error *err);

/*
 * Release a model or scenario handle.  A scenario holds a reference to its
 * base, so the base's memory lives until its last scenario is freed too.
 * Freeing NULL is harmless.
 */
void ks_model_free(ks_model *model);

/* ---- the calendar and periods ------------------------------------------- */

typedef enum ks_period_kind {
    KS_QUARTER = 0, /* 1Q..4Q                                               */
    KS_HALF1,       /* 1H: 1Q+2Q                                            */
    KS_HALF2,       /* 2H: 3Q+4Q                                            */
    KS_NINE_MONTHS, /* 9M: 1Q+2Q+3Q                                         */
    KS_YEAR         /* FY                                                   */
} ks_period_kind;

ks_calendar ks_model_calendar(const ks_model *model);

/* Number of periods: 8 per fiscal year (1Q 2Q 3Q 4Q 1H 2H 9M FY). */
int ks_period_count(const ks_model *model);

/* Parse "3Q02", "1H02", "9M02", "FY02" (also "3Q2002", "FY2002").  Unknown
 * or out-of-calendar ids are errors naming the id and the model's range. */
ks_status ks_period_lookup(const ks_model *model, const char *id, int *period,
                           ks_error *err);

/* The id of a period, "3Q02", written into buf (at least 8 bytes). */
const char *ks_period_id(const ks_model *model, int period, char *buf,
                         size_t size);

ks_period_kind ks_period_kind_of(const ks_model *model, int period);
int ks_period_year(const ks_model *model, int period);     /* 2002          */
int ks_period_quarter(const ks_model *model, int period);  /* last quarter,
                                                              1..4          */
/* Shift by `offset` quarters; -1 when the result is not a period of the
 * model (before the first period, or not aligned for halves and years). */
int ks_period_shift(const ks_model *model, int period, int offset);

/* Periods sorted by time: each year's 1Q 2Q 3Q 4Q, then its 1H 2H 9M FY.
 * ks_period_at(m, i) for i in 0..count-1 is that order. */
int ks_period_at(const ks_model *model, int index);

/* Grow the calendar to hold `last_year`; values are kept. */
ks_status ks_model_extend(ks_model *model, int last_year, ks_error *err);

/* Add forecast years up to the fiscal year `year` ("FY2004", "FY04",
 * "2004"; a two-digit year as period ids read it) without editing
 * settings.csv: ks_model_extend, with the setting last_year updated.  The
 * year must not be earlier than the model's last year (the same year
 * changes nothing), and the model spans at most as many years as a
 * model directory may.  A base model with no scenario open only. */
ks_status ks_model_extend_to(ks_model *model, const char *year,
                             ks_error *err);

/* ---- items --------------------------------------------------------------- */

typedef enum ks_rule {
    KS_RULE_SUM = 0, /* flows: a half, 9M or year is the sum of its quarters */
    KS_RULE_LAST,    /* stocks: a longer period takes its last quarter      */
    KS_RULE_FORMULA  /* ratios: the formula in every period, never summed   */
} ks_rule;

typedef struct ks_item_info {
    const char *id;        /* lowercase dotted: "rev.total"                 */
    const char *label;     /* English label exactly as printed              */
    const char *label_ja;  /* Japanese label, or NULL                       */
    const char *unit;      /* "JPY thousands", "JPY", "shares", ...         */
    const char *statement; /* "is", "bs", "cf", "kpi", or another name      */
    const char *parent;    /* display parent id, or NULL                    */
    const char *formula;   /* source text, or NULL                          */
    ks_rule rule;
} ks_item_info;

/*
 * Add an item at the end of the display order.  The formula, if any, is
 * compiled after every item of a batch is known: pass info->formula = NULL
 * here and call ks_define afterwards, or use ks_model_add_items.
 */
ks_status ks_item_add(ks_model *model, const ks_item_info *info, int *index,
                      ks_error *err);

int ks_item_count(const ks_model *model);

/* Index of an item id, or -1. */
int ks_item_find(const ks_model *model, const char *id);

/* Like ks_item_find but an error names the id and suggests the nearest:
 * "unknown item 'rev.totl' (did you mean 'rev.total'?)". */
ks_status ks_item_lookup(const ks_model *model, const char *id, int *item,
                         ks_error *err);

/* Fill `info` for an item; strings are owned by the model. */
ks_status ks_item_get(const ks_model *model, int item, ks_item_info *info);

/* Parse "id@PERIOD" into item and period indexes. */
ks_status ks_cell_lookup(const ks_model *model, const char *cell, int *item,
                         int *period, ks_error *err);

/*
 * Give an item a formula (source), creating the item when `info` is not NULL
 * and the id is new (info->id is ignored; `id` names it).  A syntax error
 * names the column, an unknown id suggests the nearest, and a formula that
 * would make a cycle is refused with its path ("a -> b -> a"); on any error
 * the model is as it was.  formula == NULL or "" removes the formula.
 */
ks_status ks_define(ks_model *model, const char *id, const char *formula,
                    const ks_item_info *info, ks_error *err);

/* ---- cells --------------------------------------------------------------- */

/* Read a cell (recalculating what is stale first). */
ks_status ks_get(ks_model *model, int item, int period, ks_value *out,
                 ks_error *err);

/* Set an input: a reported figure (provenance REPORTED) while loading, an
 * override (OVERRIDDEN) from scripts and scenarios.  Dependents recalc. */
ks_status ks_set(ks_model *model, int item, int period, double number,
                 ks_error *err);
/* Set a cell to *missing* as an input. */
ks_status ks_set_missing(ks_model *model, int item, int period, ks_error *err);
/* Remove an input: the cell goes back to the figure the model's values
 * reported for it (an override is undone), else to its formula, summary
 * or nothing.  On a scenario: back to what the base holds. */
ks_status ks_clear(ks_model *model, int item, int period, ks_error *err);

/* Whether the cell holds an input (reported or overridden). */
int ks_is_input(const ks_model *model, int item, int period);

/* ---- explain ------------------------------------------------------------- */

typedef struct ks_explain_node {
    const char *text;     /* "rev.total@3Q02", "-", "sum", "12.5", ...     */
    ks_value value;       /* the value of this node                         */
    int item, period;     /* the cell for a reference node, else -1         */
    struct ks_explain_node **children;
    int child_count;
} ks_explain_node;

/*
 * Explain a cell: its formula tree with the value of every node, or a leaf
 * saying it is reported, overridden, implied (and from what) or a summary.
 * Free the tree with ks_explain_free.
 */
ks_status ks_explain(ks_model *model, int item, int period,
                     ks_explain_node **out, ks_error *err);
void ks_explain_free(ks_model *model, ks_explain_node *node);

/*
 * Why a cell is missing: the first missing inputs on its path (its
 * formula's references, its summary's parts), up to three named:
 * "missing: rev.equipment@4Q02 has no value", "... was set missing",
 * "... and 2 more".  A cell that is not missing gives "".  buf is always
 * terminated when size > 0.
 */
ks_status ks_missing_reason(ks_model *model, int item, int period, char *buf,
                            size_t size, ks_error *err);

/* ---- scenarios ----------------------------------------------------------- */

/*
 * A named copy-on-write overlay on `base` (a model or another scenario's
 * base).  It reads through to the base and holds only its own overrides and
 * the cells they change.  It takes a reference to the base.
 */
ks_status ks_scenario_new(ks_model *base, const char *name, ks_model **out,
                          ks_error *err);
int ks_model_is_scenario(const ks_model *model);
const char *ks_model_name(const ks_model *model); /* "base" for a model  */
ks_model *ks_model_base(ks_model *model);         /* itself for a model  */

/*
 * Scenarios saved in a model.  A model directory's values files may carry
 * a `scenario` column: rows naming a scenario (other than "" or "base")
 * are that scenario's saved overrides.  ks_scenario_new starts a handle
 * from the saved overrides of its name (a copy: changing the handle never
 * changes what is saved); ks_scenario_save puts them back.
 */

/* Number of saved scenarios of the model (of a scenario's base). */
int ks_saved_scenario_count(const ks_model *model);

/* The name of saved scenario `index` (0..count-1, in the order they were
 * first saved), or NULL.  Owned by the model; valid until the next
 * ks_scenario_save or import on it. */
const char *ks_saved_scenario_name(const ks_model *model, int index);

/* The index of saved scenario `name`, or KS_EUNKNOWN with the nearest
 * name: "no scenario 'lo' (did you mean 'low'?)". */
ks_status ks_saved_scenario_lookup(const ks_model *model, const char *name,
                                   int *index, ks_error *err);

/*
 * Save a scenario handle's overrides (its inputs, saved as overridden) as
 * the saved scenario of its name in its base, replacing what was saved
 * under that name.  KS_EMISUSE on a base model, KS_EINVAL for the name
 * "base"; on any failure what is saved is unchanged.
 */
ks_status ks_scenario_save(ks_model *scenario, ks_error *err);

/* ---- settings and notes -------------------------------------------------- */

/* Settings are key/value strings (settings.csv).  Returns NULL if unset. */
const char *ks_setting(const ks_model *model, const char *key);
/* Settings in the order they were set (settings.csv's order): the key and
 * value of setting `index` (0..ks_setting_count-1), or KS_EINVAL. */
int ks_setting_count(const ks_model *model);
ks_status ks_setting_at(const ks_model *model, int index, const char **key,
                        const char **value);
ks_status ks_setting_set(ks_model *model, const char *key, const char *value,
                         ks_error *err);

/* ---- CSV ----------------------------------------------------------------- */

/* Which cells an export writes. */
typedef enum ks_export_cells {
    KS_EXPORT_INPUTS = 0, /* the model's inputs: reported and set values    */
    KS_EXPORT_ALL = 1     /* every cell, computed ones included             */
} ks_export_cells;

typedef struct ks_export_options {
    int with_scenario_column; /* add a `scenario` column                   */
    ks_export_cells cells;    /* KS_EXPORT_INPUTS (the default) or
                                 KS_EXPORT_ALL                             */
    int excel;                /* for Excel: a UTF-8 byte order mark first,
                                 CRLF line ends (text.h's CSV rule), and
                                 the item's label and label_ja in columns
                                 of their own, which import skips         */
} ks_export_options;

/* The format a file's name says, by its extension in any case (".csv",
 * ".xlsx", ".json"), else KS_FILE_UNKNOWN: exports take it when no format
 * is given, and refuse a format the name contradicts. */
typedef enum ks_file_format {
    KS_FILE_UNKNOWN = 0, KS_FILE_CSV, KS_FILE_XLSX, KS_FILE_JSON
} ks_file_format;
ks_file_format ks_file_format_of(const char *path);
/* The format an export to `path` writes: `asked` (KS_FILE_UNKNOWN: none
 * asked, then what the name says, else CSV); KS_FILE_UNKNOWN when the
 * name says another format than the one asked, which the caller refuses,
 * so that no file's name says another format than it holds. */
ks_file_format ks_file_format_for_export(const char *path,
                                         ks_file_format asked);
/* "csv", "xlsx", "json" ("" for KS_FILE_UNKNOWN). */
const char *ks_file_format_name(ks_file_format format);

typedef struct ks_import_options {
    ks_provenance provenance; /* KS_PROV_REPORTED or KS_PROV_OVERRIDDEN;
                                 KS_PROV_NONE (0) is overridden            */
    int override;             /* also set computed cells (a formula's cell
                                 becomes an input); else they are refused  */
    const char *sheet;        /* a workbook's sheet to read (NULL: the
                                 only sheet, else the first whose header
                                 has a cell `item`); CSV: unused          */
} ks_import_options;

/*
 * Import values (long or wide form, told apart by the header) as inputs.
 * `provenance` is KS_PROV_REPORTED or KS_PROV_OVERRIDDEN.  The whole file
 * is checked before anything changes: on any error the model is exactly as
 * it was.  Errors read "path:line:column: what was expected".  An empty
 * field is no value (nothing is imported for its cell); "-" and "n.a" are
 * missing.  A value for a computed cell (of an item with a formula, not
 * already an input) is refused unless options->override: "path:3:12:
 * op_income@4Q02 is computed (formula gross - sga); import with override
 * to set it".  The functions without options do not override.
 */
ks_status ks_import_csv(ks_model *model, const char *path,
                        ks_provenance provenance, ks_error *err);
ks_status ks_import_csv_buffer(ks_model *model, const char *name,
                               const char *data, size_t size,
                               ks_provenance provenance, ks_error *err);
ks_status ks_import_csv_buffer_with(ks_model *model, const char *name,
                                    const char *data, size_t size,
                                    const ks_import_options *options,
                                    ks_error *err);

/* Export the long form to `path`, written to a temporary file and renamed
 * into place: the inputs (a missing one as "-"), or with options->cells =
 * KS_EXPORT_ALL every cell (a missing or error cell that is not an input
 * with an empty value).  Numbers at full precision (%.17g), so that
 * importing the inputs into the same chart gives back the same model. */
ks_status ks_export_csv(ks_model *model, const char *path,
                        const ks_export_options *options, ks_error *err);

/* The same long form written to a stream already open (standard output,
 * a pipe, a socket), as it is made: no temporary file, nothing atomic.
 * A write that fails shows on the stream (ferror), for the caller to
 * report; what reached the stream before it stays. */
ks_status ks_export_csv_stream(ks_model *model, FILE *out,
                               const ks_export_options *options,
                               ks_error *err);

/*
 * Export a model with its saved scenarios to `path` (atomically): the
 * model's rows with the scenario column ("base"), then for each saved
 * scenario, in order, its rows: its overrides (the inputs it holds that
 * are not its base's, bit for bit and provenance alike), or with
 * KS_EXPORT_ALL every cell as it sees them.  Importing the file into the
 * same chart gives back the same scenarios.  On a scenario handle it is
 * ks_export_csv with the scenario column.
 */
ks_status ks_export_scenarios_csv(ks_model *model, const char *path,
                                  const ks_export_options *options,
                                  ks_error *err);

/*
 * Import values as ks_import_csv does, and on a base model also the rows
 * of a long-form file's `scenario` column that name a scenario: merged
 * into that saved scenario (its overrides, a formula's cell included:
 * only the model's own rows are refused on a computed cell).  The whole file is checked, and the saved set
 * built, before anything changes: on any error the model and its saved
 * scenarios are exactly as they were.
 *
 * The file may be a workbook (.xlsx), told by its content (a zip), not its
 * name: its sheet options->sheet is read as the records of a CSV, by the
 * same rules, and positions are written as cells ("book.xlsx: Inputs!C7:
 * what was expected").  An encrypted workbook, a damaged zip, and what
 * passes the reader's bounds are refused (docs/excel.md, "Reading
 * workbooks").  ks_import_csv and ks_import_csv_with read workbooks too.
 */
ks_status ks_import_values(ks_model *model, const char *path,
                           ks_provenance provenance, ks_error *err);
ks_status ks_import_values_with(ks_model *model, const char *path,
                                const ks_import_options *options,
                                ks_error *err);

/*
 * Parse a number as a release or a spreadsheet prints it: "1,234",
 * "(566,520)", "-1.5", "32.2%" (0.322), "1e6", Japanese minus signs
 * ("\u25b31,234", "\u25b21,234": -1234), a currency sign right before the
 * digits ("$1.5", "(\u00a5566,520)", "\uffe51,234").  "-", "n.a", "n/a",
 * "#N/A" and "" are missing (*is_missing = 1).  Returns 0 on success, -1
 * when not a number: also a spreadsheet error ("#DIV/0!"), and a value
 * beyond a double either way ("1e400", "1e-400", which would read as 0;
 * docs/formats.md).
 * *decimals receives the digits after the decimal point as printed
 * (percent signs count against the percent figure: "32.2%" has 1).
 */
int ks_parse_number(const char *text, size_t length, double *number,
                    int *is_missing, int *decimals);

#ifdef __cplusplus
}
#endif

#endif /* KESSAN_H */
