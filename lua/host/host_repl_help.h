/*
 * host_repl_help.h -- the REPL's help(): one entry per function of the
 * reference (host_repl_help.c, made from docs/ by
 * scripts/dev/repl_help_table).
 */
#ifndef KESSAN_HOST_REPL_HELP_H
#define KESSAN_HOST_REPL_HELP_H

typedef struct host_help_entry {
    const char *name;       /* "m:get", "kessan.open"                    */
    const char *signature;  /* the heading: "m:get(item, period), ..."   */
    const char *summary;    /* its first sentence                        */
    const char *doc;        /* "docs/lua-api.md"                         */
} host_help_entry;

/* Ends with an entry whose name is NULL. */
extern const host_help_entry host_help_entries[];

#endif
