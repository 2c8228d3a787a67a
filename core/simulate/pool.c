/*
 * pool.c -- a pool of worker threads for simulations (ks_sim_pool):
 * started once, parked on a condition variable between runs, nudged awake
 * as a run begins so that they spin while it is planned, handed the run's
 * tasks round by round (the caller spinning for their end before it
 * sleeps), and joined when the pool is freed.  Every spin yields its CPU
 * to any other thread that wants it (ours or another process's), so that
 * spinning keeps an idle CPU awake without holding off the work it waits
 * for.  Workers start on CPUs other than the caller's, and one that wakes
 * on the caller's CPU moves (thread_place.c).  No state outside the pool
 * object.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "base/alloc.h"
#include "simulate/simulate_internal.h"

/* How long a nudged or just-finished thread spins for the next task before
 * it parks again: more than planning a run takes (well under a
 * millisecond for the usual model), bounded so that an idle pool costs
 * nothing after that. */
#define POOL_SPIN_NS 5000000LL
/* Clock reads while spinning: one per this many polls. */
#define POOL_SPIN_POLLS 256
/* Polls with only a pause between them before a spin starts yielding
 * (a few microseconds: the usual wait for a thread that is running). */
#define POOL_SPIN_EAGER 64

typedef struct pool_thread {
    ks_sim_pool *pool;
    int index; /* its task: 1 .. the pool's threads - 1 */
    pthread_t id;
    ks_sim_cpus cpus; /* where it may run once started */
} pool_thread;

struct ks_sim_pool {
    ks_allocator alloc;
    int threads;              /* the caller's included                   */
    pool_thread *workers;     /* threads - 1                             */
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* the workers wait here for a task        */
    pthread_cond_t finished;  /* the caller waits here for its end       */
    /* under lock */
    uint64_t job;             /* the number of the last task posted      */
    uint64_t nudge;           /* the number of the last nudge            */
    ks_sim_pool_task task;
    void *context;
    int task_count;           /* indexes 0 .. task_count - 1 run         */
    /* read while spinning */
    atomic_int pending;       /* workers still in the job (changed under
                                 lock)                                   */
    atomic_ullong posted;     /* job, for spinning threads               */
    atomic_int shutdown;
    atomic_int taken;         /* a run holds the pool                    */
    atomic_int caller_cpu;    /* where the caller last ran, or -1        */
};

static long long pool_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* One poll's wait.  The first polls only pause; after them each yields
 * the CPU: a spinning thread that shares its CPU with the thread it waits
 * for (the machine busy with other work, or the virtual CPUs fewer than
 * they seem) would otherwise hold that thread off for a whole time slice,
 * milliseconds (measured: two threads slower than one at a load average
 * of 4 on 2 CPUs, the caller spinning 3-4 ms for a worker's last chunk
 * that could not run).  On an idle CPU the yield returns at once. */
static void pool_relax(int polls)
{
    if (polls > POOL_SPIN_EAGER) {
        sched_yield();
        return;
    }
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_ia32_pause();
#endif
}

/* Spin until a task after `seen` is posted, the pool shuts down or the
 * spin's time is up.  After a task the thread spins on even when the run
 * has given the pool back: the next run, or the pool's end (a script
 * that exits after its simulation), then finds it awake. */
static void pool_spin(ks_sim_pool *pool, uint64_t seen)
{
    long long until = pool_now_ns() + POOL_SPIN_NS;
    for (int polls = 1;; polls++) {
        if (atomic_load_explicit(&pool->posted, memory_order_acquire) != seen ||
            atomic_load_explicit(&pool->shutdown, memory_order_relaxed))
            return;
        if (polls % POOL_SPIN_POLLS == 0 && pool_now_ns() > until)
            return;
        pool_relax(polls);
    }
}

static void *pool_main(void *argument)
{
    pool_thread *self = argument;
    ks_sim_pool *pool = self->pool;
    uint64_t seen_job = 0, seen_nudge = 0;
    ks_sim_thread_unpin(&self->cpus);
    /* A pool is started just before it is needed (a script starts it,
     * then opens its model and simulates): the new thread spins first. */
    pool_spin(pool, seen_job);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!atomic_load(&pool->shutdown) && pool->job == seen_job &&
               pool->nudge == seen_nudge)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (atomic_load(&pool->shutdown))
            break;
        ks_sim_leave_cpu(atomic_load(&pool->caller_cpu), self->index);
        seen_nudge = pool->nudge;
        if (pool->job == seen_job) { /* nudged: a run is being planned */
            pthread_mutex_unlock(&pool->lock);
            pool_spin(pool, seen_job);
            pthread_mutex_lock(&pool->lock);
            continue;
        }
        seen_job = pool->job;
        if (self->index >= pool->task_count)
            continue; /* not in this task: not counted in pending */
        ks_sim_pool_task task = pool->task;
        void *context = pool->context;
        pthread_mutex_unlock(&pool->lock);
        task(context, self->index);
        pthread_mutex_lock(&pool->lock);
        if (atomic_fetch_sub(&pool->pending, 1) == 1)
            pthread_cond_signal(&pool->finished);
        /* the run may have another round */
        pthread_mutex_unlock(&pool->lock);
        pool_spin(pool, seen_job);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/* Ask the started threads to end and join them. */
static void pool_stop(ks_sim_pool *pool, int started)
{
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->shutdown, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int t = 0; t < started; t++)
        pthread_join(pool->workers[t].id, NULL);
}

/* Start the threads with every signal blocked (a thread inherits its
 * creator's mask), so the host's handlers run on its own thread; the
 * number started. */
static int pool_start(ks_sim_pool *pool)
{
    sigset_t all_signals, caller_mask;
    sigfillset(&all_signals);
    pthread_sigmask(SIG_SETMASK, &all_signals, &caller_mask);
    int started = 0;
    for (; started < pool->threads - 1; started++) {
        pool_thread *worker = &pool->workers[started];
        worker->pool = pool;
        worker->index = started + 1;
        if (ks_sim_thread_create(&worker->id, pool_main, worker,
                                 worker->index, &worker->cpus) != 0)
            break;
    }
    pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);
    return started;
}

ks_status ks_sim_pool_new(int threads, const ks_allocator *alloc,
                          ks_sim_pool **out, ks_error *err)
{
    *out = NULL;
    if (threads < 1 || threads > KS_SIM_THREADS_MAX)
        return ks_error_set(err, KS_EINVAL, "simulation pool: threads must "
                            "be from 1 to %d, got %d", KS_SIM_THREADS_MAX,
                            threads);
    if (!alloc)
        alloc = ks_default_allocator();
    ks_sim_pool *pool = ks_mem_calloc(alloc, 1, sizeof *pool);
    pool_thread *workers = ks_mem_calloc(alloc, (size_t)threads,
                                         sizeof *workers);
    if (!pool || !workers) {
        ks_mem_free(alloc, pool);
        ks_mem_free(alloc, workers);
        return ks_error_set(err, KS_ENOMEM, "simulation pool: out of memory "
                            "for %d threads", threads);
    }
    pool->alloc = *alloc;
    pool->alloc.interrupted = NULL;
    pool->threads = threads;
    pool->workers = workers;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->finished, NULL);
    atomic_init(&pool->posted, 0);
    atomic_init(&pool->shutdown, 0);
    atomic_init(&pool->taken, 0);
    atomic_init(&pool->pending, 0);
    atomic_init(&pool->caller_cpu, ks_sim_cpu());
    int started = pool_start(pool);
    if (started < threads - 1) {
        pool->threads = started + 1;
        ks_sim_pool_free(pool);
        return ks_error_set(err, KS_ENOMEM, "simulation pool: the system "
                            "started %d of %d threads", started + 1, threads);
    }
    *out = pool;
    return KS_OK;
}

void ks_sim_pool_free(ks_sim_pool *pool)
{
    if (!pool)
        return;
    pool_stop(pool, pool->threads - 1);
    pthread_cond_destroy(&pool->finished);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    ks_allocator alloc = pool->alloc;
    ks_mem_free(&alloc, pool->workers);
    ks_mem_free(&alloc, pool);
}

int ks_sim_pool_threads(const ks_sim_pool *pool)
{
    return pool ? pool->threads : 1;
}

int ks_sim_pool_take(ks_sim_pool *pool, int threads)
{
    if (!pool || threads > pool->threads)
        return 0;
    int free_pool = 0;
    if (!atomic_compare_exchange_strong(&pool->taken, &free_pool, 1))
        return 0;
    if (threads > 1) {
        atomic_store(&pool->caller_cpu, ks_sim_cpu());
        pthread_mutex_lock(&pool->lock);
        pool->nudge++;
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    return 1;
}

void ks_sim_pool_give_back(ks_sim_pool *pool)
{
    atomic_store(&pool->taken, 0);
}

void ks_sim_pool_run(ks_sim_pool *pool, ks_sim_pool_task task, void *context,
                     int count)
{
    if (count > 1) {
        atomic_store(&pool->caller_cpu, ks_sim_cpu());
        pthread_mutex_lock(&pool->lock);
        pool->task = task;
        pool->context = context;
        pool->task_count = count;
        atomic_store(&pool->pending, count - 1);
        pool->job++;
        atomic_store_explicit(&pool->posted, pool->job, memory_order_release);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    task(context, 0);
    if (count <= 1)
        return;
    /* The threads end their last chunks within a chunk's time of this
     * one: spin for them first, so that the caller's CPU does not go idle
     * and have to be woken again. */
    long long until = pool_now_ns() + POOL_SPIN_NS;
    for (int polls = 1; atomic_load(&pool->pending) > 0; polls++) {
        if (polls % POOL_SPIN_POLLS == 0 && pool_now_ns() > until)
            break;
        pool_relax(polls);
    }
    pthread_mutex_lock(&pool->lock);
    while (atomic_load(&pool->pending) > 0)
        pthread_cond_wait(&pool->finished, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}
