/*
 * fuzz_scratch.h -- where a fuzzing harness writes its scratch files:
 * under $TMPDIR, which scripts/dev/fuzz points at a directory of the run's
 * own and removes afterwards (in fork mode libFuzzer kills children at the
 * time limit, before they can remove what they wrote), or /tmp.
 */
#ifndef KS_FUZZ_SCRATCH_H
#define KS_FUZZ_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FUZZ_PATH_MAX 4096

/* path = $TMPDIR/kessan-fuzz-<what>-<pid><suffix> */
static const char *fuzz_scratch(const char *what, const char *suffix,
                                char *path, size_t size)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(path, size, "%s/kessan-fuzz-%s-%ld%s", dir, what, (long)getpid(),
             suffix);
    return path;
}

#endif
