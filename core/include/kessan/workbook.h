/*
 * workbook.h -- the model as an .xlsx workbook (docs/excel.md): written
 * with live formulas over the workbook's own cells, so that it is still
 * the model in Excel or LibreOffice.  Workbooks are read back through
 * ks_import_values_with (kessan.h), which tells a workbook from a CSV by
 * its content.
 */
#ifndef KS_WORKBOOK_H
#define KS_WORKBOOK_H

#include "kessan/kessan.h"

/*
 * Write the model (or scenario) as a workbook at `path`, atomically.
 * options->cells and options->with_scenario_column as for CSV.
 */
ks_status ks_export_xlsx(ks_model *model, const char *path,
                         const ks_export_options *options, ks_error *err);

#endif
