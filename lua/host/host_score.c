/*
 * host_score.c -- `kessan score`: a forecast scored against what happened.  Under construction: it says
 * so and fails.
 */
#include "host/host.h"

static int host_score_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    host_error("score", "not available in this build yet");
    return HOST_EXIT_FAILURE;
}

const host_command host_score_command = {
    "score",
    "score ...",
    "A forecast scored against actuals.",
    "",
    host_score_main
};
