/*
 * host_report.h -- the parts of the report page (kessan report), each
 * appending HTML to the page: the statements, the check summary, the
 * saved scenarios and the charts of the model, and what a script printed
 * and drew.
 */
#ifndef KESSAN_HOST_REPORT_H
#define KESSAN_HOST_REPORT_H

#include "kessan/chart.h"
#include "kessan/kessan.h"

typedef ks_chart_svg report_page;

void report_put(report_page *page, const char *html);
void report_text(report_page *page, const char *text); /* escaped */
/* markup and numbers (ks_chart_svg_appendf: the C locale's form) */
#define report_printf ks_chart_svg_appendf

/* host_report_statements.c: every statement of the model as the release
 * prints it (ks_layout_render's CSV turned into tables). */
ks_status report_statements(ks_model *model, const char *lang,
                            report_page *page, ks_error *err);
/* host_report_statements.c: the tie-out audit's counts and what did not
 * simply pass. */
ks_status report_check(ks_model *model, report_page *page, ks_error *err);
/* host_report_scenarios.c: the saved scenarios side by side (the cells
 * where any differs from the base) and the model's charts. */
ks_status report_scenarios(ks_model *model, const char *lang,
                           report_page *page, ks_error *err);
ks_status report_charts(ks_model *model, const char *lang,
                        report_page *page, ks_error *err);
/* host_report_script.c: run the script (arguments MODEL) as `kessan run`
 * does, under `limits` (--sandbox, --allow, --max-memory, --timeout), its
 * output and the charts it wrote into the page; then finish(page,
 * context), before the script's state is closed (a finalizer that loops
 * as it closes is ended by the watchdog, the page already written); 0,
 * or -1 after reporting why it failed (its output so far is still
 * shown). */
struct host_limits;
typedef void report_finish_fn(report_page *page, void *context);
int report_script(const char *script, const char *model,
                  const struct host_limits *limits, report_page *page,
                  report_finish_fn *finish, void *context);

#endif
