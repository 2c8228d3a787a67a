/*
 * host_chart.c -- `kessan chart`: a chart as SVG.  Under construction: it says
 * so and fails.
 */
#include "host/host.h"

static int host_chart_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    host_error("chart", "not available in this build yet");
    return HOST_EXIT_FAILURE;
}

const host_command host_chart_command = {
    "chart",
    "chart ...",
    "A chart as SVG.",
    "",
    host_chart_main
};
