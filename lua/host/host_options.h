/*
 * host_options.h -- a command's options, parsed with getopt_long: each
 * command gives its table of long options (ending with HOST_OPTION_HELP
 * and a zero entry) and reads them one by one; -h and --help print the
 * command's help, and bad usage is reported alike for every command:
 *
 *     kessan: check: unknown option '--fromat' (did you mean '--format'?)
 *     kessan: export: option '--out' needs a value
 *
 * Options are spelled out in full ("--form" is not "--format").
 */
#ifndef KESSAN_HOST_OPTIONS_H
#define KESSAN_HOST_OPTIONS_H

#include <getopt.h>

#include "host/host.h"

/* A command's option values (struct option's val) start here. */
enum { HOST_OPTION_FIRST = 256 };

#define HOST_OPTION_HELP { "help", no_argument, NULL, 'h' }

/* What host_options_next returns besides an option's val. */
enum {
    HOST_OPTIONS_END = 0,       /* no argument left (or, stopping at the
                                   first operand, it is argv[rest])       */
    HOST_OPTIONS_OPERAND = 1,   /* an operand, in value                    */
    HOST_OPTIONS_HELP = -1,     /* the command's help was printed: exit 0 */
    HOST_OPTIONS_BAD = -2       /* bad usage was reported: exit 2         */
};

typedef enum host_options_order {
    HOST_OPTIONS_ANYWHERE,      /* options and operands mixed, in order   */
    HOST_OPTIONS_BEFORE_OPERAND /* options end at the first operand: what
                                   follows is passed through (run SCRIPT
                                   ARG...)                                */
} host_options_order;

typedef struct host_options {
    const host_command *command;
    const struct option *table;
    host_options_order order;
    int argc;
    char **argv;        /* argv[0] is the command name                    */
    const char *value;  /* the option's value, or the operand             */
    int rest;           /* after HOST_OPTIONS_END: the first argument not
                           taken (argc when none is left)                 */
    int ended;          /* getopt_long has no more options                */
} host_options;

/* Begin parsing the arguments of a command (argv[0] its name). */
void host_options_begin(host_options *options, const host_command *command,
                        const struct option *table, host_options_order order,
                        int argc, char **argv);
/* The next option's val (>= HOST_OPTION_FIRST, its argument in value), an
 * operand (HOST_OPTIONS_OPERAND), HOST_OPTIONS_END, HOST_OPTIONS_HELP or
 * HOST_OPTIONS_BAD. */
int host_options_next(host_options *options);
/* The exit status of HOST_OPTIONS_HELP (0) or HOST_OPTIONS_BAD (2). */
int host_options_exit(int next);

/* Which of the NULL-terminated choices `value` is, or -1 after reporting
 * "--OPTION must be A, B or C, got 'value'". */
int host_option_choice(const host_options *options, const char *option,
                       const char *const *choices, const char *value);

#endif
