/*
 * host_limit_table.c -- the options of a command that takes run's limits
 * (--sandbox, --allow, --max-memory, --timeout, --help) and some of its
 * own (repl's --traceback, grid's --scenario and --lang), as one
 * getopt_long table.
 */
#include "host/host.h"

void host_limit_table(struct option *table, const struct option *extra)
{
    int n = 0;
    for (const struct option *o = host_limit_options; o->name; o++)
        table[n++] = *o;
    for (const struct option *o = extra; o->name; o++)
        table[n++] = *o;
    table[n] = (struct option){ NULL, 0, NULL, 0 };
}
