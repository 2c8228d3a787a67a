/*
 * host_export.c -- `kessan export MODEL [--scenario S] [--all] [--format
 * csv|xlsx|json] [--excel] [--out FILE]`: write the inputs of a model (or
 * of the saved scenario S as it sees the model, with a scenario column),
 * or with --all every cell, as the long-form values CSV (for Excel with a
 * byte order mark and CRLF), a workbook (kessan/workbook.h, to a file) or
 * JSON (kessan/json.h), to FILE or to standard output (straight, as it is
 * written; to FILE atomically).  It calls the core directly; no Lua
 * state is needed.
 */
#include <stdio.h>
#include <string.h>

#include "host/host.h"
#include "host/host_json.h"
#include "host/host_options.h"
#include "host/host_scenario.h"
#include "kessan/json.h"
#include "kessan/kessan.h"
#include "kessan/text.h"
#include "kessan/workbook.h"

typedef struct host_export_args {
    const char *model;
    const char *scenario;
    const char *out;
    int all;
    int excel;
    ks_file_format format; /* --format; KS_FILE_UNKNOWN: --out's name */
} host_export_args;

/* The note on standard error for a cell whose formula a spreadsheet
 * cannot hold, written as its value, or whose number Excel would not
 * hold as it is (docs/excel.md). */
static void note_cell(const ks_xlsx_unexpressed *cell)
{
    if (!cell->beyond_excel) {
        fprintf(stderr, "kessan: export: note: %s!%s (%s) is written as its "
                        "value: %s\n",
                cell->sheet, cell->address, cell->cell, cell->reason);
        return;
    }
    char number[KS_DATA_NUMBER_MAX];
    if (ks_format_data(number, sizeof number, cell->number) < 0)
        number[0] = '\0';
    fprintf(stderr, "kessan: export: note: %s!%s (%s) holds %s, kept as "
                    "it is for kessan and LibreOffice: %s\n",
            cell->sheet, cell->address, cell->cell, number, cell->reason);
}

/* A workbook, with a note for each cell it cannot give as kessan holds
 * it. */
static ks_status export_workbook(ks_model *target, const char *out,
                                 ks_error *err)
{
    ks_xlsx_report report;
    ks_status status = ks_export_xlsx_with(target, out, NULL, &report, err);
    for (size_t k = 0; status == KS_OK && k < report.unexpressed_count; k++)
        note_cell(&report.unexpressed[k]);
    ks_xlsx_report_release(&report);
    return status;
}

/* The file (or standard output) in the format asked for; on standard
 * output a write that fails (a full disk, /dev/full) is reported at exit,
 * with status 1, as for every command (host_main.c); what reached the
 * stream before it stays. */
static ks_status write_export(const host_export_args *args, ks_model *target,
                              const ks_export_options *options,
                              ks_error *err)
{
    if (args->format == KS_FILE_XLSX)
        return export_workbook(target, args->out, err);
    if (args->format == KS_FILE_JSON)
        return args->out ? ks_export_json(target, args->out, options, err)
                         : ks_export_json_stream(target, stdout, options,
                                                 err);
    return args->out ? ks_export_csv(target, args->out, options, err)
                     : ks_export_csv_stream(target, stdout, options, err);
}

static int host_export_model(const host_export_args *args)
{
    ks_model *model = NULL, *scenario = NULL;
    ks_error err;
    ks_status status = ks_model_open(args->model, NULL, &model, &err);
    if (status == KS_OK && args->scenario)
        status = host_open_scenario(model, args->model, args->scenario,
                                    &scenario, &err);
    if (status == KS_OK) {
        ks_export_options options = {
            .with_scenario_column = args->scenario != NULL,
            .cells = args->all ? KS_EXPORT_ALL : KS_EXPORT_INPUTS,
            .excel = args->excel
        };
        status = write_export(args, scenario ? scenario : model, &options,
                              &err);
    }
    ks_model_free(scenario);
    ks_model_free(model);
    if (status != KS_OK) {
        if (args->format == KS_FILE_JSON)
            host_json_error(err.message);
        else
            host_error(NULL, "%s", err.message);
        return HOST_EXIT_FAILURE;
    }
    return HOST_EXIT_OK;
}

enum {
    EXPORT_SCENARIO = HOST_OPTION_FIRST, EXPORT_OUT, EXPORT_ALL,
    EXPORT_INPUTS_ONLY, EXPORT_FORMAT, EXPORT_EXCEL
};

/* --format's names, and the formats they name. */
static const char *const export_formats[] = { "csv", "xlsx", "json", NULL };
static const ks_file_format export_format_of_name[] = {
    KS_FILE_CSV, KS_FILE_XLSX, KS_FILE_JSON
};

static const struct option export_options[] = {
    { "scenario", required_argument, NULL, EXPORT_SCENARIO },
    { "out", required_argument, NULL, EXPORT_OUT },
    { "all", no_argument, NULL, EXPORT_ALL },
    { "inputs-only", no_argument, NULL, EXPORT_INPUTS_ONLY },
    { "format", required_argument, NULL, EXPORT_FORMAT },
    { "excel", no_argument, NULL, EXPORT_EXCEL },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

static int host_export(int argc, char **argv)
{
    host_export_args args = { NULL, NULL, NULL, 0, 0, KS_FILE_UNKNOWN };
    host_options options;
    host_options_begin(&options, &host_export_command, export_options,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) > HOST_OPTIONS_END) {
        if (next == EXPORT_SCENARIO)
            args.scenario = options.value;
        else if (next == EXPORT_OUT)
            args.out = options.value;
        else if (next == EXPORT_ALL)
            args.all = 1;
        else if (next == EXPORT_INPUTS_ONLY)
            args.all = 0;
        else if (next == EXPORT_EXCEL)
            args.excel = 1;
        else if (next == EXPORT_FORMAT) {
            int format = host_option_choice(&options, "--format",
                                            export_formats, options.value);
            if (format < 0)
                return HOST_EXIT_USAGE;
            args.format = export_format_of_name[format];
        }
        else if (args.model)
            return host_usage_error(&host_export_command,
                                    "more than one model given");
        else
            args.model = options.value;
    }
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    if (!args.model)
        return host_usage_error(&host_export_command, "no model given");
    ks_file_format asked = args.format;
    args.format = ks_file_format_for_export(args.out, asked);
    if (args.format == KS_FILE_UNKNOWN)
        return host_usage_error(&host_export_command, "--out %s names a .%s "
                                "file, but --format is %s: change the name "
                                "or the format", args.out,
                                ks_file_format_name(ks_file_format_of(args.out)),
                                ks_file_format_name(asked));
    if (args.format == KS_FILE_XLSX && args.all)
        return host_usage_error(&host_export_command, "--all is for csv and "
                                "json (a workbook holds every cell)");
    if (args.excel && args.format != KS_FILE_CSV)
        return host_usage_error(&host_export_command, "--excel is for "
                                "--format csv (a workbook is Excel's own)");
    if (args.format == KS_FILE_XLSX && !args.out)
        return host_usage_error(&host_export_command, "--format xlsx needs "
                                "--out FILE (a workbook is not text)");
    return host_export_model(&args);
}

const host_command host_export_command = {
    "export",
    "export MODEL [--scenario S] [--all] [--format csv|xlsx|json] [--excel] "
    "[--out FILE]",
    "Write the inputs of a model as long-form values CSV, a workbook or "
    "JSON.",
    "options:\n"
    "  --scenario S    export the model as its saved scenario S sees it, with\n"
    "                  a scenario column (S must be saved in the model)\n"
    "  --all           every cell, computed ones included (for reports and\n"
    "                  other tools; importing it back needs override)\n"
    "  --inputs-only   only the inputs, reported and set: the default\n"
    "  --format F      csv (default), xlsx (with --out) or json\n"
    "  --excel         CSV for Excel: a UTF-8 byte order mark and CRLF line\n"
    "                  ends (else LF), so that Japanese labels open right\n"
    "  --out FILE      write FILE (atomically) instead of standard output\n"
    "  --help          this text\n"
    "\nexample:\n"
    "  kessan export data/iij --out iij-values.csv\n",
    host_export
};
