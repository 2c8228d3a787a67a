/*
 * recalc_bench.c -- the recalculation benchmark: a synthetic model of
 * 20,000 items x 40 quarters written as a model directory (settings.csv,
 * items.csv, values.csv), then opened, imported and recalculated, with the
 * rates and memory it takes and each figure against its target.
 *
 * The model: half the items are inputs (leaf values and growth rates, every
 * quarter in values.csv, long form), half carry formulas: a tree of totals
 * over four children each, growth chains c = c[-1] * (1 + g) (the first
 * quarter of each chain is a seed input), and ratios a / b.  Each fiscal
 * year holds 8 periods (1Q..4Q, 1H, 2H, 9M, FY).
 *
 * Usage: bench_recalc [--items N] [--years Y] [--dir DIR] [--keep]
 *                     [--repeat R] [--no-define]
 * See docs/performance.md, section "recalc".
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kessan/kessan.h"
#include "model/model.h"
#include "model/model_internal.h"

/* ---- targets ------------------------------------------------------------- */

#define TARGET_IMPORT_CELLS_PER_S 1e6
#define TARGET_FULL_NS_PER_CELL 50.0
#define TARGET_INCREMENTAL_US 50.0
#define TARGET_BYTES_PER_CELL 64.0
#define INCREMENTAL_CELLS_WANTED 100

/* ---- options ------------------------------------------------------------- */

typedef struct options {
    int items;
    int years;
    int repeat;
    int keep;
    int define;
    const char *dir;
} options;

static void usage(void)
{
    fprintf(stderr, "usage: bench_recalc [--items N] [--years Y] [--dir DIR] "
                    "[--keep] [--repeat R] [--no-define]\n");
    exit(2);
}

static int parse_count(const char *text, int low, int high)
{
    char *end = NULL;
    long value = text ? strtol(text, &end, 10) : 0;
    if (!text || *end || value < low || value > high)
        usage();
    return (int)value;
}

static options parse_options(int argc, char **argv)
{
    options opt = { 20000, 10, 5, 0, 1, NULL };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--items") == 0)
            opt.items = parse_count(next, 40, 1000000), i++;
        else if (strcmp(arg, "--years") == 0)
            opt.years = parse_count(next, 2, 100), i++;
        else if (strcmp(arg, "--repeat") == 0)
            opt.repeat = parse_count(next, 1, 1000), i++;
        else if (strcmp(arg, "--dir") == 0 && next)
            opt.dir = next, i++;
        else if (strcmp(arg, "--keep") == 0)
            opt.keep = 1;
        else if (strcmp(arg, "--no-define") == 0)
            opt.define = 0;
        else
            usage();
    }
    return opt;
}

/* ---- clocks, memory ------------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: unlike the wall clock, not counting the time
 * other processes on a shared machine hold the CPU. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_rss_bytes(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_maxrss * 1024.0; /* Linux: kilobytes */
}

static double current_rss_bytes(void)
{
    FILE *file = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (!file)
        return 0;
    if (fscanf(file, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    fclose(file);
    return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

/* An allocator that counts the bytes a model holds (a size header before
 * each block; the header is not counted). */
typedef struct counter {
    size_t bytes, peak, blocks, calls;
} counter;

#define HEADER 16

static void *counting_realloc(void *user_data, void *block, size_t size)
{
    counter *count = user_data;
    char *base = block ? (char *)block - HEADER : NULL;
    size_t old = 0;
    if (base)
        memcpy(&old, base, sizeof old);
    if (size == 0) {
        free(base);
        count->bytes -= old;
        count->blocks -= base != NULL;
        return NULL;
    }
    char *grown = realloc(base, size + HEADER);
    if (!grown)
        return NULL;
    memcpy(grown, &size, sizeof size);
    count->bytes = count->bytes - old + size;
    count->blocks += base == NULL;
    count->calls++;
    if (count->bytes > count->peak)
        count->peak = count->bytes;
    return grown + HEADER;
}

static void counter_reset_peak(counter *count) { count->peak = count->bytes; }

/* ---- failure ------------------------------------------------------------- */

static void check(ks_status status, const ks_error *err, const char *what)
{
    if (status == KS_OK)
        return;
    fprintf(stderr, "bench_recalc: %s: %s (%s)\n", what, err->message,
            ks_status_name(status));
    exit(1);
}

static void *xcalloc(size_t count, size_t size)
{
    void *block = calloc(count ? count : 1, size);
    if (!block) {
        fprintf(stderr, "bench_recalc: out of memory\n");
        exit(1);
    }
    return block;
}

/* ---- the shape of the synthetic model -------------------------------------- */

#define FIRST_YEAR 2003
#define CHILDREN 4

typedef struct shape {
    int items, years;
    int values, rates;         /* input items: v.K, g.K                   */
    int totals, chains, ratios; /* formula items: t.K, c.K, r.K          */
    int levels;
    int level_start[32];       /* totals of level L: t.level_start[L]..   */
    int level_count[32];
} shape;

static shape make_shape(int items, int years)
{
    shape s;
    memset(&s, 0, sizeof s);
    s.items = items;
    s.years = years;
    int inputs = items / 2;
    s.rates = inputs / 5;
    s.values = inputs - s.rates;
    int below = s.values;
    while (below > 1 && s.levels < 31) {
        int count = (below + CHILDREN - 1) / CHILDREN;
        s.level_start[s.levels] = s.totals;
        s.level_count[s.levels] = count;
        s.totals += count;
        s.levels++;
        below = count;
    }
    s.chains = s.rates;
    s.ratios = items - inputs - s.totals - s.chains;
    return s;
}

static int formula_items(const shape *s)
{
    return s->totals + s->chains + s->ratios;
}

/* The level-1 total over leaf value v; the parent of total t (or -1). */
static int leaf_parent(int v) { return v / CHILDREN; }

static int total_parent(const shape *s, int t)
{
    for (int level = 0; level + 1 < s->levels; level++) {
        int start = s->level_start[level];
        if (t >= start && t < start + s->level_count[level])
            return s->level_start[level + 1] + (t - start) / CHILDREN;
    }
    return -1;
}

/* ---- writing the model directory ----------------------------------------- */

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%.2000s/%.64s", dir, name);
    FILE *file = fopen(path, "w");
    if (!file) {
        perror(path);
        exit(1);
    }
    return file;
}

static void close_out(FILE *file)
{
    if (fclose(file) != 0) {
        perror("bench_recalc: writing the model");
        exit(1);
    }
}

static void write_settings(const char *dir, int years)
{
    FILE *file = open_out(dir, "settings.csv");
    fprintf(file, "key,value\nname,Synthetic recalc benchmark\n"
                  "fiscal_year_end_month,3\nfirst_year,%d\nlast_year,%d\n",
            FIRST_YEAR, FIRST_YEAR + years - 1);
    close_out(file);
}

static void write_total(FILE *file, const shape *s, int level, int index)
{
    int t = s->level_start[level] + index;
    int parent = total_parent(s, t);
    fprintf(file, "t.%d,Total %d,,JPY thousands,is,", t, t);
    if (parent >= 0)
        fprintf(file, "t.%d", parent);
    fprintf(file, ",sum,");
    int below = level == 0 ? s->values : s->level_count[level - 1];
    for (int k = 0; k < CHILDREN; k++) {
        int child = index * CHILDREN + k;
        if (child >= below)
            break;
        if (level == 0)
            fprintf(file, "%sv.%d", k ? " + " : "", child);
        else
            fprintf(file, "%st.%d", k ? " + " : "",
                    s->level_start[level - 1] + child);
    }
    fputc('\n', file);
}

/* Ratios, in turn: a leaf's share of its total, a chain over a total, a
 * total's share of its parent. */
static void write_ratio(FILE *file, const shape *s, int r)
{
    fprintf(file, "r.%d,Ratio %d,,ratio,kpi,,formula,", r, r);
    int non_root = s->totals - 1;
    switch (r % 3) {
    case 0: {
        int v = (r / 3) % s->values;
        fprintf(file, "v.%d / t.%d\n", v, leaf_parent(v));
        break;
    }
    case 1:
        fprintf(file, "c.%d / t.%d\n", r % s->chains, r % s->totals);
        break;
    default: {
        int t = non_root > 0 ? (r / 3) % non_root : 0;
        int parent = total_parent(s, t);
        fprintf(file, "t.%d / t.%d\n", t, parent >= 0 ? parent : t);
        break;
    }
    }
}

static void write_items(const char *dir, const shape *s)
{
    FILE *file = open_out(dir, "items.csv");
    fprintf(file, "id,label,label_ja,unit,statement,parent,rule,formula\n");
    for (int v = 0; v < s->values; v++)
        fprintf(file, "v.%d,Value %d,,JPY thousands,is,t.%d,sum,\n", v, v,
                leaf_parent(v));
    for (int g = 0; g < s->rates; g++)
        fprintf(file, "g.%d,Growth %d,,ratio,kpi,,last,\n", g, g);
    for (int level = 0; level < s->levels; level++)
        for (int i = 0; i < s->level_count[level]; i++)
            write_total(file, s, level, i);
    for (int c = 0; c < s->chains; c++)
        fprintf(file, "c.%d,Chain %d,,JPY thousands,bs,,last,"
                      "c.%d[-1] * (1 + g.%d)\n", c, c, c, c);
    for (int r = 0; r < s->ratios; r++)
        write_ratio(file, s, r);
    close_out(file);
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void write_values(const char *dir, const char *name, const shape *s)
{
    FILE *file = open_out(dir, name);
    uint64_t state = 1;
    fprintf(file, "item,period,value\n");
    for (int v = 0; v < s->values; v++)
        for (int y = 0; y < s->years; y++)
            for (int q = 1; q <= 4; q++)
                fprintf(file, "v.%d,%dQ%02d,%d\n", v, q,
                        (FIRST_YEAR + y) % 100,
                        1000 + (int)(next_random(&state) % 9000000));
    for (int g = 0; g < s->rates; g++)
        for (int y = 0; y < s->years; y++)
            for (int q = 1; q <= 4; q++)
                fprintf(file, "g.%d,%dQ%02d,0.%04d\n", g, q,
                        (FIRST_YEAR + y) % 100,
                        1 + (int)(next_random(&state) % 300));
    close_out(file);
}

static double file_size(const char *dir, const char *name)
{
    char path[4096];
    struct stat info;
    snprintf(path, sizeof path, "%.2000s/%.64s", dir, name);
    return stat(path, &info) == 0 ? (double)info.st_size : 0;
}

/* model/: settings, items and values.csv; chart/: settings and items. */
static void write_model(const char *root, const shape *s)
{
    char model[4096], chart[4096];
    snprintf(model, sizeof model, "%.2000s/model", root);
    snprintf(chart, sizeof chart, "%.2000s/chart", root);
    if ((mkdir(model, 0777) != 0 && access(model, W_OK) != 0) ||
        (mkdir(chart, 0777) != 0 && access(chart, W_OK) != 0)) {
        perror(root);
        exit(1);
    }
    write_settings(model, s->years);
    write_settings(chart, s->years);
    write_items(model, s);
    write_items(chart, s);
    write_values(model, "values.csv", s);
}

/* ---- figures -------------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *samples, int count)
{
    qsort(samples, (size_t)count, sizeof *samples, compare_doubles);
    return samples[count / 2];
}

static void print_target(const char *name, const char *measured,
                         const char *target, int pass)
{
    printf("  %-50s %-40s %-16s %s\n", name, measured, target,
           pass ? "PASS" : "MISS");
}

static void print_info(const char *name, const char *measured)
{
    printf("  %-50s %s\n", name, measured);
}

/* ---- the benchmark --------------------------------------------------------- */

typedef struct context {
    options opt;
    shape s;
    char root[1024];
    counter count;
    ks_allocator alloc;
    double values_bytes;
    int input_cells;   /* in values.csv                                  */
    int quarter_cells, total_cells;
    int formula_quarter_cells;
} context;

static int item_of(ks_model *model, const char *id)
{
    ks_error err;
    int item = -1;
    check(ks_item_lookup(model, id, &item, &err), &err, id);
    return item;
}

/* The first quarter of every chain is an input (its [-1] would fall before
 * the first period). */
static void seed_chains(ks_model *model, const shape *s)
{
    ks_error err;
    char id[32];
    for (int c = 0; c < s->chains; c++) {
        snprintf(id, sizeof id, "c.%d", c);
        check(ks_set(model, item_of(model, id), ks_calendar_period(0, 0),
                     1000.0 + c, &err),
              &err, "seeding a chain");
    }
}

static double timed_get_cpu(ks_model *model, int item, int period,
                           double *cpu)
{
    ks_error err;
    ks_value value;
    double cpu_start = cpu_now();
    double start = now();
    check(ks_get(model, item, period, &value, &err), &err, "ks_get");
    double elapsed = now() - start;
    if (cpu)
        *cpu = cpu_now() - cpu_start;
    if (value.kind == KS_ERROR)
        fprintf(stderr, "bench_recalc: unexpected error value: %s\n",
                value.error);
    return elapsed;
}

static double timed_get(ks_model *model, int item, int period)
{
    return timed_get_cpu(model, item, period, NULL);
}

static void report_shape(const context *ctx)
{
    const shape *s = &ctx->s;
    printf("model: %d items x %d quarters (%d fiscal years, 8 periods a "
           "year)\n", s->items, s->years * 4, s->years);
    printf("  quarter cells %d; total cells (quarters, 1H, 2H, 9M, FY) %d\n",
           ctx->quarter_cells, ctx->total_cells);
    printf("  inputs: %d items (%d values, %d growth rates); values.csv "
           "holds %d cells, %.1f MB\n", s->values + s->rates, s->values,
           s->rates, ctx->input_cells, ctx->values_bytes / 1e6);
    printf("  formulas: %d items (%d totals in %d levels, %d growth chains, "
           "%d ratios)\n", formula_items(s), s->totals, s->levels, s->chains,
           s->ratios);
    printf("  formula quarter cells %d (+%d chain seeds set as inputs)\n",
           ctx->formula_quarter_cells, s->chains);
}

/* ks_model_open of chart/ alone, then ks_import_csv of model/values.csv. */
static ks_model *measure_import(context *ctx)
{
    char chart[4096], values[4096];
    snprintf(chart, sizeof chart, "%.2000s/chart", ctx->root);
    snprintf(values, sizeof values, "%.2000s/model/values.csv", ctx->root);
    ks_error err;
    ks_model *model = NULL;
    double start = now();
    check(ks_model_open(chart, &ctx->alloc, &model, &err), &err,
          "ks_model_open (chart)");
    double open_chart = now() - start;
    size_t chart_bytes = ctx->count.bytes;
    counter_reset_peak(&ctx->count);
    start = now();
    check(ks_import_csv(model, values, KS_PROV_REPORTED, &err), &err,
          "ks_import_csv");
    double import = now() - start;
    double rate = ctx->input_cells / import;
    char measured[128];
    printf("\nimport\n");
    snprintf(measured, sizeof measured, "%.2f s (%d formulas defined)",
             open_chart, formula_items(&ctx->s));
    print_info("ks_model_open, chart only", measured);
    snprintf(measured, sizeof measured, "%.3f s: %.2fM cells/s, %.1f MB/s",
             import, rate / 1e6, ctx->values_bytes / 1e6 / import);
    print_target("ks_import_csv of values.csv", measured, ">= 1M cells/s",
                 rate >= TARGET_IMPORT_CELLS_PER_S);
    snprintf(measured, sizeof measured, "%.1f bytes per imported cell",
             (double)(ctx->count.peak - chart_bytes) / ctx->input_cells);
    print_info("  staging peak during the import", measured);
    return model;
}

/* ks_model_open of model/ (chart and values): the whole open. */
static ks_model *measure_open(context *ctx, double *seconds)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%.2000s/model", ctx->root);
    ks_error err;
    ks_model *model = NULL;
    double start = now();
    check(ks_model_open(dir, &ctx->alloc, &model, &err), &err,
          "ks_model_open (model)");
    *seconds = now() - start;
    char measured[128];
    snprintf(measured, sizeof measured, "%.2f s: %.2fM value cells/s",
             *seconds, ctx->input_cells / *seconds / 1e6);
    print_info("ks_model_open, chart and values.csv", measured);
    return model;
}

/* Force full recalculations by redefining one formula; time ks_get. */
static void measure_full(context *ctx, ks_model *model)
{
    ks_error err;
    int ratio = item_of(model, "r.0"), probe = item_of(model, "t.0");
    ks_item_info info;
    ks_item_get(model, ratio, &info);
    char formula[256];
    snprintf(formula, sizeof formula, "%s", info.formula);
    int last = ks_period_count(model) - 1;
    double first = timed_get(model, probe, last);
    int repeat = ctx->opt.repeat;
    double *recalc = xcalloc((size_t)repeat, sizeof *recalc);
    double *graph = xcalloc((size_t)repeat, sizeof *graph);
    double *cpu = xcalloc((size_t)repeat, sizeof *cpu);
    for (int i = 0; i < repeat; i++) {
        double start = now();
        check(ks_define(model, "r.0", i % 2 ? formula : "v.0 / t.0", NULL,
                        &err), &err, "redefining r.0");
        graph[i] = now() - start;
        recalc[i] = timed_get_cpu(model, probe, last, &cpu[i]);
    }
    double full = median(recalc, repeat);
    double fastest = recalc[0];
    double cpu_median = median(cpu, repeat);
    double per_formula = full * 1e9 / ctx->formula_quarter_cells;
    char measured[128];
    printf("\nfull recalculation (median of %d)\n", repeat);
    snprintf(measured, sizeof measured, "%.1f ms", first * 1e3);
    print_info("first ks_get after open (graph + recalc)", measured);
    snprintf(measured, sizeof measured, "%.1f ms", median(graph, repeat) * 1e3);
    print_info("ks_define of one formula (graph rebuild)", measured);
    snprintf(measured, sizeof measured, "%.1f ms: %.1f ns", full * 1e3,
             per_formula);
    print_target("ks_get after it, per formula quarter cell", measured,
                 "<= 50 ns", per_formula <= TARGET_FULL_NS_PER_CELL);
    snprintf(measured, sizeof measured, "%.1f ns per cell of a formula item, "
             "%.1f ns per cell",
             full * 1e9 / ((double)formula_items(&ctx->s) * ctx->s.years * 8),
             full * 1e9 / ctx->total_cells);
    print_info("  the same time spread wider", measured);
    snprintf(measured, sizeof measured, "%.1f ns (fastest run), %.1f ns "
             "(median CPU time)", fastest * 1e9 / ctx->formula_quarter_cells,
             cpu_median * 1e9 / ctx->formula_quarter_cells);
    print_info("  per formula quarter cell, other clocks", measured);
    free(cpu);
    free(recalc);
    free(graph);
}

/* The cells a change of (item, period) touches, through ks_closure. */
static size_t closure_size(ks_model *model, int item, int period)
{
    ks_book *book = model->book;
    uint64_t cell = ks_cell_of(book, item, period);
    size_t count = 0;
    uint64_t *cells = ks_closure(book, &model->alloc, &cell, 1, &count);
    if (!cells) {
        fprintf(stderr, "bench_recalc: out of memory in ks_closure\n");
        exit(1);
    }
    ks_mem_free(&model->alloc, cells);
    return count;
}

/* The growth-rate cell of chain 1 whose change touches about `wanted`
 * cells: the latest quarter whose closure reaches it. */
static int pick_rate_period(ks_model *model, int rate, size_t wanted,
                            size_t *touched)
{
    int years = ks_period_count(model) / KS_SLOTS_PER_YEAR;
    for (int q = years * 4 - 1; q >= 0; q--) {
        int period = ks_calendar_period(q / 4, q % 4);
        *touched = closure_size(model, rate, period);
        if (*touched >= wanted || q == 0)
            return period;
    }
    return 0;
}

static void measure_change(context *ctx, ks_model *model, const char *what,
                           int item, int period, int probe)
{
    ks_error err;
    size_t touched = closure_size(model, item, period);
    int repeat = ctx->opt.repeat * 200;
    double *get = xcalloc((size_t)repeat, sizeof *get);
    double *set = xcalloc((size_t)repeat, sizeof *set);
    ks_value value;
    check(ks_get(model, item, period, &value, &err), &err, "ks_get");
    double base = value.kind == KS_NUMBER ? value.number : 0.01;
    int probe_period = ks_period_count(model) - 1;
    for (int i = 0; i < repeat; i++) {
        double start = now();
        check(ks_set(model, item, period, base * (1.0 + (i % 2) * 0.5), &err),
              &err, "ks_set");
        set[i] = now() - start;
        get[i] = timed_get(model, probe, probe_period);
    }
    double us = median(get, repeat) * 1e6;
    char name[128], measured[128];
    snprintf(name, sizeof name, "%s: ks_get after ks_set", what);
    snprintf(measured, sizeof measured, "%.1f us, %zu cells, %.0f ns/cell", us,
             touched, us * 1e3 / (double)(touched ? touched : 1));
    print_target(name, measured, "<= 50 us", us <= TARGET_INCREMENTAL_US);
    snprintf(measured, sizeof measured, "%.2f us (median), ks_get p90 %.1f us",
             median(set, repeat) * 1e6, get[repeat * 9 / 10] * 1e6);
    print_info("  the ks_set itself", measured);
    free(get);
    free(set);
}

static void measure_incremental(context *ctx, ks_model *model)
{
    printf("\nincremental recalculation (median of %d)\n",
           ctx->opt.repeat * 200);
    int rate = item_of(model, "g.1"), chain = item_of(model, "c.1");
    size_t touched = 0;
    int period = pick_rate_period(model, rate, INCREMENTAL_CELLS_WANTED,
                                  &touched);
    char what[64], buf[16];
    snprintf(what, sizeof what, "g.1@%s",
             ks_period_id(model, period, buf, sizeof buf));
    measure_change(ctx, model, what, rate, period, chain);
    int leaf = item_of(model, "v.0"), total = item_of(model, "t.0");
    snprintf(what, sizeof what, "v.0@%s (a leaf under the tree)",
             ks_period_id(model, ks_calendar_period(ctx->s.years - 1, 3), buf,
                          sizeof buf));
    measure_change(ctx, model, what, leaf,
                   ks_calendar_period(ctx->s.years - 1, 3), total);
}

static void measure_memory(context *ctx, size_t bytes, const char *what,
                           int with_target)
{
    double per_cell = (double)bytes / ctx->total_cells;
    char measured[128];
    snprintf(measured, sizeof measured, "%.1f MB: %.1f B/cell (%.1f per "
             "quarter cell)", (double)bytes / 1e6, per_cell,
             (double)bytes / ctx->quarter_cells);
    if (with_target)
        print_target(what, measured, "<= 64 B/cell",
                     per_cell <= TARGET_BYTES_PER_CELL);
    else
        print_info(what, measured);
}

/* Defining every formula one by one (each ks_define rebuilds the whole
 * dependency graph) against one batch (ks_model_begin_batch /
 * ks_model_end_batch, as ks_model_open does). */
static double define_all(const context *ctx, int batch)
{
    const shape *s = &ctx->s;
    char path[4096];
    snprintf(path, sizeof path, "%.2000s/chart/items.csv", ctx->root);
    ks_calendar calendar = { 3, FIRST_YEAR, FIRST_YEAR + s->years - 1 };
    ks_model *model = NULL;
    ks_error err;
    check(ks_model_new(&calendar, NULL, &model, &err), &err, "ks_model_new");
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        exit(1);
    }
    char line[1024];
    char (*ids)[32] = xcalloc((size_t)s->items, sizeof *ids);
    char (*formulas)[160] = xcalloc((size_t)s->items, sizeof *formulas);
    int count = 0;
    if (!fgets(line, sizeof line, file))
        line[0] = '\0';
    while (fgets(line, sizeof line, file) && count < s->items) {
        line[strcspn(line, "\n")] = '\0';
        char *comma = strchr(line, ',');
        char *formula = strrchr(line, ',');
        if (!comma)
            continue;
        *comma = '\0';
        ks_item_info info = { line, NULL, NULL, NULL, NULL, NULL, NULL,
                              KS_RULE_SUM };
        check(ks_item_add(model, &info, NULL, &err), &err, "ks_item_add");
        snprintf(ids[count], sizeof ids[count], "%.*s",
                 (int)sizeof ids[count] - 1, line);
        snprintf(formulas[count], sizeof formulas[count], "%s", formula + 1);
        count++;
    }
    fclose(file);
    double start = now();
    if (batch)
        ks_model_begin_batch(model);
    for (int i = 0; i < count; i++)
        if (formulas[i][0])
            check(ks_define(model, ids[i], formulas[i], NULL, &err), &err,
                  "ks_define");
    if (batch)
        check(ks_model_end_batch(model, &err), &err, "ks_model_end_batch");
    double elapsed = now() - start;
    ks_model_free(model);
    free(ids);
    free(formulas);
    return elapsed;
}

static void measure_define(context *ctx)
{
    printf("\ndefining %d formulas\n", formula_items(&ctx->s));
    char measured[128];
    double batch = define_all(ctx, 1);
    snprintf(measured, sizeof measured, "%.3f s", batch);
    print_info("in one batch (begin/end_batch, as ks_model_open)", measured);
    double single = define_all(ctx, 0);
    snprintf(measured, sizeof measured, "%.2f s (%.0fx the batch)", single,
             single / batch);
    print_info("one by one (a graph rebuild per ks_define)", measured);
}

static void print_machine(void)
{
    char model_name[256] = "unknown";
    FILE *file = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (file && fgets(line, sizeof line, file)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon)
                snprintf(model_name, sizeof model_name, "%s", colon + 2);
            model_name[strcspn(model_name, "\n")] = '\0';
            break;
        }
    }
    if (file)
        fclose(file);
    printf("machine: %ld CPUs online, %s\n", sysconf(_SC_NPROCESSORS_ONLN),
           model_name);
}

static void make_root(context *ctx)
{
    if (ctx->opt.dir) {
        snprintf(ctx->root, sizeof ctx->root, "%.1000s", ctx->opt.dir);
        if (mkdir(ctx->root, 0777) != 0 && access(ctx->root, W_OK) != 0) {
            perror(ctx->root);
            exit(1);
        }
        return;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(ctx->root, sizeof ctx->root, "%.900s/kessan-bench-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(ctx->root)) {
        perror("mkdtemp");
        exit(1);
    }
}

static void remove_root(const context *ctx)
{
    static const char *const files[] = {
        "model/settings.csv", "model/items.csv", "model/values.csv",
        "chart/settings.csv", "chart/items.csv", "model", "chart"
    };
    char path[4200];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%.2000s/%.64s", ctx->root, files[i]);
        remove(path);
    }
    if (!ctx->opt.dir)
        remove(ctx->root);
}

int main(int argc, char **argv)
{
    context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.opt = parse_options(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    ctx.s = make_shape(ctx.opt.items, ctx.opt.years);
    ctx.alloc.realloc_fn = counting_realloc;
    ctx.alloc.user_data = &ctx.count;
    ctx.quarter_cells = ctx.s.items * ctx.s.years * 4;
    ctx.total_cells = ctx.s.items * ctx.s.years * 8;
    ctx.input_cells = (ctx.s.values + ctx.s.rates) * ctx.s.years * 4;
    ctx.formula_quarter_cells =
        formula_items(&ctx.s) * ctx.s.years * 4 - ctx.s.chains;

    printf("kessan recalc benchmark\n");
    print_machine();
    make_root(&ctx);
    double start = now();
    write_model(ctx.root, &ctx.s);
    ctx.values_bytes = file_size(ctx.root, "model/values.csv");
    report_shape(&ctx);
    printf("  written to %s in %.2f s\n", ctx.root, now() - start);

    ks_model *imported = measure_import(&ctx);
    size_t imported_bytes = ctx.count.bytes;
    ks_model_free(imported);
    size_t leaked = ctx.count.bytes;

    double open_seconds = 0;
    ks_model *model = measure_open(&ctx, &open_seconds);
    size_t opened_bytes = ctx.count.bytes - leaked;
    seed_chains(model, &ctx.s);
    measure_full(&ctx, model);
    measure_incremental(&ctx, model);

    printf("\nmemory\n");
    measure_memory(&ctx, opened_bytes, "model from ks_model_open", 1);
    measure_memory(&ctx, ctx.count.bytes - leaked,
                   "  the same after recalculations", 0);
    measure_memory(&ctx, imported_bytes,
                   "chart opened, values by ks_import_csv", 0);
    char measured[128];
    snprintf(measured, sizeof measured, "%zu blocks, %zu allocation calls",
             ctx.count.blocks, ctx.count.calls);
    print_info("  allocator", measured);
    ks_model_free(model);
    snprintf(measured, sizeof measured, "%.1f MB peak, %.1f MB now: %.1f "
             "B/cell at the peak", peak_rss_bytes() / 1e6,
             current_rss_bytes() / 1e6, peak_rss_bytes() / ctx.total_cells);
    print_info("process RSS (getrusage)", measured);

    if (ctx.opt.define)
        measure_define(&ctx);
    if (!ctx.opt.keep)
        remove_root(&ctx);
    else
        printf("\nmodel kept in %s\n", ctx.root);
    return 0;
}
