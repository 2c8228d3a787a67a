/*
 * host_report.c -- `kessan report`: one self-contained HTML page of a model.  Under construction: it says
 * so and fails.
 */
#include "host/host.h"

static int host_report_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    host_error("report", "not available in this build yet");
    return HOST_EXIT_FAILURE;
}

const host_command host_report_command = {
    "report",
    "report MODEL [SCRIPT] --out FILE.html",
    "Statements, check, scenarios and charts as one HTML page.",
    "",
    host_report_main
};
