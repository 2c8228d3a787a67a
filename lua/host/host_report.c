/*
 * host_report.c -- `kessan report MODEL [SCRIPT] --out FILE.html [--lang
 * en|ja]`: one self-contained HTML page of a model (docs/report.md): the
 * statements as the release prints them, the check summary, the saved
 * scenarios side by side and the charts, and with a script what it
 * printed and the charts it drew.  Inline CSS and SVG, no script and
 * nothing fetched; written whole or not at all.
 */
#include <stdio.h>
#include <string.h>

#include "host/host.h"
#include "host/host_options.h"
#include "host/host_report.h"

static const char report_css[] =
    "body{font-family:'DejaVu Sans','Noto Sans','Noto Sans CJK JP',"
    "'Hiragino Sans','Yu Gothic',sans-serif;margin:2em;color:#222;"
    "max-width:1200px}"
    "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.85em}"
    "th,td{padding:2px 8px;border-bottom:1px solid #eee}"
    "thead th{border-bottom:2px solid #999;text-align:right}"
    "th.label{text-align:left;font-weight:normal}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "tr.BREAK td{background:#fbe3e0}tr.EXPLAINED td{background:#fdf3d8}"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:0.85em}"
    "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}"
    "figcaption{font-size:0.85em;color:#555}"
    ".script-error{color:#b00}";

typedef struct report_args {
    const char *model, *script, *out, *lang;
    host_limits limits;   /* the script's: --sandbox and the others     */
} report_args;

static void page_begin(report_page *page, ks_model *model)
{
    const char *name = ks_setting(model, "name");
    report_put(page, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
               "<meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width\">"
               "<title>");
    report_text(page, name ? name : "kessan report");
    report_put(page, "</title><style>");
    report_put(page, report_css);
    report_put(page, "</style></head><body>\n<h1>");
    report_text(page, name ? name : "Model");
    report_put(page, "</h1>\n<nav><a href=\"#statements\">Statements</a> · "
               "<a href=\"#check\">Check</a> · <a href=\"#scenarios\">"
               "Scenarios</a> · <a href=\"#charts\">Charts</a></nav>\n");
}

static ks_status page_model(report_page *page, ks_model *model,
                            const char *lang, ks_error *err)
{
    ks_status status = report_statements(model, lang, page, err);
    if (status == KS_OK)
        status = report_check(model, page, err);
    if (status == KS_OK)
        status = report_scenarios(model, lang, page, err);
    if (status == KS_OK)
        status = report_charts(model, lang, page, err);
    return status;
}

/* The page's end, and the page written (once). */
typedef struct page_end {
    const char *out;
    ks_status status;
    ks_error err;
    int done;
} page_end;

static void finish_page(report_page *page, void *context)
{
    page_end *end = context;
    if (end->done)
        return;
    end->done = 1;
    report_put(page, "<footer><small>kessan " KESSAN_VERSION
               "</small></footer>\n</body></html>\n");
    if (end->status == KS_OK && page->failed) {
        end->status = KS_ENOMEM;
        snprintf(end->err.message, sizeof end->err.message,
                 "%.200s: out of memory making the page", end->out);
    }
    if (end->status == KS_OK)
        end->status = ks_chart_save(page, end->out, &end->err);
}

static int host_report_write(const report_args *args)
{
    ks_model *model = NULL;
    page_end end = { .out = args->out };
    if (ks_model_open(args->model, NULL, &model, &end.err) != KS_OK) {
        host_error(NULL, "%s", end.err.message);
        return HOST_EXIT_FAILURE;
    }
    report_page page;
    ks_chart_svg_init(&page, NULL);
    page_begin(&page, model);
    end.status = page_model(&page, model, args->lang, &end.err);
    ks_model_free(model);
    int script_failed = 0;
    if (end.status == KS_OK && args->script)
        script_failed = report_script(args->script, args->model,
                                      &args->limits, &page, finish_page,
                                      &end) != 0;
    finish_page(&page, &end);
    ks_chart_svg_release(&page);
    if (end.status != KS_OK) {
        host_error("report", "%s", end.err.message);
        return HOST_EXIT_FAILURE;
    }
    return script_failed ? HOST_EXIT_FAILURE : HOST_EXIT_OK;
}

/* Past the limit options' values (host_limit_options), which the table
 * below takes too. */
enum { REPORT_OUT = HOST_OPTION_FIRST + 100, REPORT_LANG };

#define REPORT_OPTIONS_MAX 16

/* --out and --lang, then the limit options of run (and --help). */
static void report_options_table(struct option *table)
{
    int n = 0;
    table[n++] = (struct option){ "out", required_argument, NULL,
                                  REPORT_OUT };
    table[n++] = (struct option){ "lang", required_argument, NULL,
                                  REPORT_LANG };
    for (int i = 0; host_limit_options[i].name &&
                    n < REPORT_OPTIONS_MAX - 1; i++)
        table[n++] = host_limit_options[i];
    table[n] = (struct option){ NULL, 0, NULL, 0 };
}

static const char *const report_langs[] = { "en", "ja", NULL };

/* One option; 0, or -1 after reporting bad usage. */
static int take_option(const host_options *options, int next,
                       report_args *args)
{
    if (next == REPORT_OUT)
        args->out = options->value;
    else if (next == REPORT_LANG) {
        if (host_option_choice(options, "--lang", report_langs,
                               options->value) < 0)
            return -1;
        args->lang = options->value;
    } else if (host_take_limit(&host_report_command, next, options->value,
                               &args->limits) != 0)
        return -1;
    return 0;
}

static int host_report_main(int argc, char **argv)
{
    report_args args;
    memset(&args, 0, sizeof args);
    struct option table[REPORT_OPTIONS_MAX];
    report_options_table(table);
    host_options options;
    host_options_begin(&options, &host_report_command, table,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) != HOST_OPTIONS_END) {
        if (next == HOST_OPTIONS_HELP || next == HOST_OPTIONS_BAD)
            return host_options_exit(next);
        if (next != HOST_OPTIONS_OPERAND) {
            if (take_option(&options, next, &args) != 0)
                return HOST_EXIT_USAGE;
        } else if (!args.model)
            args.model = options.value;
        else if (!args.script)
            args.script = options.value;
        else
            return host_usage_error(&host_report_command, "unexpected "
                                    "argument '%s'", options.value);
    }
    if (!args.model)
        return host_usage_error(&host_report_command, "no model given");
    if (!args.out)
        return host_usage_error(&host_report_command, "--out FILE.html is "
                                "required");
    if (host_check_limits(&host_report_command, &args.limits) != 0)
        return HOST_EXIT_USAGE;
    args.limits.script = args.script;
    args.limits.model = args.model;
    return host_report_write(&args);
}

const host_command host_report_command = {
    "report",
    "report MODEL [SCRIPT] --out FILE.html [--lang en|ja] [--sandbox "
    "[--allow DIR]...] [--max-memory MB] [--timeout SECONDS]",
    "Statements, check, scenarios and charts as one HTML page.",
    "options:\n"
    "  --out FILE.html    where the page goes (required; - is not taken:\n"
    "                     /dev/stdout writes to standard output)\n"
    "  --lang en|ja       labels of the statements and charts\n"
    "  --sandbox, --allow DIR, --max-memory MB, --timeout SECONDS\n"
    "                     the script's limits, as for 'kessan run'\n"
    "  --help             this text\n"
    "\nThe page is self-contained: inline CSS and SVG, no JavaScript,\n"
    "nothing fetched.  With SCRIPT, the script runs as 'kessan run SCRIPT\n"
    "MODEL' would; what it prints and the charts it writes (kessan.chart)\n"
    "follow the model's sections.  A failing script is shown on the page\n"
    "and the command exits with status 1.\n",
    host_report_main
};
