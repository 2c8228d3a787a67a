/*
 * host_commands_report.h -- the two report commands of the kessan program:
 * `kessan check` (the tie-out audit, core/include/kessan/check.h) and `kessan show` (a
 * statement laid out as printed, core/include/kessan/layout.h).  Each is a host_command
 * for the table of host_main.c.
 */
#ifndef KESSAN_HOST_COMMANDS_REPORT_H
#define KESSAN_HOST_COMMANDS_REPORT_H

#include "host/host.h"

extern const host_command host_check_command;
extern const host_command host_show_command;

#endif
