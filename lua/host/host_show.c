/*
 * host_show.c -- `kessan show MODEL STATEMENT [--scenario NAME] [--periods
 * 3Q02,3Q01,2Q02] [--with pct,yoy,qoq] [--currency USD] [--lang ja]
 * [--format text|md|csv|json]`: a statement laid out as the release
 * prints it (core/include/kessan/layout.h), of the model or of one of its
 * saved scenarios.  It calls the core directly; no Lua state is needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_commands_report.h"
#include "host/host_json.h"
#include "host/host_options.h"
#include "host/host_scenario.h"
#include "kessan/kessan.h"
#include "kessan/layout.h"

#define PERIODS_MAX KS_LAYOUT_PERIODS_MAX

typedef struct host_show_args {
    const char *model;
    const char *statement;
    const char *periods;
    const char *scenario;
    ks_layout_options options;
} host_show_args;

/* "3Q02,3Q01" into period indexes; reports and returns -1 on a bad id,
 * an empty list or entry, or more than PERIODS_MAX. */
static int parse_periods(ks_model *model, const char *list, int *periods,
                         int *count)
{
    *count = 0;
    const char *at = list;
    if (!*at) {
        host_error("show", "--periods: expected ids like 3Q02,3Q01, got "
                   "nothing");
        return -1;
    }
    for (;;) {
        size_t length = strcspn(at, ",");
        char id[32];
        if (*count >= PERIODS_MAX) {
            host_error("show", "--periods: at most %d periods", PERIODS_MAX);
            return -1;
        }
        if (length == 0 || length >= sizeof id) {
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
        if (!*at)
            return 0;
        at++; /* the comma: an entry must follow it */
    }
}

static int show_failure(const host_show_args *args, const char *message)
{
    if (args->options.format == KS_LAYOUT_JSON)
        host_json_error(message);
    else
        host_error(NULL, "%s", message);
    return HOST_EXIT_FAILURE;
}

static int host_show_model(host_show_args *args)
{
    ks_model *model = NULL, *scenario = NULL;
    ks_error err;
    if (ks_model_open(args->model, NULL, &model, &err) != KS_OK ||
        host_open_scenario(model, args->model, args->scenario, &scenario,
                      &err) != KS_OK) {
        ks_model_free(model);
        return show_failure(args, err.message);
    }
    ks_model *shown = scenario ? scenario : model;
    int periods[PERIODS_MAX];
    if (args->periods) {
        if (parse_periods(model, args->periods, periods,
                          &args->options.period_count) != 0) {
            ks_model_free(scenario);
            ks_model_free(model);
            return HOST_EXIT_FAILURE;
        }
        args->options.periods = periods;
    }
    args->options.statement = args->statement;
    ks_layout_text text;
    ks_layout_text_init(&text, NULL);
    ks_status status = ks_layout_render(shown, &args->options, &text, &err);
    if (status == KS_OK && text.data)
        fputs(text.data, stdout);
    ks_layout_text_release(&text);
    ks_model_free(scenario);
    ks_model_free(model);
    if (status != KS_OK)
        return show_failure(args, err.message);
    return fflush(stdout) == 0 ? HOST_EXIT_OK : HOST_EXIT_FAILURE;
}

enum {
    SHOW_PERIODS = HOST_OPTION_FIRST,
    SHOW_WITH,
    SHOW_CURRENCY,
    SHOW_LANG,
    SHOW_FORMAT,
    SHOW_SCENARIO
};

static const struct option show_options[] = {
    { "periods", required_argument, NULL, SHOW_PERIODS },
    { "with", required_argument, NULL, SHOW_WITH },
    { "currency", required_argument, NULL, SHOW_CURRENCY },
    { "lang", required_argument, NULL, SHOW_LANG },
    { "format", required_argument, NULL, SHOW_FORMAT },
    { "scenario", required_argument, NULL, SHOW_SCENARIO },
    HOST_OPTION_HELP,
    { NULL, 0, NULL, 0 }
};

static const char *const show_langs[] = { "en", "ja", NULL };
/* In the order of ks_layout_format. */
static const char *const show_formats[] = { "text", "md", "csv", "json",
                                             NULL };

/* One option with its value; 0, or -1 after reporting bad usage. */
static int take_option(const host_options *options, int next,
                       host_show_args *args)
{
    ks_layout_options *o = &args->options;
    const char *value = options->value;
    if (next == SHOW_PERIODS)
        args->periods = value;
    else if (next == SHOW_SCENARIO)
        args->scenario = value;
    else if (next == SHOW_WITH) {
        if (ks_layout_parse_with(value, &o->with) != 0) {
            host_usage_error(&host_show_command, "--with takes pct, yoy "
                             "and qoq, got '%s'", value);
            return -1;
        }
    } else if (next == SHOW_CURRENCY)
        o->currency = value;
    else if (next == SHOW_LANG) {
        if (host_option_choice(options, "--lang", show_langs, value) < 0)
            return -1;
        o->lang = value;
    } else if (next == SHOW_FORMAT) {
        int format = host_option_choice(options, "--format", show_formats,
                                        value);
        if (format < 0)
            return -1;
        o->format = (ks_layout_format)format;
    }
    return 0;
}

/* MODEL, then STATEMENT; 0, or -1 after reporting bad usage. */
static int take_operand(const char *operand, host_show_args *args)
{
    if (!args->model)
        args->model = operand;
    else if (!args->statement)
        args->statement = operand;
    else {
        host_usage_error(&host_show_command, "unexpected argument '%s'",
                         operand);
        return -1;
    }
    return 0;
}

static int host_show(int argc, char **argv)
{
    host_show_args args;
    memset(&args, 0, sizeof args);
    host_options options;
    host_options_begin(&options, &host_show_command, show_options,
                       HOST_OPTIONS_ANYWHERE, argc, argv);
    int next;
    while ((next = host_options_next(&options)) > HOST_OPTIONS_END) {
        int taken = next == HOST_OPTIONS_OPERAND
                        ? take_operand(options.value, &args)
                        : take_option(&options, next, &args);
        if (taken != 0)
            return HOST_EXIT_USAGE;
    }
    if (next != HOST_OPTIONS_END)
        return host_options_exit(next);
    if (!args.model || !args.statement)
        return host_usage_error(&host_show_command, args.model
                                ? "no statement given (is, bs, cf, kpi, ...)"
                                : "no model given");
    return host_show_model(&args);
}

const host_command host_show_command = {
    "show",
    "show MODEL STATEMENT [--scenario NAME] [--periods 3Q02,3Q01,2Q02] "
    "[--with pct,yoy,qoq] [--currency USD] [--lang ja] "
    "[--format text|md|csv|json]",
    "Lay out a statement (is, bs, cf, kpi) as the release prints it.",
    "options:\n"
    "  --scenario NAME  the model as its saved scenario NAME sees it (default:\n"
    "                   the model itself, \"base\")\n"
    "  --periods LIST   columns, e.g. 3Q02,3Q01,2Q02 (default: the printed\n"
    "                   periods, and those a scenario changes, latest\n"
    "                   quarter first)\n"
    "  --with LIST      after each period: pct (% of the statement's base),\n"
    "                   yoy, qoq (where computable)\n"
    "  --currency USD   money at the model's rate.USD\n"
    "  --lang ja        Japanese labels\n"
    "  --format F       text (default), md, csv or json (csv and json: the\n"
    "                   numbers themselves, a ratio as a fraction)\n"
    "  --help           this text\n"
    "\nexample:\n"
    "  kessan show data/iij is --periods 3Q02,3Q01,2Q02 --with pct,yoy,qoq\n",
    host_show
};
