/*
 * host_show.c -- `kessan show MODEL STATEMENT [--periods 3Q02,3Q01,2Q02]
 * [--with pct,yoy,qoq] [--currency USD] [--lang ja] [--format
 * text|md|csv]`: a statement laid out as the release prints it
 * (core/include/kessan/layout.h).  It calls the core directly; no Lua state is needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_commands_report.h"
#include "kessan/kessan.h"
#include "kessan/layout.h"

#define PERIODS_MAX 64

typedef struct host_show_args {
    const char *model;
    const char *statement;
    const char *periods;
    ks_layout_options options;
} host_show_args;

/* "3Q02,3Q01" into period indexes; reports and returns -1 on a bad id. */
static int parse_periods(ks_model *model, const char *list, int *periods,
                         int *count)
{
    *count = 0;
    const char *at = list;
    while (*at) {
        size_t length = strcspn(at, ",");
        char id[32];
        if (length == 0 || length >= sizeof id || *count >= PERIODS_MAX) {
            host_error("show", "--periods: expected ids like 3Q02,3Q01, got "
                       "'%s'", list);
            return -1;
        }
        memcpy(id, at, length);
        id[length] = '\0';
        ks_error err;
        if (ks_period_lookup(model, id, &periods[*count], &err) != KS_OK) {
            host_error("show", "--periods: %s", err.message);
            return -1;
        }
        (*count)++;
        at += length;
        if (*at == ',')
            at++;
    }
    return 0;
}

static int host_show_model(host_show_args *args)
{
    ks_model *model = NULL;
    ks_error err;
    if (ks_model_open(args->model, NULL, &model, &err) != KS_OK) {
        host_error(NULL, "%s", err.message);
        return HOST_EXIT_FAILURE;
    }
    int periods[PERIODS_MAX];
    if (args->periods) {
        if (parse_periods(model, args->periods, periods,
                          &args->options.period_count) != 0) {
            ks_model_free(model);
            return HOST_EXIT_FAILURE;
        }
        args->options.periods = periods;
    }
    args->options.statement = args->statement;
    ks_layout_text text;
    ks_layout_text_init(&text, NULL);
    ks_status status = ks_layout_render(model, &args->options, &text, &err);
    if (status == KS_OK && text.data)
        fputs(text.data, stdout);
    ks_layout_text_release(&text);
    ks_model_free(model);
    if (status != KS_OK) {
        host_error(NULL, "%s", err.message);
        return HOST_EXIT_FAILURE;
    }
    return fflush(stdout) == 0 ? HOST_EXIT_OK : HOST_EXIT_FAILURE;
}

/* Apply one option with its value; a usage status, or -1 when taken. */
static int take_option(host_show_args *args, const char *option,
                       const char *value)
{
    ks_layout_options *o = &args->options;
    if (strcmp(option, "--periods") == 0)
        args->periods = value;
    else if (strcmp(option, "--with") == 0) {
        if (ks_layout_parse_with(value, &o->with) != 0)
            return host_usage_error(&host_show_command, "--with takes pct, "
                                    "yoy and qoq, got '%s'", value);
    } else if (strcmp(option, "--currency") == 0)
        o->currency = value;
    else if (strcmp(option, "--lang") == 0) {
        if (strcmp(value, "ja") != 0 && strcmp(value, "en") != 0)
            return host_usage_error(&host_show_command,
                                    "--lang must be en or ja, got '%s'",
                                    value);
        o->lang = value;
    } else if (strcmp(option, "--format") == 0) {
        if (strcmp(value, "text") == 0)
            o->format = KS_LAYOUT_TEXT;
        else if (strcmp(value, "md") == 0)
            o->format = KS_LAYOUT_MD;
        else if (strcmp(value, "csv") == 0)
            o->format = KS_LAYOUT_CSV;
        else
            return host_usage_error(&host_show_command, "--format must be "
                                    "text, md or csv, got '%s'", value);
    } else
        return host_usage_error(&host_show_command, "unknown option '%s'",
                                option);
    return -1;
}

static int host_show(int argc, char **argv)
{
    host_show_args args;
    memset(&args, 0, sizeof args);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (host_wants_help(&host_show_command, arg))
            return HOST_EXIT_OK;
        if (arg[0] == '-' && arg[1] != '\0') {
            if (i + 1 >= argc)
                return host_usage_error(&host_show_command,
                                        "option '%s' needs a value", arg);
            int status = take_option(&args, arg, argv[++i]);
            if (status >= 0)
                return status;
        } else if (!args.model)
            args.model = arg;
        else if (!args.statement)
            args.statement = arg;
        else
            return host_usage_error(&host_show_command,
                                    "unexpected argument '%s'", arg);
    }
    if (!args.model || !args.statement)
        return host_usage_error(&host_show_command, args.model
                                ? "no statement given (is, bs, cf, kpi, ...)"
                                : "no model given");
    return host_show_model(&args);
}

const host_command host_show_command = {
    "show",
    "show MODEL STATEMENT [--periods 3Q02,3Q01,2Q02] [--with pct,yoy,qoq] "
    "[--currency USD] [--lang ja] [--format text|md|csv]",
    "Lay out a statement (is, bs, cf, kpi) as the release prints it.",
    "options:\n"
    "  --periods LIST   columns, e.g. 3Q02,3Q01,2Q02 (default: the printed\n"
    "                   periods, latest quarter first)\n"
    "  --with LIST      after each period: pct (% of the statement's base),\n"
    "                   yoy, qoq (where computable)\n"
    "  --currency USD   money at the model's rate.USD\n"
    "  --lang ja        Japanese labels\n"
    "  --format F       text (default), md or csv\n"
    "  --help           this text\n"
    "\nexample:\n"
    "  kessan show data/iij is --periods 3Q02,3Q01,2Q02 --with pct,yoy,qoq\n",
    host_show
};
