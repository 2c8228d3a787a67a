/*
 * thread_place.c -- where a simulation's worker threads run
 * (simulate_internal.h): started on a CPU other than their starter's,
 * then free to run on any CPU the process may use; moved off their
 * waker's CPU when they wake on it; kept to one CPU each while a round of
 * chunks runs.  On Linux through thread affinity; elsewhere nothing is
 * done.
 */
#if defined(__linux__)
#define _GNU_SOURCE /* sched_getcpu, affinity, cpu_set_t */
#else
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "simulate/simulate_internal.h"

#if defined(__linux__)
_Static_assert(sizeof(cpu_set_t) <= sizeof(((ks_sim_cpus *)0)->allowed),
               "ks_sim_cpus holds a cpu_set_t");

/* The CPUs the calling thread may use, when it may use `from` and at
 * least one other; 0 otherwise. */
static int other_cpus(int from, cpu_set_t *allowed)
{
    if (from < 0 || from >= CPU_SETSIZE)
        return 0;
    if (sched_getaffinity(0, sizeof *allowed, allowed) != 0)
        return 0;
    return CPU_ISSET(from, allowed) && CPU_COUNT(allowed) >= 2;
}

/* The index-th allowed CPU after `from`, round the allowed ones. */
static int cpu_after(const cpu_set_t *allowed, int from, int index)
{
    int cpu = from;
    for (int step = 0; step < index;) {
        cpu = (cpu + 1) % CPU_SETSIZE;
        if (cpu != from && CPU_ISSET(cpu, allowed))
            step++;
    }
    return cpu;
}

/* Where thread `index` of a run whose caller is on CPU `caller` goes: the
 * caller's CPU for index 0, else the index-th allowed CPU after it, as a
 * set of one in *one, the CPUs allowed in *allowed; 0 when the process may
 * use one CPU or the caller's is not known. */
static int placement(int caller, int index, cpu_set_t *allowed,
                     cpu_set_t *one)
{
    if (index < 0 || !other_cpus(caller, allowed))
        return 0;
    CPU_ZERO(one);
    CPU_SET(index == 0 ? caller : cpu_after(allowed, caller, index), one);
    return 1;
}
#endif

int ks_sim_cpu(void)
{
#if defined(__linux__)
    return sched_getcpu();
#else
    return -1;
#endif
}

int ks_sim_thread_create(pthread_t *id, void *(*start)(void *),
                         void *argument, int index, ks_sim_cpus *cpus)
{
    cpus->pinned = 0;
#if defined(__linux__)
    cpu_set_t allowed, one;
    if (index >= 1 && placement(sched_getcpu(), index, &allowed, &one)) {
        pthread_attr_t attributes;
        if (pthread_attr_init(&attributes) == 0) {
            int started = -1;
            memcpy(cpus->allowed, &allowed, sizeof allowed);
            cpus->pinned = 1;
            if (pthread_attr_setaffinity_np(&attributes, sizeof one, &one) == 0)
                started = pthread_create(id, &attributes, start, argument);
            pthread_attr_destroy(&attributes);
            if (started == 0)
                return 0;
            cpus->pinned = 0; /* refused: started as any thread below */
        }
    }
#else
    (void)index;
#endif
    return pthread_create(id, NULL, start, argument);
}

void ks_sim_thread_unpin(const ks_sim_cpus *cpus)
{
#if defined(__linux__)
    if (!cpus->pinned)
        return;
    cpu_set_t allowed;
    memcpy(&allowed, cpus->allowed, sizeof allowed);
    sched_setaffinity(0, sizeof allowed, &allowed);
#else
    (void)cpus;
#endif
}

void ks_sim_leave_cpu(int caller, int index)
{
    if (index < 1 || ks_sim_cpu() != caller)
        return;
    ks_sim_cpus cpus;
    ks_sim_pin_round(caller, index, &cpus);
    ks_sim_thread_unpin(&cpus);
}

void ks_sim_pin_round(int caller, int index, ks_sim_cpus *cpus)
{
    cpus->pinned = 0;
#if defined(__linux__)
    cpu_set_t allowed, one;
    if (!placement(caller, index, &allowed, &one))
        return;
    memcpy(cpus->allowed, &allowed, sizeof allowed);
    cpus->pinned = sched_setaffinity(0, sizeof one, &one) == 0;
#else
    (void)caller;
    (void)index;
#endif
}
