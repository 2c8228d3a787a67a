/*
 * host_grid_term.c -- the terminal while the grid holds it: curses on the
 * alternate screen, colours unless NO_COLOR is set or the terminal has
 * none, and the way back.  The terminal is given back as it was whatever
 * ends the grid: q, an error, Ctrl-C, SIGTERM or SIGHUP (a flag the key
 * loop reads: the handler itself touches nothing), at exit, and even a
 * fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT): its
 * handler puts the terminal's modes back and writes the strings that
 * leave the alternate screen and show the cursor (taken beforehand; only
 * async-signal-safe calls), then lets the signal do what it did before.
 */
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1

#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "host/host_grid.h"

/* last: its capability macros (columns, lines, tab, ...) would rename
 * what the headers above declare */
#include <term.h>

static volatile sig_atomic_t grid_stop_signal;
static int grid_term_active;
static SCREEN *grid_screen;
static struct sigaction grid_old_int, grid_old_term, grid_old_hup;

/* For a fatal signal: the terminal's modes before curses, and the bytes
 * that leave the alternate screen and show the cursor. */
static const int grid_fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                          SIGABRT, SIGQUIT };
#define GRID_FATAL_COUNT \
    (sizeof grid_fatal_signals / sizeof grid_fatal_signals[0])
static struct sigaction grid_old_fatal[GRID_FATAL_COUNT];
static struct termios grid_saved_modes;
static int grid_have_modes;
static char grid_restore_bytes[128];
static size_t grid_restore_length;

static void grid_on_fatal(int signal_number, siginfo_t *info, void *context)
{
    (void)context;
    if (grid_have_modes)
        tcsetattr(STDIN_FILENO, TCSANOW, &grid_saved_modes);
    if (grid_restore_length &&
        write(STDOUT_FILENO, grid_restore_bytes, grid_restore_length) < 0)
        grid_restore_length = 0;
    for (size_t i = 0; i < GRID_FATAL_COUNT; i++)
        if (grid_fatal_signals[i] == signal_number)
            sigaction(signal_number, &grid_old_fatal[i], NULL);
    /* a fault comes again when the handler returns, to the old action;
     * a signal sent is sent again */
    if (info->si_code <= 0)
        raise(signal_number);
}

/* The strings of the terminal's capabilities, to write from a handler. */
static void grid_take_restore_bytes(void)
{
    const char *names[] = { "rmcup", "cnorm", "sgr0" };
    grid_restore_length = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *text = tigetstr(names[i]);
        if (!text || text == (char *)-1)
            continue;
        size_t length = strlen(text);
        if (grid_restore_length + length >= sizeof grid_restore_bytes)
            break;
        memcpy(grid_restore_bytes + grid_restore_length, text, length);
        grid_restore_length += length;
    }
}

static void grid_take_fatal_signals(void)
{
    grid_have_modes = tcgetattr(STDIN_FILENO, &grid_saved_modes) == 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = grid_on_fatal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < GRID_FATAL_COUNT; i++)
        sigaction(grid_fatal_signals[i], &action, &grid_old_fatal[i]);
}

static void grid_give_fatal_signals(void)
{
    for (size_t i = 0; i < GRID_FATAL_COUNT; i++)
        sigaction(grid_fatal_signals[i], &grid_old_fatal[i], NULL);
}

static void grid_on_signal(int signal_number)
{
    grid_stop_signal = signal_number;
}

int grid_term_stopping(void)
{
    return grid_stop_signal != 0;
}

static void grid_take_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = grid_on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &grid_old_int);
    sigaction(SIGTERM, &action, &grid_old_term);
    sigaction(SIGHUP, &action, &grid_old_hup);
}

static void grid_give_signals(void)
{
    sigaction(SIGINT, &grid_old_int, NULL);
    sigaction(SIGTERM, &grid_old_term, NULL);
    sigaction(SIGHUP, &grid_old_hup, NULL);
}

/* Colour pairs: one per provenance, then the marks (host_grid_draw.c). */
static void grid_colours(void)
{
    start_color();
    use_default_colors();
    init_pair(1, -1, -1);             /* reported                        */
    init_pair(2, COLOR_CYAN, -1);     /* computed                        */
    init_pair(3, COLOR_YELLOW, -1);   /* implied                         */
    init_pair(4, COLOR_MAGENTA, -1);  /* overridden                      */
    init_pair(5, COLOR_RED, -1);      /* error                           */
    init_pair(6, COLOR_BLUE, -1);     /* missing                         */
    init_pair(7, COLOR_BLACK, COLOR_GREEN); /* changed by the last edit  */
    init_pair(8, COLOR_BLACK, COLOR_CYAN);  /* bars: tabs, header        */
}

int grid_term_begin(grid_sheet *g)
{
    /* CJK labels need a UTF-8 character type; try the usual one when the
     * environment names none */
    const char *ctype = setlocale(LC_CTYPE, "");
    if (!ctype || (!strstr(ctype, "UTF-8") && !strstr(ctype, "utf8")))
        setlocale(LC_CTYPE, "C.UTF-8");
    grid_take_signals();
    grid_take_fatal_signals();
    grid_screen = newterm(NULL, stdout, stdin);
    if (!grid_screen) {
        grid_give_fatal_signals();
        grid_give_signals();
        return -1;
    }
    /* a terminal that cannot move its cursor (TERM=dumb) cannot show a
     * sheet */
    const char *move_cursor = tigetstr("cup");
    if (!move_cursor || move_cursor == (char *)-1) {
        endwin();
        delscreen(grid_screen);
        grid_screen = NULL;
        grid_give_fatal_signals();
        grid_give_signals();
        return -1;
    }
    grid_take_restore_bytes();
    grid_term_active = 1;
    atexit(grid_term_end);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    timeout(200);
    curs_set(0);
    const char *no_color = getenv("NO_COLOR");
    g->color = has_colors() && !(no_color && *no_color);
    if (g->color)
        grid_colours();
    return 0;
}

void grid_term_end(void)
{
    if (!grid_term_active)
        return;
    grid_term_active = 0;
    curs_set(1);
    endwin();
    fflush(stdout);
    delscreen(grid_screen);
    grid_screen = NULL;
    grid_give_fatal_signals();
    grid_give_signals();
}
