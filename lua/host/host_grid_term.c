/*
 * host_grid_term.c -- the terminal while the grid holds it: curses on the
 * alternate screen, colours unless NO_COLOR is set or the terminal has
 * none, and the way back.  The terminal is given back as it was whatever
 * ends the grid: q, an error, Ctrl-C, SIGTERM or SIGHUP (a flag the key
 * loop reads: the handler itself touches nothing), and at exit.
 */
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1

#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_grid.h"

static volatile sig_atomic_t grid_stop_signal;
static int grid_term_active;
static SCREEN *grid_screen;
static struct sigaction grid_old_int, grid_old_term, grid_old_hup;

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
    grid_screen = newterm(NULL, stdout, stdin);
    if (!grid_screen) {
        grid_give_signals();
        return -1;
    }
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
    grid_give_signals();
}
