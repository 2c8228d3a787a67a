/*
 * host_commands_report.h -- the two report commands of the kessan program:
 * `kessan check` (the tie-out audit, core/check.h) and `kessan show` (a
 * statement laid out as printed, core/layout.h).  Each is a host_command
 * for the table of host_main.c.
 */
#ifndef KESSAN_HOST_COMMANDS_REPORT_H
#define KESSAN_HOST_COMMANDS_REPORT_H

#include "host.h"

extern const host_command host_check_command;
extern const host_command host_show_command;

#endif
