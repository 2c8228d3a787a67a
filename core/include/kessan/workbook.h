/*
 * workbook.h -- the model as an .xlsx workbook (docs/excel.md): written
 * with live formulas over the workbook's own cells, so that it is still
 * the model in Excel or LibreOffice.  Workbooks are read back through
 * ks_import_values_with (kessan.h), which tells a workbook from a CSV by
 * its content.
 */
#ifndef KS_WORKBOOK_H
#define KS_WORKBOOK_H

#include <stddef.h>

#include "kessan/kessan.h"

/*
 * A sheet of plain figures the caller lays out (a data table, a tornado,
 * a simulation's summary): `rows` x `columns` cells, row by row, the
 * first row its header.  A cell is text when `text` is not NULL, else
 * the number (not a finite number: an empty cell).
 */
typedef struct ks_xlsx_table_cell {
    const char *text;
    double number;
} ks_xlsx_table_cell;

/* The longest sheet name Excel takes: 31 characters, counted as UTF-16
 * code units (a character past U+FFFF counts two); in UTF-8 up to three
 * bytes a unit (31 CJK characters: 93 bytes). */
#define KS_XLSX_SHEET_NAME_MAX 31
#define KS_XLSX_SHEET_NAME_BYTES (3 * KS_XLSX_SHEET_NAME_MAX)

typedef struct ks_xlsx_table {
    const char *name;   /* the sheet's name (shortened to
                           KS_XLSX_SHEET_NAME_MAX characters, made
                           unique)                                      */
    int rows, columns;
    const ks_xlsx_table_cell *cells;
} ks_xlsx_table;

typedef struct ks_xlsx_options {
    const ks_xlsx_table *tables; /* sheets added after the model's      */
    int table_count;
} ks_xlsx_options;

/* A cell the workbook cannot give as kessan holds it: a formula a
 * spreadsheet cannot hold, written as its value with a comment saying
 * why; or (beyond_excel) a number written exactly, as kessan reads it
 * back, that Excel would not hold as it is. */
typedef struct ks_xlsx_unexpressed {
    char sheet[KS_XLSX_SHEET_NAME_BYTES + 1]; /* the sheet's name, whole */
    char address[16];              /* "C5"                              */
    char cell[KS_NAME_MAX + 16];   /* "op_margin@FY02"; "" in a table   */
    const char *reason;            /* static text                       */
    int beyond_excel;              /* 1: `number` is outside Excel's
                                      range (`reason` says how Excel
                                      takes it); 0: a formula written
                                      as its value                      */
    double number;                 /* beyond_excel: the number held     */
} ks_xlsx_unexpressed;

/* What an export wrote. */
typedef struct ks_xlsx_report {
    size_t formulas;     /* cells written as live formulas              */
    size_t values;       /* cells written as values (inputs, tables)    */
    int sheets;
    size_t unexpressed_count;
    ks_xlsx_unexpressed *unexpressed; /* through `alloc`;
                                         ks_xlsx_report_release         */
    ks_allocator alloc;  /* the model's, copied: the report may outlive it */
} ks_xlsx_report;

/*
 * Write the model (or scenario) as a workbook at `path`, atomically: a
 * sheet per statement, the Inputs sheet, a sheet per saved scenario of a
 * model, then `xlsx->tables` (xlsx may be NULL).  options->cells and
 * with_scenario_column do not apply (a workbook holds every cell and
 * every saved scenario); options may be NULL.  `report` (may be NULL)
 * receives what was written, also on failure (then release it too).
 */
ks_status ks_export_xlsx_with(ks_model *model, const char *path,
                              const ks_xlsx_options *xlsx,
                              ks_xlsx_report *report, ks_error *err);
ks_status ks_export_xlsx(ks_model *model, const char *path,
                         const ks_export_options *options, ks_error *err);
void ks_xlsx_report_release(ks_xlsx_report *report);

#endif
