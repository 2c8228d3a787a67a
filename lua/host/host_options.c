/*
 * host_options.c -- a command's options through getopt_long (host_options.h):
 * one parse per command (optind reset), its messages for bad usage with
 * the nearest option suggested, and no abbreviated option names.
 */
#include <stdio.h>
#include <string.h>

#include "host/host_options.h"
#include "kessan/suggest.h"

#define HOST_OPTIONS_MAX 32

void host_options_begin(host_options *options, const host_command *command,
                        const struct option *table, host_options_order order,
                        int argc, char **argv)
{
    memset(options, 0, sizeof *options);
    options->command = command;
    options->table = table;
    options->order = order;
    options->argc = argc;
    options->argv = argv;
    options->rest = argc;
    /* 0, not 1: getopt_long forgets a previous parse entirely */
    optind = 0;
    opterr = 0;
}

int host_options_exit(int next)
{
    return next == HOST_OPTIONS_HELP ? HOST_EXIT_OK : HOST_EXIT_USAGE;
}

/* "--name=value" or "--name" of the argument `text`: the name's length. */
static size_t long_name_length(const char *text)
{
    return strcspn(text + 2, "=");
}

static const struct option *find_exact(const struct option *table,
                                       const char *name, size_t length)
{
    for (; table->name; table++)
        if (strlen(table->name) == length &&
            memcmp(table->name, name, length) == 0)
            return table;
    return NULL;
}

/* "unknown option '--fromat' (did you mean '--format'?)" */
static int report_unknown_long(const host_options *options, const char *text)
{
    const char *name = text + 2;
    size_t length = long_name_length(text);
    const char *names[HOST_OPTIONS_MAX];
    int count = 0;
    for (const struct option *o = options->table;
         o->name && count < HOST_OPTIONS_MAX; o++)
        names[count++] = o->name;
    const char *nearest = ks_suggest(name, length, names, count);
    if (nearest)
        host_usage_error(options->command, "unknown option '--%.*s' (did "
                         "you mean '--%s'?)", (int)length, name, nearest);
    else
        host_usage_error(options->command, "unknown option '--%.*s'",
                         (int)length, name);
    return HOST_OPTIONS_BAD;
}

/* getopt_long refused the argument before optind ('?'). */
static int report_refused(const host_options *options)
{
    const char *text = options->argv[optind - 1];
    if (strncmp(text, "--", 2) != 0) {
        host_usage_error(options->command, "unknown option '-%c'", optopt);
        return HOST_OPTIONS_BAD;
    }
    size_t length = long_name_length(text);
    if (text[2 + length] == '=' && find_exact(options->table, text + 2,
                                              length)) {
        host_usage_error(options->command, "option '%.*s' takes no value",
                         (int)length + 2, text);
        return HOST_OPTIONS_BAD;
    }
    return report_unknown_long(options, text);
}

/* The argument that named the long option just taken: getopt_long also
 * takes an unambiguous prefix ("--form"), which is refused here, so that
 * a new option never changes what an old command line meant. */
static int check_spelled_out(const host_options *options,
                             const struct option *taken)
{
    int at = optind - 1;
    if (taken->has_arg != no_argument && optarg == options->argv[at])
        at--;
    const char *text = options->argv[at];
    if (strncmp(text, "--", 2) != 0)
        return 0;   /* a short option: -h */
    size_t length = long_name_length(text);
    if (strlen(taken->name) == length)
        return 0;
    return report_unknown_long(options, text);
}

/* After getopt_long's end: the arguments left, as operands. */
static int next_operand(host_options *options)
{
    if (options->rest >= options->argc)
        return HOST_OPTIONS_END;
    options->value = options->argv[options->rest++];
    return HOST_OPTIONS_OPERAND;
}

int host_options_next(host_options *options)
{
    if (options->ended)
        return next_operand(options);
    const char *optstring =
        options->order == HOST_OPTIONS_ANYWHERE ? "-:h" : "+:h";
    int index = -1;
    int next = getopt_long(options->argc, options->argv, optstring,
                           options->table, &index);
    options->value = optarg;
    if (next == -1) {
        /* at "--", or at the first operand when options come first */
        options->ended = 1;
        options->rest = optind;
        return options->order == HOST_OPTIONS_ANYWHERE
                   ? next_operand(options) : HOST_OPTIONS_END;
    }
    if (next == 1)
        return HOST_OPTIONS_OPERAND;
    if (next == '?')
        return report_refused(options);
    if (next == ':') {
        host_usage_error(options->command, "option '%s' needs a value",
                         options->argv[optind - 1]);
        return HOST_OPTIONS_BAD;
    }
    if (index >= 0 && check_spelled_out(options, &options->table[index]))
        return HOST_OPTIONS_BAD;
    if (next == 'h') {
        host_print_command_help(options->command);
        return HOST_OPTIONS_HELP;
    }
    return next;
}

int host_option_choice(const host_options *options, const char *option,
                       const char *const *choices, const char *value)
{
    int count = 0;
    for (; choices[count]; count++)
        if (strcmp(choices[count], value) == 0)
            return count;
    char list[128] = "";
    for (int i = 0; i < count; i++) {
        size_t used = strlen(list);
        const char *separator = i == 0 ? "" : i == count - 1 ? " or " : ", ";
        snprintf(list + used, sizeof list - used, "%s%s", separator,
                 choices[i]);
    }
    const char *nearest = ks_suggest(value, strlen(value), choices, count);
    if (nearest && ks_edit_distance(value, strlen(value), nearest,
                                    strlen(nearest), 8) >=
                       (int)strlen(nearest))
        nearest = NULL; /* 'xml' is not a typo of 'md' */
    host_usage_error(options->command, "%s must be %s, got '%s'%s%s%s",
                     option, list, value, nearest ? " (did you mean '" : "",
                     nearest ? nearest : "", nearest ? "'?)" : "");
    return -1;
}
