/*
 * xlsx_export.c -- the model as an .xlsx workbook with live formulas
 * (kessan/workbook.h).  Under construction: it refuses.
 */
#include "base/error.h"
#include "kessan/workbook.h"

ks_status ks_export_xlsx(ks_model *model, const char *path,
                         const ks_export_options *options, ks_error *err)
{
    (void)model;
    (void)options;
    return ks_error_set(err, KS_EMISUSE, "%s: workbooks are not available "
                        "in this build yet", path);
}
