/*
 * host_grid.c -- `kessan grid`: the model as a sheet in the terminal.  Under construction: it says
 * so and fails.
 */
#include "host/host.h"

static int host_grid_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    host_error("grid", "not available in this build yet");
    return HOST_EXIT_FAILURE;
}

const host_command host_grid_command = {
    "grid",
    "grid MODEL [--scenario S] [--lang ja]",
    "The model as a sheet in the terminal.",
    "",
    host_grid_main
};
