/*
 * host_check.c -- `kessan check MODEL [--format text|md|csv|json] [--only
 * breaks]`: the tie-out audit of core/include/kessan/check.h, one line per check grouped
 * by statement, the difference where a check does not pass, a summary, and
 * exit 1 when a break is not explained by a note.  It calls the core
 * directly, and writes through its text.h; no Lua state is needed.
 */
#include <stdio.h>
#include <string.h>

#include "host/host_commands_report.h"
#include "host/host_json.h"
#include "host/host_options.h"
#include "kessan/check.h"
#include "kessan/kessan.h"
#include "kessan/text.h"

typedef enum check_format {
    FORMAT_TEXT, FORMAT_MD, FORMAT_CSV, FORMAT_JSON
} check_format;

typedef struct host_check_args {
    const char *model;
    check_format format;
    int only_breaks;
} host_check_args;

static const char *short_status(ks_check_status status)
{
    return status == KS_CHECK_ADJUSTED ? "ADJ" : ks_check_status_name(status);
}

static int shown(const ks_check_result *result, int only_breaks)
{
    return !only_breaks || result->status == KS_CHECK_BREAK ||
           result->status == KS_CHECK_EXPLAINED;
}

/* "-27.33" in the units of the figure ("0.1 pt" for a percentage). */
static void format_difference(const ks_check_result *result, char *buf,
                              size_t size)
{
    if (result->status == KS_CHECK_PASS)
        snprintf(buf, size, "%s", "");
    else if (result->expected_missing)
        snprintf(buf, size, "%s", "n.a");
    else {
        /* signed, for a difference: "+0.57", "-27.33" */
        ks_number_style style = { result->decimals + 2, KS_PERCENT_NONE, 1 };
        char figure[64];
        ks_format_display(figure, sizeof figure, result->difference, &style);
        snprintf(buf, size, "%s%.40s%s", figure[0] == '-' ? "" : "+", figure,
                 result->is_percent ? " pt" : "");
    }
}

/* The text of one result's cells, for every format. */
typedef struct result_text {
    char cell[96];       /* item@period                                   */
    char difference[48];
} result_text;

static void describe(const ks_check_result *result, result_text *text)
{
    snprintf(text->cell, sizeof text->cell, "%s@%s", result->item_id,
             result->period_id);
    format_difference(result, text->difference, sizeof text->difference);
}

static void print_text(ks_text_sink *out, const ks_check_report *report,
                       int only_breaks)
{
    const char *statement = NULL;
    int any = 0;
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        if (!shown(r, only_breaks))
            continue;
        if (!statement || strcmp(statement, r->statement) != 0) {
            statement = r->statement;
            ks_text_printf(out, "%s%s\n", any ? "\n" : "", statement);
            any = 1;
        }
        result_text text;
        describe(r, &text);
        ks_text_printf(out, "  %-9s %-15s %-34s %-5s %12s  %s",
                       short_status(r->status), ks_check_kind_name(r->kind),
                       text.cell, r->measure, text.difference, r->message);
        if (r->note_id)
            ks_text_printf(out, " [note %s: %s]", r->note_id, r->note_text);
        ks_text_puts(out, "\n");
    }
}

static void print_md(ks_text_sink *out, const ks_check_report *report,
                     int only_breaks)
{
    static const char *const header[] = { "statement", "status", "kind",
                                          "cell", "measure", "difference",
                                          "message", "note" };
    static const ks_text_align align[] = {
        KS_TEXT_LEFT, KS_TEXT_LEFT, KS_TEXT_LEFT,  KS_TEXT_LEFT,
        KS_TEXT_LEFT, KS_TEXT_RIGHT, KS_TEXT_LEFT, KS_TEXT_LEFT
    };
    enum { COLUMNS = sizeof header / sizeof header[0] };
    ks_text_table table = { header, 1, COLUMNS, align, NULL, 0, NULL };
    ks_text_table_write_md(out, &table);
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        if (!shown(r, only_breaks))
            continue;
        result_text text;
        describe(r, &text);
        const char *cells[COLUMNS] = {
            r->statement, short_status(r->status), ks_check_kind_name(r->kind),
            text.cell, r->measure, text.difference, r->message, r->note_id
        };
        ks_text_md_row(out, cells, COLUMNS);
    }
}

/* A figure for data (CSV, JSON): text.h's data formatter. */
static void data_number(double value, char *buf, size_t size)
{
    ks_format_data(buf, size, value);
}

static void print_csv(ks_text_sink *out, const ks_check_report *report,
                      int only_breaks)
{
    ks_text_puts(out, "statement,status,kind,item,period,measure,identity,"
                      "printed,expected,difference,decimals,note,message"
                      KS_CSV_LINE_END);
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        if (!shown(r, only_breaks))
            continue;
        char expected[KS_DATA_NUMBER_MAX] = "";
        char difference[KS_DATA_NUMBER_MAX] = "";
        char printed[KS_DATA_NUMBER_MAX];
        data_number(r->printed, printed, sizeof printed);
        if (!r->expected_missing) {
            data_number(r->expected, expected, sizeof expected);
            data_number(r->difference, difference, sizeof difference);
        }
        char decimals[16];
        snprintf(decimals, sizeof decimals, "%d", r->decimals);
        const char *fields[] = {
            r->statement, ks_check_status_name(r->status),
            ks_check_kind_name(r->kind), r->item_id, r->period_id,
            r->measure, r->identity, printed, expected, difference,
            decimals, r->note_id, r->message
        };
        ks_text_csv_row(out, fields, sizeof fields / sizeof fields[0],
                        KS_CSV_LINE_END);
    }
}

/* "name": "text" (null for NULL), after a comma. */
static void json_field(ks_text_sink *out, const char *name, const char *text)
{
    ks_text_printf(out, ", \"%s\": ", name);
    ks_text_json_string(out, text);
}

static void json_number(ks_text_sink *out, const char *name, double value,
                        int missing)
{
    ks_text_printf(out, ", \"%s\": ", name);
    if (missing)
        ks_text_puts(out, "null");
    else
        ks_text_json_number(out, value);
}

static void print_json_result(ks_text_sink *out, const ks_check_result *r)
{
    ks_text_puts(out, "    {\"statement\": ");
    ks_text_json_string(out, r->statement);
    json_field(out, "status", ks_check_status_name(r->status));
    json_field(out, "kind", ks_check_kind_name(r->kind));
    json_field(out, "item", r->item_id);
    json_field(out, "period", r->period_id);
    json_field(out, "measure", r->measure);
    json_field(out, "identity", r->identity[0] ? r->identity : NULL);
    json_number(out, "printed", r->printed, 0);
    json_number(out, "expected", r->expected, r->expected_missing);
    json_number(out, "difference", r->difference, r->expected_missing);
    ks_text_printf(out, ", \"decimals\": %d, \"percent\": %s",
                   r->decimals, r->is_percent ? "true" : "false");
    json_field(out, "note", r->note_id);
    json_field(out, "implied", r->implied[0] ? r->implied : NULL);
    json_number(out, "implied_value", r->implied_value,
                !r->implied[0] || r->implied_missing);
    json_field(out, "message", r->message);
    ks_text_puts(out, "}");
}

/* One object: the summary's counts, then the results shown. */
static void print_json(ks_text_sink *out, const ks_check_report *report,
                       int only_breaks)
{
    ks_text_printf(out, "{\"checks\": %zu, \"passed\": %d, \"adjusted\": %d, "
                   "\"explained\": %d, \"breaks\": %d,\n  \"results\": [",
                   report->count, report->passed, report->adjusted,
                   report->explained, report->breaks);
    int written = 0;
    for (size_t i = 0; i < report->count; i++) {
        const ks_check_result *r = &report->results[i];
        if (!shown(r, only_breaks))
            continue;
        ks_text_puts(out, written++ ? ",\n" : "\n");
        print_json_result(out, r);
    }
    ks_text_puts(out, written ? "\n  ]}\n" : "]}\n");
}

/* On standard output after text; on standard error after md and csv, so
 * that the table stays a clean document. */
static void print_summary(const ks_check_report *report, FILE *stream)
{
    fprintf(stream,
            "%zu checks: %d passed, %d footing adjustments, %d breaks "
            "explained by notes, %d breaks not explained\n",
            report->count, report->passed, report->adjusted,
            report->explained, report->breaks);
}

static int host_check_model(const host_check_args *args)
{
    ks_model *model = NULL;
    ks_check_report *report = NULL;
    ks_error err;
    ks_status status = ks_model_open(args->model, NULL, &model, &err);
    if (status == KS_OK)
        status = ks_check_run(model, &report, &err);
    if (status != KS_OK) {
        ks_model_free(model);
        if (args->format == FORMAT_JSON)
            host_json_error(err.message);
        else
            host_error(NULL, "%s", err.message);
        return HOST_EXIT_FAILURE;
    }
    ks_text_sink out = ks_text_sink_stream(stdout);
    if (args->format == FORMAT_TEXT)
        print_text(&out, report, args->only_breaks);
    else if (args->format == FORMAT_MD)
        print_md(&out, report, args->only_breaks);
    else if (args->format == FORMAT_CSV)
        print_csv(&out, report, args->only_breaks);
    else
        print_json(&out, report, args->only_breaks);
    fflush(stdout);
    if (args->format == FORMAT_TEXT)
        printf("\n");
    print_summary(report, args->format == FORMAT_TEXT ? stdout : stderr);
    int breaks = report->breaks;
    ks_check_free(report);
    ks_model_free(model);
    return breaks ? HOST_EXIT_FAILURE : HOST_EXIT_OK;
}

enum { CHECK_FORMAT = HOST_OPTION_FIRST, CHECK_ONLY };

static const struct option check_options[] = {
    { "format", required_argument, NULL, CHECK_FORMAT },
    { "only", required_argument, NULL, CHECK_ONLY },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

/* In the order of check_format. */
static const char *const check_formats[] = { "text", "md", "csv", "json",
                                              NULL };
static const char *const check_only[] = { "breaks", NULL };

/* One option or operand; 0, or -1 after reporting bad usage. */
static int take_argument(const host_options *options, int next,
                         host_check_args *args)
{
    if (next == CHECK_FORMAT) {
        int format = host_option_choice(options, "--format", check_formats,
                                        options->value);
        if (format < 0)
            return -1;
        args->format = (check_format)format;
        return 0;
    }
    if (next == CHECK_ONLY) {
        args->only_breaks = 1;
        return host_option_choice(options, "--only", check_only,
                                  options->value) < 0 ? -1 : 0;
    }
    if (args->model) {
        host_usage_error(&host_check_command, "more than one model given");
        return -1;
    }
    args->model = options->value;
    return 0;
}

static int host_check(int argc, char **argv)
{
    host_check_args args = { NULL, FORMAT_TEXT, 0 };
    host_options options;
    host_options_begin(&options, &host_check_command, check_options,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) > HOST_OPTIONS_END)
        if (take_argument(&options, next, &args) != 0)
            return HOST_EXIT_USAGE;
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    if (!args.model)
        return host_usage_error(&host_check_command, "no model given");
    return host_check_model(&args);
}

const host_command host_check_command = {
    "check",
    "check MODEL [--format text|md|csv|json] [--only breaks]",
    "Tie-out audit: every printed figure and identity against the engine.",
    "Each printed figure of a formula item, each printed %, YoY, QoQ and\n"
    "USD figure, and each settings identity (check.identity.NAME) is\n"
    "compared at its printed precision.  Statuses: PASS; ADJ (one unit of\n"
    "the last digit off, and the printed column foots: a footing\n"
    "adjustment); BREAK; EXPLAINED (a break a note on the cell explains,\n"
    "with the quantity it implies when check.implies.NOTE names one).  A\n"
    "cell that breaks under several checks is reported once, by the first.\n"
    "Exit status 1 when a break is not explained.\n"
    "\noptions:\n"
    "  --format F      text (default), md, csv or json (for data: numbers\n"
    "                  that read back as the engine's, LF line ends)\n"
    "  --only breaks   list only breaks, explained or not\n"
    "  --help          this text\n"
    "\nexample:\n"
    "  kessan check data/iij --only breaks\n",
    host_check
};
