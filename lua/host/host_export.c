/*
 * host_export.c -- `kessan export MODEL [--scenario S] [--all] [--out
 * FILE]`: write the inputs of a model (or of the saved scenario S as it
 * sees the model, with a scenario column), or with --all every cell, as
 * the long-form values CSV, to FILE or to
 * standard output (straight, as it is written, ks_export_csv_stream; to
 * FILE atomically, ks_export_csv).  It calls the core directly; no Lua
 * state is needed.
 */
#include <stdio.h>
#include <string.h>

#include "host/host.h"
#include "host/host_options.h"
#include "kessan/kessan.h"

typedef struct host_export_args {
    const char *model;
    const char *scenario;
    const char *out;
    int all;
} host_export_args;

/* Scenario S of the model as saved in it ("base": the model itself); an
 * unknown name is "MODEL: no scenario 'S' (did you mean 'low'?)". */
static ks_status host_saved_scenario(ks_model *model, const char *directory,
                                     const char *name, ks_model **scenario,
                                     ks_error *err)
{
    *scenario = NULL;
    if (strcmp(name, "base") == 0)
        return KS_OK;
    int index;
    ks_status status = ks_saved_scenario_lookup(model, name, &index, err);
    if (status != KS_OK) {
        char why[KS_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        snprintf(err->message, sizeof err->message, "%.200s: %.500s",
                 directory, why);
        return status;
    }
    return ks_scenario_new(model, name, scenario, err);
}

static int host_export_model(const host_export_args *args)
{
    ks_model *model = NULL, *scenario = NULL;
    ks_error err;
    ks_status status = ks_model_open(args->model, NULL, &model, &err);
    if (status == KS_OK && args->scenario)
        status = host_saved_scenario(model, args->model, args->scenario,
                                     &scenario, &err);
    if (status == KS_OK) {
        ks_export_options options = {
            .with_scenario_column = args->scenario != NULL,
            .cells = args->all ? KS_EXPORT_ALL : KS_EXPORT_INPUTS
        };
        ks_model *target = scenario ? scenario : model;
        /* on standard output a write that fails (a full disk, /dev/full)
         * is reported at exit, with status 1, as for every command
         * (host_main.c); what reached the stream before it stays */
        status = args->out ? ks_export_csv(target, args->out, &options, &err)
                           : ks_export_csv_stream(target, stdout, &options,
                                                  &err);
    }
    ks_model_free(scenario);
    ks_model_free(model);
    if (status != KS_OK) {
        host_error(NULL, "%s", err.message);
        return HOST_EXIT_FAILURE;
    }
    return HOST_EXIT_OK;
}

enum {
    EXPORT_SCENARIO = HOST_OPTION_FIRST, EXPORT_OUT, EXPORT_ALL,
    EXPORT_INPUTS_ONLY
};

static const struct option export_options[] = {
    { "scenario", required_argument, NULL, EXPORT_SCENARIO },
    { "out", required_argument, NULL, EXPORT_OUT },
    { "all", no_argument, NULL, EXPORT_ALL },
    { "inputs-only", no_argument, NULL, EXPORT_INPUTS_ONLY },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

static int host_export(int argc, char **argv)
{
    host_export_args args = {NULL, NULL, NULL, 0};
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
    return host_export_model(&args);
}

const host_command host_export_command = {
    "export",
    "export MODEL [--scenario S] [--all] [--out FILE]",
    "Write the inputs of a model as long-form values CSV.",
    "options:\n"
    "  --scenario S    export the model as its saved scenario S sees it, with\n"
    "                  a scenario column (S must be saved in the model)\n"
    "  --all           every cell, computed ones included (for reports and\n"
    "                  other tools; importing it back needs override)\n"
    "  --inputs-only   only the inputs, reported and set: the default\n"
    "  --out FILE      write FILE (atomically) instead of standard output\n"
    "  --help          this text\n"
    "\nexample:\n"
    "  kessan export data/iij --out iij-values.csv\n",
    host_export
};
