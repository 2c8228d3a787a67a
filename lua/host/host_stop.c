/*
 * host_stop.c -- stopping a script: the --timeout deadline and Ctrl-C.
 * Three layers, each for what the one before cannot reach:
 *  - Lua hooks.  With a timeout the main thread gets a count hook before
 *    the script starts, and every coroutine inherits it from the thread
 *    that creates it; Ctrl-C, and the watchdog at the deadline, set one
 *    on the main thread and on the running coroutine from a signal
 *    handler.  Once the script is stopped the hook raises, and from then
 *    on the running thread and the main thread raise at every
 *    instruction: no pcall loop, in any coroutine, swallows it.
 *  - The interrupt lent to the core (lk_host_interrupt): simulate, data
 *    tables, tornado, goal seek and opening values poll it and return
 *    KS_EINTERRUPTED; the poll also marks the call stopped, so the hooks
 *    above take over as soon as Lua runs again.
 *  - A watchdog thread: what neither reaches (a finalizer or a message
 *    handler, which Lua runs with hooks off; a long C function of Lua's
 *    own libraries) ends the process HOST_STOP_GRACE seconds after the
 *    stop, with a message and exit status 1.  It watches the closing of
 *    the state too: finalizers run within the script's time.  One thread
 *    serves every call and the closing: started at the first call, parked
 *    between calls, joined when the stop is freed (a thread started and
 *    joined per call cost each script's end a thread's start and a
 *    wait for it to wake and end).  Only a run with a timeout has one:
 *    without a deadline the one stop is Ctrl-C, whose handler sets a
 *    one-shot timer for the grace instead (SIGALRM ends the process if
 *    the call has not ended by then), so that most runs start and join
 *    no thread at all (0.4 ms of every run's end, and some of its
 *    start).
 * The poll is called from the core's worker threads: atomics and the
 * clock only.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "host/host.h"
#include "kessan/text.h"

#define HOST_HOOK_COUNT 1000
#define HOST_STOP_GRACE 0.5        /* seconds the layers above get        */
#define HOST_CLOSE_GRACE 0.25      /* closing after the time is up        */
#define HOST_WATCHDOG_TICK_NS 10000000L

struct host_stop {
    double timeout;                /* seconds, 0: none                    */
    lk_host_interrupt interrupt;   /* polls this stop                     */
    lua_State *L;                  /* the main thread, during a call      */
    lua_State *volatile running;   /* the coroutine a guarded call runs   */
    atomic_int reason;             /* host_stop_reason                    */
    atomic_llong deadline_ns;      /* monotonic, 0: none                  */
    atomic_int watching;           /* the watchdog runs while 1           */
    long long last_deadline_ns;    /* the last call's, for closing        */
    long long grace_ns;            /* from the stop to the end            */
    pthread_t caller;              /* the thread that runs Lua            */
    pthread_t watchdog;
    int has_watchdog;
    pthread_mutex_t tick_lock;     /* the watchdog's tick waits on ...    */
    pthread_cond_t tick_end;       /* ... this, so the end need not wait
                                      for the tick; it parks on it too    */
    /* under tick_lock */
    unsigned long armed;           /* calls armed so far                  */
    int parked;                    /* the watchdog waits for a call       */
    int quit;                      /* the watchdog ends                   */
    struct sigaction old_int, old_alarm;
    char ended_timeout[160];       /* written by the watchdog at the end  */
};

/* The stop a signal handler acts on: handlers can reach nothing else. */
static host_stop *volatile host_signal_stop;

static long long host_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Record why the call stops, unless it already stopped for another. */
static void host_stop_mark(host_stop *stop, host_stop_reason reason)
{
    int none = HOST_STOP_NONE;
    atomic_compare_exchange_strong(&stop->reason, &none, (int)reason);
}

/* Whether the call is stopped; marks a passed deadline. */
static int host_stop_poll(host_stop *stop)
{
    if (atomic_load(&stop->reason) != HOST_STOP_NONE)
        return 1;
    long long deadline = atomic_load(&stop->deadline_ns);
    if (deadline == 0 || host_now_ns() < deadline)
        return 0;
    host_stop_mark(stop, HOST_STOP_TIMEOUT);
    return 1;
}

static int host_stop_interrupted(void *user_data)
{
    return host_stop_poll(user_data);
}

void host_stop_describe(host_stop *stop, char *buf, size_t size)
{
    if (atomic_load(&stop->reason) == HOST_STOP_INTERRUPT)
        snprintf(buf, size, "interrupted!");
    else
        ks_snprintf_c(buf, size, "timeout: the script ran longer than %.14g s",
                      stop->timeout);
}

/* ---- the hook ---------------------------------------------------------- */

static void host_hook(lua_State *L, lua_Debug *ar)
{
    host_stop *stop = host_stop_of(L);
    if (!host_stop_poll(stop))
        return;
    /* From now on every instruction raises, here and in the main thread
     * (where a pcall loop that resumes this coroutine runs). */
    lua_sethook(L, host_hook, LUA_MASKCOUNT, 1);
    if (stop->L && stop->L != L)
        lua_sethook(stop->L, host_hook, LUA_MASKCOUNT, 1);
    char what[128];
    host_stop_describe(stop, what, sizeof what);
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline,
                        what);
    else
        lua_pushstring(L, what);
    lua_error(L);
}

/* ---- coroutines -------------------------------------------------------------
 * A coroutine copies the hook of the thread that creates it, count and
 * all, so after the stop a thread still counting to its next check could
 * keep creating coroutines that each run up to that count: nested in
 * pcall loops, the cost multiplies level by level.  coroutine.create,
 * resume and wrap (and the functions wrap returns) are guarded: once the
 * call is stopped, the calling thread and the thread it resumes raise at
 * their next instruction, and the caller again when the resumed one
 * returns.  The guards also keep the coroutine running now, which Ctrl-C
 * sets its hook on (without a timeout no thread has one before).
 */

static void host_stop_spread(lua_State *L, lua_State *resumed)
{
    if (!host_stop_poll(host_stop_of(L)))
        return;
    lua_sethook(L, host_hook, LUA_MASKCOUNT, 1);
    if (resumed)
        lua_sethook(resumed, host_hook, LUA_MASKCOUNT, 1);
}

/* Call upvalue 1 with the arguments, after the spread.  While it runs,
 * `resumed` is the coroutine Ctrl-C sets its hook on (with the main
 * thread's); the call is protected so that the one before is put back
 * whatever happens, and its error raised again. */
static int host_call_guarded(lua_State *L, lua_State *resumed)
{
    host_stop *stop = host_stop_of(L);
    host_stop_spread(L, resumed);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_State *outer = stop->running;
    if (resumed)
        stop->running = resumed;
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    stop->running = outer;
    host_stop_spread(L, NULL); /* stopped meanwhile: this thread too */
    if (status != LUA_OK)
        return lua_error(L);
    return lua_gettop(L);
}

/* A function coroutine.wrap returned: upvalue 1 is Lua's, whose own
 * upvalue 1 is the coroutine. */
static int host_guarded(lua_State *L)
{
    lua_State *coroutine = NULL;
    if (lua_getupvalue(L, lua_upvalueindex(1), 1) != NULL) {
        coroutine = lua_tothread(L, -1);
        lua_pop(L, 1);
    }
    return host_call_guarded(L, coroutine);
}

/* The arguments are checked here, so that a bad one is named as the
 * library names it ("bad argument #1 to 'coroutine.resume'"). */
static int host_guarded_resume(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTHREAD);
    return host_call_guarded(L, lua_tothread(L, 1));
}

static int host_guarded_create(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    return host_call_guarded(L, NULL);
}

static int host_guarded_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    host_call_guarded(L, NULL);
    lua_settop(L, 1);
    lua_pushcclosure(L, host_guarded, 1);
    return 1;
}

int host_stop_guard_coroutines(lua_State *L)
{
    if (lua_getglobal(L, "coroutine") != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    static const luaL_Reg guarded[] = {{"create", host_guarded_create},
                                       {"resume", host_guarded_resume},
                                       {"wrap", host_guarded_wrap},
                                       {NULL, NULL}};
    for (int i = 0; guarded[i].name; i++) {
        lua_getfield(L, -1, guarded[i].name);
        lua_pushcclosure(L, guarded[i].func, 1);
        lua_setfield(L, -2, guarded[i].name);
    }
    lua_pop(L, 1);
    return 0;
}

/* ---- signals ------------------------------------------------------------ */

/* Ctrl-C: stop the call; a second Ctrl-C ends the process (as lua.c). */
static void host_end_process(host_stop *stop);

/* The backstop of a stop without a watchdog: SIGALRM after `after_ns`
 * (0: cancelled).  setitimer is a plain system call on Linux, safe in a
 * signal handler as alarm() is, with the grace's resolution. */
static void host_backstop_timer(long long after_ns)
{
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    timer.it_value.tv_sec = (time_t)(after_ns / 1000000000LL);
    timer.it_value.tv_usec = (suseconds_t)(after_ns % 1000000000LL / 1000);
    setitimer(ITIMER_REAL, &timer, NULL);
}

static void host_on_interrupt(int signal_number)
{
    host_stop *stop = host_signal_stop;
    signal(signal_number, SIG_DFL);
    if (!stop)
        return;
    host_stop_mark(stop, HOST_STOP_INTERRUPT);
    if (!stop->has_watchdog)
        host_backstop_timer(stop->grace_ns);
    int mask = LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT;
    if (stop->L)
        lua_sethook(stop->L, host_hook, mask, 1);
    lua_State *running = stop->running;
    if (running)
        lua_sethook(running, host_hook, mask, 1);
}

/* The watchdog's nudge at the deadline: the main thread checks at its
 * next instruction instead of its next thousandth. */
static void host_on_alarm(int signal_number)
{
    (void)signal_number;
    host_stop *stop = host_signal_stop;
    if (stop && !stop->has_watchdog &&
        atomic_load(&stop->reason) == HOST_STOP_INTERRUPT)
        host_end_process(stop); /* the backstop timer: the grace is over */
    if (!stop || !stop->L)
        return;
    lua_sethook(stop->L, host_hook, LUA_MASKCOUNT, 1);
    lua_State *running = stop->running;
    if (running)
        lua_sethook(running, host_hook, LUA_MASKCOUNT, 1);
}

static void host_handle(int signal_number, void (*handler)(int),
                        struct sigaction *old)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, old);
}

/* ---- the watchdog ------------------------------------------------------ */

static void host_write_all(const char *text)
{
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t written = write(STDERR_FILENO, text, left);
        if (written <= 0)
            return;
        text += written;
        left -= (size_t)written;
    }
}

static void host_end_process(host_stop *stop)
{
    if (atomic_load(&stop->reason) == HOST_STOP_INTERRUPT)
        host_write_all(HOST_PROGNAME ": interrupted! (the script did not "
                       "stop: ended)\n");
    else
        host_write_all(stop->ended_timeout);
    _exit(HOST_EXIT_FAILURE);
}

/* Wait, holding tick_lock, until the watching of call `armed` ends, the
 * stop is freed or one tick has passed. */
static void host_watchdog_tick(host_stop *stop, unsigned long armed)
{
    long long until = host_now_ns() + HOST_WATCHDOG_TICK_NS;
    struct timespec at = {(time_t)(until / 1000000000LL),
                          (long)(until % 1000000000LL)};
    if (atomic_load(&stop->watching) && stop->armed == armed && !stop->quit)
        pthread_cond_timedwait(&stop->tick_end, &stop->tick_lock, &at);
}

/* The watchdog acts only under tick_lock and only while the call it was
 * armed for is watched: host_stop_end, which takes the lock to end the
 * watching, can then put the signal handlers back at once.  The end does
 * not wake it: it notices at the end of its tick and parks, and a call
 * armed before then is watched from that tick on (so the end of a call
 * and the closing after it cost no wake-ups, only the stop's end). */
static void *host_watchdog(void *data)
{
    host_stop *stop = data;
    unsigned long armed = 0;
    int nudged = 0;
    long long stopped_at = 0;
    pthread_mutex_lock(&stop->tick_lock);
    for (;;) {
        stop->parked = 1;
        while (!stop->quit && !atomic_load(&stop->watching))
            pthread_cond_wait(&stop->tick_end, &stop->tick_lock);
        stop->parked = 0;
        if (stop->quit)
            break;
        if (armed != stop->armed) { /* a new call: watched afresh */
            armed = stop->armed;
            nudged = 0;
            stopped_at = 0;
        }
        host_watchdog_tick(stop, armed);
        if (stop->quit || !atomic_load(&stop->watching) || armed != stop->armed)
            continue;
        long long now = host_now_ns();
        if (!nudged && host_stop_poll(stop)) {
            nudged = 1;
            pthread_kill(stop->caller, SIGALRM);
        }
        if (atomic_load(&stop->reason) == HOST_STOP_NONE)
            continue;
        if (stopped_at == 0)
            stopped_at = now;
        else if (now - stopped_at >= stop->grace_ns)
            host_end_process(stop);
    }
    pthread_mutex_unlock(&stop->tick_lock);
    return NULL;
}

/* Start the watchdog if it is not running yet; 0 when it runs. */
static int host_watchdog_start(host_stop *stop)
{
    if (stop->has_watchdog)
        return 0;
    /* the signals are the caller's: the watchdog is born blocking them */
    sigset_t blocked, before;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &blocked, &before);
    stop->has_watchdog =
        pthread_create(&stop->watchdog, NULL, host_watchdog, stop) == 0;
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    return stop->has_watchdog ? 0 : -1;
}

/* ---- the life of a stop ------------------------------------------------- */

host_stop *host_stop_new(double timeout)
{
    host_stop *stop = calloc(1, sizeof *stop);
    if (!stop)
        return NULL;
    stop->timeout = timeout;
    stop->interrupt.interrupted = host_stop_interrupted;
    stop->interrupt.user_data = stop;
    atomic_init(&stop->reason, HOST_STOP_NONE);
    atomic_init(&stop->deadline_ns, 0);
    atomic_init(&stop->watching, 0);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_mutex_init(&stop->tick_lock, NULL);
    pthread_cond_init(&stop->tick_end, &monotonic);
    pthread_condattr_destroy(&monotonic);
    snprintf(stop->ended_timeout, sizeof stop->ended_timeout,
             HOST_PROGNAME ": timeout: the script ran longer than %.14g s "
             "and did not stop: ended\n", timeout);
    return stop;
}

void host_stop_free(host_stop *stop)
{
    if (!stop)
        return;
    if (stop->has_watchdog) {
        pthread_mutex_lock(&stop->tick_lock);
        stop->quit = 1;
        pthread_mutex_unlock(&stop->tick_lock);
        pthread_cond_broadcast(&stop->tick_end);
        pthread_join(stop->watchdog, NULL);
    }
    pthread_cond_destroy(&stop->tick_end);
    pthread_mutex_destroy(&stop->tick_lock);
    free(stop);
}

const lk_host_interrupt *host_stop_interrupt(host_stop *stop)
{
    return &stop->interrupt;
}

host_stop_reason host_stop_why(host_stop *stop)
{
    return (host_stop_reason)atomic_load(&stop->reason);
}

/* Arm the stop for a call of L (NULL: closing) until `deadline` (0:
 * none): the Ctrl-C and alarm handlers, the watchdog. */
static int host_stop_arm(host_stop *stop, lua_State *L, long long deadline,
                         double grace)
{
    stop->L = L;
    stop->running = NULL;
    stop->grace_ns = (long long)(grace * 1e9);
    stop->caller = pthread_self();
    atomic_store(&stop->reason, HOST_STOP_NONE);
    atomic_store(&stop->deadline_ns, deadline);
    host_signal_stop = stop;
    host_handle(SIGALRM, host_on_alarm, &stop->old_alarm);
    host_handle(SIGINT, host_on_interrupt, &stop->old_int);
    pthread_mutex_lock(&stop->tick_lock);
    stop->armed++;
    atomic_store(&stop->watching, 1);
    int parked = stop->parked;
    pthread_mutex_unlock(&stop->tick_lock);
    if (parked)
        pthread_cond_broadcast(&stop->tick_end);
    if (deadline == 0 || host_watchdog_start(stop) == 0)
        return 0; /* without a timeout, Ctrl-C's timer is the backstop */
    host_stop_end(stop, L);
    return -1;
}

int host_stop_begin(host_stop *stop, lua_State *L)
{
    long long deadline = 0;
    if (stop->timeout > 0) {
        deadline = host_now_ns() + (long long)(stop->timeout * 1e9);
        lua_sethook(L, host_hook, LUA_MASKCOUNT, HOST_HOOK_COUNT);
    }
    stop->last_deadline_ns = deadline;
    return host_stop_arm(stop, L, deadline, HOST_STOP_GRACE);
}

int host_stop_begin_close(host_stop *stop)
{
    /* after a timeout the call may already have had its grace: the
     * rest of the run's timeout + 1 s goes to closing */
    long long deadline = stop->last_deadline_ns;
    if (deadline == 0 || deadline >= host_now_ns())
        return host_stop_arm(stop, NULL, deadline, HOST_STOP_GRACE);
    return host_stop_arm(stop, NULL, host_now_ns(), HOST_CLOSE_GRACE);
}

void host_stop_end(host_stop *stop, lua_State *L)
{
    /* once the lock is let go the watchdog sees the end before it acts */
    pthread_mutex_lock(&stop->tick_lock);
    atomic_store(&stop->watching, 0);
    pthread_mutex_unlock(&stop->tick_lock);
    if (!stop->has_watchdog)
        host_backstop_timer(0); /* before SIGALRM's handler goes */
    sigaction(SIGINT, &stop->old_int, NULL);
    sigaction(SIGALRM, &stop->old_alarm, NULL);
    host_signal_stop = NULL;
    stop->running = NULL;
    atomic_store(&stop->deadline_ns, 0);
    if (L)
        lua_sethook(L, NULL, 0, 0);
    stop->L = NULL;
}
