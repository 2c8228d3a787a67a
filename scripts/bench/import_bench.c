/*
 * import_bench.c -- the import benchmark: a values file (CSV or .xlsx)
 * imported into a chart over and over, and a model directory opened over
 * and over; the best and the median of the repeats, in thread CPU time
 * and wall time.
 *
 * Usage: bench_import --chart DIR --values FILE [--repeat R]
 *        bench_import --open DIR [--repeat R]
 * (scripts/bench/import runs it on the recalc benchmark's files.)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kessan/kessan.h"

static double clock_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fail(const char *what, const ks_error *err)
{
    fprintf(stderr, "bench_import: %s: %s\n", what, err->message);
    exit(1);
}

typedef struct timings {
    double *cpu, *process, *wall;
    int count;
} timings;

static void timings_new(timings *t, int repeat)
{
    t->cpu = calloc((size_t)repeat, sizeof(double));
    t->process = calloc((size_t)repeat, sizeof(double));
    t->wall = calloc((size_t)repeat, sizeof(double));
    t->count = repeat;
    if (!t->cpu || !t->process || !t->wall)
        exit(1);
}

static void timings_free(timings *t)
{
    free(t->cpu);
    free(t->process);
    free(t->wall);
}

typedef struct clocks {
    double cpu, process, wall;
} clocks;

static clocks clocks_now(void)
{
    return (clocks){ clock_of(CLOCK_THREAD_CPUTIME_ID),
                     clock_of(CLOCK_PROCESS_CPUTIME_ID),
                     clock_of(CLOCK_MONOTONIC) };
}

static void record_since(timings *t, int i, clocks start)
{
    clocks end = clocks_now();
    t->cpu[i] = end.cpu - start.cpu;
    t->process[i] = end.process - start.process;
    t->wall[i] = end.wall - start.wall;
}

static void print_timings(const char *what, timings *t, double cells)
{
    size_t n = (size_t)t->count;
    qsort(t->cpu, n, sizeof *t->cpu, by_value);
    qsort(t->process, n, sizeof *t->process, by_value);
    qsort(t->wall, n, sizeof *t->wall, by_value);
    double best = t->cpu[0], median = t->cpu[t->count / 2];
    printf("%-34s cpu best %.4f s, median %.4f s; process cpu best %.4f s; "
           "wall best %.4f s, median %.4f s", what, best, median,
           t->process[0], t->wall[0], t->wall[t->count / 2]);
    if (cells > 0)
        printf("; %.2fM cells/s (best cpu), %.2fM (median); %.2fM (best "
               "process cpu); %.2fM (best wall)", cells / best * 1e-6,
               cells / median * 1e-6, cells / t->process[0] * 1e-6,
               cells / t->wall[0] * 1e-6);
    printf("\n");
}

static void bench_import(const char *chart, const char *values, int repeat)
{
    ks_error err;
    ks_model *model = NULL;
    if (ks_model_open(chart, NULL, &model, &err) != KS_OK)
        fail(chart, &err);
    timings t;
    timings_new(&t, repeat);
    ks_import_options options = { .provenance = KS_PROV_REPORTED,
                                  .override = 1 };
    for (int i = 0; i < repeat; i++) {
        clocks start = clocks_now();
        if (ks_import_values_with(model, values, &options, &err) != KS_OK)
            fail(values, &err);
        record_since(&t, i, start);
    }
    int inputs = 0;
    for (int item = 0; item < ks_item_count(model); item++)
        for (int p = 0; p < ks_period_count(model); p++)
            inputs += ks_is_input(model, item, p) != 0;
    char what[64];
    snprintf(what, sizeof what, "import (%d inputs)", inputs);
    print_timings(what, &t, inputs);
    timings_free(&t);
    ks_model_free(model);
}

static void bench_open(const char *directory, int repeat)
{
    timings t;
    timings_new(&t, repeat);
    for (int i = 0; i < repeat; i++) {
        ks_error err;
        ks_model *model = NULL;
        clocks start = clocks_now();
        if (ks_model_open(directory, NULL, &model, &err) != KS_OK)
            fail(directory, &err);
        record_since(&t, i, start);
        ks_model_free(model);
    }
    print_timings("ks_model_open", &t, 0);
    timings_free(&t);
}

int main(int argc, char **argv)
{
    const char *chart = NULL, *values = NULL, *open = NULL;
    int repeat = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--chart") == 0)
            chart = argv[i + 1];
        else if (strcmp(argv[i], "--values") == 0)
            values = argv[i + 1];
        else if (strcmp(argv[i], "--open") == 0)
            open = argv[i + 1];
        else if (strcmp(argv[i], "--repeat") == 0)
            repeat = atoi(argv[i + 1]);
    }
    if (repeat < 1 || (!open && (!chart || !values))) {
        fprintf(stderr, "usage: bench_import --chart DIR --values FILE "
                        "[--repeat R] | --open DIR [--repeat R]\n");
        return 2;
    }
    if (open)
        bench_open(open, repeat);
    else
        bench_import(chart, values, repeat);
    return 0;
}
