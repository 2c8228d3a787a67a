/*
 * run.c -- running a simulation: checking its spec, the histogram ranges
 * from a pilot, chunks of trials on threads (each its own stream, so the
 * result does not depend on the thread count), and the result with its
 * accessors.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "simulate/simulate_internal.h"

struct ks_sim_result {
    ks_allocator alloc;
    int64_t trials;
    int output_count;
    char **given;        /* output cells as given                      */
    char **names;        /* as the model writes them                   */
    ks_moments *moments;
    ks_hist *hist;       /* per output: counts over a range fixed first */
    uint32_t *counts;    /* the histograms' counts, output by output    */
};

typedef struct sim_run {
    const sim_plan *plan;
    ks_sim_result *result;
    ks_moments *chunk_moments; /* chunk_count * output_count          */
    int64_t chunk_count;
    atomic_llong next_chunk;
    atomic_llong done;
    atomic_int stop;        /* any thread: stop taking chunks          */
    atomic_int interrupted; /* the allocator's poll said so            */
} sim_run;

/* Whether the run must stop: the host's poll (ks_allocator.interrupted),
 * asked once per block, about every 20 us at the usual trial cost, so a
 * run stops well within 50 ms even when a trial is a thousand times
 * dearer; or another thread already stopped it. */
static int should_stop(sim_run *run)
{
    if (atomic_load_explicit(&run->stop, memory_order_relaxed))
        return 1;
    if (!ks_interrupted(run->plan->alloc))
        return 0;
    atomic_store(&run->interrupted, 1);
    atomic_store(&run->stop, 1);
    return 1;
}

/* Run one chunk of trials; 0, or -1 when the run was stopped midway
 * (the chunk's moments are then incomplete and never merged). */
static int run_chunk(sim_run *run, sim_worker *worker, int64_t chunk)
{
    const sim_plan *plan = run->plan;
    ks_sim_result *result = run->result;
    int outputs = plan->output_count;
    ks_moments *moments = run->chunk_moments + chunk * outputs;
    int64_t first = chunk * KS_SIM_CHUNK;
    (void)result;
    int64_t count = plan->trials - first < KS_SIM_CHUNK ? plan->trials - first
                                                        : KS_SIM_CHUNK;
    ks_sim_worker_seed(worker, (uint64_t)chunk);
    for (int o = 0; o < outputs; o++)
        ks_moments_clear(&moments[o]);
    for (int64_t at = 0; at < count; at += KS_SIM_BLOCK) {
        if (should_stop(run))
            return -1;
        worker->n = (int)(count - at < KS_SIM_BLOCK ? count - at : KS_SIM_BLOCK);
        ks_sim_eval_block(worker);
        for (int o = 0; o < outputs; o++) {
            const double *values = ks_sim_output_lanes(worker, o);
            ks_output_add_block(&moments[o], &result->hist[o],
                                worker->counts + (size_t)o * KS_HIST_SLOTS,
                                values, worker->n);
        }
    }
    return 0;
}

/* Padding either side keeps a thread's hot fields (its stream, its block
 * counter) off the cache lines of its neighbours in the array: measured,
 * without it two threads ran no faster than one. */
typedef struct sim_thread {
    char pad_before[128];
    sim_run *run;
    sim_worker worker;
    int report; /* the calling thread: reports progress              */
    ks_sim_progress_fn progress;
    void *progress_data;
    char pad_after[128];
} sim_thread;

static void *thread_main(void *ud)
{
    sim_thread *thread = ud;
    sim_run *run = thread->run;
    /* cleared here, in parallel, rather than by the caller before the
     * threads start: the first touch of its pages is most of the cost */
    memset(thread->worker.counts, 0, (size_t)run->plan->output_count *
                                         KS_HIST_SLOTS *
                                         sizeof *thread->worker.counts);
    for (;;) {
        if (atomic_load(&run->stop))
            break;
        int64_t chunk = atomic_fetch_add(&run->next_chunk, 1);
        if (chunk >= run->chunk_count)
            break;
        if (run_chunk(run, &thread->worker, chunk) != 0)
            break;
        int64_t chunk_trials = run->plan->trials - chunk * KS_SIM_CHUNK;
        if (chunk_trials > KS_SIM_CHUNK)
            chunk_trials = KS_SIM_CHUNK;
        int64_t done = atomic_fetch_add(&run->done, chunk_trials) + chunk_trials;
        if (thread->report && thread->progress &&
            thread->progress(thread->progress_data, done, run->plan->trials))
            atomic_store(&run->stop, 1);
    }
    return NULL;
}

static ks_status check_spec(const ks_sim_spec *spec, ks_error *err)
{
    if (spec->trials < 1 || spec->trials > KS_SIM_TRIALS_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: trials must be from 1 to %lld, got %lld",
                            (long long)KS_SIM_TRIALS_MAX,
                            (long long)spec->trials);
    if (spec->threads < 0 || spec->threads > KS_SIM_THREADS_MAX)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: threads must be from 1 to %d, got %d",
                            KS_SIM_THREADS_MAX, spec->threads);
    if (spec->output_count < 1 || !spec->outputs)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: outputs: at least one cell is needed");
    if (spec->draw_count < 0 || (spec->draw_count > 0 && !spec->draws))
        return ks_error_set(err, KS_EINVAL, "simulate: draws: a bad list");
    if (spec->correlation_count < 0 ||
        (spec->correlation_count > 0 && !spec->correlations))
        return ks_error_set(err, KS_EINVAL, "simulate: correlate: a bad list");
    if ((unsigned)spec->sampling > KS_SIM_LATIN_HYPERCUBE)
        return ks_error_set(err, KS_EINVAL, "simulate: sampling: unknown");
    if ((unsigned)spec->copula > KS_SIM_RANK_CORRELATION)
        return ks_error_set(err, KS_EINVAL, "simulate: copula: unknown");
    return KS_OK;
}

/* ---- the result ------------------------------------------------------------- */

void ks_sim_result_free(ks_sim_result *result)
{
    if (!result)
        return;
    const ks_allocator *alloc = &result->alloc;
    for (int o = 0; o < result->output_count; o++) {
        if (result->given)
            ks_mem_free(alloc, result->given[o]);
        if (result->names)
            ks_mem_free(alloc, result->names[o]);
    }
    ks_mem_free(alloc, result->given);
    ks_mem_free(alloc, result->names);
    ks_mem_free(alloc, result->moments);
    ks_mem_free(alloc, result->hist);
    ks_mem_free(alloc, result->counts);
    ks_mem_free(alloc, result);
}

static ks_sim_result *result_new(const sim_plan *plan, ks_model *model,
                                 const ks_sim_spec *spec)
{
    const ks_allocator *alloc = plan->alloc;
    ks_sim_result *result = ks_mem_calloc(alloc, 1, sizeof *result);
    if (!result)
        return NULL;
    int outputs = plan->output_count;
    result->alloc = *alloc;
    result->trials = plan->trials;
    result->given = ks_mem_calloc(alloc, (size_t)outputs, sizeof(char *));
    result->names = ks_mem_calloc(alloc, (size_t)outputs, sizeof(char *));
    result->moments = ks_mem_calloc(alloc, (size_t)outputs, sizeof *result->moments);
    result->hist = ks_mem_calloc(alloc, (size_t)outputs, sizeof *result->hist);
    if (!result->given || !result->names || !result->moments ||
        !result->hist) {
        ks_sim_result_free(result);
        return NULL;
    }
    result->output_count = outputs;
    for (int o = 0; o < outputs; o++) {
        const sim_output *output = &plan->outputs[o];
        char name[512], period[16];
        snprintf(name, sizeof name, "%s@%s",
                 plan->book->items[output->item].id,
                 ks_period_id(model, output->period, period, sizeof period));
        result->given[o] = ks_mem_strdup(alloc, spec->outputs[o]);
        result->names[o] = ks_mem_strdup(alloc, name);
        if (!result->given[o] || !result->names[o]) {
            ks_sim_result_free(result);
            return NULL;
        }
    }
    return result;
}

static void workers_free(const ks_allocator *alloc, sim_thread *threads,
                         int count)
{
    if (!threads)
        return;
    for (int t = 0; t < count; t++)
        ks_sim_worker_free(alloc, &threads[t].worker);
    ks_mem_free(alloc, threads);
}

static sim_thread *workers_new(const sim_plan *plan, int count)
{
    const ks_allocator *alloc = plan->alloc;
    sim_thread *threads = ks_mem_calloc(alloc, (size_t)count, sizeof *threads);
    if (!threads)
        return NULL;
    for (int t = 0; t < count; t++) {
        if (ks_sim_worker_init(&threads[t].worker, plan) != 0) {
            workers_free(alloc, threads, count);
            return NULL;
        }
    }
    return threads;
}

/* The histogram ranges, from a pilot of PILOT_TRIALS trials on a stream
 * of its own (the same whatever the thread count): the pilot's mean +- 8
 * sd, widened to its min and max and by 1%. */
#define PILOT_TRIALS 1024

static int fix_ranges(const sim_plan *plan, sim_worker *worker,
                      ks_sim_result *result)
{
    int outputs = plan->output_count;
    for (int o = 0; o < outputs; o++)
        ks_moments_clear(&result->moments[o]);
    ks_sim_worker_seed(worker, UINT64_MAX);
    for (int64_t at = 0; at < PILOT_TRIALS; at += KS_SIM_BLOCK) {
        if (ks_interrupted(plan->alloc))
            return -1;
        worker->n = KS_SIM_BLOCK;
        ks_sim_eval_block(worker);
        for (int o = 0; o < outputs; o++)
            ks_moments_add_block(&result->moments[o], ks_sim_output_lanes(worker, o),
                                 worker->n);
    }
    for (int o = 0; o < outputs; o++) {
        const ks_moments *m = &result->moments[o];
        double lo = 0, hi = 1;
        if (m->count > 0) {
            double sd = m->count > 1 ? sqrt(m->m2 / (m->count - 1)) : 0;
            lo = m->mean - 8 * sd < m->min ? m->mean - 8 * sd : m->min;
            hi = m->mean + 8 * sd > m->max ? m->mean + 8 * sd : m->max;
            double pad = (hi - lo) * 0.01;
            /* not so narrow that 1 / width overflows (denormal spreads) */
            if (!(pad > 1e-290))
                pad = fabs(m->mean) * 1e-9 + 1e-9;
            lo -= pad;
            hi += pad;
        }
        if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) {
            lo = -1;
            hi = 1;
        }
        ks_hist_init(&result->hist[o], lo, hi);
    }
    return 0;
}

static ks_status run_trials(const sim_plan *plan, const ks_sim_spec *spec,
                            ks_sim_result *result, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    int thread_count = spec->threads > 0 ? spec->threads : 1;
    sim_run run;
    run.plan = plan;
    run.result = result;
    run.chunk_count = (plan->trials + KS_SIM_CHUNK - 1) / KS_SIM_CHUNK;
    if (thread_count > run.chunk_count)
        thread_count = (int)run.chunk_count;
    atomic_init(&run.next_chunk, 0);
    atomic_init(&run.done, 0);
    atomic_init(&run.stop, 0);
    atomic_init(&run.interrupted, 0);
    run.chunk_moments = ks_mem_alloc(alloc, (size_t)run.chunk_count *
                                                (size_t)plan->output_count *
                                                sizeof(ks_moments));
    sim_thread *threads = workers_new(plan, thread_count);
    pthread_t *ids = ks_mem_alloc(alloc, (size_t)thread_count * sizeof *ids);
    if (!run.chunk_moments || !threads || !ids) {
        ks_mem_free(alloc, run.chunk_moments);
        workers_free(alloc, threads, thread_count);
        ks_mem_free(alloc, ids);
        return ks_error_set(err, KS_ENOMEM,
                            "simulate: out of memory for %d threads",
                            thread_count);
    }
    if (fix_ranges(plan, &threads[0].worker, result) != 0) {
        ks_mem_free(alloc, run.chunk_moments);
        workers_free(alloc, threads, thread_count);
        ks_mem_free(alloc, ids);
        return ks_error_set(err, KS_EINTERRUPTED,
                            "interrupted while simulating (0 of %lld trials "
                            "done)", (long long)plan->trials);
    }
    int started = 0;
    for (int t = 0; t < thread_count; t++) {
        threads[t].run = &run;
        threads[t].report = t == 0;
        threads[t].progress = spec->progress;
        threads[t].progress_data = spec->progress_data;
    }
    /* Workers start with every signal blocked (a thread inherits its
     * creator's mask), so the host's handlers (Ctrl-C, alarms) run on the
     * calling thread, never on a thread it does not know of. */
    sigset_t all_signals, caller_mask;
    sigfillset(&all_signals);
    pthread_sigmask(SIG_SETMASK, &all_signals, &caller_mask);
    for (int t = 1; t < thread_count; t++) {
        if (pthread_create(&ids[t], NULL, thread_main, &threads[t]) != 0)
            break; /* the threads that started take its chunks */
        started = t;
    }
    pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);
    thread_main(&threads[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(ids[t], NULL);
    ks_status status = KS_OK;
    if (atomic_load(&run.interrupted)) {
        status = ks_error_set(err, KS_EINTERRUPTED,
                              "interrupted while simulating (%lld of %lld "
                              "trials done)", (long long)atomic_load(&run.done),
                              (long long)plan->trials);
    } else if (atomic_load(&run.stop)) {
        status = ks_error_set(err, KS_EMISUSE, "simulate: cancelled after "
                                               "%lld of %lld trials",
                              (long long)atomic_load(&run.done),
                              (long long)plan->trials);
    } else {
        for (int o = 0; o < plan->output_count; o++) {
            ks_moments_clear(&result->moments[o]);
            for (int64_t c = 0; c < run.chunk_count; c++)
                ks_moments_merge(&result->moments[o],
                                 &run.chunk_moments[c * plan->output_count + o]);
            /* counts add up the same in any order: the other threads'
             * into the calling thread's, which the result keeps */
            uint32_t *counts = threads[0].worker.counts +
                               (size_t)o * KS_HIST_SLOTS;
            for (int t = 1; t <= started; t++) {
                const uint32_t *part = threads[t].worker.counts +
                                       (size_t)o * KS_HIST_SLOTS;
                for (int bin = 0; bin < KS_HIST_BINS + 2; bin++)
                    counts[bin] += part[bin];
            }
            result->hist[o].counts = counts;
        }
        result->counts = threads[0].worker.counts;
        threads[0].worker.counts = NULL;
    }
    ks_mem_free(alloc, run.chunk_moments);
    workers_free(alloc, threads, thread_count);
    ks_mem_free(alloc, ids);
    return status;
}

ks_status ks_simulate(ks_model *model, const ks_sim_spec *spec,
                      ks_sim_result **out, ks_error *err)
{
    *out = NULL;
    ks_status status = check_spec(spec, err);
    if (status != KS_OK)
        return status;
    sim_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.alloc = ks_model_allocator(model);
    status = ks_sim_plan_prepare(&plan, model, spec, err);
    ks_sim_result *result = NULL;
    if (status == KS_OK) {
        result = result_new(&plan, model, spec);
        if (!result)
            status = ks_error_set(err, KS_ENOMEM,
                                  "simulate: out of memory keeping %lld trials "
                                  "of %d outputs", (long long)plan.trials,
                                  plan.output_count);
    }
    if (status == KS_OK)
        status = run_trials(&plan, spec, result, err);
    ks_sim_plan_free(&plan);
    if (status != KS_OK) {
        ks_sim_result_free(result);
        return status;
    }
    *out = result;
    return KS_OK;
}

/* ---- accessors ---------------------------------------------------------------- */

int64_t ks_sim_trials(const ks_sim_result *result) { return result->trials; }
int ks_sim_output_count(const ks_sim_result *result)
{
    return result->output_count;
}

const char *ks_sim_output_name(const ks_sim_result *result, int output)
{
    return result->names[output];
}

int ks_sim_output_find(const ks_sim_result *result, const char *cell)
{
    for (int o = 0; o < result->output_count; o++)
        if (strcmp(result->given[o], cell) == 0 ||
            strcmp(result->names[o], cell) == 0)
            return o;
    return -1;
}

int64_t ks_sim_count(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].count;
}

int64_t ks_sim_invalid(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].invalid;
}

int64_t ks_sim_overflow(const ks_sim_result *result, int output)
{
    return (int64_t)result->moments[output].overflow;
}

double ks_sim_mean(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].mean
                                             : NAN;
}

double ks_sim_sd(const ks_sim_result *result, int output)
{
    const ks_moments *m = &result->moments[output];
    if (m->count < 1)
        return NAN;
    return m->count < 2 ? 0.0 : sqrt(m->m2 / (m->count - 1));
}

double ks_sim_min(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].min
                                             : NAN;
}

double ks_sim_max(const ks_sim_result *result, int output)
{
    return result->moments[output].count > 0 ? result->moments[output].max
                                             : NAN;
}

static ks_status check_output(const ks_sim_result *result, int output,
                              ks_error *err)
{
    if (output < 0 || output >= result->output_count)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: output %d out of range (1..%d)",
                            output + 1, result->output_count);
    return KS_OK;
}

ks_status ks_sim_percentile(ks_sim_result *result, int output, double q,
                            double *out, ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (!(q >= 0 && q <= 100))
        return ks_error_set(err, KS_EINVAL,
                            "percentile: q must be from 0 to 100, got %.17g", q);
    const ks_moments *m = &result->moments[output];
    if (m->count == 0)
        return ks_error_set(err, KS_EINVAL,
                            "percentile: '%s' gave no number in any trial",
                            result->names[output]);
    *out = ks_hist_percentile(&result->hist[output], (int64_t)m->count,
                              m->min, m->max, q);
    return KS_OK;
}

double ks_sim_prob(ks_sim_result *result, int output, ks_sim_op op, double x)
{
    if (output < 0 || output >= result->output_count ||
        (unsigned)op > KS_SIM_GE)
        return NAN;
    const ks_moments *m = &result->moments[output];
    return ks_hist_prob(&result->hist[output], (int64_t)m->count, m->min,
                        m->max, op, x);
}

ks_status ks_sim_histogram(ks_sim_result *result, int output, int bins,
                           int64_t *counts, double *lo, double *hi,
                           ks_error *err)
{
    ks_status status = check_output(result, output, err);
    if (status != KS_OK)
        return status;
    if (bins < 1)
        return ks_error_set(err, KS_EINVAL,
                            "histogram: bins must be at least 1, got %d", bins);
    const ks_moments *m = &result->moments[output];
    *lo = m->count > 0 ? m->min : NAN;
    *hi = m->count > 0 ? m->max : NAN;
    ks_hist_rebin(&result->hist[output], m->min, m->max, bins, counts);
    return KS_OK;
}
