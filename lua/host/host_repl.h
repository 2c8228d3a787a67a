/*
 * host_repl.h -- the parts of `kessan repl` (host_repl.c, the loop): its
 * lines, history and completion (host_repl_line.c) and help()
 * (host_repl_helper.c over the table host_repl_help.c).
 */
#ifndef KESSAN_HOST_REPL_H
#define KESSAN_HOST_REPL_H

#include <lua.h>

/* Before the first line: the history read, completion over the state L. */
void host_line_begin(lua_State *L);
/* After the last: the history written, bounded. */
void host_line_end(void);
/* A line without its newline, malloc'd; NULL at end of input. */
char *host_line_read(const char *prompt);

/* Protected: the global help(): help() lists the functions of the
 * reference, help(m.get) or help("m:get") shows one. */
int host_open_help(lua_State *L);

#endif
