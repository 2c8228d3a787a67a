/*
 * host_main.c -- the kessan program's entry: the command table, --help and
 * --version, the message forms every command shares ("kessan: where:
 * what"; exit 0 success, 1 failure, 2 bad usage), and the check at exit
 * that standard output took everything written to it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>

#include "host/host.h"
#include "host/host_commands_report.h"
#include "kessan/kessan.h"
#include "kessan/suggest.h"

/* The commands, in the order `kessan --help` lists them. */
static const host_command *const host_commands[] = {
    &host_run_command,
    &host_repl_command,
    &host_export_command,
    &host_check_command,
    &host_show_command,
    &host_grid_command,
    &host_chart_command,
    &host_report_command,
    &host_score_command,
    NULL
};

void host_error(const char *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs(HOST_PROGNAME ": ", stderr);
    if (where)
        fprintf(stderr, "%s: ", where);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    fflush(stderr);
    va_end(args);
}

int host_usage_error(const host_command *command, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, HOST_PROGNAME ": %s: ", command->name);
    vfprintf(stderr, format, args);
    fprintf(stderr, "\nusage: " HOST_PROGNAME " %s\n(try '" HOST_PROGNAME
            " %s --help')\n", command->usage, command->name);
    va_end(args);
    return HOST_EXIT_USAGE;
}

void host_print_command_help(const host_command *command)
{
    printf("usage: " HOST_PROGNAME " %s\n\n%s\n", command->usage,
           command->summary);
    if (command->help && *command->help)
        printf("\n%s", command->help);
}

static void host_print_help(void)
{
    printf("usage: " HOST_PROGNAME " COMMAND [ARG...]\n\n"
           "Company earnings models in Lua.\n\ncommands:\n");
    for (int i = 0; host_commands[i]; i++)
        printf("  %-8s %s\n", host_commands[i]->name,
               host_commands[i]->summary);
    printf("\noptions:\n"
           "  --help      this text ('" HOST_PROGNAME
           " COMMAND --help' for a command)\n"
           "  --version   the version of kessan and of Lua\n");
}

static const host_command *host_find(const char *name)
{
    for (int i = 0; host_commands[i]; i++)
        if (strcmp(host_commands[i]->name, name) == 0)
            return host_commands[i];
    return NULL;
}

/* At exit (after main returns, and after os.exit): output that did not
 * reach standard output (a full disk, /dev/full, a closed pipe with
 * SIGPIPE ignored) is a failure, exit 1, whatever the command said. */
static void host_close_stdout(void)
{
    int failed = ferror(stdout);
    errno = 0;
    if (fflush(stdout) != 0)
        failed = 1;
    int saved = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (!failed)
        return;
    if (saved)
        host_error(NULL, "standard output: write failed (%s)",
                   strerror(saved));
    else
        host_error(NULL, "standard output: write failed");
    _exit(HOST_EXIT_FAILURE);
}

/* "unknown command 'shwo' (did you mean 'show'?)": bad usage. */
static int host_unknown_command(const char *name)
{
    const char *names[sizeof host_commands / sizeof host_commands[0]];
    int count = 0;
    for (; host_commands[count]; count++)
        names[count] = host_commands[count]->name;
    const char *nearest = ks_suggest(name, strlen(name), names, count);
    if (nearest)
        host_error(NULL, "unknown command '%s' (did you mean '%s'? try '"
                   HOST_PROGNAME " --help')", name, nearest);
    else
        host_error(NULL, "unknown command '%s' (try '" HOST_PROGNAME
                   " --help')", name);
    return HOST_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* A reader that goes away (a closed pipe, a FIFO's reader) makes a
     * write fail with EPIPE, reported as any failed write, rather than
     * end the process by a signal in the middle of an export. */
    signal(SIGPIPE, SIG_IGN);
    atexit(host_close_stdout);
    if (argc < 2) {
        host_error(NULL, "no command given (try '" HOST_PROGNAME
                   " --help')");
        return HOST_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        host_print_help();
        return HOST_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf(HOST_PROGNAME " " KESSAN_VERSION " (" LUA_RELEASE ")\n");
        return HOST_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc <= 2) {
            host_print_help();
            return HOST_EXIT_OK;
        }
        const host_command *command = host_find(argv[2]);
        if (!command)
            return host_unknown_command(argv[2]);
        host_print_command_help(command);
        return HOST_EXIT_OK;
    }
    const host_command *command = host_find(name);
    if (!command)
        return host_unknown_command(name);
    return command->main(argc - 1, argv + 1);
}
