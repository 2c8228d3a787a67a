/*
 * run.c -- running a simulation: checking its spec, chunks of trials on
 * threads (each its own streams, so the result does not depend on the
 * thread count) in rounds (one, or with a stop rule rounds at fixed
 * points until it holds), each thread counting into sketches of its own
 * that are merged at the end, the kept trials when asked, and the reason
 * of each output's first invalid trial.  The threads are the caller's
 * pool's (pool.c) when it gives one, else started for each round.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "simulate/simulate_internal.h"

/* The first trial of a chunk where an output was no number. */
typedef struct first_invalid {
    int64_t trial; /* -1: none */
    double value;
} first_invalid;

/* One round: chunks [first_chunk, end_chunk) taken by the threads. */
typedef struct sim_run {
    const sim_plan *plan;
    ks_sim_result *result;
    int64_t first_chunk, end_chunk;
    ks_moments *chunk_moments;   /* per chunk of the round, per output   */
    first_invalid *chunk_firsts; /* the same                              */
    atomic_llong next_chunk;
    atomic_llong done;
    atomic_int stop;        /* any thread: stop taking chunks          */
    atomic_int interrupted; /* the allocator's poll said so            */
    int caller_cpu;         /* where the calling thread ran, or -1     */
    ks_sim_progress_fn progress;
    void *progress_data;
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

/* Kept trials: an output's lanes, a lane that does not count as NaN. */
static void keep_output(double *out, const double *lanes, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = fabs(lanes[i]) <= KS_SIM_VALUE_MAX ? lanes[i] : NAN;
}

static void keep_block(const sim_run *run, sim_worker *worker, int64_t trial)
{
    const sim_plan *plan = run->plan;
    ks_sim_result *result = run->result;
    for (int o = 0; o < plan->output_count; o++)
        keep_output(result->output_values[o] + trial,
                    ks_sim_output_lanes(worker, o), worker->n);
    for (int d = 0; d < plan->draw_count; d++)
        memcpy(result->draw_values[d] + trial,
               worker->lanes + (size_t)plan->draws[d].slot * KS_SIM_BLOCK,
               (size_t)worker->n * sizeof(double));
}

/* Note the block's first lane that does not count, if the chunk has no
 * such trial yet. */
static void note_first_invalid(first_invalid *first, const double *lanes,
                               int n, int64_t trial)
{
    if (first->trial >= 0)
        return;
    for (int i = 0; i < n; i++)
        if (!(fabs(lanes[i]) <= KS_SIM_VALUE_MAX)) {
            first->trial = trial + i;
            first->value = lanes[i];
            return;
        }
}

/* Run one chunk of trials; 0, or -1 when the run was stopped midway
 * (the chunk's moments are then incomplete and never merged). */
static int run_chunk(sim_run *run, sim_worker *worker, ks_sketch *sketches,
                     int64_t chunk)
{
    const sim_plan *plan = run->plan;
    int outputs = plan->output_count;
    int64_t round_index = (chunk - run->first_chunk) * outputs;
    ks_moments *moments = run->chunk_moments + round_index;
    first_invalid *firsts = run->chunk_firsts + round_index;
    int64_t first = chunk * KS_SIM_CHUNK;
    int64_t count = plan->trials - first < KS_SIM_CHUNK ? plan->trials - first
                                                        : KS_SIM_CHUNK;
    ks_sim_worker_seed(worker, (uint64_t)chunk);
    for (int o = 0; o < outputs; o++) {
        ks_moments_clear(&moments[o]);
        firsts[o].trial = -1;
    }
    for (int64_t at = 0; at < count; at += KS_SIM_BLOCK) {
        if (should_stop(run))
            return -1;
        worker->n = (int)(count - at < KS_SIM_BLOCK ? count - at : KS_SIM_BLOCK);
        ks_sim_eval_block(worker);
        for (int o = 0; o < outputs; o++) {
            const double *values = ks_sim_output_lanes(worker, o);
            double invalid = moments[o].invalid;
            ks_output_add_block(&moments[o], &sketches[o], values, worker->n);
            if (moments[o].invalid != invalid)
                note_first_invalid(&firsts[o], values, worker->n, first + at);
        }
        if (run->result->output_values)
            keep_block(run, worker, first + at);
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
    ks_sketch *sketches; /* per output: this thread's counts             */
    int report; /* the calling thread: reports progress              */
    ks_sim_cpus cpus; /* a started thread: where it may run once running */
    int index;        /* 0: the calling thread                           */
    char pad_after[128];
} sim_thread;

static void *thread_main(void *ud)
{
    sim_thread *thread = ud;
    sim_run *run = thread->run;
    /* one CPU each for the round: the system would otherwise wake a
     * thread that waited on a lock on the CPU of the thread that woke
     * it, where the two may then share one CPU for many milliseconds */
    ks_sim_cpus round_cpus;
    ks_sim_pin_round(run->caller_cpu, thread->index, &round_cpus);
    for (;;) {
        if (atomic_load(&run->stop))
            break;
        int64_t chunk = atomic_fetch_add(&run->next_chunk, 1);
        if (chunk >= run->end_chunk)
            break;
        if (run_chunk(run, &thread->worker, thread->sketches, chunk) != 0)
            break;
        int64_t chunk_trials = run->plan->trials - chunk * KS_SIM_CHUNK;
        if (chunk_trials > KS_SIM_CHUNK)
            chunk_trials = KS_SIM_CHUNK;
        int64_t done = atomic_fetch_add(&run->done, chunk_trials) + chunk_trials;
        if (thread->report && run->progress &&
            run->progress(run->progress_data, done, run->plan->trials))
            atomic_store(&run->stop, 1);
    }
    ks_sim_thread_unpin(&round_cpus);
    return NULL;
}

/* A thread started for one round (on a CPU other than its starter's):
 * free to run anywhere, then chunks. */
static void *started_thread_main(void *ud)
{
    sim_thread *thread = ud;
    ks_sim_thread_unpin(&thread->cpus);
    return thread_main(ud);
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
    if (spec->stop) {
        const ks_sim_stop *stop = spec->stop;
        if (!stop->cell)
            return ks_error_set(err, KS_EINVAL, "simulate: stop: no cell");
        if (!(stop->rel > 0) || !isfinite(stop->rel))
            return ks_error_set(err, KS_EINVAL, "simulate: stop: rel must be "
                                "a number above 0, got %g", stop->rel);
        if (!(stop->confidence > 0 && stop->confidence < 1))
            return ks_error_set(err, KS_EINVAL, "simulate: stop: confidence "
                                "must be between 0 and 1, got %g",
                                stop->confidence);
        if (stop->stat.kind == KS_SIM_STAT_PERCENTILE &&
            !(stop->stat.q > 0 && stop->stat.q < 100))
            return ks_error_set(err, KS_EINVAL, "simulate: stop: the "
                                "percentile must be between 0 and 100, got "
                                "%g", stop->stat.q);
        if ((unsigned)stop->stat.kind > KS_SIM_STAT_PERCENTILE)
            return ks_error_set(err, KS_EINVAL, "simulate: stop: unknown "
                                "statistic");
    }
    return KS_OK;
}

/* ---- the result ------------------------------------------------------------- */

static void free_strings(const ks_allocator *alloc, char **strings, int count)
{
    for (int i = 0; strings && i < count; i++)
        ks_mem_free(alloc, strings[i]);
    ks_mem_free(alloc, strings);
}

static void free_arrays(const ks_allocator *alloc, double **arrays, int count)
{
    for (int i = 0; arrays && i < count; i++)
        ks_mem_free(alloc, arrays[i]);
    ks_mem_free(alloc, arrays);
}

void ks_sim_result_free(ks_sim_result *result)
{
    if (!result)
        return;
    const ks_allocator *alloc = &result->alloc;
    int outputs = result->output_count;
    free_strings(alloc, result->given, outputs);
    free_strings(alloc, result->names, outputs);
    free_strings(alloc, result->reasons, outputs);
    free_strings(alloc, result->draw_given, result->draw_count);
    free_strings(alloc, result->draw_names, result->draw_count);
    for (int o = 0; result->sketches && o < outputs; o++)
        ks_sketch_free(&result->sketches[o]);
    ks_mem_free(alloc, result->sketches);
    ks_mem_free(alloc, result->moments);
    free_arrays(alloc, result->output_values, outputs);
    free_arrays(alloc, result->draw_values, result->draw_count);
    free_arrays(alloc, result->sorted, outputs);
    ks_mem_free(alloc, result->sorted_count);
    ks_mem_free(alloc, result);
}

/* "id@PERIOD" of a cell as the model writes it, allocated. */
static char *cell_name(const sim_plan *plan, ks_model *model, int item,
                       int period)
{
    char name[512], period_id[16];
    snprintf(name, sizeof name, "%s@%s", plan->book->items[item].id,
             ks_period_id(model, period, period_id, sizeof period_id));
    return ks_mem_strdup(plan->alloc, name);
}

static int result_names(ks_sim_result *result, const sim_plan *plan,
                        ks_model *model, const ks_sim_spec *spec)
{
    const ks_allocator *alloc = plan->alloc;
    for (int o = 0; o < result->output_count; o++) {
        const sim_output *output = &plan->outputs[o];
        result->given[o] = ks_mem_strdup(alloc, spec->outputs[o]);
        result->names[o] = cell_name(plan, model, output->item, output->period);
        if (!result->given[o] || !result->names[o])
            return -1;
    }
    for (int d = 0; d < result->draw_count; d++) {
        const sim_draw *draw = &plan->draws[d];
        result->draw_given[d] = ks_mem_strdup(alloc, spec->draws[d].cell);
        result->draw_names[d] = cell_name(plan, model, draw->item, draw->period);
        if (!result->draw_given[d] || !result->draw_names[d])
            return -1;
    }
    return 0;
}

static ks_sim_result *result_new(const sim_plan *plan, ks_model *model,
                                 const ks_sim_spec *spec)
{
    const ks_allocator *alloc = plan->alloc;
    ks_sim_result *result = ks_mem_calloc(alloc, 1, sizeof *result);
    if (!result)
        return NULL;
    size_t outputs = (size_t)plan->output_count;
    size_t draws = (size_t)plan->draw_count;
    result->alloc = *alloc;
    result->alloc.interrupted = NULL; /* a result outlives the run's polls */
    result->trials = plan->trials;
    result->given = ks_mem_calloc(alloc, outputs, sizeof(char *));
    result->names = ks_mem_calloc(alloc, outputs, sizeof(char *));
    result->reasons = ks_mem_calloc(alloc, outputs, sizeof(char *));
    result->moments = ks_mem_calloc(alloc, outputs, sizeof *result->moments);
    result->sketches = ks_mem_calloc(alloc, outputs, sizeof *result->sketches);
    result->draw_given = ks_mem_calloc(alloc, draws + 1, sizeof(char *));
    result->draw_names = ks_mem_calloc(alloc, draws + 1, sizeof(char *));
    result->sorted = ks_mem_calloc(alloc, outputs, sizeof(double *));
    result->sorted_count = ks_mem_calloc(alloc, outputs, sizeof(int64_t));
    result->output_count = (int)outputs;
    result->draw_count = (int)draws;
    if (!result->given || !result->names || !result->reasons ||
        !result->moments || !result->sketches || !result->draw_given ||
        !result->draw_names || !result->sorted || !result->sorted_count ||
        result_names(result, plan, model, spec) != 0) {
        ks_sim_result_free(result);
        return NULL;
    }
    for (size_t o = 0; o < outputs; o++) {
        ks_moments_clear(&result->moments[o]);
        ks_sketch_init(&result->sketches[o], &result->alloc);
    }
    return result;
}

/* The arrays of the kept trials; KS_EINVAL beyond the bound. */
static ks_status keep_prepare(ks_sim_result *result, const sim_plan *plan,
                              ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    uint64_t cells = (uint64_t)plan->output_count + (uint64_t)plan->draw_count;
    uint64_t bytes = cells * (uint64_t)plan->trials * sizeof(double);
    if (bytes > KS_SIM_KEEP_BYTES_MAX || bytes / sizeof(double) / cells !=
                                             (uint64_t)plan->trials)
        return ks_error_set(err, KS_EINVAL,
                            "simulate: keep: %lld trials of %llu cells (%d "
                            "outputs, %d drawn) would take %.1f GB, 8 bytes "
                            "per trial per cell, more than the %.1f GB "
                            "allowed; keep fewer trials, or run without keep "
                            "(percentiles then come from the sketch)",
                            (long long)plan->trials,
                            (unsigned long long)cells, plan->output_count,
                            plan->draw_count, (double)bytes / 1e9,
                            (double)KS_SIM_KEEP_BYTES_MAX / 1e9);
    result->output_values = ks_mem_calloc(alloc, (size_t)plan->output_count,
                                          sizeof(double *));
    result->draw_values = ks_mem_calloc(alloc, (size_t)plan->draw_count + 1,
                                        sizeof(double *));
    int ok = result->output_values && result->draw_values;
    size_t size = (size_t)plan->trials * sizeof(double);
    for (int o = 0; ok && o < plan->output_count; o++)
        ok = (result->output_values[o] = ks_mem_alloc(alloc, size)) != NULL;
    for (int d = 0; ok && d < plan->draw_count; d++)
        ok = (result->draw_values[d] = ks_mem_alloc(alloc, size)) != NULL;
    if (!ok)
        return ks_error_set(err, KS_ENOMEM, "simulate: keep: out of memory "
                            "for %lld trials of %llu cells (%.1f GB)",
                            (long long)plan->trials,
                            (unsigned long long)cells, (double)bytes / 1e9);
    return KS_OK;
}

/* ---- threads ----------------------------------------------------------------- */

/* The sketches grow from the worker threads: through the model's
 * allocator, one thread at a time (an allocator need not be thread-safe). */
typedef struct locked_allocator {
    ks_allocator allocator;
    const ks_allocator *inner;
    pthread_mutex_t lock;
} locked_allocator;

static void *locked_realloc(void *user_data, void *block, size_t size)
{
    locked_allocator *locked = user_data;
    pthread_mutex_lock(&locked->lock);
    void *result = locked->inner->realloc_fn
                       ? locked->inner->realloc_fn(locked->inner->user_data,
                                                   block, size)
                       : ks_default_allocator()->realloc_fn(NULL, block, size);
    pthread_mutex_unlock(&locked->lock);
    return result;
}

static void workers_free(const ks_allocator *alloc, sim_thread *threads,
                         int count, int outputs)
{
    if (!threads)
        return;
    for (int t = 0; t < count; t++) {
        ks_sim_worker_free(alloc, &threads[t].worker);
        for (int o = 0; threads[t].sketches && o < outputs; o++)
            ks_sketch_free(&threads[t].sketches[o]);
        ks_mem_free(alloc, threads[t].sketches);
    }
    ks_mem_free(alloc, threads);
}

static sim_thread *workers_new(const sim_plan *plan, int count,
                               const ks_allocator *grow)
{
    const ks_allocator *alloc = plan->alloc;
    int outputs = plan->output_count;
    sim_thread *threads = ks_mem_calloc(alloc, (size_t)count, sizeof *threads);
    if (!threads)
        return NULL;
    for (int t = 0; t < count; t++) {
        threads[t].sketches = ks_mem_calloc(alloc, (size_t)outputs,
                                            sizeof *threads[t].sketches);
        if (ks_sim_worker_init(&threads[t].worker, plan) != 0 ||
            !threads[t].sketches) {
            workers_free(alloc, threads, count, outputs);
            return NULL;
        }
        for (int o = 0; o < outputs; o++)
            ks_sketch_init(&threads[t].sketches[o], grow);
    }
    return threads;
}

static void thread_task(void *context, int index)
{
    sim_thread *threads = context;
    thread_main(&threads[index]);
}

/* Run the round's chunks on `count` threads, the calling thread one: the
 * pool's parked threads when the run holds one, else threads started for
 * the round. */
static void run_round(sim_run *run, sim_thread *threads, int count,
                      ks_sim_pool *pool)
{
    atomic_store(&run->next_chunk, run->first_chunk);
    pthread_t ids[KS_SIM_THREADS_MAX];
    int started = 0;
    run->caller_cpu = count > 1 ? ks_sim_cpu() : -1;
    for (int t = 0; t < count; t++) {
        threads[t].run = run;
        threads[t].report = t == 0;
        threads[t].index = t;
    }
    if (pool) {
        ks_sim_pool_run(pool, thread_task, threads, count);
        return;
    }
    /* Workers start with every signal blocked (a thread inherits its
     * creator's mask), so the host's handlers (Ctrl-C, alarms) run on the
     * calling thread, never on a thread it does not know of. */
    sigset_t all_signals, caller_mask;
    sigfillset(&all_signals);
    pthread_sigmask(SIG_SETMASK, &all_signals, &caller_mask);
    for (int t = 1; t < count; t++) {
        if (ks_sim_thread_create(&ids[t], started_thread_main, &threads[t], t,
                                 &threads[t].cpus) != 0)
            break; /* the threads that started take its chunks */
        started = t;
    }
    pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);
    thread_main(&threads[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(ids[t], NULL);
}

/* The round's chunk statistics merged into the result, in chunk order. */
static void merge_round(const sim_run *run, ks_sim_result *result,
                        first_invalid *firsts)
{
    int outputs = run->plan->output_count;
    for (int64_t c = run->first_chunk; c < run->end_chunk; c++) {
        int64_t at = (c - run->first_chunk) * outputs;
        for (int o = 0; o < outputs; o++) {
            ks_moments_merge(&result->moments[o], &run->chunk_moments[at + o]);
            if (firsts[o].trial < 0)
                firsts[o] = run->chunk_firsts[at + o];
        }
    }
}

/* The threads' sketches merged into the result's (counts: any order).
 * At the end of the run the first thread's sketch becomes the result's
 * and the others are added to it: a merge into an empty sketch would
 * copy it whole (a tenth of a simulation's serial part).  Its blocks
 * came from the model's allocator (through the lock), as the result's
 * do. */
static int merge_sketches(ks_sim_result *result, sim_thread *threads,
                          int count, int last)
{
    for (int o = 0; o < result->output_count; o++) {
        ks_sketch *sketch = &result->sketches[o];
        ks_sketch_free(sketch);
        ks_sketch_init(sketch, &result->alloc);
        int t = 0;
        if (last) {
            if (threads[0].sketches[o].failed)
                return -1;
            const ks_allocator *grow = threads[0].sketches[o].alloc;
            *sketch = threads[0].sketches[o];
            sketch->alloc = &result->alloc;
            ks_sketch_init(&threads[0].sketches[o], grow);
            t = 1;
        }
        for (; t < count; t++)
            if (ks_sketch_merge(sketch, &threads[t].sketches[o]) != 0 ||
                threads[t].sketches[o].failed)
                return -1;
    }
    return 0;
}

/* Rounds with a stop rule: the first after 16 chunks, then each time the
 * chunks done grow by a quarter; without one, every chunk at once (in
 * rounds of at most ROUND_MAX chunks, which bound the per-chunk
 * statistics held). */
#define ROUND_FIRST 16
#define ROUND_MAX 4096

static int64_t round_end(int64_t done, int64_t chunk_count, int stopping)
{
    int64_t end;
    if (!stopping)
        end = done + ROUND_MAX;
    else if (done == 0)
        end = ROUND_FIRST;
    else
        end = done + (done / 4 > ROUND_FIRST ? done / 4 : ROUND_FIRST);
    end = end < done + ROUND_MAX ? end : done + ROUND_MAX;
    return end < chunk_count ? end : chunk_count;
}

typedef struct run_state {
    sim_run run;
    sim_thread *threads;
    int thread_count;
    ks_sim_pool *pool;         /* taken for this run, or NULL             */
    first_invalid *firsts;     /* per output over the whole run           */
    int stop_output;
} run_state;

static ks_status run_rounds(run_state *state, const ks_sim_spec *spec,
                            ks_error *err)
{
    sim_run *run = &state->run;
    const sim_plan *plan = run->plan;
    ks_sim_result *result = run->result;
    int64_t chunk_count = (plan->trials + KS_SIM_CHUNK - 1) / KS_SIM_CHUNK;
    int64_t done = 0;
    while (done < chunk_count) {
        run->first_chunk = done;
        run->end_chunk = round_end(done, chunk_count, spec->stop != NULL);
        run_round(run, state->threads, state->thread_count, state->pool);
        if (atomic_load(&run->interrupted))
            return ks_error_set(err, KS_EINTERRUPTED,
                                "interrupted while simulating (%lld of %lld "
                                "trials done)",
                                (long long)atomic_load(&run->done),
                                (long long)plan->trials);
        if (atomic_load(&run->stop))
            return ks_error_set(err, KS_EMISUSE, "simulate: cancelled after "
                                "%lld of %lld trials",
                                (long long)atomic_load(&run->done),
                                (long long)plan->trials);
        merge_round(run, result, state->firsts);
        done = run->end_chunk;
        result->trials = done * KS_SIM_CHUNK < plan->trials
                             ? done * KS_SIM_CHUNK : plan->trials;
        if (!spec->stop)
            continue;
        if (merge_sketches(result, state->threads, state->thread_count, 0) != 0)
            return ks_error_set(err, KS_ENOMEM, "simulate: out of memory for "
                                "the percentiles' sketches");
        if (ks_sim_stop_holds(result, state->stop_output, spec->stop)) {
            result->stop_held = 1;
            break;
        }
    }
    if (merge_sketches(result, state->threads, state->thread_count, 1) != 0)
        return ks_error_set(err, KS_ENOMEM, "simulate: out of memory for "
                            "the percentiles' sketches");
    return KS_OK;
}

/* Each output's reason for its first invalid trial. */
static ks_status note_reasons(ks_model *model, const sim_plan *plan,
                              ks_sim_result *result,
                              const first_invalid *firsts, ks_error *err)
{
    for (int o = 0; o < result->output_count; o++) {
        if (firsts[o].trial < 0)
            continue;
        result->reasons[o] = ks_sim_reason_text(model, plan, o,
                                                firsts[o].trial,
                                                firsts[o].value);
        if (!result->reasons[o])
            return ks_error_set(err, KS_ENOMEM, "simulate: out of memory");
    }
    return KS_OK;
}

static ks_status run_trials(ks_model *model, const sim_plan *plan,
                            const ks_sim_spec *spec, ks_sim_pool *pool,
                            ks_sim_result *result, ks_error *err)
{
    const ks_allocator *alloc = plan->alloc;
    int outputs = plan->output_count;
    int64_t chunk_count = (plan->trials + KS_SIM_CHUNK - 1) / KS_SIM_CHUNK;
    run_state state;
    memset(&state, 0, sizeof state);
    state.thread_count = spec->threads > 0 ? spec->threads : 1;
    if (state.thread_count > chunk_count)
        state.thread_count = (int)chunk_count;
    state.pool = pool;
    if (spec->stop) {
        state.stop_output = ks_sim_output_find(result, spec->stop->cell);
        if (state.stop_output < 0)
            return ks_error_set(err, KS_EINVAL, "simulate: stop: '%s' is not "
                                "one of the outputs", spec->stop->cell);
    }
    locked_allocator grow;
    grow.allocator = *alloc;
    grow.allocator.realloc_fn = locked_realloc;
    grow.allocator.user_data = &grow;
    grow.inner = alloc;
    pthread_mutex_init(&grow.lock, NULL);
    sim_run *run = &state.run;
    run->plan = plan;
    run->result = result;
    run->progress = spec->progress;
    run->progress_data = spec->progress_data;
    atomic_init(&run->next_chunk, 0);
    atomic_init(&run->done, 0);
    atomic_init(&run->stop, 0);
    atomic_init(&run->interrupted, 0);
    int64_t round_chunks = chunk_count < ROUND_MAX ? chunk_count : ROUND_MAX;
    size_t round_stats = (size_t)round_chunks * (size_t)outputs;
    run->chunk_moments = ks_mem_alloc(alloc, round_stats * sizeof(ks_moments));
    run->chunk_firsts = ks_mem_alloc(alloc, round_stats * sizeof(first_invalid));
    state.firsts = ks_mem_alloc(alloc, (size_t)outputs * sizeof *state.firsts);
    state.threads = workers_new(plan, state.thread_count, &grow.allocator);
    ks_status status = KS_OK;
    if (!run->chunk_moments || !run->chunk_firsts || !state.firsts ||
        !state.threads)
        status = ks_error_set(err, KS_ENOMEM,
                              "simulate: out of memory for %d threads",
                              state.thread_count);
    if (status == KS_OK && spec->keep)
        status = keep_prepare(result, plan, err);
    for (int o = 0; status == KS_OK && o < outputs; o++)
        state.firsts[o].trial = -1;
    if (status == KS_OK)
        status = run_rounds(&state, spec, err);
    if (status == KS_OK)
        status = note_reasons(model, plan, result, state.firsts, err);
    result->kept = status == KS_OK && spec->keep;
    ks_mem_free(alloc, run->chunk_moments);
    ks_mem_free(alloc, run->chunk_firsts);
    ks_mem_free(alloc, state.firsts);
    workers_free(alloc, state.threads, state.thread_count, outputs);
    pthread_mutex_destroy(&grow.lock);
    return status;
}

ks_status ks_simulate(ks_model *model, const ks_sim_spec *spec,
                      ks_sim_result **out, ks_error *err)
{
    *out = NULL;
    ks_status status = check_spec(spec, err);
    if (status != KS_OK)
        return status;
    /* Taken before planning: its threads wake while the run is planned. */
    int threads = spec->threads > 0 ? spec->threads : 1;
    ks_sim_pool *pool = threads > 1 && ks_sim_pool_take(spec->pool, threads)
                            ? spec->pool : NULL;
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
        status = run_trials(model, &plan, spec, pool, result, err);
    if (pool)
        ks_sim_pool_give_back(pool);
    ks_sim_plan_free(&plan);
    if (status != KS_OK) {
        ks_sim_result_free(result);
        return status;
    }
    *out = result;
    return KS_OK;
}
